// @ts-nocheck
// G2 for realign and trace: samples/source loaded into PostgreSQL and into an
// installation file, then the same realign steps on both with the real binary:
// the same plan CSV, the same outputs, the same dump after each step; undo puts
// the dump back byte for byte. trace gives the same answers on both.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PgConnection } from '../../../src/store/postgres/connection.js';
import { WRITER_LOCK } from '../../../src/store/postgres/transaction.js';
import { BIN, run, runOk, tmpDir, type RunResult } from '../../helpers/cli.js';
import { SAMPLES, snapshotDir } from '../../helpers/installation.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';

const OFFICE = ['--office', 'North Agency', '--user', 'nadmin'];

/**
 * Times differ between two runs (the journal's, the log's): masked, as
 * scripts/same-behaviour.sh does; and the installation's name (a file, an address).
 */
const mask = (s: string) =>
  s
    .replace(/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/g, 'TIME')
    .replace(/postgres:\/\/[^\s)]+/g, 'DB')
    .replaceAll('source.db', 'DB');

interface Side {
  name: string;
  db: string;
  dir: string;
  dumps: number;
}

function side(name: string, db: string): Side {
  return { name, db, dir: tmpDir(`officeport-g2-${name}-`), dumps: 0 };
}

function op(s: Side, ...args: string[]): RunResult {
  return run([...args, '--db', s.db], { cwd: s.dir });
}

function dump(s: Side): Record<string, string> {
  const out = path.join(s.dir, `dump-${++s.dumps}`);
  runOk(['dump', out, '--db', s.db], s.dir);
  return snapshotDir(out);
}

if (!skipWithoutPostgres('G2'))
  describe('G2: realign and trace on PostgreSQL as on SQLite (samples/source)', () => {
    let lite: Side;
    let pg: Side;
    let loaded: Record<string, string>;

    /** The same command on both: the same exit code and output (times masked). */
    function both(...args: string[]): string {
      const a = op(lite, ...args);
      const b = op(pg, ...args);
      expect(a.code, a.stderr).toBe(0);
      expect({ code: b.code, stdout: mask(b.stdout), stderr: mask(b.stderr) }).toEqual({ code: a.code, stdout: mask(a.stdout), stderr: mask(a.stderr) });
      return a.stdout;
    }

    /** The same dump on both, byte for byte; returns it. */
    function sameDump(): Record<string, string> {
      const a = dump(lite);
      expect(dump(pg)).toEqual(a);
      return a;
    }

    beforeAll(() => {
      lite = side('sqlite', 'source.db');
      pg = side('postgres', pgAddress('realign'));
      for (const s of [lite, pg]) runOk(['load', path.join(SAMPLES, 'source'), '--db', s.db], s.dir);
      loaded = dump(lite);
    }, 120_000);

    it('G2, R2, R10: plan, apply of the plan file, log and undo of each entry: same plan CSV, outputs and dumps; undo restores the dump byte for byte', () => {
      expect(dump(pg)).toEqual(loaded);
      both('realign', 'plan', '--office', 'North Agency', '--out', 'plan.csv');
      const plan = fs.readFileSync(path.join(lite.dir, 'plan.csv'));
      expect(fs.readFileSync(path.join(pg.dir, 'plan.csv')).equals(plan)).toBe(true);
      expect(plan.toString('utf8')).toContain('CL-1,Summit Mutual Life,CR-1');

      expect(both('realign', 'apply', 'plan.csv', ...OFFICE, '--yes')).toMatch(/applied as realignment #3/);
      const applied = sameDump();
      expect(applied).not.toEqual(loaded);
      both('realign', 'log', '--office', 'North Agency', '--json');

      // an older entry whose rows a later one changed is refused the same way on both
      for (const id of ['3', '2', '1']) {
        both('realign', 'undo', id, ...OFFICE);
        sameDump();
      }
      expect(dump(pg)).toEqual(loaded);
      both('realign', 'log', '--office', 'North Agency');
    });

    it('G2, R5, R11, R10: a carrier migration and a purge, each undone: same outputs and dumps on both, the loaded dump back', () => {
      const before = sameDump();
      both('realign', 'carrier', ...OFFICE, '--local', 'Summit Mutual Life', '--resource', 'Summit Mutual Life', '--yes');
      const migrated = sameDump();
      expect(migrated['carriers.csv']).toContain('X_Summit Mutual Life');
      both('realign', 'purge', ...OFFICE, '--yes');
      const purged = sameDump();
      expect(purged).not.toEqual(migrated);
      const log = JSON.parse(both('realign', 'log', '--office', 'North Agency', '--json')) as { id: number; undone_at: string | null }[];
      const live = log.filter((e) => e.undone_at === null).map((e) => e.id);
      expect(live).toHaveLength(2);
      // the migration is refused while the purge touches its records: the same refusal on both
      const a = op(lite, 'realign', 'undo', String(live[0]), ...OFFICE);
      const b = op(pg, 'realign', 'undo', String(live[0]), ...OFFICE);
      expect(a.code).not.toBe(0);
      expect({ code: b.code, stderr: mask(b.stderr) }).toEqual({ code: a.code, stderr: mask(a.stderr) });
      both('realign', 'undo', String(live[1]), ...OFFICE);
      expect(sameDump()).toEqual(migrated);
      both('realign', 'undo', String(live[0]), ...OFFICE);
      expect(sameDump()).toEqual(before);
    });

    it('G2, U4: trace answers the same on both, after an export and in the target after the import: a contact that moved, its advisor the bundle only named, an unknown one', () => {
      for (const id of ['C-1101', 'C-1001']) both('trace', id, '--json');
      // the bundle's bytes differ by the installation's own secret (the export test compares them with it fixed): here only what trace reads of it
      const exported = [lite, pg].map((x) =>
        op(
          x,
          ...[
            'export',
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
          ],
          ...['--out', 'move.zip', '--bundle-id', '00000000-0000-4000-8000-000000000001', '--created-at', '2026-01-02T03:04:05Z'],
        ),
      );
      for (const r of exported) expect(r.code, r.stderr).toBe(0);
      const moved = JSON.parse(both('trace', 'C-1101', '--json')) as { went: { bundle_id: string; moved: boolean }[] };
      expect(moved.went).toMatchObject([{ bundle_id: '00000000-0000-4000-8000-000000000001', moved: true }]);
      const named = JSON.parse(both('trace', 'contact/C-1001', '--json')) as { went: { moved: boolean }[] };
      expect(named.went).toMatchObject([{ moved: false }]);
      both('trace', 'C-1101');

      // in the target installation: the contact as an import made it
      const tlite = side('sqlite-target', 'target.db');
      const tpg = side('postgres-target', pgAddress('realign_target'));
      for (const [from, to] of [
        [lite, tlite],
        [pg, tpg],
      ] as const) {
        runOk(['load', path.join(SAMPLES, 'target'), '--db', to.db], to.dir);
        fs.copyFileSync(path.join(from.dir, 'move.zip'), path.join(to.dir, 'move.zip'));
        const r = op(to, 'import', 'move.zip', '--office', 'Springfield Agency', '--user', 'dana', '--receipt', 'receipt.json');
        expect(r.code, r.stderr).toBe(0);
      }
      // accept ids are random, receipts land in each side's folder
      const fixed = (x: Side, text: string) =>
        mask(text)
          .replaceAll(x.dir, 'DIR')
          .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID');
      for (const args of [['contact/C-1101', '--json'], ['contact/C-1101'], ['contact/C-1201', '--json']]) {
        const ta = op(tlite, 'trace', ...args);
        const tb = op(tpg, 'trace', ...args);
        expect(ta.code, ta.stderr).toBe(0);
        expect({ code: tb.code, stdout: fixed(tpg, tb.stdout), stderr: tb.stderr }).toEqual({
          code: ta.code,
          stdout: fixed(tlite, ta.stdout),
          stderr: ta.stderr,
        });
      }
      const came = JSON.parse(op(tpg, 'trace', 'contact/C-1101', '--json').stdout) as { came: { outcome: string; target_id: string | null }[] };
      expect(came.came).toMatchObject([{ outcome: expect.any(String), target_id: expect.any(String) }]);

      const a = op(lite, 'trace', 'C-NONE');
      const b = op(pg, 'trace', 'C-NONE');
      expect(a.code).not.toBe(0);
      expect({ code: b.code, stdout: b.stdout, stderr: mask(b.stderr) }).toEqual({ code: a.code, stdout: a.stdout, stderr: mask(a.stderr) });
    });
  });

if (!skipWithoutPostgres('G4'))
  describe('G4: realign and another writer of one installation on PostgreSQL', () => {
    it('G4, S5: a realign started while another writer (an import) holds the installation waits for it, then refuses cleanly: the rows changed since its plan', async () => {
      const url = pgAddress('realign_lock');
      runOk(['load', path.join(SAMPLES, 'source'), '--db', url]);
      const migrate = ['realign', 'carrier', ...OFFICE, '--local', 'Summit Mutual Life', '--resource', 'Summit Mutual Life', '--yes', '--db', url];
      // the other writer: its transaction holds the writer lock, as an import's does, and puts one more policy on the local carrier
      const other = new PgConnection(url, 'the other writer');
      const onLocal = () => other.prepare(`SELECT id FROM policies WHERE carrier_id = 'CL-1' ORDER BY id`).pluck().all();
      try {
        other.begin();
        other.exec(`SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
        expect(other.prepare(`UPDATE policies SET carrier_id = 'CL-1' WHERE id = 'P-1003'`).run().changes).toBe(1);
        const child = spawn(process.execPath, [BIN, ...migrate], { cwd: tmpDir(), env: { ...process.env, NO_COLOR: '1' } });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
        child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        await new Promise((r) => setTimeout(r, 4000));
        expect(child.exitCode, `realign did not wait for the other writer: ${out}`).toBeNull();
        other.commit();
        expect(await exited, out).not.toBe(0);
        expect(out).toMatch(/changed since the plan .*; nothing was changed/);
        // nothing of the realign, all of the other writer
        expect(onLocal()).toEqual(['P-1002', 'P-1003', 'P-1007', 'P-1008']);
        expect(runOk(migrate)).toMatch(/\b4 {2}policies moved to the resource carrier/);
        expect(onLocal()).toEqual([]);
      } finally {
        other.close();
      }
    }, 60_000);
  });
