// @ts-nocheck
// Writes one BagIt 1.0 bag (RFC 8493) inside a zip, streaming (B1, B6, B7, X12).
//
// Entry order (docs/bundle-format.md): payload files in the caller's order, then
// bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt, the
// caller's tag files (officeport.json), officeport.sig when signing.
// Every entry carries `createdAt` (archiver stores it as UTC DOS time) and mode
// 0644, deflate level 6 (documents stored), no comment: the same input gives
// the same bytes (B6). Stored entries carry CRC-32 and sizes in their local
// header (B11); deflated ones are followed by a data descriptor, which every
// streaming reader (Java's ZipInputStream included) accepts for deflated entries.
// The zip goes to a temporary name in the target folder, is fsync'd and renamed
// at the end; on any failure the temporary file is removed and nothing is at
// `outFile` (X12). Payload sources are pulled one file at a time, never held
// whole in memory.
import { createHash, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform, type Duplex, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
//  archiver 8 (ESM) ships no types, and @types/archiver describes the older API.
import { ZipArchive as ZipArchiveJs } from 'archiver';
import { BugError } from '../shared/errors.js';
import { faultPoint } from '../shared/fault.js';
import { publishFile, tempBeside, type OutputOptions } from '../shared/output-file.js';
import { VERSION } from '../shared/version.js';
import { bagPathKind, BAGIT_TXT, BAG_INFO_TXT, MANIFEST_TXT, SIGNATURE_FILE, TAGMANIFEST_TXT } from './bag-reader.js';
import { useNativeCrc32 } from './native-crc.js';
import { signatureFileContent } from './signing.js';

export interface PayloadFile {
  /** 'data/records/contacts.ndjson' or 'data/documents/<sha256>' */
  path: string;
  /** pulled once, when the entry is written */
  source: () => AsyncIterable<string | Buffer> | Iterable<string | Buffer>;
  /**
   * The whole content, when the caller already holds it (a document read from
   * the store): appended to the zip as one buffer, without a stream. Its entry
   * then carries sizes and CRC in the local header instead of a data descriptor.
   */
  content?: Buffer;
}

export interface TagFile {
  /** a tag file at the bag root the reader allows besides the BagIt ones: 'officeport.json' */
  path: string;
  content: string | Buffer;
}

export interface WrittenFile {
  path: string;
  sha256: string;
  size: number;
}

export interface WriteBagInput {
  /** written to a temp name in the same folder, fsync'd, renamed at the end; nothing at outFile on failure */
  outFile: string;
  /** the single top-level folder, e.g. officeport-bundle-<uuid> */
  rootName: string;
  /** every entry's date and Bagging-Date (B6) */
  createdAt: Date;
  /** extra bag-info.txt fields in the given order (External-Identifier, ...); the writer adds Payload-Oxum, Bagging-Date, Bag-Software-Agent */
  bagInfo: Record<string, string>;
  /** written in this order (the caller sorts) */
  payload: PayloadFile[] | AsyncIterable<PayloadFile>;
  /** made after the payload is written so they can carry counts */
  tagFiles: (payload: WrittenFile[]) => TagFile[] | Promise<TagFile[]>;
  /** B7: Ed25519 private key; adds officeport.sig (not in the tag manifest) signing tagmanifest-sha256.txt */
  signingKey?: KeyObject;
  /** called with the byte count of each payload chunk as it is written (progress bars) */
  onBytes?: (n: number) => void;
  /** L1: how the finished zip is put at outFile (--force, the installation never written over, the option's name) */
  /** how the finished file is put at outFile (mode: 0600 for a file that stays private) */
  output?: OutputOptions & { mode?: number };
  /** T2: a stage the zip's bytes go through on their way to the file (the age encryption of a bundle addressed by card) */
  envelope?: Duplex;
}

export interface WriteBagResult {
  /** hex sha256 of tagmanifest-sha256.txt (export ledger, receipts) */
  tagmanifestSha256: string;
  /** '<octets>.<files>' as in bag-info.txt */
  payloadOxum: string;
  /** payload files in written order */
  files: WrittenFile[];
}

/** The part of archiver 8's ZipArchive (a Transform stream) used here. */
interface ZipArchive extends NodeJS.ReadableStream {
  append(source: Buffer | Readable, data: { name: string; date: Date; mode: number; store: boolean }): this;
  finalize(): Promise<void>;
  abort(): this;
  on(event: 'entry', fn: () => void): this;
  on(event: 'error', fn: (e: Error) => void): this;
  off(event: 'entry', fn: () => void): this;
  off(event: 'error', fn: (e: Error) => void): this;
}
const ZipArchive = ZipArchiveJs as new (opts: { zlib: { level: number } }) => ZipArchive;

const RESERVED_INFO = new Set(['payload-oxum', 'bagging-date', 'bag-software-agent']);

export async function writeBag(input: WriteBagInput): Promise<WriteBagResult> {
  useNativeCrc32();
  checkRootName(input.rootName);
  if (Number.isNaN(input.createdAt.getTime())) throw new BugError('writeBag: createdAt is not a valid date');
  const dir = path.dirname(path.resolve(input.outFile));
  // private (0600) until complete, under a name the next run removes if this one is killed (L11)
  const tmp = tempBeside(input.outFile);
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
  const done = input.envelope ? pipeline(archive, new Coalesce(), input.envelope, out) : pipeline(archive, new Coalesce(), out);
  done.catch(() => undefined); // observed below; avoids an unhandled rejection while entries are pending
  try {
    const result = await writeEntries(archive, input, done);
    archive.finalize().catch(() => undefined); // its failures reach `done` through the pipeline
    await done;
    faultPoint('bag-partial-written'); // L11 tests: the complete zip is still at its private temporary name
    await fsyncFile(tmp);
    // L1: never over a file that appeared meanwhile (unless force), never over an installation
    publishFile(tmp, input.outFile, input.output);
    await fsyncDir(dir);
    return result;
  } catch (err) {
    archive.abort();
    input.envelope?.destroy();
    out.destroy();
    await done.catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

async function writeEntries(archive: ZipArchive, input: WriteBagInput, done: Promise<void>): Promise<WriteBagResult> {
  const ended = new OutputWatch(done);
  const entry = (name: string, source: Buffer | Readable) => appendEntry(archive, `${input.rootName}/${name}`, source, input.createdAt, ended);
  const files: WrittenFile[] = [];
  const seen = new Set<string>();
  for await (const p of input.payload) {
    if (bagPathKind(p.path) !== 'payload') throw new BugError(`writeBag: not a payload path: ${p.path}`);
    if (seen.has(p.path)) throw new BugError(`writeBag: payload path written twice: ${p.path}`);
    seen.add(p.path);
    // B11: a stored entry goes in as one buffer, so that its local header carries
    // its CRC-32 and sizes: streamed, it would get a data descriptor with zeroed
    // local sizes, which streaming readers (Java's ZipInputStream) refuse for a
    // stored entry. A stored entry is one document, which the store holds whole anyway.
    const content = p.content ?? (storeUncompressed(`${input.rootName}/${p.path}`) ? await gather(p.source()) : undefined);
    if (content) {
      input.onBytes?.(content.length);
      await entry(p.path, content);
      files.push({ path: p.path, sha256: sha256Hex(content), size: content.length });
      continue;
    }
    const counter = new HashCounter(input.onBytes);
    await entry(p.path, Readable.from(counter.batches(p.source()), { objectMode: false }));
    files.push({ path: p.path, sha256: counter.hex(), size: counter.size });
  }
  const octets = files.reduce((a, f) => a + f.size, 0);
  const payloadOxum = `${octets}.${files.length}`;
  const tags: [string, Buffer][] = [
    [BAGIT_TXT, Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n')],
    [BAG_INFO_TXT, Buffer.from(bagInfoText(input, payloadOxum))],
    [MANIFEST_TXT, Buffer.from(manifestText(files.map((f) => [f.sha256, f.path])))],
  ];
  const extra = await input.tagFiles(files.slice());
  for (const t of extra) {
    if (bagPathKind(t.path) !== 'tag' || tags.some(([n]) => n === t.path) || t.path === TAGMANIFEST_TXT || t.path === SIGNATURE_FILE)
      throw new BugError(`writeBag: not an extra tag file name: ${t.path}`);
  }
  const extraTags = extra.map((t): [string, Buffer] => [t.path, Buffer.from(t.content)]);
  const tagmanifest = Buffer.from(manifestText([...tags, ...extraTags].map(([n, b]) => [sha256Hex(b), n])));
  for (const [name, buf] of [...tags, [TAGMANIFEST_TXT, tagmanifest] as [string, Buffer], ...extraTags]) await entry(name, buf);
  if (input.signingKey) await entry(SIGNATURE_FILE, Buffer.from(signatureFileContent(tagmanifest, input.signingKey)));
  return { tagmanifestSha256: sha256Hex(tagmanifest), payloadOxum, files };
}

/** The whole of a payload source, for an entry written as one buffer. */
async function gather(source: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(parts);
}

/**
 * Documents (letter attachments, mostly PDFs and images) are stored, not
 * deflated: they rarely shrink, and a large, very compressible attachment
 * would otherwise exceed the reader's 100:1 zip-bomb ratio.
 */
function storeUncompressed(name: string): boolean {
  return name.includes('/data/documents/');
}

/**
 * Fails the entry being written when the zip output ends (or fails) first. One
 * handler on the output for the whole bag: a handler per entry kept every
 * entry's source stream, hash and closures alive until the end (about 8 KB
 * each: 25,000 documents held 200 MB of heap, P1).
 */
class OutputWatch {
  private pending: ((s: Settled) => void) | undefined;
  private settled: Settled | undefined;

  constructor(done: Promise<void>) {
    done.then(
      () => this.settle({}),
      (error: Error) => this.settle({ error }),
    );
  }

  /** Calls `fail` if the output has ended or ends while the entry is pending; returns the function that stops watching. */
  watch(name: string, fail: (e: Error) => void): () => void {
    const failWith = (s: Settled) => fail(s.error ?? new BugError(`writeBag: zip output ended before ${name} was written`));
    if (this.settled) {
      failWith(this.settled);
      return () => undefined;
    }
    this.pending = failWith;
    return () => {
      if (this.pending === failWith) this.pending = undefined;
    };
  }

  private settle(s: Settled): void {
    this.settled = s;
    this.pending?.(s);
  }
}

type Settled = { error?: Error };

function appendEntry(archive: ZipArchive, name: string, source: Buffer | Readable, date: Date, ended: OutputWatch): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let unwatch = () => undefined as void;
    const cleanup = () => {
      archive.off('entry', onEntry);
      archive.off('error', onError);
      unwatch();
    };
    const onEntry = () => (cleanup(), resolve());
    const onError = (e: Error) => (cleanup(), reject(e));
    archive.on('entry', onEntry);
    archive.on('error', onError);
    if (source instanceof Readable) source.on('error', onError);
    unwatch = ended.watch(name, onError);
    archive.append(source, { name, date, mode: 0o644, store: storeUncompressed(name) });
  });
}

/**
 * Joins the zip writer's output into pieces of about 1 MiB before they reach
 * the file. The zip writer emits many small pieces (each entry's header, data
 * descriptor, deflate output); written as they came, each batch was a write
 * system call of its own: 688 small documents (45 KB) took 650-790 ms of CPU,
 * 575 ms of it in the file stream's writeBuffers (profile). The same bytes in
 * the same order.
 */
class Coalesce extends Transform {
  private parts: Buffer[] = [];
  private size = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= 1 << 20) this.pushParts();
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.size > 0) this.pushParts();
    done();
  }

  private pushParts(): void {
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.push(buf);
  }
}

/**
 * Counts and hashes (sha256) a payload source while coalescing its small chunks
 * (one NDJSON line each) into ~512 KiB buffers (64 KiB made each chunk's round
 * trip through the zip writer and zlib's thread cost more than its deflating): per-chunk stream and archiver
 * costs otherwise dominate the export (measured: 82 s -> under 10 s for 1M lines).
 */
class HashCounter {
  size = 0;
  private readonly hash = createHash('sha256');
  constructor(private readonly onBytes?: (n: number) => void) {}

  async *batches(source: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): AsyncGenerator<Buffer> {
    let parts: (string | Buffer)[] = [];
    let n = 0;
    for await (const chunk of source) {
      parts.push(chunk);
      n += chunk.length;
      if (n >= 512 * 1024) {
        yield this.take(parts);
        parts = [];
        n = 0;
      }
    }
    if (parts.length > 0) yield this.take(parts);
  }

  private take(parts: (string | Buffer)[]): Buffer {
    const one = parts.length === 1 ? parts[0]! : undefined;
    // A single buffer (a chunk of a file read from disk) goes as it is: copying it only made garbage.
    const buf = Buffer.isBuffer(one)
      ? one
      : parts.every((p) => typeof p === 'string')
        ? Buffer.from(parts.join(''))
        : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    this.size += buf.length;
    this.hash.update(buf);
    this.onBytes?.(buf.length);
    return buf;
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

export function sha256Hex(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** "<hex>  <path>\n" lines sorted by path (byte order), as sha256sum -c reads them. */
export function manifestText(entries: [sha256: string, path: string][]): string {
  const sorted = entries.slice().sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return sorted.map(([h, p]) => `${h}  ${p}\n`).join('');
}

function bagInfoText(input: WriteBagInput, payloadOxum: string): string {
  const lines = [`Payload-Oxum: ${payloadOxum}`, `Bagging-Date: ${input.createdAt.toISOString().slice(0, 10)}`];
  for (const [k, v] of Object.entries(input.bagInfo)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(k) || RESERVED_INFO.has(k.toLowerCase())) throw new BugError(`writeBag: bag-info field name not allowed: ${k}`);
    if (/[\r\n]/.test(v)) throw new BugError(`writeBag: bag-info field ${k} holds a line break`);
    lines.push(`${k}: ${v}`);
  }
  lines.push(`Bag-Software-Agent: officeport ${VERSION}`);
  return lines.join('\n') + '\n';
}

function checkRootName(root: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(root) || root.includes('..')) throw new BugError(`writeBag: root folder name not allowed: ${root}`);
}

async function fsyncFile(file: string): Promise<void> {
  const fh = await fs.promises.open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename durable; some platforms cannot open a folder for fsync.
  try {
    const fh = await fs.promises.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort
  }
}
