// @ts-nocheck
// G2: an installation on PostgreSQL gives the same results as one in a SQLite
// file. The real binary runs each command with --db ADDRESS and with
// --db FILE, and what it writes (dumps, listings, cards, the log) is compared
// byte for byte, masking only what is the installation's own (its address,
// an office's keys).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PgConnection } from '../../../src/store/postgres/connection.js';
import { run, runOk, tmpDir } from '../../helpers/cli.js';
import { SAMPLES } from '../../helpers/installation.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';

/** Every file under a folder by relative path, as bytes. */
function files(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r));
    }
  };
  walk('');
  return out;
}

/** The same command on both installations; each output with its installation's name masked. */
function both(pg: string, file: string, args: string[]): { pg: string; sqlite: string } {
  const mask = (s: string, db: string) => s.split(db).join('<db>');
  return { pg: mask(runOk([...args, '--db', pg]), pg), sqlite: mask(runOk([...args, '--db', file]), file) };
}

/** The same installation twice: `init` and `load DIR` on a new PostgreSQL database and in a new SQLite file. */
function loadedTwice(dir: string): { pg: string; file: string; loaded: { pg: string; sqlite: string } } {
  const pg = pgAddress('inst');
  const file = path.join(tmpDir('officeport-pg-inst-'), 'installation.db');
  runOk(['init', '--db', pg]);
  runOk(['init', '--db', file]);
  return { pg, file, loaded: both(pg, file, ['load', dir]) };
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

if (!skipWithoutPostgres('G2')) {
  describe('G2: an installation on PostgreSQL', () => {
    it.each([
      ['source', path.join(SAMPLES, 'source')],
      ['target', path.join(SAMPLES, 'target')],
    ])('G2, D2, D3: init, load of the %s sample and dump give the same files byte for byte as in a SQLite file', (_, dir) => {
      const { pg, file, loaded } = loadedTwice(dir);
      expect(loaded.pg).toBe(loaded.sqlite);
      expect(loaded.pg).toMatch(/loaded \d+ rows/);
      const out = tmpDir('officeport-pg-inst-dump-');
      runOk(['dump', path.join(out, 'pg'), '--db', pg]);
      runOk(['dump', path.join(out, 'sqlite'), '--db', file]);
      const fromPg = files(path.join(out, 'pg'));
      const fromSqlite = files(path.join(out, 'sqlite'));
      expect(Object.keys(fromPg).sort()).toEqual(Object.keys(fromSqlite).sort());
      for (const f of Object.keys(fromSqlite)) expect(fromPg[f]!.equals(fromSqlite[f]!), f).toBe(true);
      // the dump holds the sample's rows, not an empty layout
      expect(fromPg['contacts.csv']!.toString()).toContain(dir.endsWith('source') ? 'C-1101,O-NORTH,individual,John' : 'TC-5001,T-SPRING,individual,David');
    });

    it('G2, D2: a folder with problems is refused with the same report, and nothing of it is loaded', () => {
      const bad = tmpDir('officeport-pg-inst-bad-');
      fs.cpSync(path.join(SAMPLES, 'source'), bad, { recursive: true });
      // a duplicate id, a duplicate name, a dangling parent, a missing name; a contact twice, one of no office
      fs.appendFileSync(
        path.join(bad, 'offices.csv'),
        [
          'O-NORTH,North Copy,O-RES,agency,US',
          'O-RES,Lakeside Resource,,resource,US',
          'O-COPY,North Agency,O-RES,agency,US',
          'O-LOST,Lost Office,O-GONE,agency,US',
          'O-EMPTY,,O-RES,agency,US',
          '',
        ].join('\n'),
      );
      const contact = fs.readFileSync(path.join(bad, 'contacts.csv'), 'utf8').split('\n')[1]!;
      fs.appendFileSync(path.join(bad, 'contacts.csv'), [contact, contact.replace(/^C-1001,O-NORTH/, 'C-9999,O-NOWHERE'), ''].join('\n'));
      const pg = pgAddress('inst');
      const file = path.join(tmpDir('officeport-pg-inst-'), 'installation.db');
      runOk(['init', '--db', pg]);
      runOk(['init', '--db', file]);
      const references = () => {
        const db = new PgConnection(pg, 'test');
        try {
          return db
            .prepare(`SELECT conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' ORDER BY 1`)
            .pluck()
            .all();
        } finally {
          db.close();
        }
      };
      const before = references();
      expect(before.length).toBeGreaterThan(10);
      const a = run(['load', bad, '--db', pg]);
      const b = run(['load', bad, '--db', file]);
      expect(a.code).toBe(1);
      expect(b.code).toBe(1);
      expect(a.stderr.split(pg).join('<db>')).toBe(b.stderr.split(file).join('<db>'));
      expect(a.stderr).toMatch(/duplicate id/);
      expect(a.stderr).toMatch(/duplicate name/);
      expect(a.stderr).toMatch(/O-GONE/);
      expect(a.stderr).toMatch(/O-NOWHERE/);
      // all or nothing: the installation is still empty, its foreign keys in place, and it loads the good folder
      expect(references()).toEqual(before);
      runOk(['load', path.join(SAMPLES, 'source'), '--db', pg]);
      expect(references()).toEqual(before);
    });

    it('G2, D6, D7: listings, set create and add, and log --json give the same output as in a SQLite file', () => {
      const { pg, file } = loadedTwice(path.join(SAMPLES, 'source'));
      const office = ['--office', 'North Agency'];
      const commands: string[][] = [
        ['list', 'offices'],
        ['list', 'users', ...office],
        ['list', 'contacts'],
        ['set', 'create', 'Spring review', ...office, '--contact', 'C-1301', 'C-1303'],
        ['set', 'create', 'Book of Robert', ...office, '--primary-advisor', 'C-1001'],
        ['set', 'create', 'Q3', ...office, '--from', path.join(SAMPLES, 'q3-contacts.csv')],
        ['set', 'add', 'Q3', ...office, '--contact', 'C-1304', 'C-1301', 'C-1304'],
        ['set', 'remove', 'Q3', ...office, '--contact', 'C-1304'],
        ['set', 'show', 'Q3', ...office],
        ['set', 'delete', 'Spring review', ...office],
        ['list', 'sets', ...office],
        ['list', 'sets', '--json'],
        ['list', 'contacts', '--json'],
        ['log', '--json'],
      ];
      for (const args of commands) {
        const out = both(pg, file, args);
        expect(out.pg, args.join(' ')).toBe(out.sqlite);
      }
      // the sets made went into the installation as in the file: the dumps agree
      const out = tmpDir('officeport-pg-inst-dump-');
      runOk(['dump', path.join(out, 'pg'), '--db', pg]);
      runOk(['dump', path.join(out, 'sqlite'), '--db', file]);
      for (const f of ['sets.csv', 'set_members.csv']) {
        expect(fs.readFileSync(path.join(out, 'pg', f), 'utf8'), f).toBe(fs.readFileSync(path.join(out, 'sqlite', f), 'utf8'));
      }
    });

    it('G2, X11, I10: log lists the ledger and the transfer log as in a SQLite file, whole and by office and bundle', () => {
      const { pg, file } = loadedTwice(path.join(SAMPLES, 'source'));
      const ledger = `INSERT INTO export_ledger (bundle_id, session_id, office_id, user_id, target_office, target_user, created_at,
         tagmanifest_sha256, file, counts, finalized_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`;
      const transfer = `INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary, receipt) VALUES (?,?,?,?,?,?,?)`;
      const rows: [string, unknown[]][] = [
        [
          ledger,
          [
            'B-1',
            'S-1',
            'O-NORTH',
            'U-102',
            'Springfield',
            'dana',
            '2025-04-01T09:30:00Z',
            'ab'.repeat(32),
            'b1.zip',
            '{"contacts":3,"stubs":0}',
            '2025-04-03T08:00:00Z',
          ],
        ],
        [ledger, ['B-2', 'S-1', 'O-NORTH', 'U-102', 'Springfield', 'dana', '2025-04-02T10:00:00Z', 'cd'.repeat(32), 'b2.zip', '{"contacts":1}', null]],
        [transfer, ['2025-04-01T09:30:00.120Z', 'export', 'B-1', 'O-NORTH', 'U-102', 'exported 3 contacts', null]],
        [transfer, ['2025-04-01T12:00:00Z', 'import', 'B-9', 'O-SOUTH', 'U-202', '{"created":2,"merged":1}', '{"records":[{"outcome":"created"}]}']],
        [transfer, ['2025-04-03T08:00:00Z', 'finalize', 'B-1', 'O-NORTH', 'U-102', 'removed 3 contacts', null]],
        [transfer, ['2025-04-02T11:00:00Z', 'undo', 'B-2', 'O-NOWHERE', null, 'not json', '{"records":[{"outcome":"merged"}]}']],
      ];
      const lite = new Database(file);
      for (const [sql, values] of rows) lite.prepare(sql).run(...values);
      lite.close();
      const db = new PgConnection(pg, 'test');
      for (const [sql, values] of rows) db.prepare(sql).run(...values);
      db.close();
      for (const args of [['log'], ['log', '--json'], ['log', '--office', 'North Agency', '--json'], ['log', '--bundle', 'B-2']]) {
        const out = both(pg, file, args);
        expect(out.pg, args.join(' ')).toBe(out.sqlite);
      }
      expect(JSON.parse(both(pg, file, ['log', '--json']).pg).entries).toHaveLength(5);
    });

    it('G2, T1: an address card is the same but for the office keys, which are kept and found again', () => {
      const { pg, file } = loadedTwice(path.join(SAMPLES, 'target'));
      const dir = tmpDir('officeport-pg-inst-card-');
      const card = (db: string, name: string) => {
        const out = path.join(dir, name);
        const said = runOk(['address', '--office', 'Springfield Agency', '--user', 'dana', '--out', out, '--db', db]);
        return { said: said.split(out).join('<card>').split(db).join('<db>'), card: JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown> };
      };
      const a = card(pg, 'pg.json');
      const b = card(file, 'sqlite.json');
      const keys = ['ed25519_public_key', 'fingerprint', 'age_recipient'];
      const masked = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, keys.includes(k) ? '<key>' : v]));
      expect(masked(a.card)).toEqual(masked(b.card));
      const said = (x: typeof a) => keys.reduce((text, k) => text.split(String(x.card[k])).join('<key>'), x.said);
      expect(said(a)).toBe(said(b));
      // the office's keys are kept: a second card carries the same ones
      expect(card(pg, 'again.json').card).toEqual(a.card);
    });

    it('G2: init on a database that holds tables of another application is refused, and leaves them as they were', () => {
      const address = pgAddress('foreign');
      const name = new URL(address).pathname.slice(1);
      const server = new URL(address);
      server.pathname = '/postgres';
      const admin = new PgConnection(server.toString(), 'test');
      admin.exec(`CREATE DATABASE ${name}`);
      admin.close();
      const db = new PgConnection(address, 'test');
      try {
        db.exec(`CREATE TABLE customers (id integer PRIMARY KEY, name text); INSERT INTO customers VALUES (1, 'Ada')`);
        const r = run(['init', '--db', address]);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/not an officeport installation/);
        expect(r.stderr).toMatch(/left untouched/);
        expect(db.prepare(`SELECT id, name FROM customers`).all()).toEqual([{ id: 1, name: 'Ada' }]);
        const tables = db.prepare(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`).pluck().all();
        expect(tables).toEqual(['customers']);
      } finally {
        db.close();
      }
    });

    it('G2: an address where no server listens is one clear error, exit 1', async () => {
      const port = await closedPort();
      for (const args of [['init'], ['load', path.join(SAMPLES, 'source')], ['list', 'offices']]) {
        const r = run([...args, '--db', `postgres://postgres@127.0.0.1:${port}/nowhere`]);
        expect(r.code, args[0]).toBe(1);
        expect(r.stdout).toBe('');
        const lines = r.stderr.trimEnd().split('\n');
        expect(lines[0]).toBe(
          `officeport: cannot reach a PostgreSQL server at postgres://postgres@127.0.0.1:${port}/nowhere: connect ECONNREFUSED 127.0.0.1:${port}`,
        );
        expect(lines.slice(1)).toEqual(['hint: check that the server runs and the host and port in the address are right']);
      }
    });
  });
}
