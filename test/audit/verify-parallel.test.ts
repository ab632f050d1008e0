// verify with worker threads (V1, P1): the record lines of large bundles are
// parsed and checked in worker threads and merged in file order; the verdict,
// the counts and the problem list (order, lines, pointers, messages) must be
// exactly those of the line-by-line implementation this replaced (recorded in
// bundle/verify-parallel-expected.json from commit 2826271) whether the lines
// are checked in this thread (OFFICEPORT_VERIFY_WORKERS=0) or in workers.
// Since L9 the line of invalid UTF-8 in "many defects" (line 5000) is a problem
// of its own, where it was decoded with U+FFFD and passed (recorded again then).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bagOf, brokenZips, editLine, goldenParts, grow, linesOf } from '../bundle/verify-kit.js';
import { ROOT, run, tmpDir } from '../helpers/cli.js';

const EXPECTED = path.join(ROOT, 'test/bundle/verify-parallel-expected.json');
const BIN = process.env.VERIFY_PARALLEL_BIN;

interface Outcome {
  valid: boolean;
  counts: Record<string, number>;
  problems: unknown[];
}

function verifyCli(zip: string, workers: number): Outcome {
  // VERIFY_PARALLEL_BIN=<an older build's bin/officeport.js> runs that build instead (how the expected outcomes were recorded).
  const stdout = BIN
    ? spawnSync(process.execPath, [BIN, 'verify', zip, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout
    : run(['verify', zip, '--json'], { env: { OFFICEPORT_VERIFY_WORKERS: String(workers) } }).stdout;
  const out = JSON.parse(stdout) as Outcome;
  return { valid: out.valid, counts: out.counts, problems: out.problems };
}

const zips = new Map<string, string>();

beforeAll(async () => {
  for (const [name, file] of await brokenZips('officeport-vpar-')) zips.set(name, file);
}, 60_000);

describe('verify: record lines checked in worker threads', () => {
  it('V1: problem lists of broken bundles are those of the line-by-line implementation, with and without workers', () => {
    const got: Record<string, Outcome> = {};
    for (const [name, zip] of zips) got[name] = verifyCli(zip, 2);
    if (BIN) {
      fs.writeFileSync(EXPECTED, JSON.stringify(got, null, 1) + '\n');
      return;
    }
    const expected = JSON.parse(fs.readFileSync(EXPECTED, 'utf8')) as Record<string, Outcome>;
    expect(Object.keys(expected).sort()).toEqual([...zips.keys()].sort());
    for (const [name, zip] of zips) {
      expect(expected[name]!.problems.length, name).toBeGreaterThan(0);
      expect(got[name], `${name}, 2 workers`).toEqual(expected[name]);
      expect(verifyCli(zip, 0), `${name}, no worker`).toEqual(expected[name]);
    }
  });
});

describe('verify: the recorded outcomes reviewed by hand', () => {
  // A second route to the expected file (written by VERIFY_PARALLEL_BIN runs): what each case's
  // edits must give, written by hand from brokenCases(), checked against the file and a run.
  type P = { file?: string; line?: number; pointer?: string; message: string };
  const recorded = () => JSON.parse(fs.readFileSync(EXPECTED, 'utf8')) as Record<string, { valid: boolean; problems: P[] }>;

  it('V1: a last line without a newline that names a missing contact is the one problem, at its line', () => {
    const want = {
      valid: false,
      problems: [
        {
          file: 'data/records/smartpad.ndjson',
          line: 6001,
          pointer: '/contact',
          message: 'refers to contact/NOPE5, which is neither a record nor a stub of this bundle',
        },
      ],
    };
    const name = 'last line without a newline';
    expect(recorded()[name]).toMatchObject(want);
    expect(verifyCli(zips.get(name)!, 2)).toMatchObject(want);
  });

  it('V1: every line the "many defects" case breaks is named, by file, line and pointer', () => {
    const got = recorded()['many defects']!;
    expect(got.valid).toBe(false);
    const at = (file: string, line: number, pointer?: string) =>
      got.problems.some((p) => p.file === `data/records/${file}.ndjson` && p.line === line && (pointer === undefined || p.pointer === pointer));
    for (const n of [2, 700, 1401, 2999, 3000, 5999]) {
      expect(at('contacts', n, '/birth_date'), `contacts line ${n} birth date`).toBe(true);
      expect(at('contacts', n, '/gender'), `contacts line ${n} gender`).toBe(true);
    }
    // not JSON (cut short, empty, a byte-order mark), and a ref out of order
    for (const n of [1500, 1600, 1700, 2500]) expect(at('contacts', n), `contacts line ${n}`).toBe(true);
    for (const n of [10, 5000]) expect(at('smartpad', n, '/contact'), `smartpad line ${n}`).toBe(true);
    expect(at('smartpad', 3500, '/extra'), 'smartpad line 3500 extra field').toBe(true);
    expect(at('letters', 1), 'letters line 1 (document path)').toBe(true);
    expect(at('policies', 1), 'policies line 1 (party naming NOPE4)').toBe(true);
  });
});

describe('verify: worker threads on a valid bundle', () => {
  it('V1 (precondition, not the rule): the compiled worker module is in dist/, so the CLI runs in this file used workers', () => {
    expect(fs.existsSync(path.join(ROOT, 'dist/src/bundle/verify-worker.js'))).toBe(true);
  });

  it('V1: a bundle whose record files span many chunks verifies with the same counts with 0, 2 and 3 workers', async () => {
    const parts = goldenParts();
    grow(parts, 12000);
    const zip = await bagOf(parts, tmpDir('officeport-vpar-'));
    const outcomes = [0, 2, 3].map((w) => verifyCli(zip, w));
    for (const o of outcomes) expect(o).toEqual({ valid: true, counts: { ...parts.header.counts }, problems: [] });
  });

  it('V1: onRecordLines delivers every valid line once, in order, when workers check the lines', async () => {
    const parts = goldenParts();
    grow(parts, 5000);
    editLine(parts, 'data/records/contacts.ndjson', 4000, (c) => ({ ...c, gender: 'x' }));
    const zip = await bagOf(parts, tmpDir('officeport-vpar-'));
    // The built module: from TypeScript sources verify runs without workers.
    const dist = (await import(path.join(ROOT, 'dist/src/audit/verify.js'))) as typeof import('../../src/audit/verify.js');
    const got: string[] = [];
    const r = await dist.verifyBundle(zip, {
      workers: 2,
      onRecordLines: async (type, lines) => void got.push(...lines.map((l) => `${type} ${l.ref} ${l.text}`)),
    });
    expect(r.valid).toBe(false);
    const want: string[] = [];
    for (const type of Object.keys(parts.header.counts)
      .filter((t) => t !== 'documents')
      .sort())
      linesOf(parts, `data/records/${type}.ndjson`).forEach((text, i) => {
        if (!(type === 'contacts' && i === 3999)) want.push(`${type} ${(JSON.parse(text) as { ref: string }).ref} ${text}`);
      });
    expect(got).toEqual(want);
  });
});
