// @ts-nocheck
// Where a bundle's bytes come from: a file on disk, or a decrypting view of an
// encrypted bundle (trust/envelope-read.ts) that serves the plaintext by offset
// without ever writing it to disk. zip-reader.ts reads through this interface:
// a few small reads at given offsets (the end of the central directory, the
// local headers) and streams of byte ranges (the central directory, entries).
import fs from 'node:fs';
import type { Readable } from 'node:stream';

export interface ByteSource {
  /** the file the bytes come from, for messages */
  readonly name: string;
  /** bytes in all */
  readonly size: number;
  /** up to `length` bytes from `position` (fewer only at the end) */
  read(position: number, length: number): Promise<Buffer>;
  /** the bytes [start, end), streamed */
  stream(start: number, end: number, highWaterMark?: number): Readable;
  close(): Promise<void>;
}

/** A bundle as the audit and import features take it: a file name, or a source opened already (an encrypted bundle). */
export type BundleInput = string | ByteSource;

export function inputName(input: BundleInput): string {
  return typeof input === 'string' ? input : input.name;
}

/** The bytes of a file: reads through one handle, streams through their own (they outlive close(), as entries are read later). */
export async function fileSource(file: string): Promise<ByteSource> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    return {
      name: file,
      size,
      async read(position, length) {
        const buf = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
        const { bytesRead } = await fh.read(buf, 0, buf.length, position);
        return buf.subarray(0, bytesRead);
      },
      stream: (start, end, highWaterMark) => fs.createReadStream(file, { start, end: end - 1, highWaterMark }),
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
