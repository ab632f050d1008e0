// @ts-nocheck
// export on two threads (src/export/parallel.ts, src/export/worker.ts): the
// later record files are made by a worker thread and streamed into the bag by
// the main thread. The bundle must be the very bytes a one-thread export makes
// (B6), and the scratch folder (selection database, worker files) must be gone
// afterwards, whether the export succeeded or not.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';

const ID = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
let db = '';

beforeAll(() => {
  // 7,000 contacts: Agency 1 gets about 2,200, above the two-thread threshold (2,000).
  const work = tmpDir('officeport-export-parallel-');
  db = path.join(work, 'inst.db');
  for (const args of [
    ['generate', path.join(work, 'gen'), '--contacts', '7000', '--seed', '11'],
    ['init', '--db', db],
    ['load', path.join(work, 'gen'), '--db', db],
  ]) {
    const r = run(args);
    if (r.code !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  }
}, 60_000);

/** Exports Agency 1 from a copy of the installation with the given thread setting; the scratch folders go to their own TMPDIR. */
function exportWith(threads: string | undefined, extra: string[] = [], copy = ''): { code: number; stderr: string; out: string; tmp: string; db: string } {
  const dir = tmpDir('officeport-export-threads-');
  if (!copy) {
    copy = path.join(dir, 'inst.db');
    fs.copyFileSync(db, copy);
  }
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const out = path.join(dir, 'bundle.zip');
  const env: Record<string, string> = { TMPDIR: tmp };
  if (threads) env.OFFICEPORT_EXPORT_THREADS = threads;
  const args = ['export', '--db', copy, '--office', 'Agency 1', '--user', 'exporter', '--to-office', 'Agency 2', '--to-user', 'importer'];
  const r = run([...args, '--all', '--out', out, '--bundle-id', ID, '--created-at', '2025-04-01T09:30:00Z', ...extra], { env });
  return { code: r.code, stderr: r.stderr, out, tmp, db: copy };
}

describe('export on two threads', () => {
  it('B6: the bundle made with a worker thread is byte for byte the one made on one thread, and no scratch file is left', () => {
    const one = exportWith('1');
    expect(one.code, one.stderr).toBe(0);
    const two = exportWith('2');
    expect(two.code, two.stderr).toBe(0);
    const auto = exportWith(undefined);
    expect(auto.code, auto.stderr).toBe(0);
    const bytes = fs.readFileSync(one.out);
    expect(bytes.length).toBeGreaterThan(100_000);
    expect(fs.readFileSync(two.out).equals(bytes)).toBe(true);
    expect(fs.readFileSync(auto.out).equals(bytes)).toBe(true);
    for (const r of [one, two, auto]) expect(fs.readdirSync(r.tmp)).toEqual([]);
    const v = run(['verify', two.out]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  }, 60_000);

  it('X12: an export that fails after the worker started leaves no bundle and no scratch folder', () => {
    const first = exportWith('2');
    expect(first.code, first.stderr).toBe(0);
    // The same bundle id for other contents (another session) is refused once the bundle is written aside (B6).
    const r = exportWith('2', ['--session', 'another'], first.db);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/already exported a different bundle/);
    expect(fs.readdirSync(path.dirname(r.out))).toEqual(['tmp']);
    expect(fs.readdirSync(r.tmp)).toEqual([]);
  }, 60_000);
});
