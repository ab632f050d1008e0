// @ts-nocheck
// G4, S3 on PostgreSQL: the real binary SIGKILLs itself (OFFICEPORT_FAULT=kill:POINT,
// as a power cut would) at a point inside the transaction of import, finalize and
// realign, after the work was written there; the installation's dump is then byte
// for byte the one before. Killed right after import's COMMIT, it is the one after
// (the import recorded: a second import says it was already imported). And the
// server keeps no lock of the dead process: the next writer runs at once, not
// after the 30 s lock wait.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { handReceipt, writeJson } from '../../fixtures/finalize/hand-receipt.js';
import { BIN, runOk, tmpDir } from '../../helpers/cli.js';
import { SAMPLES, snapshotDir } from '../../helpers/installation.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';

const SRC = ['--office', 'North Agency', '--user', 'alice'];
const TGT = ['--office', 'Springfield Agency', '--user', 'dana'];
const MOVE = [...SRC, '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana'];
const REALIGN = [
  'realign',
  'carrier',
  '--office',
  'North Agency',
  '--user',
  'nadmin',
  '--local',
  'Summit Mutual Life',
  '--resource',
  'Summit Mutual Life',
  '--yes',
];

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The binary as a user runs it, with the exit signal (run() gives only the code) and how long it took. */
function bin(args: string[], cwd: string, fault?: string): Ran {
  const t0 = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  if (fault) env.OFFICEPORT_FAULT = fault;
  else delete env.OFFICEPORT_FAULT;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, input: '', encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** Killed by the signal at `point`: no exit code, no output of a finished command. */
function expectKilled(r: Ran): void {
  expect({ status: r.status, signal: r.signal }, r.stderr).toEqual({ status: null, signal: 'SIGKILL' });
}

/** The next writer after a kill: it succeeds and does not wait on a lock the dead process held. */
function nextWriter(args: string[], cwd: string): Ran {
  const r = bin(args, cwd);
  expect(r.status, r.stderr).toBe(0);
  expect(r.ms, 'ran at once, not after the lock wait').toBeLessThan(5_000);
  return r;
}

if (!skipWithoutPostgres('G2'))
  describe('G4, S3: a kill inside a transaction on PostgreSQL leaves the installation as before or as after', () => {
    let dir: string;
    let bundle: string;
    let n = 0;
    const dump = (db: string): Record<string, string> => {
      const out = path.join(dir, `dump-${++n}`);
      runOk(['dump', out, '--db', db], dir);
      return snapshotDir(out);
    };
    const loaded = (sample: 'source' | 'target', tag: string): string => {
      const db = pgAddress(tag);
      runOk(['init', '--db', db], dir);
      runOk(['load', path.join(SAMPLES, sample), '--db', db], dir);
      return db;
    };

    beforeAll(() => {
      dir = tmpDir('officeport-pg-kill-');
      const source = path.join(dir, 'source.db');
      runOk(['load', path.join(SAMPLES, 'source'), '--db', source], dir);
      bundle = path.join(dir, 'move.zip');
      runOk(['export', '--db', source, ...MOVE, '--out', bundle], dir);
    }, 120_000);

    it('G4, S3: import killed before its COMMIT (receipt written, accept recorded inside the transaction): dump as before; the next import runs at once', () => {
      const db = loaded('target', 'kill_import');
      const before = dump(db);
      const own = fs.mkdtempSync(path.join(dir, 'import-'));
      const receipt = path.join(own, 'receipt.json');
      const killed = bin(['import', bundle, '--db', db, ...TGT, '--receipt', receipt], own, 'kill:import-before-commit');
      expectKilled(killed);
      expect(dump(db)).toEqual(before);
      expect(fs.existsSync(receipt), 'no receipt published').toBe(false);
      const again = nextWriter(['import', bundle, '--db', db, ...TGT, '--receipt', receipt], own);
      expect(again.stdout).not.toMatch(/already imported/);
      expect(dump(db)).not.toEqual(before);
    }, 120_000);

    it('G4, S3: import killed right after its COMMIT: dump as after (the import recorded); a second import says already imported, at once', () => {
      const db = loaded('target', 'kill_committed');
      const before = dump(db);
      const ref = loaded('target', 'kill_ref');
      const own = fs.mkdtempSync(path.join(dir, 'committed-'));
      runOk(['import', bundle, '--db', ref, ...TGT, '--receipt', path.join(own, 'ref-receipt.json')], own);
      const after = dump(ref);
      expect(after).not.toEqual(before);
      const killed = bin(['import', bundle, '--db', db, ...TGT, '--receipt', path.join(own, 'receipt.json')], own, 'kill:import-committed');
      expectKilled(killed);
      expect(dump(db)).toEqual(after);
      const second = nextWriter(['import', bundle, '--db', db, ...TGT, '--receipt', path.join(own, 'receipt-2.json')], own);
      expect(second.stdout).toMatch(/already imported/);
      expect(dump(db)).toEqual(after);
    }, 120_000);

    for (const point of ['finalize-rows-removed', 'finalize-before-commit'])
      it(`G4, S3: finalize killed at ${point} (rows removed inside the transaction): dump as before; the next finalize runs at once`, async () => {
        const db = loaded('source', `kill_${point}`);
        const own = fs.mkdtempSync(path.join(dir, `${point}-`));
        const moved = path.join(own, 'move.zip');
        runOk(['export', '--db', db, ...MOVE, '--out', moved], own);
        const receipt = writeJson(path.join(own, 'receipt.json'), await handReceipt(moved));
        const before = dump(db);
        const finalize = ['finalize', receipt, '--db', db, ...SRC, '--yes'];
        expectKilled(bin(finalize, own, `kill:${point}`));
        expect(dump(db)).toEqual(before);
        nextWriter(finalize, own);
        expect(dump(db)).not.toEqual(before);
      }, 120_000);

    it('G4, S3: realign killed before its COMMIT (references switched and journaled inside the transaction): dump as before; the next realign runs at once', () => {
      const db = loaded('source', 'kill_realign');
      const before = dump(db);
      const own = fs.mkdtempSync(path.join(dir, 'realign-'));
      expectKilled(bin([...REALIGN, '--db', db], own, 'kill:realign-before-commit'));
      expect(dump(db)).toEqual(before);
      nextWriter([...REALIGN, '--db', db], own);
      expect(dump(db)).not.toEqual(before);
    }, 120_000);
  });
