// @ts-nocheck
// S3: a finalize killed with SIGKILL at random moments on a larger generated
// installation leaves it as before or as after, never between; a run after an
// interrupted one completes the move. Marked slow.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkPayload, openBag } from '../../src/bundle/bag-reader.js';
import { handReceipt, writeJson } from '../fixtures/finalize/hand-receipt.js';
import { BIN, run, tmpDir } from '../helpers/cli.js';
import { snapshotDir } from '../helpers/installation.js';

function ok(args: string[]): string {
  const r = run(args);
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} -> ${r.code}\n${r.stderr}`);
  return r.stdout;
}

const snapshot = snapshotDir;

/** A self-contained copy of an installation (WAL checkpointed into the main file). */
function copyDb(from: string, to: string): void {
  const db = new Database(from);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fs.copyFileSync(from, to);
}

/** A small deterministic generator, so a failing run can be repeated. */
function* moments(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield x / 2 ** 31;
  }
}

/**
 * Run officeport and SIGKILL it `afterMs` after `started()` first holds (polled
 * every 5 ms; from the spawn when absent); afterMs < 0 lets it finish. `workMs`
 * is the time from that moment to the exit.
 */
async function runKilled(
  args: string[],
  afterMs: number,
  started: () => boolean = () => true,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; workMs: number }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  let from = 0;
  let timer: NodeJS.Timeout | undefined;
  const poll = setInterval(() => {
    if (from || !started()) return;
    from = Date.now();
    if (afterMs >= 0) timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  }, 5);
  const r = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  clearInterval(poll);
  clearTimeout(timer);
  return { ...r, workMs: from ? Date.now() - from : 0 };
}

/** finalize holds the write lock from the moment it spools archive rows into a temporary folder (.retention-rows.<pid>.<random>.partial, L11). */
const spooling = (dir: string) => () => fs.readdirSync(dir).some((f) => f.startsWith('.retention-rows.'));

describe('interrupted finalize', () => {
  it('S3: a finalize killed with SIGKILL at random moments leaves the installation as before or as after (slow)', async () => {
    const work = tmpDir('officeport-finalize-kill-');
    const gen = path.join(work, 'gen');
    ok(['generate', gen, '--contacts', '2000', '--seed', 'finalize-kill']);
    const base = path.join(work, 'base.db');
    ok(['init', '--db', base]);
    ok(['load', gen, '--db', base]);
    const bundle = path.join(work, 'move.zip');
    ok(['export', '--db', base, '--office', 'Agency 1', '--user', 'exporter', '--all', '--to-office', 'Agency 2', '--to-user', 'importer', '--out', bundle]);
    const receipt = writeJson(path.join(work, 'receipt.json'), await handReceipt(bundle));
    const before = snapshot((ok(['dump', path.join(work, 'before'), '--db', base]), path.join(work, 'before')));

    // The reference run, timed, gives "after".
    const refDb = path.join(work, 'ref.db');
    copyDb(base, refDb);
    const finalizeArgs = (db: string, archive: string) => [
      'finalize',
      '--yes',
      receipt,
      '--db',
      db,
      '--office',
      'Agency 1',
      '--user',
      'exporter',
      '--archive',
      archive,
    ];
    fs.mkdirSync(path.join(work, 'ref'));
    const ref = await runKilled(finalizeArgs(refDb, path.join(work, 'ref', 'retention.zip')), -1, spooling(path.join(work, 'ref')));
    expect(ref.code).toBe(0);
    expect(ref.workMs, 'the reference run was seen spooling its archive rows').toBeGreaterThan(0);
    ok(['dump', path.join(work, 'after'), '--db', refDb]);
    const after = snapshot(path.join(work, 'after'));
    expect(after).not.toEqual(before);

    const rand = moments(20250401);
    const seen = { before: 0, after: 0, killed: 0 };
    for (let i = 0; i < 5; i++) {
      const db = path.join(work, `k${i}.db`);
      const own = path.join(work, `k${i}`);
      fs.mkdirSync(own);
      const archive = path.join(own, 'retention.zip');
      copyDb(base, db);
      // Spread over the phase that writes the archive and removes the rows (the last one near the commit),
      // and once at any moment after the spawn.
      const anyTime = i === 2;
      const slot = i < 2 ? i : i - 1;
      const at = Math.round(anyTime ? 4 * ref.workMs * rand.next().value! : ((slot + rand.next().value!) / 4) * 1.25 * ref.workMs);
      const r = await runKilled(finalizeArgs(db, archive), at, anyTime ? undefined : spooling(own));
      if (r.signal === 'SIGKILL') seen.killed++;
      const dumped = path.join(work, `dump-${i}`);
      ok(['dump', dumped, '--db', db]);
      const state = snapshot(dumped);
      const isBefore = JSON.stringify(state) === JSON.stringify(before);
      const isAfter = JSON.stringify(state) === JSON.stringify(after);
      expect(isBefore || isAfter, `kill ${i} at ${at} ms left the installation between before and after`).toBe(true);
      if (isAfter) {
        seen.after++;
        // committed: its archive was in place before the commit, whole
        const { bag, problems } = await openBag(archive);
        expect(problems).toEqual([]);
        await checkPayload(bag!);
        expect(bag!.problems).toEqual([]);
        await bag!.close();
      } else {
        seen.before++;
        // and a finalize after the interruption completes the move
        if (seen.before === 1) {
          const again = run(finalizeArgs(db, archive));
          expect(again.code, again.stderr).toBe(0);
          ok(['dump', path.join(work, `again-${i}`), '--db', db]);
          expect(snapshot(path.join(work, `again-${i}`))).toEqual(after);
        }
      }
    }
    console.log(`S3 finalize kills: ${JSON.stringify(seen)}, archive and removal phase ${ref.workMs} ms`);
    expect(seen.killed, `kills landed while finalize ran (${JSON.stringify(seen)})`).toBeGreaterThan(0);
    fs.rmSync(work, { recursive: true, force: true });
  }, 300_000);
});
