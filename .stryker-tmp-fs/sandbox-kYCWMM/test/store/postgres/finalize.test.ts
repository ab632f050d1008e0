// @ts-nocheck
// G2 for finalize and its undo, as a user runs them: the source sample on
// SQLite and on PostgreSQL (the installation secret fixed to 32 zero bytes on
// both, as scripts/same-behaviour.sh does) exports the set "Move to
// Springfield" with a fixed bundle id and time, so both bundles are the same
// bytes and one import into the sample target (an installation file) answers
// both with one receipt. Finalizing that receipt writes the same retention
// archive on both (times and ids masked as same-behaviour.sh masks them) and
// leaves the same dump; finalize undo gives back the dump of before, byte for byte.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { PgConnection } from '../../../src/store/postgres/connection.js';
import { run, runOk, tmpDir } from '../../helpers/cli.js';
import { SAMPLES, snapshotDir } from '../../helpers/installation.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';

const MOVE = ['--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana'];
const FIXED = ['--bundle-id', '00000000-0000-4000-8000-000000000001', '--created-at', '2026-01-02T03:04:05Z'];
const AS = ['--office', 'North Agency', '--user', 'alice'];

/** What differs between two runs of one command on the same data (scripts/same-behaviour.sh's mask). */
function mask(s: string): string {
  return s
    .replace(/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/g, 'TIME')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .replace(/"(receipt_key|seal|key|receipt_sha256)": ?"[^"]*"/g, '"$1":"KEY"');
}

/** Every file of a zip, masked; the tag manifest's hashes (of masked files) as well. */
function unpacked(zip: string): Record<string, string> {
  const dir = tmpDir('officeport-pg-finalize-unzip-');
  const r = spawnSync('unzip', ['-qo', zip, '-d', dir]);
  if (r.status !== 0) throw new Error(`unzip ${zip}: ${String(r.stderr)}`);
  const out: Record<string, string> = {};
  for (const [f, text] of Object.entries(snapshotDir(dir))) {
    const m = mask(text);
    out[f] = /tagmanifest-[a-z0-9]+\.txt$/.test(f) ? m.replace(/^[0-9a-f]{64} /gm, 'HASH ') : m;
  }
  return out;
}

if (!skipWithoutPostgres('G2')) {
  describe('G2: finalize and finalize undo on PostgreSQL', () => {
    let dir: string;
    let sqlite: string;
    let postgres: string;
    let receipt: string;
    let n = 0;
    const dump = (db: string): Record<string, string> => {
      const out = path.join(dir, `dump-${++n}`);
      runOk(['dump', out, '--db', db]);
      return snapshotDir(out);
    };
    const ok = (args: string[]): string => {
      const r = run(args);
      if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`);
      return r.stdout;
    };

    beforeAll(() => {
      dir = tmpDir('officeport-pg-finalize-');
      sqlite = path.join(dir, 's.db');
      postgres = pgAddress('finalize');
      const target = path.join(dir, 't.db');
      runOk(['init', '--db', sqlite]);
      const s = new Database(sqlite);
      s.prepare(`UPDATE installation_secret SET secret = zeroblob(32)`).run();
      s.close();
      runOk(['init', '--db', postgres]);
      const p = new PgConnection(postgres, 'test');
      p.prepare(`UPDATE installation_secret SET secret = ?`).run(Buffer.alloc(32));
      p.close();
      for (const db of [sqlite, postgres]) runOk(['load', path.join(SAMPLES, 'source'), '--db', db]);
      runOk(['init', '--db', target]);
      runOk(['load', path.join(SAMPLES, 'target'), '--db', target]);

      const bundles = [sqlite, postgres].map((db, i) => {
        const out = path.join(dir, `move-${i}.zip`);
        ok(['export', '--db', db, ...MOVE, '--out', out, ...FIXED]);
        return fs.readFileSync(out);
      });
      // one bundle, so one receipt answers both sources
      expect(bundles[1]!.equals(bundles[0]!)).toBe(true);
      receipt = path.join(dir, 'receipt.json');
      ok(['import', path.join(dir, 'move-0.zip'), '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
    }, 180_000);

    it('G2, M1, M2, L3: finalize writes the same retention archive and leaves the same dump as on SQLite; undo gives back the dump of before, byte for byte', () => {
      const before = { sqlite: dump(sqlite), postgres: dump(postgres) };
      expect(before.postgres).toEqual(before.sqlite);

      const archive = (db: string) => path.join(dir, `retention-${db === sqlite ? 'sqlite' : 'postgres'}.zip`);
      for (const db of [sqlite, postgres]) ok(['finalize', receipt, '--db', db, ...AS, '--archive', archive(db), '--yes']);
      const archives = { sqlite: unpacked(archive(sqlite)), postgres: unpacked(archive(postgres)) };
      // the set's seven contacts, among the rest, are in it
      expect(Object.keys(archives.postgres).filter((f) => f.endsWith('data/records/travelled_contacts.ndjson'))).toHaveLength(1);
      expect(archives.postgres).toEqual(archives.sqlite);

      const after = { sqlite: dump(sqlite), postgres: dump(postgres) };
      expect(after.postgres).not.toEqual(before.postgres);
      expect(after.postgres).toEqual(after.sqlite);

      for (const db of [sqlite, postgres]) ok(['finalize', 'undo', archive(db), '--db', db, ...AS]);
      const undone = dump(postgres);
      expect(Object.keys(undone).sort()).toEqual(Object.keys(before.postgres).sort());
      for (const f of Object.keys(undone)) expect(undone[f], f).toBe(before.postgres[f]);
      expect(dump(sqlite)).toEqual(before.sqlite);
    }, 180_000);
  });
}
