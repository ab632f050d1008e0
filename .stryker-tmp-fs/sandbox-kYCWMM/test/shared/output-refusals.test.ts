// @ts-nocheck
// L1 for the two outputs the "every output option" test does not cover: keygen's
// key pair and convert's CSV folder. Both refuse what is there, even with --force
// (a key pair is never replaced; a folder's files are never overwritten).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, runOk, tmpDir } from '../helpers/cli.js';
import { loadInstallation, SAMPLES } from '../helpers/installation.js';

const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('L1: keygen and CSV convert', () => {
  it('L1: keygen refuses an existing private or public key file, and leaves both as they were', () => {
    const dir = tmpDir();
    const base = path.join(dir, 'agency');
    runOk(['keygen', '--out', base]);
    const before = [sha(`${base}.key`), sha(`${base}.pub`)];
    const again = run(['keygen', '--out', base]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; keygen never overwrites a key/);
    expect([sha(`${base}.key`), sha(`${base}.pub`)]).toEqual(before);
    // only one of the pair there: still refused, and the other is not written
    const lone = path.join(dir, 'lone');
    fs.writeFileSync(`${lone}.pub`, 'mine\n');
    expect(run(['keygen', '--out', lone]).code).toBe(1);
    expect(fs.existsSync(`${lone}.key`)).toBe(false);
    expect(fs.readFileSync(`${lone}.pub`, 'utf8')).toBe('mine\n');
  });

  it('L1: convert --to csv refuses a folder holding files, with or without --force, and leaves them', () => {
    const dir = tmpDir();
    const source = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const bundle = path.join(dir, 'move.zip');
    runOk([
      'export',
      '--db',
      source,
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
    const out = path.join(dir, 'csv');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'contacts.csv'), 'mine\n');
    for (const extra of [[], ['--force']]) {
      const r = run(['convert', bundle, '--to', 'csv', '--out', out, ...extra]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/not an empty folder; nothing was written/);
      expect(fs.readdirSync(out)).toEqual(['contacts.csv']);
      expect(fs.readFileSync(path.join(out, 'contacts.csv'), 'utf8')).toBe('mine\n');
    }
  });
});
