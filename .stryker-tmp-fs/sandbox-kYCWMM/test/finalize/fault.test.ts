// @ts-nocheck
// S3: a fault inside finalize's transaction (after rows were removed, before
// COMMIT) leaves the installation as before: the real binary with
// OFFICEPORT_FAULT=throw:POINT (a failing write) and kill:POINT (a power cut),
// as import's fault tests do. The points sit after the retention archive was
// written and the removals ran, so a run that committed on error, or a fault
// point outside the transaction, shows here.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBag } from '../../src/bundle/bag-reader.js';
import { handReceipt, writeJson } from '../fixtures/finalize/hand-receipt.js';
import { run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, snapshotDir } from '../helpers/installation.js';

function ok(args: string[]): string {
  const r = run(args);
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} -> ${r.code}\n${r.stderr}`);
  return r.stdout;
}

let n = 0;
function dumpOf(db: string): Record<string, string> {
  const out = path.join(path.dirname(db), `dump-${n++}`);
  ok(['dump', out, '--db', db]);
  return snapshotDir(out);
}

interface Ledger {
  finalizedAt: string | null | undefined;
  finalizes: number;
}
function ledger(db: string): Ledger {
  const { entries } = JSON.parse(ok(['log', '--db', db, '--json'])) as { entries: { action: string; finalized_at?: string | null }[] };
  return { finalizedAt: entries.find((e) => e.action === 'export')?.finalized_at, finalizes: entries.filter((e) => e.action === 'finalize').length };
}

describe("a fault inside finalize's transaction", () => {
  let dir: string;
  let base: string;
  let receipt: string;
  let before: Record<string, string>;
  let after: Record<string, string>;

  /** A fresh copy of the exported source installation, in its own folder (the archive goes beside the receipt's copy there). */
  function copy(name: string): { db: string; own: string; receiptFile: string } {
    const own = path.join(dir, name);
    fs.mkdirSync(own);
    const db = path.join(own, 'source.db');
    fs.copyFileSync(base, db);
    const receiptFile = path.join(own, 'receipt.json');
    fs.copyFileSync(receipt, receiptFile);
    return { db, own, receiptFile };
  }
  const finalize = (db: string, receiptFile: string) => ['finalize', receiptFile, '--db', db, '--office', 'North Agency', '--user', 'alice', '--yes'];
  const leftovers = (own: string) => fs.readdirSync(own).filter((f) => f.startsWith('retention-') || f.startsWith('.retention-'));

  beforeAll(async () => {
    dir = tmpDir('officeport-finalize-fault-');
    base = path.join(dir, 'base.db');
    ok(['init', '--db', base]);
    ok(['load', path.join(SAMPLES, 'source'), '--db', base]);
    const bundle = path.join(dir, 'move.zip');
    ok([
      'export',
      '--db',
      base,
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
    ]);
    // a self-contained file to copy (the WAL checkpointed into the main file)
    const sql = new Database(base);
    sql.pragma('wal_checkpoint(TRUNCATE)');
    sql.close();
    receipt = writeJson(path.join(dir, 'receipt.json'), await handReceipt(bundle));
    before = dumpOf(base);
    const ref = copy('reference');
    ok(finalize(ref.db, ref.receiptFile));
    after = dumpOf(ref.db);
    expect(after).not.toEqual(before);
  }, 60_000);

  for (const point of ['finalize-rows-removed', 'finalize-before-commit']) {
    it(`S3: an error thrown at ${point} rolls back: the source is as before, the ledger not finalized, no archive left`, () => {
      const c = copy(`throw-${point}`);
      const r = run(finalize(c.db, c.receiptFile), { env: { OFFICEPORT_FAULT: `throw:${point}` } });
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toContain(`injected fault at ${point}`);
      expect(dumpOf(c.db)).toEqual(before);
      expect(ledger(c.db)).toEqual({ finalizedAt: null, finalizes: 0 });
      expect(leftovers(c.own)).toEqual([]);
      // and the same finalize without the fault completes the move
      ok(finalize(c.db, c.receiptFile));
      expect(dumpOf(c.db)).toEqual(after);
      expect(ledger(c.db).finalizes).toBe(1);
    });
  }

  it('S3: a kill just before COMMIT lands inside the transaction: the archive is written, the installation is as before', async () => {
    const c = copy('kill-before-commit');
    const r = run(finalize(c.db, c.receiptFile), { env: { OFFICEPORT_FAULT: 'kill:finalize-before-commit' } });
    expect(r.code, 'killed, no exit code').toBe(-1);
    // The archive is complete at its path: the kill came after it was written, i.e. after the removals
    // were about to run inside BEGIN IMMEDIATE; yet nothing of the removals reached the installation.
    const archives = leftovers(c.own);
    expect(archives).toHaveLength(1);
    expect(archives[0]).toMatch(/^retention-.*\.zip$/);
    const { bag, problems } = await openBag(path.join(c.own, archives[0]!));
    expect(problems).toEqual([]);
    expect(JSON.parse(await bag!.readTagFile('officeport.json')).format).toBe('officeport-retention');
    await bag!.close();
    expect(dumpOf(c.db)).toEqual(before);
    expect(ledger(c.db)).toEqual({ finalizedAt: null, finalizes: 0 });
    // the next run replaces the unfinished archive and completes the move
    ok(finalize(c.db, c.receiptFile));
    expect(dumpOf(c.db)).toEqual(after);
  });

  it('S3: a kill right after the removals ran leaves the installation as before', () => {
    const c = copy('kill-rows-removed');
    const r = run(finalize(c.db, c.receiptFile), { env: { OFFICEPORT_FAULT: 'kill:finalize-rows-removed' } });
    expect(r.code, 'killed, no exit code').toBe(-1);
    expect(dumpOf(c.db)).toEqual(before);
    expect(ledger(c.db)).toEqual({ finalizedAt: null, finalizes: 0 });
  });
});
