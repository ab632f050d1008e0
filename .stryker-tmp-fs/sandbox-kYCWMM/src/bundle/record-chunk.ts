// @ts-nocheck
// The per-line part of verify (V1, B3): a run of whole NDJSON lines of one
// record file is decoded, split, parsed, checked against its schema, and the
// refs each valid record defines and uses are pulled out. No state across
// chunks, so chunks can be checked in worker threads (verify-pool.ts) and the
// results merged in file order by verify.ts, which owns everything that needs
// the whole bundle (order, uniqueness, dangling refs).
//
// Cutting the bytes at '\n' before decoding gives the same text as decoding the
// whole stream: 0x0A never occurs inside a UTF-8 sequence. Bytes that are not
// UTF-8, a NUL, a line nested too deep (L9) are problems of their line.
import { isUtf8 } from 'node:buffer';
import { badBytes, badText, hasSuspectEscape, jsonTooDeep, tooDeepMessage } from '../domain/text.js';
import type { Problem } from '../shared/errors.js';
import { refHash } from './ref-hash.js';
import { SPECS, type RecordType } from './records.js';
import { fastValidator, validate } from './schemas.js';

export interface ChunkTask {
  type: RecordType;
  /** whole lines: every line ends with '\n', except the last line of a file when it has none */
  bytes: Uint8Array;
  /** also return the text of each valid line (verify's onRecordLines) */
  wantText: boolean;
}

/**
 * Line numbers are 1-based within the chunk; verify adds the lines of the
 * chunks before. Shaped to cross a thread boundary cheaply: strings joined by
 * '\n' (no ref or line holds one once it parsed), numbers in typed arrays.
 */
export interface ChunkResult {
  /** lines in the chunk */
  n: number;
  /** lines that are not JSON or break their schema, in line order, with their problems (no file, line) */
  bad: { line: number; problems: Omit<Problem, 'file' | 'line'>[] }[];
  /** the valid lines' numbers, in order */
  lines: Int32Array;
  /** the ref each valid line defines (parallel to lines), joined by '\n' */
  defs: string;
  /** refHash of each ref in defs */
  defHashes: Int32Array;
  /** the refs the chunk uses, in line order, joined by '\n' */
  usedRefs: string;
  /** where each ref of usedRefs ends in it (the next starts one after) */
  useEnds: Int32Array;
  /** refHash of each ref in usedRefs */
  useHashes: Int32Array;
  /** each use (parallel to usedRefs): pairs [index into lines, index into pointers] */
  uses: Int32Array;
  /** the JSON pointers of the uses */
  pointers: string[];
  /** documents named: triples [index into lines, path, sha256] */
  docs: (string | number)[];
  /** the text of each valid line (parallel to lines) joined by '\n', when asked for */
  texts?: string;
}

export function checkChunk({ type, bytes, wantText }: ChunkTask): ChunkResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad: ChunkResult['bad'] = [];
  const lines: number[] = [];
  const defs: string[] = [];
  const defHashes: number[] = [];
  const texts: string[] = [];
  const docs: (string | number)[] = [];
  const uses = new UseList();
  const accept = recordHandler(type);
  let line = 0;
  /** the lines of `text` (whole lines, good bytes); `suspect`: the text holds an escape of NUL or of a surrogate somewhere */
  const readLines = (text: string, suspect: boolean) => {
    let start = 0;
    while (start < text.length) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = text.length;
      const lineText = text.slice(start, nl);
      start = nl + 1;
      line++;
      // L9: checked before parsing, so that nothing after (the schema's messages) walks a value nested without end.
      if (jsonTooDeep(lineText)) {
        bad.push({ line, problems: [{ message: tooDeepMessage() }] });
        continue;
      }
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(lineText) as Record<string, unknown>;
      } catch (e) {
        bad.push({ line, problems: [{ message: `not a JSON record: ${(e as Error).message}` }] });
        continue;
      }
      if (suspect && hasSuspectEscape(lineText)) {
        const why = badText(rec);
        if (why) {
          bad.push({ line, problems: [why] });
          continue;
        }
      }
      const i = lines.length;
      if (!accept(rec, i, defs, defHashes, uses, docs, false)) {
        // validate() checks again and names the problems (it finds none only if the two ajv instances disagree).
        const problems = validate(type, rec);
        if (problems.length > 0) {
          bad.push({ line, problems });
          continue;
        }
        accept(rec, i, defs, defHashes, uses, docs, true);
      }
      lines.push(line);
      if (wantText) texts.push(lineText);
    }
  };
  // Decoded a piece of whole lines at a time: a string over 128 KiB goes to V8's
  // large-object space (an mmap and zeroed pages each), which made decoding the
  // chunks ~50x slower than pieces below that size.
  for (let from = 0; from < buf.length;) {
    const to = pieceEnd(buf, from);
    const piece = buf.subarray(from, to);
    from = to;
    // L9: bad bytes are refused, never decoded to U+FFFD. isUtf8 and the NUL search run at memory speed; only a
    // piece that fails them is looked at line by line.
    if (isUtf8(piece) && piece.indexOf(0) < 0) {
      const text = piece.toString('utf8');
      readLines(text, hasSuspectEscape(text));
      continue;
    }
    for (let s = 0; s < piece.length;) {
      const nl = piece.indexOf(10, s);
      const end = nl < 0 ? piece.length : nl;
      const why = badBytes(piece.subarray(s, end));
      if (why) bad.push({ line: ++line, problems: [{ message: why }] });
      else {
        const text = piece.toString('utf8', s, nl < 0 ? end : nl + 1);
        readLines(text, hasSuspectEscape(text));
      }
      s = end + 1;
    }
  }
  return {
    n: line,
    bad,
    lines: Int32Array.from(lines),
    defs: defs.join('\n'),
    defHashes: Int32Array.from(defHashes),
    ...uses.done(),
    docs,
    texts: wantText ? texts.join('\n') : undefined,
  };
}

/** bytes decoded into one string at most (V8 keeps strings up to 128 KiB in its regular heap) */
const PIECE_BYTES = 60 * 1024;

/** The end of the piece starting at `from`: just after the last '\n' within PIECE_BYTES, else after the first '\n' (a long line), else the end. */
function pieceEnd(buf: Buffer, from: number): number {
  if (buf.length - from <= PIECE_BYTES) return buf.length;
  const nl = buf.lastIndexOf(10, from + PIECE_BYTES - 1);
  if (nl >= from) return nl + 1;
  const next = buf.indexOf(10, from + PIECE_BYTES);
  return next < 0 ? buf.length : next + 1;
}

/** Uses of one chunk: refs in order, each pointer stored once. */
class UseList {
  private readonly refs: string[] = [];
  private readonly pointerIds = new Map<string, number>();
  private readonly pairs: number[] = [];
  private readonly ends: number[] = [];
  private readonly hashes: number[] = [];
  private end = -1;

  add(i: number, ref: string, pointer: string): void {
    let p = this.pointerIds.get(pointer);
    if (p === undefined) this.pointerIds.set(pointer, (p = this.pointerIds.size));
    this.refs.push(ref);
    this.end += ref.length + 1;
    this.ends.push(this.end);
    this.hashes.push(refHash(ref));
    this.pairs.push(i, p);
  }

  done(): Pick<ChunkResult, 'usedRefs' | 'useEnds' | 'useHashes' | 'uses' | 'pointers'> {
    return {
      usedRefs: this.refs.join('\n'),
      useEnds: Int32Array.from(this.ends),
      useHashes: Int32Array.from(this.hashes),
      uses: Int32Array.from(this.pairs),
      pointers: [...this.pointerIds.keys()],
    };
  }
}

/**
 * Checks a parsed record against its schema (unless `checked`) and, when it
 * passes, notes its ref, refs used (ref fields, then parties, then riders of
 * policies: the order referencesOf in records.ts gives) and document. False
 * when it does not pass.
 */
type RecordHandler = (
  rec: Record<string, unknown>,
  i: number,
  defs: string[],
  defHashes: number[],
  uses: UseList,
  docs: (string | number)[],
  checked: boolean,
) => boolean;

const PARTY_POINTERS = Array.from({ length: 32 }, (_, k) => `/parties/${k}/contact`);
const RIDER_POINTERS = Array.from({ length: 32 }, (_, k) => `/riders/${k}/rider`);

/**
 * The same source compiled once per record type (new Function gives each its
 * own type feedback): records of each type have their own object shape, and
 * one shared function saw them all in turn, so V8 threw its optimized code
 * away and recompiled checkChunk about 12 times and the ref extractor 8 times
 * (30-90 ms of compiler time each, ~0.6 s in all at 100,000 contacts).
 */
const HANDLER_SOURCE = `
  return function handleRecord(rec, i, defs, defHashes, uses, docs, checked) {
    if (!checked && !check(rec)) return false;
    const ref = rec.ref;
    defs.push(ref);
    defHashes.push(refHash(ref));
    for (let f = 0; f < names.length; f++) {
      const v = rec[names[f]];
      if (typeof v === 'string') uses.add(i, v, pointers[f]);
    }
    const parties = rec.parties;
    if (parties) for (let k = 0; k < parties.length; k++) uses.add(i, parties[k].contact, PARTY_POINTERS[k] ?? '/parties/' + k + '/contact');
    const rs = riders ? rec.riders : undefined;
    if (rs) for (let k = 0; k < rs.length; k++) uses.add(i, rs[k].rider, RIDER_POINTERS[k] ?? '/riders/' + k + '/rider');
    const doc = rec.document;
    if (doc) docs.push(i, doc.path, doc.sha256);
    return true;
  };`;

const handlers = new Map<RecordType, RecordHandler>();

function recordHandler(type: RecordType): RecordHandler {
  let fn = handlers.get(type);
  if (fn) return fn;
  const fields = SPECS[type].fields.filter((f) => f.type === 'ref');
  // new Function over HANDLER_SOURCE, our own text: no outside input is evaluated
  const make = new Function('check', 'refHash', 'names', 'pointers', 'riders', 'PARTY_POINTERS', 'RIDER_POINTERS', HANDLER_SOURCE) as (
    ...args: unknown[]
  ) => RecordHandler;
  fn = make(
    fastValidator(type),
    refHash,
    fields.map((f) => f.name),
    fields.map((f) => `/${f.name}`),
    type === 'policies',
    PARTY_POINTERS,
    RIDER_POINTERS,
  );
  handlers.set(type, fn);
  return fn;
}
