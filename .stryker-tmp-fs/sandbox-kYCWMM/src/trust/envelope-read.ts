// @ts-nocheck
// Reading an encrypted bundle (T3): an age v1 file (https://age-encryption.org/v1)
// whose plaintext is the bundle zip, read without writing the plaintext to disk.
//
// The header (recipient stanzas and the MAC) is opened by the age-encryption
// package (Decrypter.decryptHeader: it unwraps the file key with the identities
// and checks the header MAC). The package decrypts the payload only as one
// stream from the start, and the zip reader needs random access (the end of the
// central directory first, then local headers and entries by offset), so the
// payload is read here with node:crypto: the payload key is HKDF-SHA256(file
// key, salt = the 16-byte nonce after the header, info "payload"), and chunk k
// (64 KiB of plaintext + a 16-byte Poly1305 tag) is ChaCha20-Poly1305 with the
// nonce = k as 11 bytes big-endian + 0x01 for the last chunk, 0x00 otherwise.
// A plaintext offset maps to its chunk, so any range is decrypted on its own.
//
// At open, every chunk is authenticated once in order (in constant memory), so
// a changed byte anywhere (header, MAC, any chunk, a truncated or extended
// file) is refused before any caller reads a byte; each later read checks its
// chunks' tags again (the file may change after the open).
import { createDecipheriv, hkdfSync } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { Decrypter } from 'age-encryption';
import type { BundleInput, ByteSource } from '../bundle/byte-source.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import type { Store } from '../store/port.js';

export const AGE_MAGIC = 'age-encryption.org/v1\n';
const CHUNK = 64 * 1024;
const TAG = 16;
const SEALED_CHUNK = CHUNK + TAG;
const NONCE = 16;
/** a header longer than this is not one we read (ours is under 1 KiB) */
const MAX_HEADER = 64 * 1024;
/** chunks kept for reads by offset */
const RECENT = 4;

/** Whom an encrypted bundle is for, from its `officeport-to` stanza (export --to writes it). */
export interface EnvelopeAddress {
  installation_id: string;
  office_id: string;
}

/** True when `file` starts as an age v1 file (the caller's own open says why when it cannot be read). */
export function startsAsAge(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(AGE_MAGIC.length);
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.toString('latin1') === AGE_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface EnvelopeKeys {
  /** age identities (AGE-SECRET-KEY-1...) to try, in order */
  identities: string[];
  /** where they came from, for the refusal: "the identity in id.txt", "the keys of office T-SPRING" */
  from: string;
}

/** The age identities of an identity file (`age-keygen` output, `address --identity-out`): its AGE-SECRET-KEY- lines. */
export function readIdentityFile(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `cannot read the identity file ${file}: ${(e as Error).message}`, {
      hint: 'name the file that age-keygen or officeport address --identity-out wrote',
    });
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const ids = lines.filter((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (ids.length === 0 || ids.length !== lines.length) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not an age identity file: expected lines starting with AGE-SECRET-KEY-`, {
      hint: 'name the file that age-keygen or officeport address --identity-out wrote',
    });
  }
  return ids;
}

/**
 * Opens the encrypted bundle `file` with the first of `keys` that opens it and
 * checks every chunk; returns its plaintext as a ByteSource (the caller closes
 * it). Refuses (OfficeportError, exit 1) when no key opens it, naming whom it
 * is for, and when any byte of it was changed.
 */
export async function openEnvelope(
  file: string,
  keysFor: (to: EnvelopeAddress | undefined) => Promise<EnvelopeKeys[]>,
  holders?: KeySources['holders'],
): Promise<ByteSource> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const header = await readHeader(fh, size, file);
    const fileKey = await unwrapFileKey(file, header, await keysFor(header.to), holders);
    const nonce = await readExactly(fh, header.bytes.length, NONCE, file);
    const key = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
    const source = new EnvelopeSource(file, fh, key, header.bytes.length + NONCE, size);
    await source.authenticate();
    return source;
  } catch (e) {
    await fh.close();
    throw e;
  }
}

interface Header {
  /** the header's bytes, through the MAC line's newline */
  bytes: Buffer;
  to?: EnvelopeAddress;
}

function damaged(file: string, what: string): OfficeportError {
  return new OfficeportError(ErrorCode.BUNDLE_INVALID, `${file}: the encrypted bundle is damaged or was changed (${what}); nothing was read from it`, {
    hint: 'ask the sender for a new copy',
  });
}

async function readExactly(fh: fs.promises.FileHandle, position: number, length: number, file: string): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead !== length) throw damaged(file, 'it ends early');
  return buf;
}

async function readHeader(fh: fs.promises.FileHandle, size: number, file: string): Promise<Header> {
  const head = Buffer.alloc(Math.min(size, MAX_HEADER));
  await fh.read(head, 0, head.length, 0);
  if (head.toString('latin1', 0, AGE_MAGIC.length) !== AGE_MAGIC) throw damaged(file, 'it does not start as an age v1 file');
  const macLine = head.indexOf('\n--- ');
  const end = macLine < 0 ? -1 : head.indexOf('\n', macLine + 1);
  if (end < 0) throw damaged(file, 'its header has no end');
  const bytes = head.subarray(0, end + 1);
  const m = bytes.toString('latin1').match(/\n-> officeport-to (\S+) (\S+)\n/);
  return { bytes, to: m ? { installation_id: m[1]!, office_id: m[2]! } : undefined };
}

/**
 * Whom the bundle is for, in words: the office its officeport-to stanza names;
 * for one without (the age tool's own), `holder` when an office of this
 * installation holds its recipient, else a recipient this installation does
 * not hold when the installation was asked (`installationAsked`), else one the
 * given keys do not match.
 */
export function addressedTo(to: EnvelopeAddress | undefined, holder?: KeyHolder, installationAsked = true): string {
  if (to) return `installation ${to.installation_id}, office ${to.office_id}`;
  if (holder) return `office ${holder.office.name} (${holder.office.id}) of this installation (its recipient is that office's)`;
  return installationAsked ? 'an age recipient this installation does not hold' : 'an age recipient that no key given here matches';
}

/** Whether `identities` unwrap the file key of the header (a header that does not parse is told apart by the caller's own attempt). */
async function opens(header: Header, identities: string[]): Promise<boolean> {
  const d = new Decrypter();
  try {
    for (const id of identities) d.addIdentity(id);
    await d.decryptHeader(header.bytes);
    return true;
  } catch {
    return false;
  }
}

/** T3: the office of this installation whose keys open a bundle that names no office (sealed by the age tool), if any. */
async function holderOf(header: Header, holders: KeySources['holders'], tried: EnvelopeKeys[]): Promise<KeyHolder | undefined> {
  if (header.to || !holders) return undefined;
  const triedIds = new Set(tried.flatMap((k) => k.identities));
  for (const h of await holders()) if (!h.identities.every((id) => triedIds.has(id)) && (await opens(header, h.identities))) return h;
  return undefined;
}

async function unwrapFileKey(file: string, header: Header, keys: EnvelopeKeys[], holders?: KeySources['holders']): Promise<Uint8Array> {
  const tried: string[] = [];
  for (const k of keys) {
    const d = new Decrypter();
    for (const id of k.identities) {
      try {
        d.addIdentity(id);
      } catch (e) {
        throw new OfficeportError(ErrorCode.INVALID_INPUT, `${k.from} holds an identity that is not a valid age identity (${(e as Error).message})`);
      }
    }
    try {
      return await d.decryptHeader(header.bytes);
    } catch (e) {
      const why = (e as Error).message;
      if (/no identity matched/.test(why)) {
        tried.push(k.from);
        continue;
      }
      throw damaged(file, `its header: ${why}`);
    }
  }
  const holder = await holderOf(header, holders, keys);
  const who = addressedTo(header.to, holder, Boolean(holders));
  throw new OfficeportError(
    ErrorCode.MISADDRESSED,
    `${file} is an encrypted bundle for ${who}; ${tried.length > 0 ? `${tried.join(' and ')} cannot open it` : 'no key to open it was given'}, so nothing was read`,
    {
      hint: header.to
        ? `run the command in that installation with --office ${header.to.office_id}, or give that office's identity with --identity FILE`
        : holder
          ? `run the command in that office: --office ${holder.office.id} (with a user of it), or give its identity with --identity FILE`
          : 'give the identity that matches the recipient the bundle was encrypted to with --identity FILE',
    },
  );
}

class EnvelopeSource implements ByteSource {
  readonly size: number;
  private readonly chunks: number;
  /** the last few chunks read by offset (a zip reader reads the local header, then the entry's first bytes, of the same chunk); bounded */
  private readonly recent = new Map<number, Buffer>();

  constructor(
    readonly name: string,
    private readonly fh: fs.promises.FileHandle,
    private readonly key: Buffer,
    /** where the first chunk starts */
    private readonly start: number,
    fileSize: number,
  ) {
    const sealed = fileSize - start;
    this.chunks = Math.max(1, Math.ceil(sealed / SEALED_CHUNK));
    const last = sealed - (this.chunks - 1) * SEALED_CHUNK;
    // age: every chunk holds at least one byte, except the only chunk of an empty file
    if (sealed < TAG || (last === TAG && this.chunks > 1)) throw damaged(name, 'its payload is cut short');
    this.size = sealed - this.chunks * TAG;
  }

  /** Decrypts every chunk once, in order, keeping none. */
  async authenticate(): Promise<void> {
    for (let k = 0; k < this.chunks; k += 4) for await (const plain of this.plainChunks(k, Math.min(this.chunks, k + 4))) void plain;
  }

  private open(k: number, sealed: Buffer): Buffer {
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(Math.floor(k / 2 ** 32), 3, 4);
    nonce.writeUInt32BE(k % 2 ** 32, 7);
    if (k === this.chunks - 1) nonce[11] = 1;
    const d = createDecipheriv('chacha20-poly1305', this.key, nonce, { authTagLength: TAG });
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    try {
      const plain = d.update(sealed.subarray(0, sealed.length - TAG));
      const rest = d.final(); // a stream cipher: empty, but it checks the tag
      return rest.length === 0 ? plain : Buffer.concat([plain, rest]);
    } catch {
      throw damaged(this.name, `chunk ${k + 1} of ${this.chunks} does not authenticate`);
    }
  }

  /** The plaintext of chunks [from, to), read a few at a time. */
  private async *plainChunks(from: number, to: number): AsyncGenerator<Buffer> {
    const fileEnd = this.start + this.size + this.chunks * TAG;
    const at = this.start + from * SEALED_CHUNK;
    const len = Math.min(fileEnd, this.start + to * SEALED_CHUNK) - at;
    const sealed = Buffer.alloc(len);
    const { bytesRead } = await this.fh.read(sealed, 0, len, at);
    if (bytesRead !== len) throw damaged(this.name, 'it changed while it was read');
    for (let k = from; k < to; k++) yield this.open(k, sealed.subarray((k - from) * SEALED_CHUNK, Math.min(len, (k - from + 1) * SEALED_CHUNK)));
  }

  /** Chunk k's plaintext, from the few kept or decrypted and kept (the oldest dropped). */
  private async chunk(k: number): Promise<Buffer> {
    const kept = this.recent.get(k);
    if (kept) return kept;
    let plain: Buffer | undefined;
    for await (const p of this.plainChunks(k, k + 1)) plain = p;
    this.recent.set(k, plain!);
    if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value!);
    return plain!;
  }

  async read(position: number, length: number): Promise<Buffer> {
    const end = Math.min(this.size, position + length);
    const parts: Buffer[] = [];
    for (let p = position; p < end;) {
      const k = Math.floor(p / CHUNK);
      const plain = await this.chunk(k);
      const piece = plain.subarray(p - k * CHUNK, Math.min(plain.length, end - k * CHUNK));
      parts.push(piece);
      p += piece.length;
    }
    return Buffer.concat(parts);
  }

  stream(start: number, end: number, highWaterMark = 4 * CHUNK): Readable {
    return Readable.from(this.pieces(start, Math.min(end, this.size), Math.max(1, Math.floor(highWaterMark / CHUNK))), { objectMode: false, highWaterMark });
  }

  /** The plaintext [start, last), `per` chunks at a time. */
  private async *pieces(start: number, last: number, per: number): AsyncGenerator<Buffer> {
    // only the chunks the range touches: a zip holds many small entries, and
    // decrypting `per` chunks for each made verify decrypt 40 times the file
    const end = Math.min(this.chunks, Math.ceil(last / CHUNK));
    for (let k = Math.floor(start / CHUNK); k < end; k += per) {
      const to = Math.min(end, k + per);
      const parts: Buffer[] = [];
      if (to === k + 1) parts.push(await this.chunk(k));
      else for await (const plain of this.plainChunks(k, to)) parts.push(plain);
      const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      yield joined.subarray(Math.max(0, start - k * CHUNK), Math.min(joined.length, last - k * CHUNK));
    }
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** An office of this installation and its age identities (to name whom a bundle is for, never to open it). */
export interface KeyHolder {
  office: { id: string; name: string };
  identities: string[];
}

/** Where the keys of an encrypted bundle come from: an identity file, and the installation's office keys when it is opened in an office. */
export interface KeySources {
  /** --identity FILE */
  identity?: string;
  /** the keys of the office the command runs in, given whom the bundle is addressed to (undefined: none to try) */
  officeKeys?: (to: EnvelopeAddress | undefined) => Promise<EnvelopeKeys | undefined>;
  /**
   * the offices of the installation whose keys were made: a refused bundle
   * that names no office (the age tool's) is tried with them only to say which
   * office it is for; it is never opened with another office's keys
   */
  holders?: () => Promise<KeyHolder[]>;
}

/** The offices of the installation whose keys were made, with their age identities (KeySources.holders; no keys are made). */
export function installationKeyHolders(store: Pick<Store, 'offices' | 'trust'>): () => Promise<KeyHolder[]> {
  return async () => {
    const out: KeyHolder[] = [];
    for (const k of await store.trust.officeAgeIdentities()) {
      const office = await store.offices.office(k.office_id);
      if (office) out.push({ office: { id: office.id, name: office.name }, identities: [k.age_identity] });
    }
    return out;
  };
}

/**
 * The keys of office `officeRef` of the installation (T3: a bundle addressed to
 * the office opens there without an identity file). A bundle that names
 * another installation or office is not tried with them (and no keys are made
 * for it); one that names no one (the age tool's own) is tried with the
 * office's keys.
 */
export function officeKeySource(store: Pick<Store, 'offices' | 'trust'>, officeRef: string): KeySources['officeKeys'] {
  return async (to) => {
    const office = await store.offices.office(officeRef);
    if (!office) return undefined;
    if (to && (to.office_id !== office.id || to.installation_id !== (await store.offices.installationId()))) return undefined;
    const keys = await store.trust.officeKeys(office.id);
    return { identities: [keys.age_identity], from: `the keys of office ${office.name} (${office.id})` };
  };
}

/**
 * Runs `fn` on the bundle `file`: the file name itself when it is a plain zip,
 * else its decrypted view (openEnvelope), closed when `fn` is done.
 */
export async function withBundle<T>(file: string, keys: KeySources, fn: (input: BundleInput) => Promise<T>): Promise<T> {
  if (!startsAsAge(file)) return fn(file);
  const sources: EnvelopeKeys[] = [];
  if (keys.identity) sources.push({ identities: readIdentityFile(keys.identity), from: `the identity in ${keys.identity}` });
  const source = await openEnvelope(
    file,
    async (to) => {
      const own = await keys.officeKeys?.(to);
      return own ? [...sources, own] : sources;
    },
    keys.holders,
  );
  try {
    return await fn(source);
  } finally {
    await source.close();
  }
}
