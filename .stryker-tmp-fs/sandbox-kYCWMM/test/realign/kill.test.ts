// @ts-nocheck
// R12 / S3: a carrier migration of a large office killed with SIGKILL while it
// runs leaves the installation as before or as after, never between. Marked slow.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIN, tmpDir } from '../helpers/cli.js';
import { FIXTURE, dump, loadInstallation } from '../fixtures/realign/helpers.js';

const N = 30_000;

/** The fixture plus N policies, cases, proposals and policy riders on the local carrier CL-1. */
function largeOffice(dir: string): string {
  fs.cpSync(FIXTURE, dir, { recursive: true });
  const add = (file: string, line: (i: number) => string) => {
    let text = '';
    for (let i = 0; i < N; i++) text += line(i) + '\n';
    fs.appendFileSync(path.join(dir, file), text);
  };
  add('policies.csv', (i) => `GP-${i},O-AG,C-2,CL-1,${i % 3 ? 'PL-1' : 'PL-3'},GPOL-${i},active,life,1000.00,10.00,2020-01-01`);
  add('pending_cases.csv', (i) => `GK-${i},O-AG,C-3,CL-1,PL-1,SL-1,GCASE-${i},submitted,2025-01-10`);
  add('proposals.csv', (i) => `GPRP-${i},O-AG,C-2,PL-1,quote ${i},1000.00,open,2025-01-01T10:00:00Z`);
  add('policy_riders.csv', (i) => `GP-${i},${i % 2 ? 'RL-1' : 'RL-2'},${i}.00`);
  return dir;
}

function copyDb(from: string, to: string): void {
  const db = new Database(from);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fs.copyFileSync(from, to);
}

const ARGS = ['realign', 'carrier', '--office', 'O-AG', '--user', 'admin', '--local', 'CL-1', '--resource', 'CR-1', '--yes'];

/** Run the migration; once its plan is printed (the transaction is next), kill it after `afterMs`. */
function runKilled(db: string, afterMs: number): Promise<{ code: number | null; signal: string | null; sincePlan: number }> {
  const child = spawn(process.execPath, [BIN, ...ARGS, '--db', db], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NO_COLOR: '1' } });
  let planAt = 0;
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (!planAt && out.includes('carriers renamed X_')) {
      planAt = Date.now();
      if (afterMs >= 0) setTimeout(() => child.kill('SIGKILL'), afterMs);
    }
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, sincePlan: planAt ? Date.now() - planAt : -1 })));
}

describe('R12: a killed migration', () => {
  it('R12: a migration killed with SIGKILL at moments during its transaction leaves before or after (slow)', async () => {
    const work = tmpDir('officeport-realign-kill-');
    const base = await loadInstallation(largeOffice(path.join(work, 'csv')));
    const before = JSON.stringify(await dump(base));
    const ref = path.join(work, 'ref.db');
    copyDb(base, ref);
    const done = await runKilled(ref, -1);
    expect(done.code).toBe(0);
    const after = JSON.stringify(await dump(ref));
    expect(after).not.toEqual(before);

    const seen = { before: 0, after: 0, killed: 0 };
    const fractions = [0.1, 0.3, 0.5, 0.7, 0.9];
    for (const [i, f] of fractions.entries()) {
      const db = path.join(work, `k${i}.db`);
      copyDb(base, db);
      const r = await runKilled(db, Math.round(done.sincePlan * f));
      if (r.signal === 'SIGKILL') seen.killed++;
      const state = JSON.stringify(await dump(db));
      expect(state === before || state === after, `kill at ${f} of the migration left it between before and after`).toBe(true);
      if (state === before) seen.before++;
      else seen.after++;
    }
    expect(seen.killed, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.before, JSON.stringify(seen)).toBeGreaterThan(0);
    fs.rmSync(work, { recursive: true, force: true });
  }, 300_000);
});
