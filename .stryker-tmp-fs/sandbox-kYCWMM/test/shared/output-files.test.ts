// @ts-nocheck
// L1: no output option replaces an existing file unless --force, and nothing
// ever writes over an installation file. Runs the real binary on the samples.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishFile, tempBeside } from '../../src/shared/output-file.js';
import { run, tmpDir } from '../helpers/cli.js';
import { loadInstallation, SAMPLES } from '../helpers/installation.js';

const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const EXPORT = ['--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana'];

function ok(args: string[]): string {
  const r = run(args);
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} -> ${r.code}\n${r.stderr}`);
  return r.stdout;
}

/** A file the user holds at an output path: refused, named, left as it was. */
function expectRefused(args: string[], file: string): void {
  const before = sha(file);
  const r = run(args);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toMatch(/already exists; it was not replaced/);
  expect(r.stderr).toMatch(/--force/);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(sha(file)).toBe(before);
}

describe('L1: output files', () => {
  let dir: string;
  let source: string;
  let target: string;
  let bundle: string;
  let receipt: string;

  beforeAll(() => {
    dir = tmpDir('officeport-l1-');
    source = loadInstallation(path.join(SAMPLES, 'source'), dir);
    target = loadInstallation(path.join(SAMPLES, 'target'), dir);
    bundle = path.join(dir, 'move.zip');
    ok(['export', '--db', source, ...EXPORT, '--out', bundle]);
    receipt = path.join(dir, 'receipt.json');
    ok(['import', bundle, '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
  });

  it('L1: export --out source.db is refused; source.db is intact and still an installation', () => {
    const before = sha(source);
    const r = run(['export', '--db', source, ...EXPORT, '--out', source]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${source} is the installation this command runs on`);
    expect(sha(source)).toBe(before);
    const again = run(['list', 'offices', '--db', source]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/North Agency/);
  });

  it('L1: even with --force nothing writes over an installation: the current one, another one, or its -wal', () => {
    for (const out of [source, target, `${target}-wal`, `${source}-shm`]) {
      const existed = fs.existsSync(out);
      const before = existed ? sha(out) : '';
      const r = run(['export', '--db', source, ...EXPORT, '--out', out, '--force']);
      expect(r.code, out).toBe(1);
      expect(r.stderr).toMatch(/not even with --force/);
      expect(existed ? sha(out) : fs.existsSync(out)).toBe(existed ? before : false);
    }
    // inspect --html and convert, which need no installation, still refuse a SQLite file
    const html = run(['inspect', bundle, '--html', target, '--force']);
    expect(html.code).toBe(1);
    expect(html.stderr).toMatch(/is a SQLite database/);
    expect(run(['list', 'offices', '--db', target]).code).toBe(0);
  });

  it('L1: every output option refuses an existing file, before any work, unless --force', () => {
    const mine = path.join(dir, 'mine.txt');
    fs.writeFileSync(mine, 'a file the user keeps\n');
    const target2 = loadInstallation(path.join(SAMPLES, 'target'), tmpDir());
    expectRefused(['export', '--db', source, ...EXPORT, '--out', mine], mine);
    expectRefused(['import', bundle, '--db', target2, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', mine], mine);
    expectRefused(['import', bundle, '--db', target2, '--office', 'Springfield Agency', '--user', 'dana', '--dry-run', '--plan-out', mine], mine);
    expectRefused(['finalize', receipt, '--db', source, '--office', 'North Agency', '--user', 'alice', '--archive', mine], mine);
    expectRefused(['realign', 'plan', '--db', source, '--office', 'North Agency', '--out', mine], mine);
    expectRefused(['convert', bundle, '--to', 'xml', '--out', mine], mine);
    expectRefused(['inspect', bundle, '--html', mine], mine);
    expectRefused(['report', 'carriers-products', '--db', source, '--office', 'North Agency', '--format', 'csv', '--out', mine], mine);
    // nothing happened before the refusal: the import did not run, finalize removed nothing
    expect(run(['inbox', 'list', '--db', target2, '--office', 'Springfield Agency', '--user', 'dana', '--json']).stdout).not.toMatch(/IN-/);
    // with --force the file is replaced
    const r = run(['convert', bundle, '--to', 'xml', '--out', mine, '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(mine, 'utf8')).toMatch(/^<\?xml/);
    const e = run(['export', '--db', source, ...EXPORT, '--out', mine, '--force']);
    expect(e.code, e.stderr).toBe(0);
    expect(fs.readFileSync(mine).subarray(0, 2).toString()).toBe('PK');
  });

  it('L1: a file that appears at the path while the command runs is not replaced', () => {
    const d = tmpDir();
    const dest = path.join(d, 'out.zip');
    const tmp = tempBeside(dest);
    fs.writeFileSync(tmp, 'new');
    fs.writeFileSync(dest, 'appeared meanwhile');
    expect(() => publishFile(tmp, dest)).toThrow(/appeared while the command ran; it was not replaced/);
    expect(fs.readFileSync(dest, 'utf8')).toBe('appeared meanwhile');
    publishFile(tmp, dest, { force: true });
    expect(fs.readFileSync(dest, 'utf8')).toBe('new');
    expect(fs.readdirSync(d)).toEqual(['out.zip']);
  });
});
