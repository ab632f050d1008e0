// @ts-nocheck
// The office CSV layout (office-data-format.md) as text: cells quoted where
// RFC 4180 needs it, and the bytes of a file checked on their way to the parser.
// Load and dump (src/installation/office-data.ts) use these.
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { badLines } from '../domain/text.js';

/** At most this many bad lines are noted per file: one is enough for nothing to load. */
export const MAX_BAD_LINES = 1000;

/**
 * L9: the bytes of a CSV file on their way to papaparse, cut after a '\n' and
 * checked there: the lines that are not UTF-8 or hold a NUL are noted in `bad`
 * (line -> why) and the rows on them are problems, so nothing loads. The bytes
 * go on unchanged (papaparse decodes them, U+FFFD marking where), so that the
 * rest of the file is still checked.
 */
export class StrictText extends Transform {
  readonly bad = new Map<number, string>();
  /** the line the next byte is on */
  private line = 1;
  /** bytes after the last '\n' so far (kept as parts: a long line is put together once) */
  private carry: Buffer[] = [];

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const nl = chunk.lastIndexOf(10);
    if (nl < 0) {
      this.carry.push(chunk);
      return done();
    }
    this.pass(this.carry.length === 0 ? chunk.subarray(0, nl + 1) : Buffer.concat([...this.carry, chunk.subarray(0, nl + 1)]));
    this.carry = nl + 1 < chunk.length ? [chunk.subarray(nl + 1)] : [];
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length > 0) this.pass(Buffer.concat(this.carry));
    done();
  }

  private pass(bytes: Buffer): void {
    // at most MAX_BAD_LINES noted: one is enough for nothing to load, and a file of another encoding has one on every line
    if (this.bad.size < MAX_BAD_LINES && (!isUtf8(bytes) || bytes.indexOf(0) >= 0))
      for (const b of badLines(bytes).slice(0, MAX_BAD_LINES)) this.bad.set(this.line + b.line - 1, b.message);
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) this.line++;
    this.push(bytes);
  }
}

export function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Quote a CSV cell only where RFC 4180 needs it. */
export function csvCell(v: string | null | undefined): string {
  if (v === null || v === undefined) return '';
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLine(values: readonly (string | null | undefined)[]): string {
  return values.map(csvCell).join(',') + '\n';
}
