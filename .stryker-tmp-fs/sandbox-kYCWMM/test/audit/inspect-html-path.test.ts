// @ts-nocheck
// inspect --html says where it wrote the report (V3), in text and in --json.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';
import { exportWith, loadedDb } from '../fixtures/export/kit.js';

let zip: string;

beforeAll(() => {
  const r = exportWith(loadedDb(), []);
  expect(r.code, r.stderr).toBe(0);
  zip = r.out;
});

describe('inspect --html', () => {
  it('V3: inspect --html prints the path of the report it wrote', () => {
    const dir = tmpDir();
    const r = run(['inspect', zip, '--html', 'audit.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(fs.realpathSync(dir), 'audit.html');
    expect(fs.existsSync(file)).toBe(true);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`audit report written to ${file}`);
  });

  it('V3: inspect --html --json holds the path of the report it wrote; without --html, none', () => {
    const dir = tmpDir();
    const r = run(['inspect', zip, '--html', 'audit.html', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).html_report).toBe(path.join(fs.realpathSync(dir), 'audit.html'));
    const plain = run(['inspect', zip, '--json']);
    expect(JSON.parse(plain.stdout).html_report).toBeUndefined();
  });
});
