// @ts-nocheck
// G2: import on PostgreSQL gives what it gives on SQLite, run as a user runs
// it (the real binary): the sample set "Move to Springfield" exported from
// samples/source (SQLite) is inspected, planned, imported, undone and taken
// through the inbox in samples/target loaded once into an installation file
// and once into PostgreSQL; plans, receipts, command outputs and dumps must be
// the same but for what is per installation (times, uuids, keys, the inbox
// copy's place). G4/L7: two imports of one bundle at once into one
// PostgreSQL installation give one accept.
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, run, runOk, tmpDir, type RunResult } from '../../helpers/cli.js';
import { SAMPLES, snapshotDir } from '../../helpers/installation.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';
import { PgConnection } from '../../../src/store/postgres/connection.js';
import { WRITER_LOCK } from '../../../src/store/postgres/transaction.js';

const TGT = ['--office', 'Springfield Agency', '--user', 'dana'];

/** What differs between two runs of the same commands (as scripts/same-behaviour.sh masks it), and the installation's own places. */
function mask(text: string, places: string[]): string {
  let t = text;
  for (const p of places) t = t.split(p).join('PLACE');
  return t
    .replace(/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/g, 'TIME')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .replace(/"(receipt_key|seal|key|receipt_sha256)": ?"[^"]*"/g, '"$1":"KEY"')
    .replace(/"file": ?"[^"]*"/g, '"file":"FILE"');
}

/** The sample move as a bundle, exported from samples/source on SQLite with a fixed id and time. */
function sampleBundle(dir: string): string {
  const source = path.join(dir, 'source.db');
  runOk(['load', path.join(SAMPLES, 'source'), '--db', source]);
  const bundle = path.join(dir, 'move.zip');
  runOk([
    'export',
    '--db',
    source,
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
    bundle,
    '--bundle-id',
    '00000000-0000-4000-8000-000000000001',
    '--created-at',
    '2026-01-02T03:04:05Z',
  ]);
  return bundle;
}

/** samples/target loaded into `db` (a file or a postgres:// address). */
function loadTarget(db: string): void {
  runOk(['init', '--db', db]);
  runOk(['load', path.join(SAMPLES, 'target'), '--db', db]);
}

/** Every artefact of the import steps in `db`, masked, by name. */
function journey(db: string, bundle: string, dir: string, sql: (statement: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  const places = [dir, db];
  const m = (s: string) => mask(s, places);
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? m(fs.readFileSync(path.join(dir, f), 'utf8')) : 'missing');
  const dump = (name: string) => {
    runOk(['dump', path.join(dir, name), '--db', db]);
    for (const [f, text] of Object.entries(snapshotDir(path.join(dir, name)))) out[`${name}/${f}`] = m(text);
  };
  const step = (name: string, args: string[]) => {
    const r = run([...args, '--db', db, ...TGT]);
    out[name] = `exit ${r.code}\n${m(r.stdout)}`;
    return r;
  };
  step('inspect', ['inspect', bundle, '--json']);
  step('dry-run', ['import', bundle, '--dry-run', '--plan-out', path.join(dir, 'plan.json'), '--json']);
  out['plan.json'] = read('plan.json');
  step('import', ['import', bundle, '--receipt', path.join(dir, 'receipt.json'), '--json']);
  out['receipt.json'] = read('receipt.json');
  dump('imported');
  // I13: a later note on a contact the import created keeps the undo from running; without it, the undo runs
  const created = (JSON.parse(fs.readFileSync(path.join(dir, 'receipt.json'), 'utf8')) as { outcomes: { ref: string; target_id: string }[] }).outcomes.find(
    (o) => o.ref === 'contact/C-1101',
  )!.target_id;
  sql(`INSERT INTO smartpad (id, office_id, contact_id, text) VALUES ('N-LATER', 'T-SPRING', '${created}', 'later note')`);
  const refused = run(['import', 'undo', path.join(dir, 'receipt.json'), '--db', db, ...TGT, '--json']);
  out['undo refused'] = `exit ${refused.code}\n${m(refused.stdout)}\n${m(refused.stderr)}`;
  sql(`DELETE FROM smartpad WHERE id = 'N-LATER'`);
  step('undo', ['import', 'undo', path.join(dir, 'receipt.json'), '--json']);
  dump('undone');
  const added = step('inbox add', ['inbox', 'add', bundle, '--json']);
  const id = (JSON.parse(added.stdout) as { id: string }).id;
  step('inbox list', ['inbox', 'list', '--json']);
  step('inbox accept', [
    'inbox',
    'accept',
    id,
    '--contact',
    'contact/C-1101',
    '--contact',
    'contact/C-1102',
    '--receipt',
    path.join(dir, 'part.json'),
    '--json',
  ]);
  out['part.json'] = read('part.json');
  step('inbox list after accept', ['inbox', 'list', '--json']);
  step('inbox reject', ['inbox', 'reject', id, '--json']);
  step('inbox list after reject', ['inbox', 'list', '--json']);
  dump('end');
  return out;
}

function start(args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

if (!skipWithoutPostgres('G2'))
  describe('import on PostgreSQL', () => {
    // the inbox copies and default receipts of an installation on a server go to this user's folder
    process.env.OFFICEPORT_HOME = tmpDir('officeport-pg-home-');

    it('G2, I2, I3, I10, I13: inspect, the dry run plan, the import receipt, undo and the inbox (add, list, accept some, reject) give what they give on SQLite', () => {
      const bundle = sampleBundle(tmpDir());
      const sqliteDir = tmpDir();
      const sqlite = path.join(sqliteDir, 'target.db');
      loadTarget(sqlite);
      const pg = pgAddress('import');
      loadTarget(pg);
      const expected = journey(sqlite, bundle, sqliteDir, (statement) => {
        const db = new Database(sqlite);
        db.exec(statement);
        db.close();
      });
      const got = journey(pg, bundle, tmpDir(), (statement) => {
        const db = new PgConnection(pg, 'test');
        db.exec(statement);
        db.close();
      });
      expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
      // the import did something to compare: contacts created and merged, then undone
      for (const k of ['inspect', 'dry-run', 'import', 'undo', 'inbox add', 'inbox accept', 'inbox reject']) expect(expected[k], k).toMatch(/^exit 0/);
      expect(expected['undo refused']).toMatch(/^exit [1-9].*refer/s);
      expect(expected['imported/contacts.csv']).not.toEqual(expected['undone/contacts.csv']);
      for (const k of Object.keys(expected)) expect(got[k], k).toEqual(expected[k]);
    }, 180_000);

    it('G4, L7: two imports of one bundle at once into one PostgreSQL installation give one accept; the other says it was already imported', async () => {
      const dir = tmpDir();
      const bundle = sampleBundle(dir);
      const pg = pgAddress('import_race');
      loadTarget(pg);
      const imp = (n: number) => ['import', bundle, '--db', pg, ...TGT, '--receipt', path.join(dir, `receipt-${n}.json`)];
      // Both verify, stage and select while this test holds the writer lock; both then wait for it (S5), so
      // each decided what to accept before the other wrote anything: only the write transaction can tell.
      const lock = new PgConnection(pg, 'test');
      let results: RunResult[];
      try {
        lock.begin();
        lock.exec(`SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
        const both = Promise.all([start(imp(1)), start(imp(2))]);
        await new Promise((r) => setTimeout(r, 6000));
        lock.commit();
        results = await both;
        for (const r of results) expect(r.code, r.stderr).toBe(0);
        expect(lock.prepare(`SELECT count(*) FROM import_accepts`).pluck().get()).toBe(1);
      } finally {
        lock.close();
      }
      expect(results.filter((r) => /already imported/.test(r.stdout))).toHaveLength(1);
      const winner = [1, 2].find((n) => fs.existsSync(path.join(dir, `receipt-${n}.json`)))!;
      runOk(['import', 'undo', path.join(dir, `receipt-${winner}.json`), '--db', pg, ...TGT]);
    }, 120_000);
  });
