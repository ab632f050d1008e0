// @ts-nocheck
// L10: failures of the environment (read-only installation, full disk,
// permission denied, not an installation) are named with exit 1, never
// "internal error"; a file that is not an installation is left untouched.
// Read-only and full file systems are real tmpfs mounts and permissions are
// checked as an unprivileged user where the test runs as root and may mount;
// an errno-shaped injected fault (OFFICEPORT_FAULT=throw:POINT:CODE) covers
// the same causes everywhere.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, run, tmpDir } from '../helpers/cli.js';
import { loadInstallation, SAMPLES } from '../helpers/installation.js';

const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const isRoot = process.getuid?.() === 0;

const mounts: string[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) spawnSync('umount', [m]);
});

/** A tmpfs at `dir` (root only); false where this machine does not allow it. */
function mountTmpfs(dir: string, size: string): boolean {
  if (!isRoot) return false;
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (r.status !== 0) return false;
  mounts.push(dir);
  return true;
}
const canMount = mountTmpfs(tmpDir(), '64k');
for (const m of mounts.splice(0)) spawnSync('umount', [m]);

/**
 * The real binary as root without the capabilities that override file
 * permissions (setpriv, util-linux): the permission bits then bind it as they
 * bind any user, while the project's own files (owned by root) stay readable
 * wherever the repository was cloned, which a switch to another user does not
 * promise.
 */
function runWithoutOverride(args: string[]) {
  const r = spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-all', '--', process.execPath, BIN, ...args], {
    cwd: '/',
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stderr: r.stderr, stdout: r.stdout };
}

function expectNamed(r: { code: number; stderr: string }, cause: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(cause);
  expect(r.stderr).not.toMatch(/internal error|not an officeport installation/);
}

describe('L10: environment failures', () => {
  let source: string;

  beforeAll(() => {
    source = loadInstallation(path.join(SAMPLES, 'source'));
  });

  it('L10: a foreign SQLite file is refused and left untouched (not switched to WAL)', () => {
    const file = path.join(tmpDir(), 'other-app.db');
    const db = new Database(file);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('keep me')");
    db.close();
    const before = sha(file);
    const r = run(['list', 'offices', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is a SQLite file but not an officeport installation; it was left untouched/);
    expect(sha(file)).toBe(before);
    expect([...fs.readFileSync(file).subarray(18, 20)]).toEqual([1, 1]); // rollback journal, not WAL (2, 2)
    expect(fs.readdirSync(path.dirname(file))).toEqual(['other-app.db']);
  });

  it('L10: a file that is not a database is refused by name and left untouched', () => {
    const file = path.join(tmpDir(), 'notes.db');
    fs.writeFileSync(file, 'plain text, long enough to look like something other than a header\n');
    const r = run(['list', 'offices', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not an officeport installation: it is not a SQLite database/);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^plain text/);
  });

  it.runIf(canMount)('L10: an installation on a read-only file system is named as such', () => {
    const dir = tmpDir();
    expect(mountTmpfs(dir, '4m')).toBe(true);
    fs.copyFileSync(source, path.join(dir, 'source.db'));
    expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).toBe(0);
    const db = path.join(dir, 'source.db');
    expectNamed(
      run(['set', 'create', 'Later', '--db', db, '--office', 'North Agency', '--contact', 'C-1001']),
      /cannot write the installation .*source\.db: it is on a read-only file system/,
    );
    expectNamed(run(['list', 'offices', '--db', db]), /read-only file system/);
  });

  it.runIf(canMount)('L10: a full disk is named as such, for the installation and for a bundle (nothing left of the bundle)', () => {
    const dir = tmpDir();
    expect(mountTmpfs(dir, '700k')).toBe(true);
    const db = path.join(dir, 'target.db');
    expectNamed(run(['load', path.join(SAMPLES, 'target'), '--db', db]), /the disk is full; nothing was changed/);
    // the bundle of an export onto a full disk
    const small = tmpDir();
    expect(mountTmpfs(small, '8k')).toBe(true);
    const r = run([
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
      path.join(small, 'move.zip'),
    ]);
    expectNamed(r, /the disk is full/);
    expect(fs.readdirSync(small)).toEqual([]);
  });

  it.runIf(isRoot)(
    'L10: a read-only installation (chmod 444, or a folder where -wal cannot be made) and an output folder, for a user who may not write them',
    () => {
      const dir = tmpDir();
      const db = path.join(dir, 'source.db');
      fs.copyFileSync(source, db);
      fs.chmodSync(db, 0o444);
      const set = ['set', 'create', 'Later', '--db', db, '--office', 'North Agency', '--contact', 'C-1001'];
      expectNamed(runWithoutOverride(set), /cannot write the installation .*source\.db/);
      fs.chmodSync(db, 0o644);
      fs.chmodSync(dir, 0o555);
      expectNamed(runWithoutOverride(set), /its folder .* is read-only for this user \(permission denied\)/);
      // an output folder the user may not write to
      fs.chmodSync(dir, 0o755);
      const out = tmpDir();
      fs.chmodSync(out, 0o555);
      const r = runWithoutOverride([
        'export',
        '--db',
        db,
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
        path.join(out, 'move.zip'),
      ]);
      expectNamed(r, /permission denied/);
    },
  );

  it('L10: a full disk, a read-only file system and permission denied while a file is written are named (injected errors)', () => {
    const cases: [string, RegExp][] = [
      ['ENOSPC', /the disk is full/],
      ['EACCES', /permission denied/],
      ['EROFS', /the file system is read-only/],
      ['SQLITE_FULL', /cannot write the installation .*: the disk is full/],
      ['SQLITE_READONLY', /cannot write the installation .*read-only/],
      ['SQLITE_IOERR_WRITE', /input\/output error/],
    ];
    for (const [code, cause] of cases) {
      const out = path.join(tmpDir(), 'move.zip');
      const r = run(
        [
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
          out,
        ],
        { env: { OFFICEPORT_FAULT: `throw:bag-partial-written:${code}` } },
      );
      expectNamed(r, cause);
      expect(fs.readdirSync(path.dirname(out))).toEqual([]);
    }
  });
});
