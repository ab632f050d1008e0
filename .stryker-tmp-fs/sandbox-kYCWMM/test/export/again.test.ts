// @ts-nocheck
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

const ID = '6f0a3c1e-2b4d-4e8f-9a7b-5c3d2e1f0a9b';
const base = (db: string, out: string) => [
  'export',
  '--db',
  db,
  '--office',
  'North Agency',
  '--user',
  'alice',
  '--to-office',
  'Springfield Agency',
  '--to-user',
  'dana',
  '--bundle-id',
  ID,
  '--created-at',
  '2026-01-02T03:04:05Z',
  '--out',
  out,
];

describe('export with a bundle id the ledger already knows', () => {
  it('B6: exporting the same set again with the same id, session and time in one installation gives identical bytes', () => {
    const dir = tmpDir();
    const db = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const a = path.join(dir, 'a.zip');
    const b = path.join(dir, 'b.zip');
    expect(run([...base(db, a), '--set', 'Move to Springfield']).code).toBe(0);
    const again = run([...base(db, b), '--set', 'Move to Springfield']);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.readFileSync(b).equals(fs.readFileSync(a))).toBe(true);
    const log = JSON.parse(run(['log', '--db', db, '--json']).stdout);
    expect(JSON.stringify(log).split(ID).length - 1).toBeGreaterThan(0);
  });

  it('X12: a different export under a used bundle id is refused and leaves nothing at --out', () => {
    const dir = tmpDir();
    const db = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const a = path.join(dir, 'a.zip');
    expect(run([...base(db, a), '--set', 'Move to Springfield']).code).toBe(0);
    const before = fs.readFileSync(a);
    const other = path.join(dir, 'other.zip');
    const r = run([...base(db, other), '--set', 'Annual Review 2025']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already exported a different bundle with id/);
    expect(fs.existsSync(other)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.again') || f.includes('.partial'))).toEqual([]);
    // the same path as the first bundle: the first bundle survives untouched
    expect(run([...base(db, a), '--set', 'Annual Review 2025']).code).toBe(1);
    expect(fs.readFileSync(a).equals(before)).toBe(true);
  });
});
