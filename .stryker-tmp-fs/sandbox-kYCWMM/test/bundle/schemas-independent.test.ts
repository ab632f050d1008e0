// @ts-nocheck
// B3, B9: every record file validates against its JSON Schema with a second,
// independent validator (@hyperjump/json-schema), using only the schemas the
// bag carries: the bag is unzipped to a temporary folder and each schema is
// read from there through its file: URL (its relative $id resolves against
// it). Nothing here reads the repository's schemas/ folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validate } from '@hyperjump/json-schema/draft-2020-12';
import { describe, expect, it } from 'vitest';
import { ROOT, run, runOk, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';
import { bagOf, editLine, goldenParts, type Parts } from './verify-kit.js';

const SAMPLE_EXPORT = ['--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana'];

function unzipBag(zip: string): string {
  const dir = tmpDir('officeport-bag-');
  expect(spawnSync('unzip', ['-q', zip, '-d', dir]).status).toBe(0);
  return path.join(dir, fs.readdirSync(dir)[0]!);
}

function exportSampleBag(): string {
  const dir = tmpDir();
  const db = loadInstallation(path.join(SAMPLES, 'source'), dir);
  const zip = path.join(dir, 'move.zip');
  runOk(['export', '--db', db, ...SAMPLE_EXPORT, '--out', zip]);
  return unzipBag(zip);
}

/** The schema the bag names for `file` (officeport.json's `schemas`), as a file: URL inside the bag. */
function schemaUrl(bag: string, file: string): string {
  const header = JSON.parse(fs.readFileSync(path.join(bag, 'officeport.json'), 'utf8')) as { schemas: Record<string, string> };
  const rel = header.schemas[file];
  expect(rel, `officeport.json names the schema of ${file}`).toBeDefined();
  return pathToFileURL(path.join(bag, rel!)).href;
}

/** Validates the header and every line of every record file with hyperjump and the bag's own schemas; returns the lines checked. */
async function validateBagAlone(bag: string): Promise<number> {
  const header = JSON.parse(fs.readFileSync(path.join(bag, 'officeport.json'), 'utf8')) as never;
  expect((await validate(schemaUrl(bag, 'officeport.json'), header)).valid).toBe(true);
  // every schema is a tag file: sha256sum -c of the tag manifest covers it
  const tagmanifest = fs.readFileSync(path.join(bag, 'tagmanifest-sha256.txt'), 'utf8');
  for (const f of fs.readdirSync(path.join(bag, 'schemas'))) expect(tagmanifest).toContain(`  schemas/${f}\n`);
  expect(spawnSync('sha256sum', ['-c', '--quiet', 'tagmanifest-sha256.txt'], { cwd: bag }).status).toBe(0);
  let n = 0;
  for (const f of fs.readdirSync(path.join(bag, 'data', 'records'))) {
    const url = schemaUrl(bag, `data/records/${f}`);
    for (const line of fs
      .readFileSync(path.join(bag, 'data', 'records', f), 'utf8')
      .split('\n')
      .filter(Boolean)) {
      const out = await validate(url, JSON.parse(line) as never);
      expect(out.valid, `${f}: ${line}`).toBe(true);
      n++;
    }
  }
  return n;
}

describe('schemas, independently, from the bag alone', () => {
  it('B3, B9: every record of the sample bundle and its header validate with a second validator and only the schemas the bag carries', async () => {
    const bag = exportSampleBag();
    expect(await validateBagAlone(bag)).toBeGreaterThan(50);
  });

  it("B9: a generated 2,000-contact installation's bundle validates with only the schemas the bag carries", async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'g.db');
    runOk(['generate', path.join(dir, 'gen'), '--contacts', '2000', '--seed', '5']);
    runOk(['init', '--db', db]);
    runOk(['load', path.join(dir, 'gen'), '--db', db]);
    const zip = path.join(dir, 'g.zip');
    runOk(['export', '--db', db, '--office', 'Agency 1', '--user', 'exporter', '--to-office', 'Agency 2', '--to-user', 'importer', '--all', '--out', zip]);
    expect(await validateBagAlone(unzipBag(zip))).toBeGreaterThan(2000);
  }, 120_000);

  it('B3, B9: the second validator rejects what the carried schemas forbid (an extra field, a missing ref, a nameless individual or business, a long string)', async () => {
    const bag = exportSampleBag();
    const url = schemaUrl(bag, 'data/records/contacts.ndjson');
    const lines = fs
      .readFileSync(path.join(bag, 'data', 'records', 'contacts.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    const ok = async (v: unknown) => (await validate(url, v as never)).valid;
    expect(await ok(rec)).toBe(true);
    expect(await ok({ ...rec, primary_advisor: 'contact/C-1' })).toBe(false);
    const { ref: _ref, ...noRef } = rec;
    expect(await ok(noRef)).toBe(false);
    expect(await ok({ ref: 'contact/X', kind: 'individual', first_name: 'Ann' })).toBe(false);
    expect(await ok({ ref: 'contact/X', kind: 'individual', last_name: 'Alpha' })).toBe(true);
    expect(await ok({ ref: 'contact/X', kind: 'business', last_name: 'Alpha' })).toBe(false);
    expect(await ok({ ref: 'contact/X', kind: 'business', business_name: 'Biz' })).toBe(true);
    expect(await ok({ ref: 'contact/X', kind: 'business', business_name: 'B'.repeat(501) })).toBe(false);
    const stubs = schemaUrl(bag, 'data/records/stubs.ndjson');
    expect((await validate(stubs, { ref: 'contact/X', kind: 'individual' } as never)).valid).toBe(false);
    expect((await validate(stubs, { ref: 'contact/X', kind: 'business' } as never)).valid).toBe(false);
  });
});

const C = 'data/records/contacts.ndjson';
const S = 'data/records/stubs.ndjson';

async function verifyParts(edit: (p: Parts) => void): Promise<{ code: number; out: string }> {
  const parts = goldenParts();
  edit(parts);
  const r = run(['verify', await bagOf(parts)]);
  return { code: r.code, out: r.stdout + r.stderr };
}

describe('verify: strict schemas carried in the bundle', () => {
  it('B9: a bundle as exported verifies against the schemas it carries, and says so', async () => {
    const r = await verifyParts(() => undefined);
    expect(r.out).toContain('format 2.0: checked against the schemas the bundle carries');
    expect(r.out.match(/format 2\.0: checked against/g), 'said once').toHaveLength(1);
    expect(r.code).toBe(0);
  });

  it('B9: a nameless individual and a nameless business (record or stub) are refused by verify', async () => {
    const r = await verifyParts((p) => {
      editLine(p, C, 1, (c) => ({ ref: c.ref, kind: 'individual', first_name: 'Ann' }));
      editLine(p, C, 3, (c) => ({ ref: c.ref, kind: 'business', tax_id: '12-3456789' }));
      editLine(p, S, 1, (c) => ({ ref: c.ref, kind: 'individual', first_name: 'Cy' }));
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('data/records/contacts.ndjson:1 /last_name: required field is missing');
    expect(r.out).toContain('data/records/contacts.ndjson:3 /business_name: required field is missing');
    expect(r.out).toContain('data/records/stubs.ndjson:1 /last_name: required field is missing');
    expect(r.out).not.toContain('"then"');
  });

  it('B9: a string over its maxLength and a property the schema does not know are refused', async () => {
    const r = await verifyParts((p) => {
      editLine(p, C, 1, (c) => ({ ...c, city: 'x'.repeat(501) }));
      editLine(p, C, 2, (c) => ({ ...c, nickname: 'Bobby' }));
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('data/records/contacts.ndjson:1 /city: longer than 500 characters (501)');
    expect(r.out).toContain('data/records/contacts.ndjson:2 /nickname: unexpected field (not in the schema)');
  });

  it('B9: a bundle whose carried schema was loosened is refused, even when its records pass the loosened schema', async () => {
    const r = await verifyParts((p) => {
      const file = 'schemas/contacts.schema.json';
      const s = JSON.parse(p.schemas.get(file)!.toString('utf8')) as { allOf?: unknown; properties: { city: { maxLength: number } } };
      delete s.allOf;
      s.properties.city.maxLength = 100000;
      p.schemas.set(file, Buffer.from(JSON.stringify(s, null, 2) + '\n'));
      editLine(p, C, 1, (c) => ({ ...c, city: 'x'.repeat(600) }));
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('schemas/contacts.schema.json: differs from the schema this officeport ships for format 2.0');
    expect(r.out).toContain('/city: longer than 500 characters');
  });

  it('B9: a bundle of the current format without its schemas, or with one schema missing, is refused', async () => {
    const r = await verifyParts((p) => p.schemas.delete('schemas/stubs.schema.json'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('schemas/stubs.schema.json: missing: a bundle of format 2.0 carries the schema of data/records/stubs.ndjson');
  });
});

describe('bundles of format 1.0 (no schemas carried)', () => {
  // test/fixtures/bundles/format-1.0-move-to-springfield.zip: written by officeport before B9 (format 1.0), the
  // samples' "Move to Springfield" with a fixed bundle id and time
  const OLD = path.join(ROOT, 'test/fixtures/bundles/format-1.0-move-to-springfield.zip');

  it('B9: a bundle of format 1.0 still verifies, checked against the schemas of this officeport, and says so', () => {
    const r = run(['verify', OLD]);
    expect(r.stdout).toContain('format 1.0: checked against the schemas of this officeport');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const json = JSON.parse(run(['verify', OLD, '--json']).stdout) as { valid: boolean; schemas: unknown };
    expect(json.schemas).toEqual({ from: 'officeport', format_version: '1.0' });
  });

  it('B9: a bundle of format 1.0 still imports', () => {
    const dir = tmpDir();
    const db = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const r = run(['import', OLD, '--db', db, '--office', 'Springfield Agency', '--user', 'dana']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/contact/);
  });

  it('B9: a bundle of format 1.0 is checked against the strict schemas of this officeport: a nameless individual is refused', async () => {
    const r = await verifyParts((p) => {
      p.header.format_version = '1.0';
      delete p.header.schemas;
      p.schemas.clear();
      editLine(p, C, 1, (c) => ({ ref: c.ref, kind: 'individual', first_name: 'Ann' }));
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('format 1.0: checked against the schemas of this officeport');
    expect(r.out).toContain('data/records/contacts.ndjson:1 /last_name: required field is missing');
  });
});
