// @ts-nocheck
// The PostgreSQL adapter's connection (G2, G4): SQLite's placeholders, answers
// shaped as better-sqlite3's, cursors a batch at a time, nested transactions,
// and the writer lock that makes a second writer wait for the first (S5).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { numbered, PgConnection, PgError } from '../../../src/store/postgres/connection.js';
import { inTransaction } from '../../../src/store/postgres/transaction.js';
import { openPgInstallation } from '../../../src/store/postgres/db.js';
import { openStore } from '../../../src/store/open.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';
import { ROOT, tmpDir } from '../../helpers/cli.js';

describe('G2: placeholders', () => {
  it('G2: ? and @name become $n in order, but not inside quoted strings, quoted names or comments', () => {
    expect(numbered(`SELECT ? , '?', "a?b", @x, ?, @x -- what?\n, @y`)).toEqual({
      text: `SELECT $1 , '?', "a?b", $1, $2, $1 -- what?\n, $2`,
      names: ['x', 'y'],
    });
    expect(numbered(`SELECT a FROM t WHERE b = ? AND c = ?`).text).toBe(`SELECT a FROM t WHERE b = $1 AND c = $2`);
  });
});

if (!skipWithoutPostgres('G2')) {
  describe('G2: the connection', () => {
    it('G2: answers as better-sqlite3 does: rows, a plucked column, counts as numbers, booleans as 1/0, bytes as Buffers, run() counts changes', () => {
      const db = openPgInstallation(pgAddress('conn'), { create: true });
      try {
        db.exec(`CREATE TEMP TABLE t (a text, b bytea)`);
        expect(db.prepare(`INSERT INTO t VALUES (?, ?)`).run(['one', Buffer.from([1, 2])]).changes).toBe(1);
        expect(db.prepare(`INSERT INTO t VALUES (@x, @y)`).run({ x: 'two', y: Buffer.from([3]) }).changes).toBe(1);
        expect(db.prepare(`SELECT a FROM t ORDER BY a`).pluck().all()).toEqual(['one', 'two']);
        const row = db.prepare(`SELECT count(*) AS n, bool_and(a IS NOT NULL) AS ok, sum(length(a)) AS s FROM t`).get();
        expect(row).toEqual({ n: 2, ok: 1, s: 6 });
        const b = db.prepare(`SELECT b FROM t WHERE a = ?`).pluck().get('two');
        expect(Buffer.isBuffer(b) && [...(b as Buffer)]).toEqual([3]);
        expect(db.prepare(`UPDATE t SET a = upper(a)`).run().changes).toBe(2);
        expect(db.prepare(`SELECT a FROM t WHERE a = ?`).get('nothing')).toBeUndefined();
      } finally {
        db.close();
      }
    });

    it('G2, P1: iterate reads a large result a batch at a time through a cursor, inside and outside a transaction', () => {
      const db = openPgInstallation(pgAddress('conn'), { create: true });
      try {
        db.exec(`CREATE TABLE big AS SELECT g AS n FROM generate_series(1, 2500) g`);
        const sizes = [...db.prepare(`SELECT n FROM big ORDER BY n`).pluck().batches(1000)].map((b) => b.length);
        expect(sizes).toEqual([1000, 1000, 500]);
        let sum = 0;
        inTransaction(db, () => {
          for (const n of db.prepare(`SELECT n FROM big WHERE n > ?`).pluck().iterate(2000)) sum += n as number;
        });
        expect(sum).toBe(((2001 + 2500) * 500) / 2);
        // no cursor stays open: the name of a closed one can be declared again
        expect(db.prepare(`SELECT count(*) FROM pg_cursors`).pluck().get()).toBe(0);
      } finally {
        db.close();
      }
    });

    it('G2, C5: a transaction that throws leaves nothing; a nested one that throws is undone alone', () => {
      const db = openPgInstallation(pgAddress('conn'), { create: true });
      try {
        db.exec(`CREATE TABLE t (a text PRIMARY KEY)`);
        expect(() =>
          inTransaction(db, () => {
            db.prepare(`INSERT INTO t VALUES (?)`).run('x');
            throw new Error('planted');
          }),
        ).toThrow('planted');
        expect(db.prepare(`SELECT count(*) FROM t`).pluck().get()).toBe(0);
        inTransaction(db, () => {
          db.prepare(`INSERT INTO t VALUES (?)`).run('kept');
          expect(() =>
            inTransaction(db, () => {
              db.prepare(`INSERT INTO t VALUES (?)`).run('kept'); // a duplicate: the server refuses it
            }),
          ).toThrow(PgError);
          db.prepare(`INSERT INTO t VALUES (?)`).run('after');
        });
        expect(db.prepare(`SELECT a FROM t ORDER BY a`).pluck().all()).toEqual(['after', 'kept']);
      } finally {
        db.close();
      }
    });

    it('G4, S5: a second process writing the same installation waits for the first writer to commit', () => {
      const url = pgAddress('lock');
      const db = openPgInstallation(url, { create: true });
      const nap = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      const count = (who: string) => db.prepare(`SELECT count(*) FROM seen WHERE who = ?`).pluck().get(who) as number;
      try {
        db.exec(`CREATE TABLE seen (who text, at timestamptz DEFAULT clock_timestamp())`);
        const other = `
          const { openPgInstallation } = await import(${JSON.stringify(`${ROOT}/dist/src/store/postgres/db.js`)});
          const { inTransaction } = await import(${JSON.stringify(`${ROOT}/dist/src/store/postgres/transaction.js`)});
          const db = openPgInstallation(process.argv[2]);
          db.prepare("INSERT INTO seen (who) VALUES ('ready')").run();
          inTransaction(db, () => db.prepare("INSERT INTO seen (who) VALUES ('second')").run());
          db.close();`;
        let child: ChildProcess | undefined;
        inTransaction(db, () => {
          db.prepare(`INSERT INTO seen (who) VALUES ('first')`).run();
          // a script file: a worker thread does not start beside a blocked `node -e`
          const script = path.join(tmpDir(), 'second-writer.mjs');
          fs.writeFileSync(script, other);
          child = spawn(process.execPath, [script, url], { stdio: 'ignore' });
          // the second writer is about to take the lock while the first holds it
          for (let i = 0; i < 600 && count('ready') === 0; i++) nap(100);
          expect(count('ready')).toBe(1);
          nap(1000);
          expect(count('second')).toBe(0); // it waits: it has not written
        });
        for (let i = 0; i < 300 && count('second') === 0; i++) nap(100);
        expect(db.prepare(`SELECT who FROM seen WHERE who <> 'ready' ORDER BY at`).pluck().all()).toEqual(['first', 'second']);
        child?.kill();
      } finally {
        db.close();
      }
    });

    it('G2, L10: a database holding tables of something else is refused and left untouched; an empty one becomes an installation', () => {
      const url = pgAddress('foreign');
      const own = openPgInstallation(url, { create: true });
      own.close();
      const other = pgAddress('foreign');
      const made = new URL(other);
      const admin = new PgConnection(made.toString().replace(/\/[^/]+$/, '/postgres'), 'admin');
      try {
        admin.exec(`CREATE DATABASE ${made.pathname.slice(1)}`);
      } finally {
        admin.close();
      }
      const plain = new PgConnection(other, 'plain');
      try {
        plain.exec(`CREATE TABLE theirs (x int); INSERT INTO theirs VALUES (7)`);
        expect(() => openStore(other, { create: true })).toThrow(/not an officeport installation; it was left untouched/);
        expect(plain.prepare(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`).pluck().all()).toEqual(['theirs']);
      } finally {
        plain.close();
      }
      const store = openStore(url);
      store.close();
    });
  });
}
