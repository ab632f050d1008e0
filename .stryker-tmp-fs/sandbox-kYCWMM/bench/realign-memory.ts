// @ts-nocheck
// P1 for realignment (R10): peak RSS of `realign carrier` and of its
// `realign undo` on an office whose local carrier holds many policies, each
// run as the real binary under /usr/bin/time -v, and a check that the undo
// puts the installation back exactly (dump before == dump after undo).
// Usage: node dist/bench/realign-memory.js [POLICIES] [--keep]; default 100,000.
// The office is the realignment test fixture (test/fixtures/realign/office)
// plus POLICIES policies and POLICIES/20 pending cases on local carrier CL-1.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/officeport.js');
const FIXTURE = path.join(ROOT, 'test/fixtures/realign/office');
const RSS_LIMIT_MB = 300;
const AG = ['--office', 'O-AG', '--user', 'admin'];

interface Measured {
  step: string;
  seconds: number;
  peak_rss_mb: number;
  under_300mb: boolean;
}

function officeport(args: string[], db: string): Measured & { stdout: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, ...args, '--db', db], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`officeport ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (!kb) throw new Error(`no peak RSS in the output of /usr/bin/time:\n${r.stderr}`);
  const peak = Math.round(Number(kb[1]) / 1024);
  return { step: args.slice(0, 2).join(' '), seconds: Math.round(seconds * 10) / 10, peak_rss_mb: peak, under_300mb: peak < RSS_LIMIT_MB, stdout: r.stdout };
}

function plain(args: string[]): void {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`officeport ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
}

function largeOffice(dir: string, policies: number): void {
  fs.cpSync(FIXTURE, dir, { recursive: true });
  const add = (file: string, n: number, line: (i: number) => string) => {
    const fd = fs.openSync(path.join(dir, file), 'a');
    for (let i = 0; i < n; i += 10_000) {
      let text = '';
      for (let j = i; j < Math.min(n, i + 10_000); j++) text += line(j) + '\n';
      fs.writeSync(fd, text);
    }
    fs.closeSync(fd);
  };
  add('policies.csv', policies, (i) => `GP-${i},O-AG,C-2,CL-1,${i % 3 ? 'PL-1' : 'PL-3'},GPOL-${i},active,life,${1000 + i}.00,${i % 97}.50,2020-01-01`);
  add('pending_cases.csv', Math.floor(policies / 20), (i) => `GK-${i},O-AG,C-3,CL-1,PL-1,SL-1,GCASE-${i},submitted,2025-01-10`);
}

function dumpText(db: string, out: string): string {
  plain(['dump', out, '--db', db]);
  return fs
    .readdirSync(out)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => `${f}\n${fs.readFileSync(path.join(out, f), 'utf8')}`)
    .join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const policies = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
  const keep = args.includes('--keep');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'officeport-bench-realign-'));
  try {
    const csv = path.join(work, 'csv');
    largeOffice(csv, policies);
    const db = path.join(work, 'office.db');
    plain(['load', csv, '--db', db]);
    const before = dumpText(db, path.join(work, 'dump-before'));
    const migrate = officeport(['realign', 'carrier', ...AG, '--local', 'CL-1', '--resource', 'CR-1', '--yes'], db);
    const id = /realignment #(\d+)/.exec(migrate.stdout)?.[1];
    if (!id) throw new Error(`no realignment id in:\n${migrate.stdout}`);
    const migrated = dumpText(db, path.join(work, 'dump-migrated'));
    const undo = officeport(['realign', 'undo', id, ...AG], db);
    const after = dumpText(db, path.join(work, 'dump-after'));
    const rows = [migrate, undo].map(({ stdout: _, ...m }) => m);
    console.log(
      JSON.stringify(
        { policies, pending_cases: Math.floor(policies / 20), rows, migration_changed_dump: migrated !== before, undo_restores_exactly: after === before },
        null,
        2,
      ),
    );
    if (after !== before) process.exitCode = 1;
  } finally {
    if (keep) console.error(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
