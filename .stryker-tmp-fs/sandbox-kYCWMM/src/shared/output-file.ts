// @ts-nocheck
// Every file a command writes at a path the user named goes through here (L1),
// and so does every scratch file or folder a killed command could leave (L11).
//
// L1: an existing path is refused before any work unless --force, and the
// final step never replaces a file that appeared meanwhile: the finished
// temporary file is hard-linked to its name (link() fails with EEXIST, where
// rename() would silently replace), then its temporary name is removed. An
// installation file (the current one, any SQLite database, the -wal, -shm or
// -journal beside one, a staged inbox copy) is never written over, not even
// with --force.
//
// L11: scratch names carry the writer's pid: `.<name>.<pid>.<random>.partial`,
// created private from the start (files 0600 with O_EXCL, folders 0700). Before
// a command writes in a folder it removes the leftovers there whose process is
// gone (and that belong to this user).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, OfficeportError } from './errors.js';

export interface OutputOptions {
  /** --force: replace an existing file, never an installation file */
  force?: boolean;
  /** the option that named the path, for messages: '--out' */
  option?: string;
  /** the installation the command runs on, if any: the files no output may replace (the first is the installation itself) and its inbox folder (a store's home) */
  home?: { readonly files: readonly string[]; readonly inboxDir: string };
  /** the installation file the command runs on, for a command that has not opened it (its files are those of an SQLite installation) */
  installation?: string;
}

/** The mode a published file gets (the temporary file is 0600 until it is complete). */
export const PUBLISHED_MODE = 0o644;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const WAL_MAGICS = [0x377f0682, 0x377f0683];
const SIDE_FILES = ['-wal', '-shm', '-journal'];
const LEFTOVER = /^\..+\.(\d+)\.[0-9a-f]{8}\.partial$/;

/**
 * L1, before any work: `file` may be written. Refuses an installation file
 * always, an existing path unless `force`, a folder always; removes dead
 * leftovers in the folder it will write to (L11).
 */
export function checkOutputPath(file: string, opts: OutputOptions = {}): void {
  refuseInstallationFile(file, opts);
  const st = lstatOrUndefined(file);
  if (st?.isDirectory()) {
    throw new OfficeportError(ErrorCode.REFUSED, `${file} is a folder; ${opts.option ?? 'the output'} names a file to write`, {
      hint: `name a file${opts.option ? ` with ${opts.option}` : ''}`,
    });
  }
  if (st && !opts.force) throw existsError(file, opts, false);
  sweepLeftovers(path.dirname(path.resolve(file)));
}

/** L1 for a folder output (convert --to csv, dump, generate): it must not exist or be empty; it is never merged into. */
export function checkOutputFolder(dir: string, opts: OutputOptions = {}): void {
  refuseInstallationFile(dir, opts);
  const st = lstatOrUndefined(dir);
  if (st && (!st.isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new OfficeportError(ErrorCode.NOT_EMPTY, `${dir} exists and is not an empty folder; nothing was written`, {
      hint: `name a new folder${opts.option ? ` with ${opts.option}` : ''}; files already there are never overwritten`,
    });
  }
  const parent = path.dirname(path.resolve(dir));
  if (fs.existsSync(parent)) sweepLeftovers(parent);
}

/** A fresh private temporary name beside `dest` (not created). */
export function tempBeside(dest: string): string {
  const abs = path.resolve(dest);
  return path.join(path.dirname(abs), scratchName(path.basename(abs)));
}

/** Opens a new private temporary file beside `dest` (0600, exclusive); returns its path and descriptor. */
export function openTempBeside(dest: string): { tmp: string; fd: number } {
  const tmp = tempBeside(dest);
  return { tmp, fd: fs.openSync(tmp, 'wx', 0o600) };
}

/**
 * Streams a file to a private temporary name beside `dest` (every piece `fill`
 * hands to `write`), then publishes it there (L1: never over a file); on any
 * failure the temporary file is removed and nothing appears at `dest`.
 */
export function writeOutputWith(dest: string, opts: OutputOptions, fill: (write: (data: string | Buffer) => void) => void): void {
  const { tmp, fd } = openTempBeside(dest);
  let open = true;
  try {
    fill((data) => void (typeof data === 'string' ? fs.writeSync(fd, data) : fs.writeSync(fd, data)));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    open = false;
    publishFile(tmp, dest, opts);
  } catch (e) {
    if (open) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes `content` to a private temporary file beside `dest` and publishes it there (L1: never over a file). */
export function writeOutputFile(dest: string, content: string | Buffer, opts: OutputOptions = {}): void {
  writeOutputWith(dest, opts, (write) => write(content));
}

/** A new private scratch folder (0700) in `parent`, after removing dead leftovers there (L11). */
export function makeScratchDir(parent: string, name: string): string {
  sweepLeftovers(parent);
  const dir = path.join(parent, scratchName(name));
  fs.mkdirSync(dir, { mode: 0o700 });
  fs.chmodSync(dir, 0o700); // whatever the umask, never wider
  return dir;
}

/**
 * Puts the complete temporary file `tmp` at `dest`. Without force a file that
 * appeared at `dest` meanwhile is not replaced (link fails with EEXIST);
 * with force only an installation file is refused. On failure `tmp` is left
 * for the caller to remove (or keep).
 */
export function publishFile(tmp: string, dest: string, opts: OutputOptions & { mode?: number } = {}): void {
  fs.chmodSync(tmp, opts.mode ?? PUBLISHED_MODE);
  refuseInstallationFile(dest, opts);
  if (opts.force) {
    if (lstatOrUndefined(dest)?.isDirectory()) throw existsError(dest, opts, true);
    fs.renameSync(tmp, dest);
    return;
  }
  try {
    fs.linkSync(tmp, dest);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw existsError(dest, opts, true);
    // a file system without hard links: the best left is to look, then rename
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw e;
    if (lstatOrUndefined(dest)) throw existsError(dest, opts, true);
    fs.renameSync(tmp, dest);
    return;
  }
  fs.unlinkSync(tmp);
}

/** Puts a complete temporary folder at `dir`, which must not exist or be empty (never merged into). */
export function publishFolder(tmp: string, dir: string, opts: OutputOptions = {}): void {
  refuseInstallationFile(dir, opts);
  try {
    if (lstatOrUndefined(dir)?.isDirectory()) fs.rmdirSync(dir); // an empty folder, checked before; ENOTEMPTY if it filled meanwhile
    fs.renameSync(tmp, dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
      throw new OfficeportError(ErrorCode.NOT_EMPTY, `${dir} appeared or filled while the command ran; it was left as it is and nothing was written there`, {
        hint: 'name a new folder and run again',
      });
    }
    throw e;
  }
}

/** Whether `file` is, or belongs to, an installation: refused as an output whatever the flags. */
export function refuseInstallationFile(file: string, opts: OutputOptions = {}): void {
  const what = installationFileKind(file, opts.home ?? (opts.installation !== undefined ? sqliteHome(opts.installation) : undefined));
  if (!what) return;
  throw new OfficeportError(ErrorCode.REFUSED, `${file} is ${what}; no command writes over it, not even with --force; nothing was written`, {
    hint: `name another file${opts.option ? ` for ${opts.option}` : ''}`,
  });
}

/** The files of the installation at `file` as the SQLite adapter keeps them (store/sqlite/store.ts, homeOf). */
function sqliteHome(file: string): NonNullable<OutputOptions['home']> | undefined {
  if (!file) return undefined;
  const inst = path.resolve(file);
  return { files: [inst, ...SIDE_FILES.map((s) => inst + s)], inboxDir: `${inst}.inbox` };
}

function installationFileKind(file: string, home?: OutputOptions['home']): string | undefined {
  const abs = path.resolve(file);
  if (home) {
    const [inst, ...beside] = home.files.map((f) => path.resolve(f));
    if (inst !== undefined && sameFile(abs, inst)) return 'the installation this command runs on';
    if (beside.includes(abs)) return 'a file of the installation this command runs on';
    if (path.dirname(abs) === path.resolve(home.inboxDir)) return 'a staged inbox copy of the installation this command runs on';
  }
  const head = readHead(abs, 16);
  if (head && head.length === 16 && head.equals(SQLITE_MAGIC)) return "a SQLite database (an installation, or another program's data)";
  if (head && head.length >= 4 && WAL_MAGICS.includes(head.readUInt32BE(0))) return 'the write-ahead log of a SQLite database';
  for (const s of SIDE_FILES) {
    if (!abs.endsWith(s)) continue;
    const main = readHead(abs.slice(0, -s.length), 16);
    if (main && main.length === 16 && main.equals(SQLITE_MAGIC)) return `the ${s.slice(1)} file of the SQLite database ${abs.slice(0, -s.length)}`;
  }
  return undefined;
}

function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

function readHead(file: string, n: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    if (!fs.statSync(file).isFile()) return undefined;
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(n);
    return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function existsError(file: string, opts: OutputOptions, meanwhile: boolean): OfficeportError {
  const when = meanwhile ? 'appeared while the command ran' : 'already exists';
  return new OfficeportError(ErrorCode.REFUSED, `${file} ${when}; it was not replaced and nothing was written there`, {
    hint: `name a new file${opts.option ? ` with ${opts.option}` : ''}, or add --force to replace it`,
  });
}

// ---------------------------------------------------------------- L11: scratch names and leftovers

function scratchName(base: string): string {
  return `.${base}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.partial`;
}

/** Removes, in `dir`, scratch files and folders of officeport processes that are gone (and owned by this user). */
export function sweepLeftovers(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const uid = process.getuid?.();
  for (const name of names) {
    const m = name.match(LEFTOVER);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    const full = path.join(dir, name);
    try {
      if (uid !== undefined && fs.lstatSync(full).uid !== uid) continue;
      fs.rmSync(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      // another run removed it, or it is not ours to remove
    }
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
