// @ts-nocheck
// The zip writer (archiver, through compress-commons and crc32-stream) computes
// every entry's CRC-32 with the `crc-32` package, in JavaScript on the main
// thread: about 150-230 ms for the 54 MB of records of a 100,000-contact export,
// a fifth of what the main thread does besides SQLite (profile, P2). Node's
// zlib.crc32 computes the same checksum natively, about five times faster.
// useNativeCrc32 points crc-32's `buf` at it, for byte buffers only, after
// checking on sample data (with and without a running checksum) that both give
// the very same numbers; otherwise nothing changes. The zip bytes are the same.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

type BufFn = (data: ArrayLike<number> | Uint8Array, seed?: number) => number;
interface Crc32Module {
  buf: BufFn;
}

const nativeCrc = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
let state: 'native' | 'js' | undefined;

/** Whether crc-32 (as the zip writer loads it) now runs natively; idempotent. */
export function useNativeCrc32(): boolean {
  if (state) return state === 'native';
  state = 'js';
  if (typeof nativeCrc !== 'function') return false;
  let mod: Crc32Module;
  try {
    // The copy the zip writer's modules resolve to (one copy in node_modules).
    mod = createRequire(import.meta.url)('crc-32') as Crc32Module;
  } catch {
    return false;
  }
  const js = mod.buf;
  // crc-32 returns a signed 32-bit number and takes the running checksum signed or unsigned.
  const native: BufFn = (data, seed) => (ArrayBuffer.isView(data) ? nativeCrc(data as Uint8Array, (seed ?? 0) >>> 0) | 0 : js(data, seed));
  if (!sameResults(js, native)) return false;
  mod.buf = native;
  state = 'native';
  return true;
}

function sameResults(a: BufFn, b: BufFn): boolean {
  const sample = crypto.randomBytes(70_000);
  const seeds = [undefined, 0, 1, -1, 0x7fffffff, 0xffffffff, -123456789, a(sample.subarray(0, 100))];
  for (const part of [sample.subarray(0, 0), sample.subarray(0, 1), sample.subarray(3, 1000), sample]) {
    for (const seed of seeds) if (a(part, seed) !== b(part, seed)) return false;
  }
  return true;
}
