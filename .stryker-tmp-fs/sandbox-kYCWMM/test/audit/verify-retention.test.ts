// @ts-nocheck
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validate as hyperjump } from '@hyperjump/json-schema/draft-2020-12';
import { describe, expect, it } from 'vitest';
import { writeBag } from '../../src/bundle/bag-writer.js';
import { retentionSchemaFiles, retentionSchemaMap } from '../../src/bundle/retention-schemas.js';
import { readSchema } from '../../src/bundle/schemas.js';
import { TABLES } from '../../src/domain/model/tables.js';
import { run, runOk, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

const ARCHIVE_ID = '0b7d1a52-9f4e-4c55-8a0e-2f6d3c1b9a77';

/** every count the header schema requires, zero unless given */
function allCounts(counts: Record<string, number>): Record<string, number> {
  const keys = Object.keys((readSchema('retention') as { properties: { counts: { properties: object } } }).properties.counts.properties);
  return { ...Object.fromEntries(keys.map((k) => [k, 0])), ...counts };
}

function header(counts: Record<string, number>, version: string, files: string[]) {
  return {
    format: 'officeport-retention',
    format_version: version,
    archive_id: ARCHIVE_ID,
    bundle_id: 'b-1',
    session_id: 'b-1',
    accept_id: 'a-1',
    tagmanifest_sha256: 'a'.repeat(64),
    receipt_sha256: 'b'.repeat(64),
    created_at: '2026-01-01T00:00:00Z',
    tool_version: '0.1.0',
    source: { installation_id: 'i', installation_name: 'n', office_id: 'O', office_name: 'O', user_id: 'U', username: 'u' },
    counts: allCounts(counts),
    removed: { travelled: {}, not_travelled: { leads: counts.leads ?? 0 }, detached: {}, documents: 0 },
    ...(version === '1.0' ? {} : { schemas: retentionSchemaMap(files) }),
  };
}

async function archive(
  lines: string[],
  counts: Record<string, number>,
  extra: { path: string; lines: string[] }[] = [],
  opts: { version?: string; schemas?: { path: string; content: Buffer }[] } = {},
): Promise<string> {
  const out = path.join(tmpDir(), 'retention.zip');
  const version = opts.version ?? '2.0';
  const files = ['data/records/leads.ndjson', ...extra.map((e) => e.path)];
  const schemas = opts.schemas ?? (version === '1.0' ? [] : retentionSchemaFiles());
  await writeBag({
    outFile: out,
    rootName: 'officeport-retention-b-1',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    bagInfo: { 'External-Identifier': ARCHIVE_ID },
    payload: [
      { path: 'data/records/leads.ndjson', source: () => lines.map((l) => l + '\n') },
      ...extra.map((e) => ({ path: e.path, source: () => e.lines.map((l) => l + '\n') })),
    ],
    tagFiles: () => [{ path: 'officeport.json', content: JSON.stringify(header(counts, version, files)) }, ...schemas],
  });
  return out;
}

const lead = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'L-1', office_id: 'O', contact_id: 'C-1', source: 'web', status: 'open', created_at: '2025-01-01T10:00:00Z', ...over });

describe('retention archive', () => {
  it('M2: the retention archive of a real finalize verifies like a bundle', () => {
    const dir = tmpDir();
    const src = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const tgt = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const zip = path.join(dir, 'move.zip');
    const receipt = path.join(dir, 'receipt.json');
    const arch = path.join(dir, 'retention.zip');
    const ok = (r: { code: number; stderr: string }) => expect(r.code, r.stderr).toBe(0);
    ok(
      run([
        'export',
        '--db',
        src,
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
      ]),
    );
    ok(run(['import', zip, '--db', tgt, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]));
    ok(run(['finalize', '--yes', receipt, '--db', src, '--office', 'North Agency', '--user', 'alice', '--archive', arch]));
    const v = run(['verify', arch, '--json']);
    expect(v.code, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, kind: 'retention' });
  });

  it('M2: an archived row that breaks the office data layout is named with file, line and pointer', async () => {
    const good = await archive([lead()], { leads: 1, documents_files: 0 });
    expect(run(['verify', good]).code).toBe(0);
    const bad = await archive([lead(), lead({ id: 'L-2', created_at: '31/12/1980' })], { leads: 2, documents_files: 0 });
    const r = run(['verify', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('data/records/leads.ndjson:2 /created_at: expected text matching');
  });

  it('M2: counts that disagree with the archived rows are refused', async () => {
    const bad = await archive([lead()], { leads: 3, documents_files: 0 });
    const r = run(['verify', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\/counts\/leads: says 3, but the archive holds 1/);
  });

  it('L3: the rowids of archived rows verify: one positive integer per row, as many as the rows', async () => {
    const rowids = (lines: string[]) => [{ path: 'data/records/rowids_leads.ndjson', lines }];
    const good = await archive([lead()], { leads: 1, rowids_leads: 1, documents_files: 0 }, rowids(['7']));
    expect(run(['verify', good]).code).toBe(0);
    const short = await archive([lead(), lead({ id: 'L-2' })], { leads: 2, rowids_leads: 1, documents_files: 0 }, rowids(['7']));
    const r = run(['verify', short]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/rowids_leads.ndjson: holds 1 rowids for 2 rows of leads.ndjson/);
    const notInt = await archive([lead()], { leads: 1, rowids_leads: 1, documents_files: 0 }, rowids(['"7"']));
    const n = run(['verify', notInt]);
    expect(n.code).toBe(1);
    expect(n.stdout).toMatch(/rowids_leads.ndjson:1: expected a row id/);
  });

  it('M2: a retention archive is not a bundle: import refuses it and changes nothing', async () => {
    const dir = tmpDir();
    const tgt = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const good = await archive([lead()], { leads: 1, documents_files: 0 });
    const r = run(['import', good, '--db', tgt, '--office', 'Springfield Agency', '--user', 'dana']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/retention archive written by finalize, not a bundle/);
  });
});

describe('retention archive schemas', () => {
  it("B11: the retention archive's rows validate with a second validator and only the schemas the archive carries", async () => {
    const dir = tmpDir();
    const src = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const tgt = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const zip = path.join(dir, 'move.zip');
    const receipt = path.join(dir, 'receipt.json');
    const arch = path.join(dir, 'retention.zip');
    runOk(
      ['export', '--db', src, '--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield', '--to-office', 'Springfield Agency'].concat([
        '--to-user',
        'dana',
        '--out',
        zip,
      ]),
    );
    runOk(['import', zip, '--db', tgt, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
    runOk(['finalize', '--yes', receipt, '--db', src, '--office', 'North Agency', '--user', 'alice', '--archive', arch]);
    const out = tmpDir('officeport-archive-');
    expect(spawnSync('unzip', ['-q', arch, '-d', out]).status).toBe(0);
    const bag = path.join(out, fs.readdirSync(out)[0]!);
    const h = JSON.parse(fs.readFileSync(path.join(bag, 'officeport.json'), 'utf8')) as { format_version: string; schemas: Record<string, string> };
    expect(h.format_version).toBe('2.0');
    const url = (f: string) => pathToFileURL(path.join(bag, h.schemas[f]!)).href;
    expect((await hyperjump(url('officeport.json'), h as never)).valid).toBe(true);
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'tagmanifest-sha256.txt'], { cwd: bag }).status).toBe(0);
    const files = fs.readdirSync(path.join(bag, 'data/records'));
    let n = 0;
    for (const f of files) {
      expect(h.schemas[`data/records/${f}`], f).toMatch(/^schemas\/[a-z_]+\.schema\.json$/);
      for (const line of fs
        .readFileSync(path.join(bag, 'data/records', f), 'utf8')
        .split('\n')
        .filter(Boolean)) {
        expect((await hyperjump(url(`data/records/${f}`), JSON.parse(line) as never)).valid, `${f}: ${line}`).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
    // the carried schemas are strict: a row with a column too many, or without one, is refused
    const contacts = fs.readFileSync(path.join(bag, 'data/records/travelled_contacts.ndjson'), 'utf8').split('\n')[0]!;
    const row = JSON.parse(contacts) as Record<string, unknown>;
    expect((await hyperjump(url('data/records/travelled_contacts.ndjson'), { ...row, extra: 'x' } as never)).valid).toBe(false);
    const { office_id: _o, ...noOffice } = row;
    expect((await hyperjump(url('data/records/travelled_contacts.ndjson'), noOffice as never)).valid).toBe(false);
    expect((await hyperjump(url('data/records/travelled_contacts.ndjson'), { ...row, kind: 'individual', last_name: null } as never)).valid).toBe(true);
  });

  it('B11: verify checks every archived row against the schemas the archive carries: a string over its maxLength is refused', async () => {
    const contact = (first: string) =>
      JSON.stringify({
        ...Object.fromEntries(TABLES.contacts.columns.map((c) => [c.name, null])),
        id: 'C-1',
        office_id: 'O',
        kind: 'individual',
        last_name: 'L',
        first_name: first,
      });
    const file = 'data/records/travelled_contacts.ndjson';
    const ok = await archive([lead()], { leads: 1, travelled_contacts: 1, documents_files: 0 }, [{ path: file, lines: [contact('Ann')] }]);
    expect(run(['verify', ok]).code).toBe(0);
    const long = await archive([lead()], { leads: 1, travelled_contacts: 1, documents_files: 0 }, [{ path: file, lines: [contact('x'.repeat(501))] }]);
    const r = run(['verify', long]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('travelled_contacts.ndjson:1 /first_name: longer than 500 characters (501)');
  });

  it('B11: an archive whose carried schema was loosened, or that lacks one, is refused', async () => {
    const loose = retentionSchemaFiles().map((f) =>
      f.path === 'schemas/leads.schema.json'
        ? { path: f.path, content: Buffer.from(f.content.toString().replace('"additionalProperties": false', '"additionalProperties": true')) }
        : f,
    );
    const r = run(['verify', await archive([lead({ extra: 1 })], { leads: 1, documents_files: 0 }, [], { schemas: loose })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('schemas/leads.schema.json: differs from the schema this officeport makes for retention archives of format 2.0');
    const missing = retentionSchemaFiles().filter((f) => f.path !== 'schemas/leads.schema.json');
    const m = run(['verify', await archive([lead()], { leads: 1, documents_files: 0 }, [], { schemas: missing })]);
    expect(m.code).toBe(1);
    expect(m.stdout).toContain('schemas/leads.schema.json: missing');
  });

  it('B11: counts are closed and required: an unknown count or a missing one is refused by the header schema', async () => {
    const schema = readSchema('retention') as {
      properties: { counts: { required: string[]; additionalProperties: boolean }; removed: { properties: Record<string, { additionalProperties: boolean }> } };
    };
    expect(schema.properties.counts.additionalProperties).toBe(false);
    expect(schema.properties.counts.required).toContain('leads');
    for (const k of ['travelled', 'not_travelled', 'detached']) expect(schema.properties.removed.properties[k]!.additionalProperties, k).toBe(false);
    const r = run(['verify', await archive([lead()], { leads: 1, documents_files: 0, surprise: 3 })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('officeport.json /counts/surprise: unexpected field');
  });

  it('B11: an archive of format 1.0 (no schemas carried) still verifies against the layout', async () => {
    const old = await archive([lead()], { leads: 1, documents_files: 0 }, [], { version: '1.0' });
    const r = run(['verify', old]);
    expect(r.code, r.stdout).toBe(0);
    const bad = await archive([lead({ created_at: '31/12/1980' })], { leads: 1, documents_files: 0 }, [], { version: '1.0' });
    expect(run(['verify', bad]).stdout).toContain('data/records/leads.ndjson:1 /created_at: expected an ISO 8601 timestamp');
  });
});
