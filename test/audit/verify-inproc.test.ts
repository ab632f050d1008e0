// verify (V1, B2-B5, B9, P1) called in this process on bags written with
// writeBag: the exact problem, its file, line and pointer, and what the result
// carries. The binary tests (verify-records, verify-parallel, schemas-independent)
// show the same through the command; these run in milliseconds, so mutation
// testing can afford them for every mutant of src/audit/verify.ts and
// src/bundle/record-check.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  declaredRecordBytes,
  PARALLEL_MIN_BYTES,
  REFS_IN_MEMORY_MAX_RECORD_BYTES,
  verifyBundle,
  verifyResources,
  type VerifyResult,
} from '../../src/audit/verify.js';
import { RETENTION_FORMAT } from '../../src/audit/verify-retention.js';
import { lineTooLongMessage, MAX_RECORD_LINE_BYTES, openBag } from '../../src/bundle/bag-reader.js';
import { writeBag } from '../../src/bundle/bag-writer.js';
import { DEFAULT_REFS_IN_MEMORY } from '../../src/bundle/ref-index.js';
import { openZip } from '../../src/bundle/zip-reader.js';
import type { Problem } from '../../src/shared/errors.js';
import { bagOf, brokenZips, editLine, goldenParts, grow, linesOf, setLines, type Parts } from '../bundle/verify-kit.js';
import { ROOT, tmpDir } from '../helpers/cli.js';

const C = 'data/records/contacts.ndjson';
const S = 'data/records/smartpad.ndjson';
const MiB = 1024 ** 2;
/** the format versions this officeport reads, written out: a new one must be added here by hand */
const KNOWN = '1.0, 2.0';

/** A bag of the golden parts after `edit`, verified here with no worker thread. */
async function verifyParts(edit: (p: Parts) => void = () => undefined, opts: Parameters<typeof verifyBundle>[1] = {}): Promise<VerifyResult> {
  const parts = goldenParts();
  edit(parts);
  return verifyBundle(await bagOf(parts), { workers: 0, ...opts });
}

/** problems as `file:line pointer: message` */
function shown(r: VerifyResult): string[] {
  return r.problems.map((p) => `${p.file ?? ''}${p.line === undefined ? '' : `:${p.line}`}${p.pointer ? ` ${p.pointer}` : ''}: ${p.message}`);
}

/** A bag written by hand: any header text, any bag-info, any root name. */
async function rawBag(opts: {
  header?: string | Buffer;
  rootName?: string;
  /** null: no External-Identifier in bag-info.txt */
  externalId?: string | null;
  parts?: Parts;
}): Promise<string> {
  const parts = opts.parts ?? goldenParts();
  const out = path.join(tmpDir('officeport-vinp-'), 'b.zip');
  await writeBag({
    outFile: out,
    rootName: opts.rootName ?? `officeport-bundle-${parts.header.bundle_id}`,
    createdAt: new Date(parts.header.created_at),
    bagInfo: {
      ...(opts.externalId === null ? {} : { 'External-Identifier': opts.externalId ?? parts.header.bundle_id }),
      'Source-Organization': 'Test',
    },
    payload: [...parts.files.entries()].map(([p, content]) => ({ path: p, source: () => [content] })),
    tagFiles: () => [
      ...(opts.header === undefined ? [] : [{ path: 'officeport.json', content: opts.header }]),
      ...[...parts.schemas].map(([p, content]) => ({ path: p, content })),
    ],
  });
  return out;
}

describe('verify in process: the resources it spends (P1)', () => {
  const none = {};
  it('V1, P1: records up to 16 MiB are checked in this thread; above, in one worker per core beside this one, at most two, none on one core', () => {
    expect(PARALLEL_MIN_BYTES).toBe(16 * MiB);
    expect(verifyResources(16 * MiB, none, undefined, 8)).toEqual({ workers: 0, explicit: false, refsInMemory: DEFAULT_REFS_IN_MEMORY });
    expect(verifyResources(16 * MiB + 1, none, undefined, 8)).toEqual({ workers: 2, explicit: false, refsInMemory: DEFAULT_REFS_IN_MEMORY });
    expect(verifyResources(16 * MiB + 1, none, undefined, 3).workers).toBe(2);
    expect(verifyResources(16 * MiB + 1, none, undefined, 2).workers).toBe(1);
    expect(verifyResources(16 * MiB + 1, none, undefined, 1).workers).toBe(0);
    expect(verifyResources(0, none, undefined, 8).workers).toBe(0);
  });

  it('P1: refs of a bundle of more than 128 MiB of records go to disk from the start, and it gets one worker only', () => {
    expect(REFS_IN_MEMORY_MAX_RECORD_BYTES).toBe(128 * MiB);
    expect(verifyResources(128 * MiB, none, undefined, 8)).toEqual({ workers: 2, explicit: false, refsInMemory: DEFAULT_REFS_IN_MEMORY });
    expect(verifyResources(128 * MiB + 1, none, undefined, 8)).toEqual({ workers: 1, explicit: false, refsInMemory: 0 });
    expect(verifyResources(128 * MiB + 1, none, undefined, 1)).toEqual({ workers: 0, explicit: false, refsInMemory: 0 });
  });

  it('V1: workers asked for by option win over OFFICEPORT_VERIFY_WORKERS, which wins over the default when it is a whole number; both are waited for', () => {
    expect(verifyResources(0, { workers: 3 }, '1', 8)).toEqual({ workers: 3, explicit: true, refsInMemory: DEFAULT_REFS_IN_MEMORY });
    expect(verifyResources(0, { workers: 0 }, '1', 8)).toEqual({ workers: 0, explicit: true, refsInMemory: DEFAULT_REFS_IN_MEMORY });
    expect(verifyResources(0, none, '2', 8)).toEqual({ workers: 2, explicit: true, refsInMemory: DEFAULT_REFS_IN_MEMORY });
    expect(verifyResources(200 * MiB, none, '0', 8)).toEqual({ workers: 0, explicit: true, refsInMemory: 0 });
    expect(verifyResources(0, none, '12', 8)).toEqual({ workers: 12, explicit: true, refsInMemory: DEFAULT_REFS_IN_MEMORY });
    for (const junk of ['', 'two', '-1', '1.5', ' 1', '1x'])
      expect(verifyResources(16 * MiB + 1, none, junk, 8), JSON.stringify(junk)).toEqual({ workers: 2, explicit: false, refsInMemory: DEFAULT_REFS_IN_MEMORY });
  });

  it('P1: the bytes weighed are those the record files declare, and only theirs', async () => {
    const parts = goldenParts();
    const want = [...parts.files].filter(([p]) => p.startsWith('data/records/')).reduce((a, [, b]) => a + b.length, 0);
    const documents = [...parts.files].filter(([p]) => p.startsWith('data/documents/')).reduce((a, [, b]) => a + b.length, 0);
    expect(documents).toBeGreaterThan(0);
    const { bag } = await openBag(await bagOf(parts));
    try {
      expect(declaredRecordBytes(bag!)).toBe(want);
    } finally {
      await bag!.close();
    }
  });

  it('P1: refs kept in memory as asked for, whatever the size', () => {
    expect(verifyResources(200 * MiB, { refsInMemory: 7 }, undefined, 8).refsInMemory).toBe(7);
    expect(verifyResources(0, { refsInMemory: 0 }, undefined, 8).refsInMemory).toBe(0);
  });
});

describe('verify in process: record files cut into runs of lines', () => {
  const expected = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/bundle/verify-parallel-expected.json'), 'utf8')) as Record<
    string,
    { valid: boolean; counts: Record<string, number>; problems: Problem[] }
  >;
  const zips = new Map<string, string>();
  beforeAll(async () => {
    for (const [name, file] of await brokenZips('officeport-vinp-')) zips.set(name, file);
  }, 60_000);

  it('V1: the broken bundles of many chunks give the recorded problem lists, in order, checked in this thread', async () => {
    expect([...zips.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, zip] of zips) {
      const r = await verifyBundle(zip, { workers: 0 });
      expect(expected[name]!.problems.length, name).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify({ valid: r.valid, counts: r.counts, problems: r.problems })), name).toEqual(expected[name]);
    }
  });

  it('V1: a line out of ref order is named at the start of a run as anywhere else', async () => {
    // Find where runs begin: the first line whose end passes 128 KiB after the last cut.
    const parts = goldenParts();
    grow(parts, 3000);
    const lines = linesOf(parts, C);
    let bytes = 0;
    let first = 0;
    for (let i = 0; i < lines.length; i++) {
      bytes += Buffer.byteLength(lines[i]!) + 1;
      if (bytes >= 128 * 1024) {
        first = i + 2; // 1-based number of the line after the run's last
        break;
      }
    }
    expect(first).toBeGreaterThan(100);
    const before = JSON.parse(lines[first - 2]!) as { ref: string };
    editLine(parts, C, first, (c) => ({ ...c, ref: before.ref }));
    const r = await verifyBundle(await bagOf(parts), { workers: 0 });
    expect(shown(r)).toContain(`${C}:${first} /ref: records are not sorted by ref: ${before.ref} comes after ${before.ref}`);
  });

  // The bound is checked on the part of a line not yet ended, after each inflated piece (256 KiB), as the
  // bag reader's lines() does: a line that ends within the piece that takes it past the bound is still read
  // (memory stays bounded either way), so the line here is twice the bound.
  it('V1, L9: a line past the bound in a later run is named at its line; the lines before it are checked, none after it', async () => {
    const parts = goldenParts();
    grow(parts, 3000);
    const lines = linesOf(parts, C);
    lines[1999] = JSON.stringify({ ...(JSON.parse(lines[1999]!) as object), gender: 'x' });
    // random hex: a run of one letter would deflate past the zip's ratio limit
    lines[2499] = JSON.stringify({ ...(JSON.parse(lines[2499]!) as object), first_name: crypto.randomBytes(MAX_RECORD_LINE_BYTES).toString('hex') });
    lines[2799] = JSON.stringify({ ...(JSON.parse(lines[2799]!) as object), gender: 'y' });
    setLines(parts, C, lines);
    const r = await verifyBundle(await bagOf(parts), { workers: 0 });
    expect(r.valid).toBe(false);
    expect(shown(r).filter((s) => s.startsWith(`${C}:`))).toEqual([
      expect.stringMatching(new RegExp(`^${C}:2000 /gender: `)),
      `${C}:2500: ${lineTooLongMessage(MAX_RECORD_LINE_BYTES)}`,
    ]);
    expect(r.counts!.contacts).toBe(2499);
  });

  it('V1: a line exactly at the bound is read and checked (the bound is on the bytes of the line)', async () => {
    const parts = goldenParts();
    const lines = linesOf(parts, C);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    const bare = Buffer.byteLength(JSON.stringify({ ...rec, notes: '' }));
    // random hex: a run of one letter would deflate past the zip's ratio limit
    const filler = crypto
      .randomBytes(MAX_RECORD_LINE_BYTES)
      .toString('hex')
      .slice(0, MAX_RECORD_LINE_BYTES - bare);
    lines[0] = JSON.stringify({ ...rec, notes: filler });
    expect(Buffer.byteLength(lines[0]!)).toBe(MAX_RECORD_LINE_BYTES);
    setLines(parts, C, lines);
    const r = await verifyBundle(await bagOf(parts), { workers: 0 });
    // the schema refuses the field it does not know (so contact/A1 is not defined and its uses dangle); the line itself was read
    expect(shown(r)[0]).toBe(`${C}:1 /notes: unexpected field (not in the schema)`);
    expect(r.problems.filter((p) => p.message === lineTooLongMessage(MAX_RECORD_LINE_BYTES))).toEqual([]);
  });

  it('V1, U6: progress goes from 0 to the declared total, a thousand records at a time and the rest of each file at its end', async () => {
    const parts = goldenParts();
    grow(parts, 2500);
    const total = Object.entries(parts.header.counts as Record<string, number>)
      .filter(([t]) => t !== 'documents')
      .reduce((a, [, n]) => a + n, 0);
    const calls: [number, number | undefined][] = [];
    const r = await verifyBundle(await bagOf(parts), { workers: 0, onProgress: (done, of) => void calls.push([done, of]) });
    expect(r.valid).toBe(true);
    expect(calls[0]).toEqual([0, total]);
    expect(calls.every(([, of]) => of === total)).toBe(true);
    expect(calls.at(-1)![0]).toBe(total);
    const steps = calls.slice(1).map(([d], i) => d - calls[i]![0]);
    // per file: floor(n / 1000) steps of 1000, then n % 1000
    const want: number[] = [];
    for (const file of Object.keys(r.counts!).filter((t) => t !== 'documents')) {
      const n = r.counts![file as keyof typeof r.counts]!;
      for (let k = 0; k < Math.floor(n / 1000); k++) want.push(1000);
      want.push(n % 1000);
    }
    expect(steps).toEqual(want);
    expect(steps.filter((s) => s === 1000).length).toBe(4); // contacts and smartpad hold 25xx lines each
  });

  it('V1: onRecordLines gets batches of 1000 lines, the rest of each file last, each line as in the file', async () => {
    const parts = goldenParts();
    grow(parts, 2500);
    const batches: { type: string; n: number; first: string }[] = [];
    const r = await verifyBundle(await bagOf(parts), {
      workers: 0,
      onRecordLines: (type, lines) => void batches.push({ type, n: lines.length, first: lines[0]!.text }),
    });
    expect(r.valid).toBe(true);
    const contacts = batches.filter((b) => b.type === 'contacts');
    const n = linesOf(parts, C).length;
    expect(contacts.map((b) => b.n)).toEqual([1000, 1000, n - 2000]);
    expect(contacts.map((b) => b.first)).toEqual([linesOf(parts, C)[0], linesOf(parts, C)[1000], linesOf(parts, C)[2000]]);
    expect(batches.filter((b) => b.type === 'smartpad').map((b) => b.n)).toEqual([1000, 1000, linesOf(parts, S).length - 2000]);
  });

  it('V1: without onRecordLines or onProgress the result is the same', async () => {
    const parts = goldenParts();
    grow(parts, 1500);
    editLine(parts, C, 1200, (c) => ({ ...c, gender: 'x' }));
    const zip = await bagOf(parts);
    const quiet = await verifyBundle(zip, { workers: 0 });
    const hooked = await verifyBundle(zip, { workers: 0, onRecordLines: () => undefined, onProgress: () => undefined });
    expect(quiet.problems).toEqual(hooked.problems);
    expect(shown(quiet)).toContainEqual(expect.stringMatching(new RegExp(`^${C}:1200 /gender: `)));
  });
});

describe('verify in process: the header and the bag (V1, B9)', () => {
  it('V1: a valid bag is valid, with its header, counts, tag manifest digest, kind and the schemas it was checked against', async () => {
    const parts = goldenParts();
    const zip = await bagOf(parts);
    const r = await verifyBundle(zip, { workers: 0 });
    expect(r.problems).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.kind).toBe('bundle');
    expect(r.header).toEqual(parts.header);
    expect(r.counts).toEqual(parts.header.counts);
    expect(r.schemas).toEqual({ from: 'bundle', format_version: parts.header.format_version });
    const { zip: z } = await openZip(zip);
    const entry = z!.entries.find((e) => e.name.endsWith('/tagmanifest-sha256.txt'))!;
    expect(entry).toBeDefined();
    expect(r.tagmanifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.signature).toBeDefined();
  });

  it('V1: a file that is not a zip is invalid, with the reason and nothing else', async () => {
    const file = path.join(tmpDir('officeport-vinp-'), 'notes.zip');
    fs.writeFileSync(file, 'these are my notes, not a bundle\n');
    const r = await verifyBundle(file, { workers: 0 });
    expect(r.valid).toBe(false);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.header).toBeUndefined();
    expect(r.kind).toBeUndefined();
  });

  it('L9: an officeport.json with invalid UTF-8 is named once, at its line, as bad bytes; the records are still checked', async () => {
    const parts = goldenParts();
    editLine(parts, C, 1, (c) => ({ ...c, gender: 'x' }));
    const text = JSON.stringify(parts.header, null, 2) + '\n';
    const at = text.indexOf('Fixture Agency');
    const header = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(text.slice(at))]);
    const r = await verifyBundle(await rawBag({ parts, header }), { workers: 0 });
    const about = r.problems.filter((p) => p.file === 'officeport.json');
    expect(about).toHaveLength(1);
    expect(about[0]!.line).toBe(text.slice(0, at).split('\n').length);
    expect(about[0]!.message).not.toMatch(/^not readable JSON/);
    expect(shown(r).some((s) => s.startsWith(`${C}:1 /gender: `))).toBe(true);
  });

  it('L9, B9: a carried schema with invalid UTF-8 is named once, as bad bytes, not as a schema that differs', async () => {
    const r = await verifyParts((p) => {
      const s = p.schemas.get('schemas/policies.schema.json')!;
      p.schemas.set('schemas/policies.schema.json', Buffer.concat([s.subarray(0, 10), Buffer.from([0xff]), s.subarray(10)]));
    });
    const about = r.problems.filter((p) => p.file === 'schemas/policies.schema.json');
    expect(about).toHaveLength(1);
    expect(about[0]!.message).not.toMatch(/^not readable|^differs/);
    expect(r.valid).toBe(false);
  });

  it('V1: a bag-info.txt without External-Identifier is named as an empty one', async () => {
    const parts = goldenParts();
    const header = JSON.stringify(parts.header, null, 2) + '\n';
    const r = await verifyBundle(await rawBag({ parts, header, externalId: null }), { workers: 0 });
    expect(shown(r)).toEqual([`bag-info.txt: External-Identifier "" differs from the bundle id ${parts.header.bundle_id as string} of officeport.json`]);
  });

  it('V1: a bag without officeport.json says it is missing, and its records are still checked', async () => {
    const parts = goldenParts();
    editLine(parts, C, 1, (c) => ({ ...c, gender: 'x' }));
    const r = await verifyBundle(await rawBag({ parts }), { workers: 0 });
    expect(r.valid).toBe(false);
    expect(shown(r)[0]).toBe('officeport.json: missing; every officeport bundle has this header');
    expect(shown(r).some((s) => s.startsWith(`${C}:1 /gender: `))).toBe(true);
    expect(r.header).toBeUndefined();
    expect(r.schemas).toBeUndefined();
  });

  it('V1: an officeport.json that is not JSON is named, the records are still checked, and the counts are not compared', async () => {
    const parts = goldenParts();
    editLine(parts, C, 2, (c) => ({ ...c, gender: 'x' }));
    const r = await verifyBundle(await rawBag({ parts, header: '{"format_version": ' }), { workers: 0 });
    expect(r.valid).toBe(false);
    expect(r.problems[0]!.file).toBe('officeport.json');
    expect(shown(r).filter((s) => s.startsWith('officeport.json'))).toHaveLength(1);
    expect(shown(r).some((s) => s.startsWith(`${C}:2 /gender: `))).toBe(true);
    expect(r.counts!.contacts).toBe(linesOf(parts, C).length);
  });

  it('V1: an unknown format version is named and no record is read', async () => {
    const r = await verifyParts((p) => {
      p.header.format_version = '9.9';
      editLine(p, C, 1, (c) => ({ ...c, gender: 'x' }));
    });
    expect(r.valid).toBe(false);
    expect(shown(r)).toEqual([`officeport.json /format_version: unknown format version "9.9"; this officeport reads ${KNOWN} (upgrade officeport)`]);
    expect(r.counts).toEqual({});
    expect(r.header).toBeUndefined();
  });

  it('M2: a retention archive is not a bundle: verify refuses it unless asked to accept any, and says what it is', async () => {
    const parts = goldenParts();
    const zip = await rawBag({ parts, header: JSON.stringify({ format: RETENTION_FORMAT }) + '\n' });
    const r = await verifyBundle(zip, { workers: 0 });
    expect(r.valid).toBe(false);
    expect(r.kind).toBe('retention');
    expect(shown(r)).toEqual(['officeport.json /format: this is a retention archive written by finalize, not a bundle to import or inspect']);
    expect(r.tagmanifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.signature).toBeDefined();
    const any = await verifyBundle(zip, { workers: 0, accept: 'any' });
    expect(any.kind).toBe('retention');
    expect(any.valid).toBe(false); // not a well-formed archive: its header lacks everything but the format
    expect(shown(any)).not.toContain('officeport.json /format: this is a retention archive written by finalize, not a bundle to import or inspect');
  });

  it("V1: bag-info's External-Identifier must be the bundle id, and the bag folder must be named after it", async () => {
    const parts = goldenParts();
    const id = parts.header.bundle_id as string;
    const header = JSON.stringify(parts.header, null, 2) + '\n';
    const other = await verifyBundle(await rawBag({ parts, header, externalId: 'someone-else' }), { workers: 0 });
    expect(shown(other)).toEqual([`bag-info.txt: External-Identifier "someone-else" differs from the bundle id ${id} of officeport.json`]);
    const folder = await verifyBundle(await rawBag({ parts, header, rootName: 'my-bundle' }), { workers: 0 });
    expect(shown(folder)).toEqual([`: the bag folder my-bundle is not named officeport-bundle-${id}`]);
    expect(folder.valid).toBe(false);
  });

  it('V1: a header that breaks its schema is named at its pointer; the records are checked, the counts are not compared, no header is returned', async () => {
    const r = await verifyParts((p) => {
      p.header.tool_version = 42;
      p.header.counts.contacts += 5;
      editLine(p, C, 1, (c) => ({ ...c, gender: 'x' }));
    });
    expect(r.valid).toBe(false);
    expect(shown(r).filter((s) => s.startsWith('officeport.json'))).toEqual([expect.stringMatching(/^officeport\.json \/tool_version: /)]);
    expect(shown(r).some((s) => s.startsWith(`${C}:1 /gender: `))).toBe(true);
    expect(r.header).toBeUndefined();
    expect(r.schemas).toBeUndefined();
  });

  it('B9: a schema the format does not have, one missing and one altered are each named; a bundle may not change its rules', async () => {
    const r = await verifyParts((p) => {
      p.schemas.set('schemas/extra.schema.json', Buffer.from('{}'));
      p.schemas.delete('schemas/contacts.schema.json');
      p.schemas.delete('schemas/officeport.schema.json');
      const s = JSON.parse(p.schemas.get('schemas/policies.schema.json')!.toString('utf8')) as Record<string, unknown>;
      p.schemas.set('schemas/policies.schema.json', Buffer.from(JSON.stringify({ ...s, additionalProperties: true }, null, 2)));
    });
    const v = r.header!.format_version;
    const got = shown(r);
    expect(got).toContain(
      `schemas/extra.schema.json: not a schema of format ${v}; a bundle carries only ${got.find((s) => s.startsWith('schemas/extra'))!.split('carries only ')[1]}`,
    );
    expect(got.find((s) => s.startsWith('schemas/extra'))!).toContain('schemas/contacts.schema.json, ');
    expect(got).toContain(`schemas/contacts.schema.json: missing: a bundle of format ${v} carries the schema of data/records/contacts.ndjson`);
    expect(got).toContain(`schemas/officeport.schema.json: missing: a bundle of format ${v} carries the schema of officeport.json`);
    expect(got).toContain(
      `schemas/policies.schema.json: differs from the schema this officeport ships for format ${v}; a bundle may not change the rules its records are checked against (export it again, or check where it was altered)`,
    );
    expect(got).toHaveLength(4);
  });

  it("B9: a bundle of format 1.0 that carries schemas has each named, and is checked against this officeport's schemas", async () => {
    const r = await verifyParts((p) => {
      p.header.format_version = '1.0';
      delete p.header.schemas;
      for (const k of [...p.schemas.keys()]) if (k !== 'schemas/contacts.schema.json') p.schemas.delete(k);
    });
    expect(shown(r)).toEqual(['schemas/contacts.schema.json: unexpected in a bundle of format 1.0, which carried no schemas']);
    expect(r.schemas).toEqual({ from: 'officeport', format_version: '1.0' });
    const clean = await verifyParts((p) => {
      p.header.format_version = '1.0';
      delete p.header.schemas;
      p.schemas.clear();
    });
    expect(clean.problems).toEqual([]);
    expect(clean.schemas).toEqual({ from: 'officeport', format_version: '1.0' });
  });
});

describe('verify in process: records, counts and documents (B2, B4, B5)', () => {
  it('B2: counts that disagree are named for a record file and for the documents, with what the bundle holds', async () => {
    const parts = goldenParts();
    const contacts = parts.header.counts.contacts as number;
    const documents = parts.header.counts.documents as number;
    const r = await verifyParts((p) => {
      p.header.counts.contacts += 2;
      p.header.counts.documents += 1;
    });
    expect(shown(r)).toEqual([
      `officeport.json /counts/contacts: says ${contacts + 2}, but the bundle holds ${contacts} records in data/records/contacts.ndjson`,
      `officeport.json /counts/documents: says ${documents + 1}, but the bundle holds ${documents} files under data/documents/`,
    ]);
  });

  it('B2: a record file the header counts but the bag lacks holds 0 records', async () => {
    const parts = goldenParts();
    const n = parts.header.counts.riders as number;
    expect(n).toBeGreaterThan(0);
    const r = await verifyParts((p) => p.files.delete('data/records/riders.ndjson'));
    expect(shown(r)).toContain(`officeport.json /counts/riders: says ${n}, but the bundle holds 0 records in data/records/riders.ndjson`);
  });

  it('B4: a letter naming a document the bag lacks is named at its line and pointer', async () => {
    const parts = goldenParts();
    const letters = linesOf(parts, 'data/records/letters.ndjson');
    const docOf = (l: string) => (JSON.parse(l) as { document?: { path: string } }).document?.path;
    const doc = letters.map(docOf).find((d) => d !== undefined)!;
    expect(doc).toBeDefined();
    // every letter that names it, by line (two letters of the fixture share one document)
    const naming = letters.flatMap((l, i) => (docOf(l) === doc ? [i + 1] : []));
    expect(naming.length).toBeGreaterThan(0);
    const r = await verifyParts((p) => {
      p.files.delete(doc);
      p.header.counts.documents -= 1;
    });
    expect(shown(r)).toEqual(naming.map((n) => `data/records/letters.ndjson:${n} /document/path: names ${doc}, which is not in the bundle`));
    expect(r.counts!.documents).toBe((parts.header.counts.documents as number) - 1);
  });

  it('B3: a file under data/records/ that is not a record file is named with the files a bundle may hold, and not counted', async () => {
    const r = await verifyParts((p) => p.files.set('data/records/extras.ndjson', Buffer.from('{"ref":"x/1"}\n')));
    const got = shown(r);
    expect(got).toHaveLength(1);
    expect(got[0]).toBe(
      'data/records/extras.ndjson: not a record file of an officeport bundle; expected one of activities.ndjson, carriers.ndjson, contacts.ndjson, ' +
        'employee_census.ndjson, investment_accounts.ndjson, key_relations.ndjson, letters.ndjson, pending_cases.ndjson, policies.ndjson, ' +
        'positions.ndjson, products.ndjson, riders.ndjson, service_providers.ndjson, smartpad.ndjson, stubs.ndjson',
    );
    expect(r.counts).not.toHaveProperty('extras');
  });

  it('V1: at most 1000 problems are listed, and the bundle is invalid', async () => {
    const r = await verifyParts((p) => {
      grow(p, 1200);
      const lines = linesOf(p, C).map((l) => JSON.stringify({ ...(JSON.parse(l) as object), gender: 'x' }));
      setLines(p, C, lines);
    });
    expect(r.valid).toBe(false);
    expect(r.problems).toHaveLength(1000);
    expect(r.problems.every((p) => p.file === C && p.pointer === '/gender')).toBe(true);
    expect(r.problems.map((p) => p.line)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('B5: a reference to a missing contact is named at its line with the ref it misses', async () => {
    const r = await verifyParts((p) => editLine(p, 'data/records/policies.ndjson', 1, (x) => ({ ...x, primary_contact: 'contact/NOPE' })));
    expect(shown(r)).toEqual(['data/records/policies.ndjson:1 /primary_contact: refers to contact/NOPE, which is neither a record nor a stub of this bundle']);
  });

  it('P1: refs spilled to the scratch index give the same problems as refs in memory', async () => {
    const parts = goldenParts();
    grow(parts, 300);
    editLine(parts, S, 5, (c) => ({ ...c, contact: 'contact/NOPE' }));
    editLine(parts, C, 7, (c) => ({ ...c, ref: 'contact/Z000001' }));
    const zip = await bagOf(parts);
    const mem = await verifyBundle(zip, { workers: 0 });
    const disk = await verifyBundle(zip, { workers: 0, refsInMemory: 0 });
    expect(mem.problems.length).toBeGreaterThan(1);
    expect(disk.problems).toEqual(mem.problems);
  });

  it('V1: the digest of the tag manifest is its sha256', async () => {
    const parts = goldenParts();
    const zip = await bagOf(parts);
    const r = await verifyBundle(zip, { workers: 0 });
    const { zip: z } = await openZip(zip);
    const e = z!.entries.find((x) => x.name.endsWith('/tagmanifest-sha256.txt'))!;
    const raw = fs.readFileSync(zip).subarray(e.dataStart, e.dataEnd);
    const zlib = await import('node:zlib');
    const text = e.method === 0 ? raw : zlib.inflateRawSync(raw);
    expect(r.tagmanifestSha256).toBe(crypto.createHash('sha256').update(text).digest('hex'));
  });
});
