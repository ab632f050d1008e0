import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBag } from '../../src/bundle/bag-writer.js';
import { run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

const ARCHIVE_ID = '0b7d1a52-9f4e-4c55-8a0e-2f6d3c1b9a77';

function header(counts: Record<string, number>) {
  return {
    format: 'officeport-retention',
    format_version: '1.0',
    archive_id: ARCHIVE_ID,
    bundle_id: 'b-1',
    session_id: 'b-1',
    accept_id: 'a-1',
    tagmanifest_sha256: 'a'.repeat(64),
    receipt_sha256: 'b'.repeat(64),
    created_at: '2026-01-01T00:00:00Z',
    tool_version: '0.1.0',
    source: { installation_id: 'i', installation_name: 'n', office_id: 'O', office_name: 'O', user_id: 'U', username: 'u' },
    counts,
    removed: { travelled: {}, not_travelled: { leads: counts.leads ?? 0 }, detached: {}, documents: 0 },
  };
}

async function archive(lines: string[], counts: Record<string, number>, extra: { path: string; lines: string[] }[] = []): Promise<string> {
  const out = path.join(tmpDir(), 'retention.zip');
  await writeBag({
    outFile: out,
    rootName: 'officeport-retention-b-1',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    bagInfo: { 'External-Identifier': ARCHIVE_ID },
    payload: [
      { path: 'data/records/leads.ndjson', source: () => lines.map((l) => l + '\n') },
      ...extra.map((e) => ({ path: e.path, source: () => e.lines.map((l) => l + '\n') })),
    ],
    tagFiles: () => [{ path: 'officeport.json', content: JSON.stringify(header(counts)) }],
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
    expect(r.stdout).toContain('data/records/leads.ndjson:2 /created_at: expected an ISO 8601 timestamp');
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
