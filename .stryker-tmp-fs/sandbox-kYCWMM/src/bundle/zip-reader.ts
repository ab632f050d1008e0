// @ts-nocheck
// Opens an untrusted zip safely (S1, the zip-level part of V1).
//
// The central directory is read with unzipper.Open.file only after our own look
// at the end-of-central-directory record has bounded it (entry count, offsets
// inside the file), so a hostile count or offset cannot make unzipper read
// garbage for long. Every entry is then checked before any byte is inflated:
// name (no absolute path, `..`, backslash, drive letter, NUL or control
// character, no duplicates after Unicode and case folding), no symlinks, no
// explicit directories except implied ones, methods stored/deflate, no
// encryption, declared sizes and ratio within the limits, and no overlap
// between entries (local header + data) or with the central directory.
//
// Entry data is read by us, not by unzipper's entry.stream() (which scans for a
// data-descriptor signature when a size is 0 and reads 1000 bytes of padding):
// exactly the central directory's compressed range, inflated with our own byte
// count that stops at the declared size + 1, and CRC-32 checked at the end.
// Nothing here writes to disk. The bytes come through a ByteSource
// (byte-source.ts): a file, or the decrypted view of an encrypted bundle.
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import unzipper from 'unzipper';
import { ErrorCode, OfficeportError, type Problem } from '../shared/errors.js';
import { fileSource, inputName, type BundleInput, type ByteSource } from './byte-source.js';

export interface ZipLimits {
  maxEntries: number;
  /** declared and actual inflated bytes of one entry */
  maxEntryBytes: number;
  /** declared and actual inflated bytes of all entries */
  maxTotalBytes: number;
  /** inflated / compressed, for entries (and the whole zip) above ratioFloorBytes */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 100_000,
  maxEntryBytes: 4 * 1024 ** 3,
  maxTotalBytes: 4 * 1024 ** 3,
  maxRatio: 100,
  ratioFloorBytes: 1024 ** 2,
};

export interface ZipEntry {
  /** the name as stored (UTF-8) */
  name: string;
  method: 0 | 8;
  compressedSize: number;
  /** declared inflated size */
  size: number;
  crc32: number;
  isDirectory: boolean;
  /** the local header's offset; the compressed bytes start and end (exclusive) */
  localStart: number;
  dataStart: number;
  dataEnd: number;
}

export interface SafeZip {
  file: string;
  /** file entries (implied directory entries left out), in central directory order */
  entries: ZipEntry[];
  /**
   * The inflated bytes of one entry. Throws ZipEntryError when the entry
   * inflates past its declared size, ends short, fails to inflate, or its
   * CRC-32 differs.
   */
  read(entry: ZipEntry): AsyncIterable<Buffer>;
}

/** An entry's data is not what its header says; `problem` names the entry. */
export class ZipEntryError extends OfficeportError {
  constructor(readonly problem: Problem) {
    super(ErrorCode.BUNDLE_INVALID, `${problem.file}: ${problem.message}`, {
      problems: [problem],
      hint: 'the bundle is damaged or was tampered with; ask the sender for a new copy',
    });
  }
}

const EOCD_SIG = 0x06054b50;
const LOCAL_SIG = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/**
 * Opens a zip (a file, or an opened source: that one stays open, its owner
 * closes it); returns the zip only when no problem was found. Never throws for
 * bad input.
 */
export async function openZip(input: BundleInput, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<{ zip?: SafeZip; problems: Problem[] }> {
  const file = inputName(input);
  const problems: Problem[] = [];
  let src: ByteSource;
  try {
    src = typeof input === 'string' ? await fileSource(input) : input;
  } catch (e) {
    return { problems: [{ file, message: `cannot open: ${(e as Error).message}` }] };
  }
  try {
    const size = src.size;
    const eocd = await readEocd(src, size, limits, problems, file);
    if (!eocd) return { problems };
    let dir: unzipper.CentralDirectory;
    try {
      dir = await unzipper.Open.custom({
        size: () => Promise.resolve(size),
        stream: (offset: number, length?: number) => src.stream(offset, length === undefined ? size : Math.min(size, offset + length)),
      });
      await dir.files; // unzipper resolves files lazily
    } catch (e) {
      return { problems: [{ file, message: `not a readable zip (central directory: ${(e as Error).message})` }] };
    }
    const entries = await checkEntries(src, dir, size, limits, problems);
    if (problems.length > 0) return { problems };
    return { zip: { file, entries, read: (e) => readEntry(src, e) }, problems };
  } catch (e) {
    return { problems: [{ file, message: `not a readable zip: ${(e as Error).message}` }] };
  } finally {
    if (src !== input) await src.close();
  }
}

interface Eocd {
  entries: number;
  cdOffset: number;
  cdSize: number;
}

async function readEocd(src: ByteSource, size: number, limits: ZipLimits, problems: Problem[], file: string): Promise<Eocd | undefined> {
  const notZip = (why: string) => (problems.push({ file, message: `not a zip file: ${why}` }), undefined);
  if (size < 22) return notZip(`${size} bytes is too short`);
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = await src.read(size - tailLen, tailLen);
  let at = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + 22 + tail.readUInt16LE(i + 20) === tailLen) {
      at = i;
      break;
    }
  }
  if (at < 0) return notZip('no end-of-central-directory record (truncated, or not a zip)');
  const disk = tail.readUInt16LE(at + 4);
  const cdDisk = tail.readUInt16LE(at + 6);
  const onDisk = tail.readUInt16LE(at + 8);
  const entries = tail.readUInt16LE(at + 10);
  const cdSize = tail.readUInt32LE(at + 12);
  const cdOffset = tail.readUInt32LE(at + 16);
  const zip64 = entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff;
  if (zip64) return { entries, cdOffset, cdSize }; // unzipper reads the zip64 record; entries are checked after
  if (disk !== 0 || cdDisk !== 0 || onDisk !== entries) return notZip('split or multi-disk zips are not supported');
  const eocdPos = size - tailLen + at;
  if (cdOffset + cdSize > eocdPos) return notZip('the central directory lies outside the file (truncated?)');
  if (entries > limits.maxEntries) {
    problems.push({ file, message: `${entries} entries; at most ${limits.maxEntries} are allowed` });
    return undefined;
  }
  if (cdSize < entries * 46) return notZip('the central directory is shorter than its entry count');
  return { entries, cdOffset, cdSize };
}

type CdFile = unzipper.File & {
  flags: number;
  compressionMethod: number;
  crc32: number;
  versionMadeBy: number;
  externalFileAttributes: number;
  offsetToLocalFileHeader: number;
  /** unzipper gives '' (a string) for an empty name */
  pathBuffer: Buffer | string;
};

/** The name's bytes as stored. */
function nameBytes(f: CdFile): Buffer {
  return typeof f.pathBuffer === 'string' ? Buffer.from(f.pathBuffer, 'utf8') : f.pathBuffer;
}

async function checkEntries(src: ByteSource, dir: unzipper.CentralDirectory, size: number, limits: ZipLimits, problems: Problem[]): Promise<ZipEntry[]> {
  const files = (await dir.files) as CdFile[];
  const cdOffset = (dir as unknown as { offsetToStartOfCentralDirectory: number }).offsetToStartOfCentralDirectory;
  if (files.length > limits.maxEntries) {
    problems.push({ message: `${files.length} entries; at most ${limits.maxEntries} are allowed` });
    return [];
  }
  const out: ZipEntry[] = [];
  const seen = new Map<string, string>();
  const dirs: string[] = [];
  let total = 0;
  let compressedTotal = 0;
  for (const f of files) {
    const raw = nameBytes(f);
    const name = raw.toString('utf8');
    const bad = (message: string) => problems.push({ file: name, message });
    const nameProblem = checkName(raw, name);
    if (nameProblem) {
      bad(nameProblem);
      continue;
    }
    const key = name.replace(/\/$/, '').normalize('NFC').toLowerCase();
    const dup = seen.get(key);
    if (dup !== undefined) bad(dup === name ? 'duplicate entry' : `duplicate of ${dup} (same name after Unicode and case folding)`);
    seen.set(key, name);
    const mode = (f.externalFileAttributes >>> 16) & S_IFMT;
    const unixHost = f.versionMadeBy >> 8 === 3;
    if (unixHost && mode === S_IFLNK) bad('is a symbolic link; links are not allowed');
    const isDirectory = name.endsWith('/') || (unixHost && mode === S_IFDIR) || (f.externalFileAttributes & 0x10) !== 0;
    if (f.flags & 0x41) bad('is encrypted; encrypted entries are not supported');
    if (f.compressionMethod !== 0 && f.compressionMethod !== 8)
      bad(`uses compression method ${f.compressionMethod}; only stored (0) and deflate (8) are allowed`);
    if (isDirectory) {
      if (f.uncompressedSize !== 0 || f.compressedSize > 2) bad('is a directory entry with data');
      dirs.push(name.replace(/\/$/, ''));
    }
    // Sizes past 2^53 (a zip64 field) have no exact number here: judging or
    // adding their rounded value would only mislead.
    if (!Number.isSafeInteger(f.uncompressedSize) || !Number.isSafeInteger(f.compressedSize)) {
      bad('sizes are unreadable');
      continue;
    }
    const sizeProblem = checkSizes(f, limits);
    if (sizeProblem) bad(sizeProblem);
    total += f.uncompressedSize;
    compressedTotal += f.compressedSize;
    const range = await localRange(src, f, name, size, cdOffset);
    if (typeof range === 'string') bad(range);
    else if (!isDirectory)
      out.push({
        name,
        method: f.compressionMethod as 0 | 8,
        compressedSize: f.compressedSize,
        size: f.uncompressedSize,
        crc32: f.crc32 >>> 0,
        isDirectory,
        ...range,
      });
  }
  for (const d of dirs)
    if (!out.some((e) => e.name.startsWith(d + '/')))
      problems.push({ file: d + '/', message: 'is an empty directory entry; only directories holding files are allowed' });
  if (total > limits.maxTotalBytes) problems.push({ message: `entries declare ${total} bytes in all; at most ${limits.maxTotalBytes} are allowed` });
  if (total > limits.ratioFloorBytes && total > compressedTotal * limits.maxRatio)
    problems.push({ message: `the zip inflates ${ratio(total, compressedTotal)}:1 overall; at most ${limits.maxRatio}:1 is allowed (zip bomb?)` });
  checkOverlaps(out, problems);
  return out;
}

function checkName(raw: Buffer, name: string): string | undefined {
  if (!Buffer.from(name, 'utf8').equals(raw)) return 'name is not valid UTF-8';
  if (name === '') return 'empty name';
  // eslint-disable-next-line no-control-regex -- control characters are what this check refuses in entry names
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'name holds a NUL or control character';
  if (name.includes('\\')) return 'name holds a backslash';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'name starts with a drive letter';
  const segs = name.replace(/\/$/, '').split('/');
  if (segs.includes('..')) return 'path escapes the bundle folder (`..`)';
  if (segs.some((s) => s === '' || s === '.')) return 'name holds an empty or `.` path segment';
  return undefined;
}

function checkSizes(f: CdFile, limits: ZipLimits): string | undefined {
  const n = f.uncompressedSize;
  if (n > limits.maxEntryBytes) return `declares ${n} bytes; at most ${limits.maxEntryBytes} are allowed per entry`;
  if (n > limits.ratioFloorBytes && n > f.compressedSize * limits.maxRatio)
    return `inflates ${ratio(n, f.compressedSize)}:1 (${f.compressedSize} -> ${n} bytes); at most ${limits.maxRatio}:1 is allowed (zip bomb?)`;
  if (f.compressionMethod === 0 && n !== f.compressedSize) return `is stored but its sizes differ (${f.compressedSize} vs ${n})`;
  return undefined;
}

function ratio(a: number, b: number): string {
  return b === 0 ? '∞' : (a / b).toFixed(0);
}

/** Reads the local header and returns where the entry's bytes lie, or what is wrong. */
async function localRange(
  src: ByteSource,
  f: CdFile,
  name: string,
  size: number,
  cdOffset: number,
): Promise<{ localStart: number; dataStart: number; dataEnd: number } | string> {
  const at = f.offsetToLocalFileHeader;
  if (!Number.isSafeInteger(at) || at + 30 > size) return 'local header lies outside the file (truncated?)';
  const h = await src.read(at, 30);
  if (h.readUInt32LE(0) !== LOCAL_SIG) return 'no local header where the central directory points';
  const nameLen = h.readUInt16LE(26);
  const extraLen = h.readUInt16LE(28);
  const localName = await src.read(at + 30, nameLen);
  if (!localName.equals(nameBytes(f))) return `local header names ${JSON.stringify(localName.toString('utf8'))}, the central directory another name`;
  if (h.readUInt16LE(8) !== f.compressionMethod) return 'local header and central directory disagree on the compression method';
  const dataStart = at + 30 + nameLen + extraLen;
  const dataEnd = dataStart + f.compressedSize;
  if (dataEnd > cdOffset) return 'entry data runs into the central directory (truncated or overlapping)';
  return { localStart: at, dataStart, dataEnd };
}

function checkOverlaps(entries: ZipEntry[], problems: Problem[]): void {
  const sorted = entries.slice().sort((a, b) => a.localStart - b.localStart);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.localStart < prev.dataEnd) problems.push({ file: cur.name, message: `overlaps entry ${prev.name} (entries sharing bytes: zip bomb or tampering)` });
  }
}

const READ_CHUNK = 256 * 1024;
// zlib passes stream options on to its Transform; its typings list only the zlib ones.
const INFLATE_OPTIONS = { chunkSize: READ_CHUNK, readableHighWaterMark: 4 * READ_CHUNK } as zlib.ZlibOptions;

async function* readEntry(source: ByteSource, e: ZipEntry): AsyncGenerator<Buffer> {
  const problem = (message: string) => new ZipEntryError({ file: e.name, message });
  const raw = e.compressedSize === 0 ? Readable.from([]) : source.stream(e.dataStart, e.dataEnd, READ_CHUNK);
  // Large chunks: each chunk costs a trip through the stream machinery, the CRC, the hash and the line splitter;
  // a read-ahead of a few chunks lets inflating (zlib's thread pool) overlap with checking the records.
  const src: Readable = e.method === 8 ? raw.pipe(zlib.createInflateRaw(INFLATE_OPTIONS)) : raw;
  if (src !== raw) raw.on('error', (err: Error) => src.destroy(err));
  let count = 0;
  let crc = 0;
  try {
    try {
      for await (const chunk of src as AsyncIterable<Buffer>) {
        count += chunk.length;
        if (count > e.size) throw problem(`inflates past its declared size of ${e.size} bytes (sizes lie: zip bomb or tampering)`);
        crc = zlib.crc32(chunk, crc);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ZipEntryError) throw err;
      throw problem(`cannot be read: ${(err as Error).message}`);
    }
    if (count !== e.size) throw problem(`inflates to ${count} bytes; the zip declares ${e.size}`);
    if (crc >>> 0 !== e.crc32) throw problem(`CRC-32 ${hex8(crc)} differs from the zip's ${hex8(e.crc32)} (damaged or tampered)`);
  } finally {
    src.destroy();
    raw.destroy();
  }
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
