// @ts-nocheck
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/sqlite/schema.js';
import { BIN, run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, dumpLines } from '../helpers/installation.js';

const source = path.join(SAMPLES, 'source');

function runAsync(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe('installation store', () => {
  it('D1: init creates the installation at --db, else $OFFICEPORT_DB, else ./officeport.db', () => {
    const dir = tmpDir();
    expect(run(['init', '--db', path.join(dir, 'a.db')]).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'a.db'))).toBe(true);
    expect(run(['init'], { env: { OFFICEPORT_DB: path.join(dir, 'b.db') } }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'b.db'))).toBe(true);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'OFFICEPORT_DB'));
    const r = spawnSync(process.execPath, [BIN, 'init'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, 'officeport.db'))).toBe(true);
  });

  it('D1: every command migrates an older schema forward; a newer one is refused', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'old.db');
    const db = new Database(file);
    for (const sql of MIGRATIONS[0]!) db.exec(sql);
    db.pragma('user_version = 1');
    db.close();
    const r = run(['list', 'offices', '--db', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const after = new Database(file);
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    after.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    after.close();
    const newer = run(['list', 'offices', '--db', file]);
    expect(newer.code).toBe(1);
    expect(newer.stderr).toMatch(/schema version \d+, this officeport knows up to/);
  });

  it('D1: a file that is not an installation is refused with a clear error', () => {
    const file = path.join(tmpDir(), 'notes.db');
    fs.writeFileSync(file, 'this is not sqlite at all, just text that is long enough to not be a header');
    const r = run(['list', 'offices', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not an officeport installation/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('D1: a command on a missing installation says how to create it', () => {
    const r = run(['list', 'offices', '--db', path.join(tmpDir(), 'missing.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hint: .*create a new installation with: officeport init --db \S*missing\.db/);
  });

  it('S5: two loads into one installation at once: one waits and fails cleanly, the file is never corrupted', async () => {
    for (let round = 0; round < 3; round++) {
      const file = path.join(tmpDir(), 's5.db');
      expect(run(['init', '--db', file]).code).toBe(0);
      const [a, b] = await Promise.all([runAsync(['load', source, '--db', file]), runAsync(['load', source, '--db', file])]);
      expect([a.code, b.code].sort()).toEqual([0, 1]);
      expect((a.code === 1 ? a : b).stderr).toMatch(/already holds data/);
      const db = new Database(file, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      const fresh = path.join(tmpDir(), 'fresh.db');
      run(['load', source, '--db', fresh]);
      expect(dumpLines(file)).toEqual(dumpLines(fresh));
    }
  });
});
