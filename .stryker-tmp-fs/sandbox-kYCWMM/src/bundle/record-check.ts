// @ts-nocheck
// One record file of verify (V1, B3, B5): the payload streams in this thread
// (inflate in zlib's thread pool, CRC-32 and sha256 as it comes), is cut into
// runs of whole lines, and each run is checked by a ChunkPool (parse, schema,
// refs: record-chunk.ts), in worker threads for large bundles. The results are
// merged here strictly in file order, so every problem lands in the same order
// and with the same line as when the lines are read one by one: sort order,
// unique refs and the reference index need the whole bundle and stay here.
import type { Problem } from '../shared/errors.js';
import { lineTooLongMessage, type OpenedBag } from './bag-reader.js';
import type { ChunkResult } from './record-chunk.js';
import type { DocumentRef, RecordType } from './records.js';
import type { RefIndex } from './ref-index.js';
import type { ChunkPool } from './verify-pool.js';
import { ZipEntryError } from './zip-reader.js';

export type RecordLinesHook = (type: RecordType, lines: { ref: string; text: string }[]) => void | Promise<void>;

export interface RecordCheck {
  bag: OpenedBag;
  refs: RefIndex;
  pool: ChunkPool;
  /** adds a problem unless the list is full */
  add: (p: Problem) => void;
  onRecords?: (n: number) => void;
  onRecordLines?: RecordLinesHook;
}

/** lines per onRecordLines call */
export const RECORD_LINES_BATCH = 1000;
/** a run of lines is handed on once it holds this many bytes (inflate gives 256 KiB at a time) */
const TASK_BYTES = 128 * 1024;
/** runs handed on and not merged yet: bounds memory */
const MAX_IN_FLIGHT = 8;

/** Checks every line of `file`; returns the number of lines. */
export async function checkRecordFile(ctx: RecordCheck, file: string, type: RecordType): Promise<number> {
  const merger = new Merger(ctx, file, type);
  const queue: Promise<ChunkResult>[] = [];
  const wantText = ctx.onRecordLines !== undefined;
  /** the first `len` bytes of `parts` (whole lines) to the pool */
  const submit = (parts: Buffer[], len: number) => {
    if (len === 0) return;
    const bytes = ctx.pool.alloc(len);
    let at = 0;
    for (const p of parts) {
      if (at === len) break;
      const piece = p.length <= len - at ? p : p.subarray(0, len - at);
      bytes.set(piece, at);
      at += piece.length;
    }
    const result = ctx.pool.run({ type, bytes, wantText });
    result.catch(() => undefined); // rejections are seen where it is awaited, in order
    queue.push(result);
  };
  const drain = async (keep: number) => {
    while (queue.length > keep) await merger.merge(await queue.shift()!);
  };
  let deferred: Problem | undefined;
  let parts: Buffer[] = [];
  let partsLen = 0;
  let tail = 0; // bytes after the last '\n'
  try {
    for await (const chunk of ctx.bag.stream(file, (p) => (deferred = p))) {
      const nl = chunk.lastIndexOf(10);
      if (nl >= 0 && partsLen + nl + 1 >= TASK_BYTES) {
        parts.push(chunk.subarray(0, nl + 1));
        submit(parts, partsLen + nl + 1);
        parts = [chunk.subarray(nl + 1)];
        partsLen = chunk.length - nl - 1;
      } else {
        parts.push(chunk);
        partsLen += chunk.length;
      }
      tail = nl >= 0 ? chunk.length - nl - 1 : tail + chunk.length;
      // L9: a line is refused once its bytes pass the bound, before any of it is decoded or parsed.
      if (tail > ctx.bag.maxLineBytes) {
        submit(parts, partsLen - tail);
        await drain(0);
        ctx.bag.problems.push({ file, line: merger.n + 1, message: lineTooLongMessage(ctx.bag.maxLineBytes) });
        return merger.finish();
      }
      await drain(MAX_IN_FLIGHT);
    }
    submit(parts, partsLen);
    await drain(0);
  } catch (e) {
    // A checksum or size problem: the lines before it were read, as when reading line by line.
    if (!(e instanceof ZipEntryError)) throw e;
    submit(parts, partsLen - tail);
    await drain(0);
    if (deferred) ctx.bag.problems.push(deferred);
  }
  return merger.finish();
}

/** `joined` split at '\n' into `n` strings (refs cannot hold one: their schemas say ^<prefix>/.+$; lines never do). */
function splitLines(joined: string, n: number): string[] {
  const out = n === 0 ? [] : joined.split('\n');
  if (out.length !== n) throw new Error(`verify: expected ${n} strings from a checked chunk, got ${out.length}`);
  return out;
}

/** Merges chunk results in file order: line numbers, problems, sort order, refs, progress and the hook. */
class Merger {
  n = 0;
  private previous = '';
  private batch: { ref: string; text: string }[] = [];

  constructor(
    private readonly ctx: RecordCheck,
    private readonly file: string,
    private readonly type: RecordType,
  ) {}

  async merge(r: ChunkResult): Promise<void> {
    const { file, ctx } = this;
    const base = this.n;
    const defs = splitLines(r.defs, r.lines.length);
    const texts = r.texts === undefined ? undefined : splitLines(r.texts, r.lines.length);
    if (r.useEnds.length !== r.uses.length / 2) throw new Error(`verify: expected ${r.uses.length / 2} uses from a checked chunk, got ${r.useEnds.length}`);
    let b = 0;
    let u = 0;
    let d = 0;
    for (let i = 0; i < r.lines.length; i++) {
      const local = r.lines[i]!;
      while (b < r.bad.length && r.bad[b]!.line < local) this.addBad(base, r.bad[b++]!);
      const line = base + local;
      const ref = defs[i]!;
      if (ref <= this.previous) ctx.add({ file, line, pointer: '/ref', message: `records are not sorted by ref: ${ref} comes after ${this.previous}` });
      this.previous = ref;
      ctx.refs.define(ref, file, line, ctx.add, r.defHashes[i]);
      for (; u < r.uses.length && r.uses[u] === i; u += 2) {
        const k = u >> 1;
        const from = k === 0 ? 0 : r.useEnds[k - 1]! + 1;
        ctx.refs.useIn(r.usedRefs, from, r.useEnds[k]! - from, r.useHashes[k]!, file, line, r.pointers[r.uses[u + 1]!]!);
      }
      for (; d < r.docs.length && r.docs[d] === i; d += 3)
        ctx.refs.useDocument({ path: r.docs[d + 1], sha256: r.docs[d + 2] } as DocumentRef, file, line, ctx.add);
      if (texts) {
        this.batch.push({ ref, text: texts[i]! });
        if (this.batch.length >= RECORD_LINES_BATCH) await this.flush();
      }
    }
    while (b < r.bad.length) this.addBad(base, r.bad[b++]!);
    if (ctx.onRecords) for (let k = Math.floor((base + r.n) / 1000) - Math.floor(base / 1000); k > 0; k--) ctx.onRecords(1000);
    this.n = base + r.n;
  }

  private addBad(base: number, bad: ChunkResult['bad'][number]): void {
    for (const p of bad.problems) this.ctx.add({ file: this.file, line: base + bad.line, ...p });
  }

  private async flush(): Promise<void> {
    const lines = this.batch;
    this.batch = [];
    if (lines.length > 0) await this.ctx.onRecordLines!(this.type, lines);
  }

  /** Delivers the last batch and the progress not reported yet; returns the lines read. */
  async finish(): Promise<number> {
    await this.flush();
    this.ctx.onRecords?.(this.n % 1000);
    return this.n;
  }
}
