// B3: every record file validates against its JSON Schema with a second,
// independent validator (@hyperjump/json-schema), not only with ajv.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { registerSchema, validate } from '@hyperjump/json-schema/draft-2020-12';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

const SCHEMAS = path.join(ROOT, 'schemas');
const ids = new Map<string, string>();

beforeAll(() => {
  for (const f of fs.readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'))) {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, f), 'utf8')) as { $id: string };
    registerSchema(schema as never);
    ids.set(f.replace(/\.schema\.json$/, ''), schema.$id);
  }
});

function exportSampleBag(): string {
  const dir = tmpDir();
  const db = loadInstallation(path.join(SAMPLES, 'source'), dir);
  const zip = path.join(dir, 'move.zip');
  const r = run([
    'export',
    '--db',
    db,
    '--office',
    'North Agency',
    '--user',
    'alice',
    '--set',
    'Move to Springfield',
    '--to-office',
    'Springfield Agency',
    '--to-user',
    'dana',
    '--out',
    zip,
  ]);
  expect(r.code, r.stderr).toBe(0);
  expect(spawnSync('unzip', ['-q', zip, '-d', dir]).status).toBe(0);
  return path.join(
    dir,
    fs.readdirSync(dir).find((f) => f.startsWith('officeport-bundle-'))!,
  );
}

describe('schemas, independently', () => {
  it('B3: every record of the sample bundle and its header validate with a second JSON Schema validator', async () => {
    const bag = exportSampleBag();
    const header = JSON.parse(fs.readFileSync(path.join(bag, 'officeport.json'), 'utf8'));
    expect((await validate(ids.get('officeport')!, header)).valid).toBe(true);
    const files = fs.readdirSync(path.join(bag, 'data', 'records'));
    expect(files.length).toBeGreaterThan(10);
    let n = 0;
    for (const f of files) {
      const type = f.replace(/\.ndjson$/, '');
      expect(ids.has(type), `a schema for ${type}`).toBe(true);
      for (const line of fs
        .readFileSync(path.join(bag, 'data', 'records', f), 'utf8')
        .split('\n')
        .filter(Boolean)) {
        const out = await validate(ids.get(type)!, JSON.parse(line) as never);
        expect(out.valid, `${f}: ${line}`).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
  });

  it('B3: the second validator rejects what the schemas forbid (an extra field, a missing ref)', async () => {
    const bag = exportSampleBag();
    const line = fs.readFileSync(path.join(bag, 'data', 'records', 'contacts.ndjson'), 'utf8').split('\n')[0]!;
    const rec = JSON.parse(line) as Record<string, unknown>;
    expect((await validate(ids.get('contacts')!, { ...rec, primary_advisor: 'contact/C-1' } as never)).valid).toBe(false);
    const { ref: _ref, ...noRef } = rec;
    expect((await validate(ids.get('contacts')!, noRef as never)).valid).toBe(false);
  });
});
