// @ts-nocheck
// Opens a bundle: the zip checks of zip-reader.ts, then the BagIt bag (B1, V1, S1).
//
// openBag does everything that needs no payload read: zip structure and limits
// before inflating anything; exactly one top-level folder and only the names
// docs/bundle-format.md allows; bagit.txt; bag-info.txt (Payload-Oxum against
// the central directory's sizes); manifest-sha256.txt and
// tagmanifest-sha256.txt syntax and completeness; the tag files' sha256; the
// Ed25519 signature, always (with the public key officeport.sig carries), and
// against `trust` when given (B7, V5): `signature` holds its state, and an
// invalid signature is a problem.
// `bag` is undefined when the zip itself is unsafe or unreadable (any zip-level
// problem, or no bagit.txt/manifests). Otherwise the bag is returned, possibly
// with problems (a checksum mismatch, a missing listed file...): callers that
// only report (verify) go on and collect more; callers that change data
// (import) must refuse when `problems` is not empty after checkPayload.
//
// Payload bytes are checked as they stream: stream() counts and CRC-checks
// (zip-reader.ts) and compares the sha256 with the manifest at the end. A
// mismatch is pushed to bag.problems AND thrown as a ZipEntryError
// (OfficeportError, code BUNDLE_INVALID) naming the file, so a reader never
// silently uses bad bytes; consumers that want to go on catch it.
import { createHash, type KeyObject } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { badBytes, badLines } from '../domain/text.js';
import { ErrorCode, OfficeportError, type Problem } from '../shared/errors.js';
import { signatureState, type SignatureState } from './signing.js';
import type { BundleInput } from './byte-source.js';
import { DEFAULT_ZIP_LIMITS, openZip, ZipEntryError, type SafeZip, type ZipEntry } from './zip-reader.js';

export const BAGIT_TXT = 'bagit.txt';
export const BAG_INFO_TXT = 'bag-info.txt';
export const MANIFEST_TXT = 'manifest-sha256.txt';
export const TAGMANIFEST_TXT = 'tagmanifest-sha256.txt';
export const HEADER_FILE = 'officeport.json';
export const SIGNATURE_FILE = 'officeport.sig';
const TAG_FILES = new Set([BAGIT_TXT, BAG_INFO_TXT, MANIFEST_TXT, TAGMANIFEST_TXT, HEADER_FILE, SIGNATURE_FILE]);

/** 'payload' (data/records/<name>.ndjson, data/documents/<sha256>), 'tag' (allowed root files, schemas/<name>.schema.json), or null (not allowed). */
export function bagPathKind(p: string): 'payload' | 'tag' | null {
  // B9: the JSON Schemas a bundle (format 2.0) or a retention archive carries
  if (TAG_FILES.has(p) || /^schemas\/[a-z][a-z0-9_]*\.schema\.json$/.test(p)) return 'tag';
  if (/^data\/records\/[a-z][a-z0-9_]*\.ndjson$/.test(p) || /^data\/documents\/[0-9a-f]{64}$/.test(p)) return 'payload';
  return null;
}

/**
 * L9: no record line is longer. The schemas bound every string (maxLength) and
 * list (maxItems): the longest record they allow, every character written as a
 * 12-byte escaped surrogate pair, is about 7 MB (test/bad-bytes.test.ts works
 * it out from the schemas). A longer line is refused before it is decoded, so
 * a hostile line never becomes a string (P1).
 */
export const MAX_RECORD_LINE_BYTES = 8 * 1024 ** 2;

export function lineTooLongMessage(max: number): string {
  return `line longer than ${max} bytes; no record can be that long`;
}

export interface BagLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxRatio: number;
  maxTagFileBytes: number;
  /** longest NDJSON line lines() yields and verify reads, in bytes (L9: longer than any record may be) */
  maxLineBytes: number;
}

export const DEFAULT_BAG_LIMITS: BagLimits = {
  maxEntries: DEFAULT_ZIP_LIMITS.maxEntries,
  maxEntryBytes: DEFAULT_ZIP_LIMITS.maxEntryBytes,
  maxTotalBytes: DEFAULT_ZIP_LIMITS.maxTotalBytes,
  maxRatio: DEFAULT_ZIP_LIMITS.maxRatio,
  maxTagFileBytes: 64 * 1024 ** 2,
  maxLineBytes: MAX_RECORD_LINE_BYTES,
};

export interface OpenedBag {
  file: string;
  /** the top-level folder name */
  root: string;
  /** every file, relative to root, sorted */
  paths: string[];
  /** payload path -> sha256 from manifest-sha256.txt */
  manifest: Map<string, string>;
  /** bag-info.txt fields in file order */
  bagInfo: [string, string][];
  /** hex sha256 of tagmanifest-sha256.txt (receipts and the export ledger use it) */
  tagmanifestSha256: string;
  /** public_key_sha256 of officeport.sig when present */
  signedBy?: string;
  /** V5: the signature's state, worked out once when the bag was opened */
  signature: SignatureState;
  /** the inflated size the zip declares for a file (checked while it streams) */
  declaredSize(path: string): number;
  /** bounded text, checked against the tag manifest (throws OfficeportError when it differs or is not listed); tagmanifest-sha256.txt and officeport.sig are returned as they are */
  readTagFile(path: string): Promise<string>;
  /**
   * payload bytes, checked (see the file comment); throws ZipEntryError on a
   * mismatch, after handing its problem to `report` (default: push it to
   * `problems`; a caller still checking earlier bytes elsewhere pushes it when
   * those are done, so that problems stay in reading order)
   */
  stream(path: string, report?: (problem: Problem) => void): AsyncIterable<Buffer>;
  /** longest line lines() yields (callers that split lines themselves apply it too) */
  readonly maxLineBytes: number;
  /**
   * NDJSON lines of a payload file through stream(); a last line without '\n' is yielded too; line numbers from 1.
   * A line of bad bytes (not UTF-8, NUL) is pushed to `problems` and not yielded; a line over maxLineBytes throws.
   */
  lines(path: string): AsyncIterable<{ text: string; line: number }>;
  /** problems found so far */
  problems: Problem[];
  close(): Promise<void>;
}

export async function openBag(
  file: BundleInput,
  opts: { limits?: Partial<BagLimits>; trust?: KeyObject } = {},
): Promise<{ bag?: OpenedBag; problems: Problem[] }> {
  const limits = { ...DEFAULT_BAG_LIMITS, ...opts.limits };
  const { zip, problems } = await openZip(file, { ...DEFAULT_ZIP_LIMITS, ...limits });
  if (!zip) return { problems };
  const layout = checkLayout(zip, problems);
  if (!layout) return { problems };
  const bag = new Bag(zip, layout.root, layout.byPath, limits, problems);
  try {
    if (!(await bag.readStructure(opts.trust))) return { problems };
  } catch (e) {
    if (e instanceof ZipEntryError) return { problems }; // already recorded
    throw e;
  }
  return { bag, problems };
}

/** Stream every payload file not in `skip` (checks sizes, CRC-32 and sha256); problems land in bag.problems. */
export async function checkPayload(bag: OpenedBag, skip: Set<string> = new Set()): Promise<void> {
  for (const p of bag.paths) {
    if (skip.has(p) || bagPathKind(p) !== 'payload') continue;
    try {
      for await (const chunk of bag.stream(p)) void chunk;
    } catch (e) {
      if (!(e instanceof ZipEntryError)) throw e;
    }
  }
}

function checkLayout(zip: SafeZip, problems: Problem[]): { root: string; byPath: Map<string, ZipEntry> } | undefined {
  const roots = new Set(zip.entries.map((e) => e.name.split('/')[0]!));
  const loose = zip.entries.filter((e) => !e.name.includes('/'));
  if (roots.size !== 1 || loose.length > 0) {
    problems.push({ message: `expected exactly one top-level folder holding the bag; found ${[...roots].slice(0, 5).join(', ') || 'none'}` });
    return undefined;
  }
  const root = [...roots][0]!;
  const byPath = new Map<string, ZipEntry>();
  for (const e of zip.entries) {
    const rel = e.name.slice(root.length + 1);
    if (bagPathKind(rel) === null) problems.push({ file: rel, message: 'unexpected file; a bundle holds only the files docs/bundle-format.md lists' });
    byPath.set(rel, e);
  }
  for (const required of [BAGIT_TXT, BAG_INFO_TXT, MANIFEST_TXT, TAGMANIFEST_TXT])
    if (!byPath.has(required)) problems.push({ file: required, message: 'missing; every bag needs it' });
  return problems.length > 0 ? undefined : { root, byPath };
}

class Bag implements OpenedBag {
  readonly paths: string[];
  manifest = new Map<string, string>();
  bagInfo: [string, string][] = [];
  tagmanifestSha256 = '';
  signedBy?: string;
  signature: SignatureState = { state: 'unsigned' };
  private tagmanifest = new Map<string, string>();

  constructor(
    private readonly zip: SafeZip,
    readonly root: string,
    private readonly byPath: Map<string, ZipEntry>,
    private readonly limits: BagLimits,
    readonly problems: Problem[],
  ) {
    this.paths = [...byPath.keys()].sort();
  }

  get file(): string {
    return this.zip.file;
  }

  declaredSize(p: string): number {
    return this.byPath.get(p)?.size ?? 0;
  }

  /** false when the bag cannot be read further */
  async readStructure(trust?: KeyObject): Promise<boolean> {
    const tagBytes = await this.readBounded(TAGMANIFEST_TXT);
    this.tagmanifestSha256 = sha256Hex(tagBytes);
    this.tagmanifest = parseManifest(TAGMANIFEST_TXT, this.text(TAGMANIFEST_TXT, tagBytes), this.problems);
    for (const [p] of this.tagmanifest)
      if (bagPathKind(p) !== 'tag' || p === TAGMANIFEST_TXT || p === SIGNATURE_FILE)
        this.problem(TAGMANIFEST_TXT, `lists ${p}, which is not a tag file it may list`);
    for (const p of this.paths)
      if (bagPathKind(p) === 'tag' && p !== TAGMANIFEST_TXT && p !== SIGNATURE_FILE && !this.tagmanifest.has(p))
        this.problem(TAGMANIFEST_TXT, `does not list the tag file ${p}`);
    for (const [p, want] of this.tagmanifest) {
      if (!this.byPath.has(p)) this.problem(p, `listed in ${TAGMANIFEST_TXT} but missing from the bundle`);
      else if (bagPathKind(p) === 'tag' && sha256Hex(await this.readBounded(p)) !== want)
        this.problem(p, `sha256 differs from ${TAGMANIFEST_TXT} (changed after bagging)`);
    }
    checkBagitTxt(this.text(BAGIT_TXT, await this.readBounded(BAGIT_TXT)), this.problems);
    this.bagInfo = parseBagInfo(this.text(BAG_INFO_TXT, await this.readBounded(BAG_INFO_TXT)), this.problems);
    this.manifest = parseManifest(MANIFEST_TXT, this.text(MANIFEST_TXT, await this.readBounded(MANIFEST_TXT)), this.problems);
    this.checkManifestCoverage();
    this.checkOxum();
    await this.checkSignature(tagBytes, trust);
    return true;
  }

  /**
   * A tag file's text (L9): bad bytes (not UTF-8, NUL) are a problem for each
   * line holding them (the first 20). The text is still returned, with U+FFFD
   * in their place, so that the other checks go on: the bag is refused anyway.
   */
  private text(file: string, bytes: Buffer): string {
    if (!isUtf8(bytes) || bytes.indexOf(0) >= 0) for (const b of badLines(bytes).slice(0, 20)) this.problem(file, b.message, b.line);
    return bytes.toString('utf8');
  }

  private problem(file: string, message: string, line?: number): void {
    this.problems.push(line === undefined ? { file, message } : { file, line, message });
  }

  private checkManifestCoverage(): void {
    for (const p of this.paths) if (bagPathKind(p) === 'payload' && !this.manifest.has(p)) this.problem(p, `payload file not listed in ${MANIFEST_TXT}`);
    for (const [p] of this.manifest) {
      if (bagPathKind(p) !== 'payload') this.problem(MANIFEST_TXT, `lists ${p}, which is not a payload path (data/...)`);
      else if (!this.byPath.has(p)) this.problem(p, `listed in ${MANIFEST_TXT} but missing from the bundle`);
    }
  }

  private checkOxum(): void {
    const oxum = this.bagInfo.find(([k]) => k.toLowerCase() === 'payload-oxum')?.[1];
    if (oxum === undefined) return this.problem(BAG_INFO_TXT, 'has no Payload-Oxum');
    const m = oxum.match(/^(\d+)\.(\d+)$/);
    const payload = this.paths.filter((p) => bagPathKind(p) === 'payload');
    const octets = payload.reduce((a, p) => a + this.byPath.get(p)!.size, 0);
    if (!m) return this.problem(BAG_INFO_TXT, `Payload-Oxum ${JSON.stringify(oxum)} is not <octets>.<files>`);
    if (Number(m[1]) !== octets || Number(m[2]) !== payload.length)
      this.problem(BAG_INFO_TXT, `Payload-Oxum ${oxum} differs from the payload in the zip (${octets}.${payload.length})`);
  }

  /** V5: always checked; an invalid signature makes the bag invalid. */
  private async checkSignature(tagBytes: Buffer, trust?: KeyObject): Promise<void> {
    const text = this.byPath.has(SIGNATURE_FILE) ? (await this.readBounded(SIGNATURE_FILE)).toString('utf8') : undefined;
    this.signature = signatureState(text, tagBytes, trust);
    if (this.signature.state !== 'unsigned') this.signedBy = this.signature.fingerprint;
    if (this.signature.state === 'invalid') this.problem(SIGNATURE_FILE, this.signature.why);
  }

  private async readBounded(p: string): Promise<Buffer> {
    const e = this.byPath.get(p);
    if (!e) throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${p}: missing from the bundle`);
    if (e.size > this.limits.maxTagFileBytes) {
      const problem = { file: p, message: `declares ${e.size} bytes; tag files may hold at most ${this.limits.maxTagFileBytes}` };
      this.problems.push(problem);
      throw new ZipEntryError(problem);
    }
    const chunks: Buffer[] = [];
    try {
      for await (const c of this.zip.read(e)) chunks.push(c);
    } catch (err) {
      if (err instanceof ZipEntryError) this.problems.push({ ...err.problem, file: p });
      throw err;
    }
    return Buffer.concat(chunks);
  }

  async readTagFile(p: string): Promise<string> {
    const bytes = await this.readBounded(p);
    const want = this.tagmanifest.get(p);
    // The tag manifest and the signature are the roots of trust: not listed in the tag manifest.
    if (p !== SIGNATURE_FILE && p !== TAGMANIFEST_TXT && want !== sha256Hex(bytes))
      throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${p}: ${want ? 'sha256 differs from' : 'not listed in'} ${TAGMANIFEST_TXT}`);
    // L9: refused, not decoded with U+FFFD in place of the bad bytes; the problem is in `problems` too.
    const bad = isUtf8(bytes) && bytes.indexOf(0) < 0 ? undefined : badLines(bytes)[0];
    if (bad) {
      const problem = { file: p, line: bad.line, message: bad.message };
      this.problems.push(problem);
      throw new ZipEntryError(problem);
    }
    return bytes.toString('utf8');
  }

  get maxLineBytes(): number {
    return this.limits.maxLineBytes;
  }

  async *stream(p: string, report = (problem: Problem) => void this.problems.push(problem)): AsyncGenerator<Buffer> {
    const e = this.byPath.get(p);
    if (!e || bagPathKind(p) !== 'payload') throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${p}: no such payload file in the bundle`);
    const hash = createHash('sha256');
    try {
      for await (const chunk of this.zip.read(e)) {
        hash.update(chunk);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ZipEntryError) report({ ...err.problem, file: p });
      throw err;
    }
    const got = hash.digest('hex');
    const want = this.manifest.get(p);
    if (want !== undefined && got !== want) {
      const problem = { file: p, message: `sha256 ${got} differs from ${MANIFEST_TXT} (${want}): changed after bagging` };
      report(problem);
      throw new ZipEntryError(problem);
    }
  }

  async *lines(p: string): AsyncGenerator<{ text: string; line: number }> {
    // Cut at '\n' in bytes, each line checked before it is decoded (L9): a line of bad bytes is a problem and is
    // not yielded; a line over the bound is refused before it is put together.
    let parts: Buffer[] = [];
    let len = 0;
    let line = 0;
    const decode = (bytes: Buffer): string | undefined => {
      line++;
      const why = badBytes(bytes);
      if (why === undefined) return bytes.toString('utf8');
      this.problems.push({ file: p, line, message: why });
      return undefined;
    };
    for await (const chunk of this.stream(p)) {
      let start = 0;
      let nl: number;
      while ((nl = chunk.indexOf(10, start)) >= 0) {
        const piece = chunk.subarray(start, nl);
        const bytes = len === 0 ? piece : Buffer.concat([...parts, piece], len + piece.length);
        parts = [];
        len = 0;
        start = nl + 1;
        const text = decode(bytes);
        if (text !== undefined) yield { text, line };
      }
      if (start < chunk.length) {
        parts.push(chunk.subarray(start));
        len += chunk.length - start;
      }
      if (len > this.limits.maxLineBytes) {
        const problem = { file: p, line: line + 1, message: lineTooLongMessage(this.limits.maxLineBytes) };
        this.problems.push(problem);
        throw new ZipEntryError(problem);
      }
    }
    if (len > 0) {
      const text = decode(Buffer.concat(parts, len));
      if (text !== undefined) yield { text, line };
    }
  }

  async close(): Promise<void> {
    // Each read opens and closes its own file stream: nothing stays open.
  }
}

function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** "<64 hex> <path>" lines (one or more spaces or tabs; sha256sum's `*` binary mark accepted). */
function parseManifest(file: string, text: string, problems: Problem[]): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const m = raw.replace(/\r$/, '').match(/^([0-9a-fA-F]{64})[ \t]+\*?(\S.*)$/);
    if (!m) return problems.push({ file, line: i + 1, message: 'expected "<sha256 hex>  <path>"' });
    const p = decodeURIComponentSafe(m[2]!);
    if (out.has(p)) problems.push({ file, line: i + 1, message: `lists ${p} twice` });
    out.set(p, m[1]!.toLowerCase());
  });
  return out;
}

function decodeURIComponentSafe(p: string): string {
  // RFC 8493 2.1.3: %, CR and LF in paths are percent-encoded.
  return p.replace(/%0[aAdD]|%25/g, (s) => decodeURIComponent(s));
}

function checkBagitTxt(text: string, problems: Problem[]): void {
  const fields = parseFields(text);
  const version = fields.find(([k]) => k === 'BagIt-Version')?.[1];
  const enc = fields.find(([k]) => k === 'Tag-File-Character-Encoding')?.[1];
  if (version !== '1.0') problems.push({ file: BAGIT_TXT, message: `BagIt-Version is ${JSON.stringify(version ?? null)}; expected "1.0"` });
  if (enc?.toUpperCase() !== 'UTF-8')
    problems.push({ file: BAGIT_TXT, message: `Tag-File-Character-Encoding is ${JSON.stringify(enc ?? null)}; expected "UTF-8"` });
}

function parseBagInfo(text: string, problems: Problem[]): [string, string][] {
  const fields = parseFields(text, (line, message) => problems.push({ file: BAG_INFO_TXT, line, message }));
  const date = fields.find(([k]) => k.toLowerCase() === 'bagging-date')?.[1];
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date))
    problems.push({ file: BAG_INFO_TXT, message: `Bagging-Date ${JSON.stringify(date)} is not YYYY-MM-DD` });
  return fields;
}

/** "Label: value" lines; a line starting with a space or tab continues the previous value. */
function parseFields(text: string, onBad?: (line: number, message: string) => void): [string, string][] {
  const out: [string, string][] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '') return;
    if (/^[ \t]/.test(line) && out.length > 0) {
      out[out.length - 1]![1] += ' ' + line.trim();
      return;
    }
    const m = line.match(/^([^:\s][^:]*):[ \t]*(.*)$/);
    if (m) out.push([m[1]!.trim(), m[2]!.trim()]);
    else onBad?.(i + 1, 'expected "Label: value"');
  });
  return out;
}
