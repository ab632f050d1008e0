// verify's reading of one record file (V1, L9: src/bundle/record-check.ts),
// fed pieces of bytes cut where the test chooses: a bag's stream gives
// whatever inflate hands out, so where a piece ends must never change a line,
// a problem or a line number. The pieces here are cut at every kind of place
// (inside a line, on its newline, just after it), and the lines are long
// enough to fill several runs of 128 KiB.
import { describe, expect, it } from 'vitest';
import type { OpenedBag } from '../../src/bundle/bag-reader.js';
import { lineTooLongMessage } from '../../src/bundle/bag-reader.js';
import { checkRecordFile } from '../../src/bundle/record-check.js';
import { RefIndex } from '../../src/bundle/ref-index.js';
import { inlinePool } from '../../src/bundle/verify-pool.js';
import { ZipEntryError } from '../../src/bundle/zip-reader.js';
import type { Problem } from '../../src/shared/errors.js';
import { openScratchRefIndex } from '../../src/store/open.js';

const FILE = 'data/records/smartpad.ndjson';

interface Outcome {
  n: number;
  problems: string[];
  lines: string[];
}

/** checkRecordFile over `pieces`; `fail` is thrown (or reported and thrown as a zip entry's error) after the pieces. */
async function check(pieces: Buffer[], opts: { maxLineBytes?: number; fail?: Error } = {}): Promise<Outcome> {
  const problems: Problem[] = [];
  const bag = {
    maxLineBytes: opts.maxLineBytes ?? 8 * 1024 ** 2,
    problems,
    async *stream(_file: string, report: (p: Problem) => void): AsyncGenerator<Buffer> {
      for (const p of pieces) yield p;
      if (opts.fail instanceof ZipEntryError) report(opts.fail.problem);
      if (opts.fail) throw opts.fail;
    },
  } as unknown as OpenedBag;
  const refs = new RefIndex(openScratchRefIndex, 1000);
  const lines: string[] = [];
  try {
    const n = await checkRecordFile(
      { bag, refs, pool: inlinePool(), add: (p) => void problems.push(p), onRecordLines: (_t, ls) => void lines.push(...ls.map((l) => l.text)) },
      FILE,
      'smartpad',
    );
    return { n, problems: problems.map((p) => `${p.line}${p.pointer ? ' ' + p.pointer : ''}: ${p.message}`), lines };
  } finally {
    refs.close();
  }
}

/** A note line of about `size` bytes (its text pads it), ref note/N<i> */
function note(i: number, size = 100): string {
  const head = { ref: `note/N${String(i).padStart(6, '0')}`, contact: 'contact/C-1', text: '', created_at: '2024-01-03T08:00:00Z' };
  const bare = JSON.stringify(head).length;
  return JSON.stringify({ ...head, text: 'x'.repeat(Math.max(1, size - bare)) });
}

/** cut `bytes` at the given offsets */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const a of [...at, bytes.length]) {
    out.push(bytes.subarray(from, a));
    from = a;
  }
  return out.filter((b) => b.length > 0);
}

/** a small PRNG, so that a failure can be run again */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('verify: a record file read in pieces', () => {
  // 3000 lines of 40 to 400 bytes (about 650 KiB, five runs), two of them broken
  const lines: string[] = [];
  {
    const r = rng(7);
    for (let i = 1; i <= 3000; i++) lines.push(note(i, 40 + Math.floor(r() * 360)));
    lines[1499] = '{"ref": "note/N001500",';
    lines[2399] = JSON.stringify({ ...(JSON.parse(lines[2399]!) as object), contact: 'contact/C-1', extra: 1 });
  }
  const text = Buffer.from(lines.map((l) => l + '\n').join(''));
  // (JSON.parse's own words follow "not a JSON record: ")
  const WANT_PROBLEMS = [expect.stringMatching(/^1500: not a JSON record: ./), '2400 /extra: unexpected field (not in the schema)'];

  it('V1: one piece gives every line, the broken ones named at their lines', async () => {
    const one = await check([text]);
    expect(one.n).toBe(3000);
    expect(one.lines).toHaveLength(2998);
    expect(one.lines[0]).toBe(lines[0]);
    expect(one.lines.at(-1)).toBe(lines[2999]);
    expect(one.problems).toEqual(WANT_PROBLEMS);
  });

  it('V1: pieces cut anywhere (inside a line, on its newline, just after it, one byte long) give the same lines and problems', async () => {
    const whole = await check([text]);
    const newlines: number[] = [];
    for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) newlines.push(i);
    const r = rng(11);
    const cuttings: number[][] = [
      newlines.map((n) => n), // each piece ends just before a newline: the next begins with it
      newlines.map((n) => n + 1), // each piece is whole lines
      Array.from({ length: 2000 }, () => Math.floor(r() * text.length)).sort((a, b) => a - b),
      [1, 2, 3, 131071, 131072, 131073, 262144, 400000, 400001],
    ];
    for (let k = 0; k < 5; k++) {
      const at: number[] = [];
      for (let p = 0; p < text.length; p += 1 + Math.floor(r() * 300000)) at.push(p);
      cuttings.push(at);
    }
    for (const [i, at] of cuttings.entries()) expect(await check(cut(text, at)), `cutting ${i}`).toEqual(whole);
  });

  it('V1: a last line without a newline is read, in one piece or cut', async () => {
    const body = text.subarray(0, text.length - 1);
    const whole = await check([body]);
    expect(whole.n).toBe(3000);
    expect(whole.lines.at(-1)).toBe(lines[2999]);
    expect(await check(cut(body, [body.length - 5, body.length - 1]))).toEqual(whole);
  });
});

describe('verify: the line bound in pieces (L9)', () => {
  const a = note(1, 120);
  const b = note(2, 120);
  /** a bound the lines fit, with a byte to spare */
  const max = 121;

  it('L9: a piece that starts with the newline of the line before begins a new line: lines just under the bound pass', async () => {
    expect([a.length, b.length]).toEqual([120, 120]);
    // a, then "\n" + b in the next piece: b alone is under the bound, a and b together are not
    const got = await check([Buffer.from(a), Buffer.from('\n' + b), Buffer.from('\n')], { maxLineBytes: max });
    expect(got.problems).toEqual([]);
    expect(got.lines).toEqual([a, b]);
  });

  it('L9: a line past the bound is named at its line; the lines before it are read, none after', async () => {
    const long = 'y'.repeat(300);
    const got = await check([Buffer.from(`${a}\n${b}\n`), Buffer.from(long.slice(0, 100)), Buffer.from(long.slice(100)), Buffer.from(`\n${note(3, 120)}\n`)], {
      maxLineBytes: max,
    });
    expect(got.problems).toEqual([`3: ${lineTooLongMessage(max)}`]);
    expect(got.lines).toEqual([a, b]);
    expect(got.n).toBe(2);
  });

  it('V1: a damaged entry (a zip entry error part way) keeps the lines before it and reports the damage once', async () => {
    const damage = new ZipEntryError({ file: FILE, message: 'CRC-32 differs' });
    const got = await check([Buffer.from(`${a}\n${b}\n${note(3, 120).slice(0, 20)}`)], { fail: damage });
    expect(got.lines).toEqual([a, b]);
    expect(got.n).toBe(2);
    expect(got.problems).toEqual(['undefined: CRC-32 differs']);
  });

  it('V1: any other error while reading is not a problem of the bundle: it is thrown as it is', async () => {
    const disk = new Error('EIO: i/o error, read');
    await expect(check([Buffer.from(`${a}\n`)], { fail: disk })).rejects.toBe(disk);
  });
});
