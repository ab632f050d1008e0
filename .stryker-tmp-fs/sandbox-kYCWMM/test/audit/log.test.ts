// @ts-nocheck
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, runOk, tmpDir } from '../helpers/cli.js';

// A two-office installation whose ledger and transfer log are written the way
// export, import, finalize and undo write them.
function makeInstallation(): string {
  const dir = tmpDir('officeport-log-');
  const csv = path.join(dir, 'csv');
  fs.mkdirSync(csv);
  fs.writeFileSync(path.join(csv, 'installation.csv'), 'id,name\nINST-1,Log test\n');
  fs.writeFileSync(
    path.join(csv, 'offices.csv'),
    'id,name,parent_id,kind,region\nO-R,Resource,,resource,US\nO-1,Main Street,O-R,agency,US\nO-2,Harbor,O-R,agency,US\n',
  );
  fs.writeFileSync(
    path.join(csv, 'users.csv'),
    'id,office_id,username,full_name,rights\nU-1,O-1,alice,Alice A,data_export;export_contacts_to_office\nU-2,O-2,bob,Bob B,data_import\n',
  );
  const db = path.join(dir, 'log.db');
  const r = run(['load', csv, '--db', db]);
  if (r.code !== 0) throw new Error(r.stderr);
  const sql = new Database(db);
  sql
    .prepare(
      `INSERT INTO export_ledger (bundle_id, session_id, office_id, user_id, target_office, target_user, created_at,
         tagmanifest_sha256, file, counts, finalized_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    )
    .run(
      'B-1',
      'S-1',
      'O-1',
      'U-1',
      'Harbor',
      'bob',
      '2025-04-01T09:30:00Z',
      'ab'.repeat(32),
      'b1.zip',
      JSON.stringify({ contacts: 3, policies: 2, stubs: 0 }),
      '2025-04-03T08:00:00Z',
    );
  sql
    .prepare(
      `INSERT INTO export_ledger (bundle_id, session_id, office_id, user_id, target_office, target_user, created_at,
         tagmanifest_sha256, file, counts, finalized_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    )
    .run('B-2', 'S-1', 'O-1', 'U-1', 'Harbor', 'bob', '2025-04-02T10:00:00Z', 'cd'.repeat(32), 'b2.zip', JSON.stringify({ contacts: 1 }), null);
  const log = sql.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary, receipt) VALUES (?,?,?,?,?,?,?)`);
  // an export also logged in the transfer log: must appear once
  log.run('2025-04-01T09:30:00Z', 'export', 'B-1', 'O-1', 'U-1', 'exported 3 contacts', null);
  log.run(
    '2025-04-01T12:00:00Z',
    'import',
    'B-1',
    'O-2',
    'U-2',
    JSON.stringify({ created: 2, merged: 1 }),
    JSON.stringify({ bundle_id: 'B-1', records: [{ ref: 'contact/C-1', outcome: 'created' }] }),
  );
  log.run('2025-04-03T08:00:00Z', 'finalize', 'B-1', 'O-1', 'U-1', 'removed 3 contacts', null);
  log.run(
    '2025-04-02T11:00:00Z',
    'undo',
    'B-2',
    'O-2',
    'U-2',
    'not json',
    JSON.stringify({ records: [{ outcome: 'created' }, { outcome: 'created' }, { outcome: 'merged' }] }),
  );
  sql.close();
  return db;
}

describe('officeport log', () => {
  let db: string;
  beforeAll(() => {
    db = makeInstallation();
  });

  it('I10: lists exports, imports, finalizes and undos in time order, each export once', () => {
    const r = run(['log', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { entries } = JSON.parse(r.stdout) as { entries: { at: string; action: string; bundle_id: string }[] };
    expect(entries.map((e) => `${e.action}:${e.bundle_id}`)).toEqual(['export:B-1', 'import:B-1', 'export:B-2', 'undo:B-2', 'finalize:B-1']);
    const times = entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('X11: an export shows its office, user, target, record counts and finalization', () => {
    const r = run(['log', '--db', db, '--json', '--bundle', 'B-1']);
    const { entries } = JSON.parse(r.stdout) as { entries: Record<string, unknown>[] };
    const exp = entries.find((e) => e.action === 'export')!;
    expect(exp).toMatchObject({
      office_name: 'Main Street',
      username: 'alice',
      target: { office: 'Harbor', user: 'bob' },
      counts: { contacts: 3, policies: 2 },
      finalized_at: '2025-04-03T08:00:00Z',
    });
    const imp = entries.find((e) => e.action === 'import')!;
    expect(imp).toMatchObject({ office_name: 'Harbor', username: 'bob', counts: { created: 2, merged: 1 } });
  });

  it('I10: counts outcomes from the receipt when the summary is plain text', () => {
    const r = run(['log', '--db', db, '--json', '--bundle', 'B-2']);
    const { entries } = JSON.parse(r.stdout) as { entries: Record<string, unknown>[] };
    const undo = entries.find((e) => e.action === 'undo')!;
    expect(undo).toMatchObject({ counts: { created: 2, merged: 1 }, summary: 'not json' });
  });

  it('I10: --office by name keeps only that office, and the text view is a table', () => {
    const r = run(['log', '--db', db, '--office', 'Harbor']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^time\s+action\s+bundle\s+office\s+user/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[1])).toEqual(['import', 'undo']);
    expect(r.stdout).toContain('created 2, merged 1');
    expect(r.stdout).not.toContain('Main Street');
  });

  it('I10: a finalize logged in whole seconds comes after an import of the same second logged before it', () => {
    const sql = new Database(db);
    const log = sql.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary, receipt) VALUES (?,?,?,?,?,?,?)`);
    log.run('2025-05-01T12:00:00.500Z', 'import', 'B-3', 'O-2', 'U-2', 'imported', null);
    log.run('2025-05-01T12:00:00Z', 'finalize', 'B-3', 'O-1', 'U-1', 'removed', null);
    sql.close();
    const r = run(['log', '--db', db, '--json', '--bundle', 'B-3']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { entries: { action: string }[] }).entries.map((e) => e.action)).toEqual(['import', 'finalize']);
  });

  it('C4: an unknown office is refused with a hint, exit 1', () => {
    const r = run(['log', '--db', db, '--office', 'Nowhere']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no office "Nowhere"');
    expect(r.stderr).toContain('hint:');
  });
});

describe('officeport log after a real move', () => {
  it('I10: log lists export, import and finalize inside one installation in time order, each time to the millisecond', () => {
    const dir = tmpDir('officeport-log-move-');
    const db = path.join(dir, 'office.db');
    runOk(['load', path.join(ROOT, 'samples/source'), '--db', db]);
    const bundle = path.join(dir, 'inside.zip');
    const receipt = path.join(dir, 'receipt.json');
    runOk([
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
      'South Agency',
      '--to-user',
      'bob',
      '--out',
      bundle,
    ]);
    runOk(['import', bundle, '--db', db, '--office', 'South Agency', '--user', 'bob', '--receipt', receipt]);
    runOk(['finalize', receipt, '--db', db, '--office', 'North Agency', '--user', 'alice', '--yes']);
    const { entries } = JSON.parse(runOk(['log', '--db', db, '--json'])) as { entries: { at: string; action: string; finalized_at: string | null }[] };
    expect(entries.map((e) => e.action)).toEqual(['export', 'import', 'finalize']);
    for (const e of entries) expect(e.at, e.action).toMatch(/T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(entries[0]!.finalized_at).toMatch(/\.\d{3}Z$/);
    const times = entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  }, 60_000);

  it('I10: export, import and finalize appear in both installations with bundle id, users and counts', async () => {
    const { exportHostile, loadTarget, BUNDLE_ID } = await import('./audit-fixture.js');
    const ex = exportHostile();
    const target = loadTarget(ex.dir);
    const receipt = path.join(ex.dir, 'receipt.json');
    const imp = run(['import', ex.bundle, '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
    expect(imp.code, imp.stderr).toBe(0);
    const fin = run(['finalize', '--yes', receipt, '--db', ex.db, '--office', 'North Agency', '--user', 'alice']);
    expect(fin.code, fin.stderr).toBe(0);

    const src = JSON.parse(run(['log', '--db', ex.db, '--json']).stdout) as { entries: Record<string, unknown>[] };
    expect(src.entries.map((e) => e.action)).toEqual(['export', 'finalize']);
    expect(src.entries[0]).toMatchObject({
      bundle_id: BUNDLE_ID,
      office_name: 'North Agency',
      username: 'alice',
      target: { office: 'Springfield Agency', user: 'dana' },
      counts: { contacts: 7 },
    });
    expect(src.entries[0]!.finalized_at).toEqual(expect.any(String));
    // the export's time is when it ran, not the --created-at of the bundle
    expect(Date.parse(src.entries[0]!.at as string)).toBeGreaterThan(Date.parse('2025-04-01T09:30:00Z'));

    const tgt = JSON.parse(run(['log', '--db', target, '--json', '--office', 'Springfield Agency']).stdout) as { entries: Record<string, unknown>[] };
    expect(tgt.entries).toHaveLength(1);
    const counts = tgt.entries[0]!.counts as Record<string, number>;
    expect(tgt.entries[0]).toMatchObject({ action: 'import', bundle_id: BUNDLE_ID, username: 'dana' });
    expect(counts.created).toBeGreaterThan(0);
    const text = run(['log', '--db', ex.db]).stdout;
    expect(text).toMatch(
      /export \(finalized\)\s+11111111-2222-4333-8444-555555555555\s+North Agency\s+alice\s+Springfield Agency \/ dana\s+7 contacts, \d+ records/,
    );
  });
});
