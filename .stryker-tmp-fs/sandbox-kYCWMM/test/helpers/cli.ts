// @ts-nocheck
// Run the real binary, as a user would.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/officeport.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Commands run in a scratch folder, never in the repository: a command that
// writes beside its input (receipts, archives) must not leave files in the tree.
let scratch: string | undefined;
function scratchDir(): string {
  scratch ??= tmpDir('officeport-cwd-');
  return scratch;
}

// Every folder made here is removed when the test file ends (each test file
// loads this module afresh), so a run leaves nothing in the temp folder.
// OFFICEPORT_KEEP_TMP=1 keeps them for a look after a failure.
const made: string[] = [];
afterAll(() => {
  if (process.env.OFFICEPORT_KEEP_TMP) return;
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  scratch = undefined;
});

export function run(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? scratchDir(),
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder, removed when the test file ends. */
export function tmpDir(prefix = 'officeport-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Run the binary and return its stdout; throw with its stderr when it fails. */
export function runOk(args: string[], cwd?: string): string {
  const r = run(args, { cwd });
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}
