// @ts-nocheck
// G2 for export: the same installation on SQLite and on PostgreSQL exports
// byte-identical bundles (fixed bundle id and creation time, the installation
// secret fixed to 32 zero bytes on both, as scripts/same-behaviour.sh does), on
// one thread and with the worker thread reading its own share of the selection
// (src/export/parallel.ts) through its own connection.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPgInstallation } from '../../../src/store/postgres/db.js';
import { selectionTables } from '../../../src/store/postgres/export-store.js';
import { run, runOk, tmpDir } from '../../helpers/cli.js';
import { SAMPLES } from '../../helpers/installation.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';

const ZERO_SECRET = Buffer.alloc(32);

/** The installation secret of a PostgreSQL installation fixed to 32 zero bytes, as fixSqliteSecret does on SQLite. */
function fixPgSecret(url: string): void {
  const db = openPgInstallation(url);
  try {
    db.prepare(`UPDATE installation_secret SET secret = ?`).run(ZERO_SECRET);
  } finally {
    db.close();
  }
}

function fixSqliteSecret(file: string): void {
  const db = new Database(file);
  db.prepare(`UPDATE installation_secret SET secret = zeroblob(32)`).run();
  db.close();
}

const SET = ['--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana'];
const ALL = ['--office', 'North Agency', '--user', 'alice', '--all', '--to-office', 'South Agency', '--to-user', 'bob'];

if (!skipWithoutPostgres('G2')) {
  describe('G2: export on PostgreSQL', () => {
    let dir: string;
    let sqlite: string;
    let postgres: string;

    beforeAll(() => {
      dir = tmpDir('officeport-pg-export-');
      sqlite = path.join(dir, 's.db');
      postgres = pgAddress('export');
      runOk(['init', '--db', sqlite]);
      fixSqliteSecret(sqlite);
      runOk(['load', path.join(SAMPLES, 'source'), '--db', sqlite]);
      runOk(['init', '--db', postgres]);
      fixPgSecret(postgres);
      runOk(['load', path.join(SAMPLES, 'source'), '--db', postgres]);
    }, 120_000);

    let n = 0;
    function exportOn(db: string, what: string[], threads: '1' | '2', bundle: number, env: Record<string, string> = {}): Buffer {
      const out = path.join(dir, `b-${++n}.zip`);
      const id = `00000000-0000-4000-8000-${String(bundle).padStart(12, '0')}`;
      const r = run(['export', '--db', db, ...what, '--out', out, '--bundle-id', id, '--created-at', '2026-01-02T03:04:05Z'], {
        env: { OFFICEPORT_EXPORT_THREADS: threads, ...env },
      });
      if (r.code !== 0) throw new Error(`export --db ${db} exited ${r.code}\n${r.stderr}${r.stdout}`);
      return fs.readFileSync(out);
    }

    for (const [name, what, bundle] of [
      ['a set', SET, 1],
      ['the whole office (--all)', ALL, 2],
    ] as const) {
      for (const threads of ['1', '2'] as const) {
        it(`G2, X2: ${name}, ${threads === '2' ? 'with the worker thread reading its own connection' : 'on one thread'}: the bundle is byte-identical to SQLite's`, () => {
          const onSqlite = exportOn(sqlite, [...what], threads, bundle * 10 + Number(threads));
          const onPostgres = exportOn(postgres, [...what], threads, bundle * 10 + Number(threads));
          expect(onPostgres.length).toBeGreaterThan(1000);
          expect(onPostgres.equals(onSqlite)).toBe(true);
          // the selection's tables went with the selection
          expect(leftovers()).toEqual([]);
        }, 120_000);
      }
    }

    function leftovers(): string[] {
      const db = openPgInstallation(postgres);
      try {
        return selectionTables(db).map((t) => t.name);
      } finally {
        db.close();
      }
    }

    it('G2, X6: two exports of one session by contact id: the second carries the relations to the contacts of the first, byte-identical to those of SQLite', () => {
      const by = (...ids: string[]) => [...ALL.filter((a) => a !== '--all'), ...ids.flatMap((id) => ['--contact', id]), '--session', 'S-G2'];
      const first = [exportOn(sqlite, by('C-1101'), '1', 31), exportOn(postgres, by('C-1101'), '1', 31)];
      expect(first[1]!.equals(first[0]!)).toBe(true);
      const second = [exportOn(sqlite, by('C-1102', 'C-1103'), '2', 32), exportOn(postgres, by('C-1102', 'C-1103'), '2', 32)];
      expect(second[1]!.equals(second[0]!)).toBe(true);
    }, 120_000);

    it('G2, L11: an export killed mid-way leaves its selection tables, and the next export drops them', async () => {
      const out = path.join(dir, 'killed.zip');
      const killed = run(['export', '--db', postgres, ...SET, '--out', out, '--bundle-id', '00000000-0000-4000-8000-000000000041'], {
        env: { OFFICEPORT_FAULT: 'kill:export-bag-written' },
      });
      expect(killed.code).not.toBe(0);
      expect(leftovers().length).toBeGreaterThan(0);
      // the killed process's connection ends on the server soon after
      const pid = Number(leftovers()[0]!.split('_')[2]);
      const db = openPgInstallation(postgres);
      try {
        for (let i = 0; i < 50 && db.prepare(`SELECT 1 FROM pg_stat_activity WHERE pid = ?`).get(pid); i++) await new Promise((r) => setTimeout(r, 100));
      } finally {
        db.close();
      }
      exportOn(postgres, SET, '1', 42);
      expect(leftovers()).toEqual([]);
    }, 120_000);
  });
}
