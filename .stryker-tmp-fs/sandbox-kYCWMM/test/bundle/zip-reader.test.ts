// @ts-nocheck
// The zip reader's every check, one zip each, with the exact problem it names
// (S1, V1). The mutation run of zip-reader.ts with the bag-level zip tests
// alone left these loose: those tests match problems by a loose pattern, so a
// check that fell silent behind another check, or named the wrong file, went
// unseen. Zips are forged byte by byte (test/fixtures/zips/forge.ts) and then
// patched where a field must lie.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fileSource } from '../../src/bundle/byte-source.js';
import { DEFAULT_ZIP_LIMITS, openZip, ZipEntryError, type ZipLimits } from '../../src/bundle/zip-reader.js';
import type { Problem } from '../../src/shared/errors.js';
import { endRecord, forgeZip, zipFolder, type ForgeEntry } from '../fixtures/zips/forge.js';

const { dir, save } = zipFolder('officeport-zipreader-');
async function problemsOf(buf: Buffer, limits: Partial<ZipLimits> = {}): Promise<Problem[]> {
  const r = await openZip(save(buf), { ...DEFAULT_ZIP_LIMITS, ...limits });
  if (r.problems.length > 0) expect(r.zip).toBeUndefined();
  return r.problems;
}
/** "file: message" of each problem, the file left out where the problem names none */
async function said(buf: Buffer, limits: Partial<ZipLimits> = {}): Promise<string[]> {
  return (await problemsOf(buf, limits)).map((p) => (p.file === undefined ? p.message : `${p.file}: ${p.message}`));
}
const stored = (name: string, data: string | Buffer, more: Partial<ForgeEntry> = {}): ForgeEntry => ({ name, data, method: 0, ...more });
const TWO = [stored('bag/a.txt', 'alpha'), stored('bag/b.txt', 'beta')];
/** The zip with its end record (the last 22 bytes) edited. */
function editEnd(zip: Buffer, edit: (end: Buffer) => void): Buffer {
  const out = Buffer.from(zip);
  edit(out.subarray(out.length - 22));
  return out;
}
/** Where the central directory starts (from the end record). */
const cdStart = (zip: Buffer) => zip.readUInt32LE(zip.length - 6);
/** The zip in zip64 form: a zip64 end record and its locator hold the counts, the end record only 0xffff markers. */
function zip64(entries: ForgeEntry[]): Buffer {
  const plain = forgeZip(entries);
  const cdSize = plain.readUInt32LE(plain.length - 10);
  const cdOffset = plain.readUInt32LE(plain.length - 6);
  const body = plain.subarray(0, plain.length - 22);
  const rec = Buffer.alloc(56);
  rec.writeUInt32LE(0x06064b50, 0);
  rec.writeBigUInt64LE(44n, 4);
  rec.writeUInt16LE(45, 12);
  rec.writeUInt16LE(45, 14);
  rec.writeBigUInt64LE(BigInt(entries.length), 24);
  rec.writeBigUInt64LE(BigInt(entries.length), 32);
  rec.writeBigUInt64LE(BigInt(cdSize), 40);
  rec.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(body.length), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([body, rec, locator, endRecord(0xffff, cdSize, cdOffset)]);
}
const fds = () => fs.readdirSync('/proc/self/fd').length;
async function readAll(buf: Buffer): Promise<{ name: string; text: string }[]> {
  const r = await openZip(save(buf));
  expect(r.problems).toEqual([]);
  const out: { name: string; text: string }[] = [];
  for (const e of r.zip!.entries) {
    const chunks: Buffer[] = [];
    for await (const c of r.zip!.read(e)) chunks.push(c);
    out.push({ name: e.name, text: Buffer.concat(chunks).toString('utf8') });
  }
  return out;
}
async function readError(buf: Buffer): Promise<ZipEntryError> {
  const r = await openZip(save(buf));
  expect(r.problems).toEqual([]);
  try {
    for (const e of r.zip!.entries) for await (const _ of r.zip!.read(e));
  } catch (e) {
    expect(e).toBeInstanceOf(ZipEntryError);
    return e as ZipEntryError;
  }
  throw new Error('every entry read without an error');
}

describe('zip reader: the end record (S1)', () => {
  it('S1: a file that cannot be opened is a problem naming why, not an exception', async () => {
    const missing = path.join(dir, 'missing.zip');
    const r = await openZip(missing);
    expect(r.zip).toBeUndefined();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.file).toBe(missing);
    expect(r.problems[0]!.message).toMatch(/^cannot open: ENOENT/);
  });
  it('S1: 21 bytes are too short for a zip; the empty zip, an end record of 22 bytes alone, opens with no entries', async () => {
    expect(await said(Buffer.alloc(21))).toEqual([expect.stringMatching(/: not a zip file: 21 bytes is too short$/)]);
    const empty = forgeZip([]);
    expect(empty.length).toBe(22);
    const r = await openZip(save(empty));
    expect(r.problems).toEqual([]);
    expect(r.zip!.entries).toEqual([]);
  });
  it('S1: bytes without an end record are no zip, said so', async () => {
    expect(await said(Buffer.from('name,phone\nAda,555\n'.repeat(3)))).toEqual([
      expect.stringMatching(/: not a zip file: no end-of-central-directory record \(truncated, or not a zip\)$/),
    ]);
  });
  it('S1: the end record is found behind a comment, even one holding a false end signature or ending in what reads as a length', async () => {
    const comments = [
      // a false signature with a whole record's room after it
      Buffer.concat([Buffer.from('note '), Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.from(' more of the note, long enough to be read')]),
      // the last two bytes read as a comment length of 0, where no signature is
      Buffer.concat([Buffer.from('a comment of more than twenty-two bytes'), Buffer.from([0, 0])]),
    ];
    for (const comment of comments) {
      const zip = editEnd(forgeZip(TWO), (end) => end.writeUInt16LE(comment.length, 20));
      expect(await readAll(Buffer.concat([zip, comment]))).toEqual([
        { name: 'bag/a.txt', text: 'alpha' },
        { name: 'bag/b.txt', text: 'beta' },
      ]);
    }
  });
  it('S1, V1: a zip64 zip is read through its zip64 end record, and its entry count is held to the limit there', async () => {
    const three = [...TWO, stored('bag/c.txt', 'gamma')];
    expect((await readAll(zip64(three))).map((e) => e.text)).toEqual(['alpha', 'beta', 'gamma']);
    expect(await problemsOf(zip64(three), { maxEntries: 2 })).toEqual([{ message: '3 entries; at most 2 are allowed' }]);
  });
  it('S1: zip64 markers in the end record leave the counts to a zip64 record; with none, the central directory is unreadable', async () => {
    const marks: [string, (end: Buffer) => void][] = [
      ['entries', (end) => (end.writeUInt16LE(0xffff, 8), end.writeUInt16LE(0xffff, 10))],
      ['central directory size', (end) => end.writeUInt32LE(0xffffffff, 12)],
      ['central directory offset', (end) => end.writeUInt32LE(0xffffffff, 16)],
    ];
    for (const [what, mark] of marks) {
      const got = await said(editEnd(forgeZip(TWO), mark));
      if (what === 'central directory size') {
        // unzipper finds no zip64 record and reads the directory from its offset: the entries are then checked as any
        expect(got, what).toEqual([]);
        continue;
      }
      expect(got, what).toHaveLength(1);
      expect(got[0], what).toMatch(/: not a readable zip \(central directory: /);
    }
  });
  it('S1: a split or multi-disk zip is refused, whichever disk field says so', async () => {
    const edits: ((end: Buffer) => void)[] = [(end) => end.writeUInt16LE(1, 4), (end) => end.writeUInt16LE(1, 6), (end) => end.writeUInt16LE(1, 8)];
    for (const edit of edits) {
      expect(await said(editEnd(forgeZip(TWO), edit))).toEqual([expect.stringMatching(/: not a zip file: split or multi-disk zips are not supported$/)]);
    }
  });
  it('S1: a central directory said to reach past the end record is refused before it is read', async () => {
    const zip = forgeZip(TWO);
    const longer = editEnd(zip, (end) => end.writeUInt32LE(end.readUInt32LE(12) + 1, 12));
    const later = editEnd(zip, (end) => end.writeUInt32LE(end.readUInt32LE(16) + 1, 16));
    for (const bad of [longer, later]) {
      expect(await said(bad)).toEqual([expect.stringMatching(/: not a zip file: the central directory lies outside the file \(truncated\?\)$/)]);
    }
  });
  it('S1, V1: too many entries are refused from the end record alone, naming the file', async () => {
    const file = save(forgeZip([...TWO, stored('bag/c.txt', 'gamma')]));
    const r = await openZip(file, { ...DEFAULT_ZIP_LIMITS, maxEntries: 2 });
    expect(r.problems).toEqual([{ file, message: '3 entries; at most 2 are allowed' }]);
  });
  it('S1: an end record counting more entries than its central directory can hold is refused', async () => {
    const bad = editEnd(forgeZip(TWO), (end) => (end.writeUInt16LE(9, 8), end.writeUInt16LE(9, 10)));
    expect(await said(bad)).toEqual([expect.stringMatching(/: not a zip file: the central directory is shorter than its entry count$/)]);
  });
});

describe('zip reader: entry names (S1)', () => {
  it('S1: each unsafe name is refused with its reason, the entry named', async () => {
    const cases: [string, string][] = [
      ['', 'empty name'],
      ['bag/../x', 'path escapes the bundle folder (`..`)'],
      ['bag/../', 'path escapes the bundle folder (`..`)'],
      ['bag//x', 'name holds an empty or `.` path segment'],
      ['bag/./x', 'name holds an empty or `.` path segment'],
      ['bag/./', 'name holds an empty or `.` path segment'],
      ['C:/x', 'name starts with a drive letter'],
      ['/bag/x', 'absolute path'],
      ['bag\\x', 'name holds a backslash'],
    ];
    for (const [name, why] of cases) {
      const entry = name.endsWith('/') ? { name, data: '' } : stored(name, 'x');
      expect(await said(forgeZip([entry, stored('bag/ok.txt', 'ok')])), JSON.stringify(name)).toEqual([`${name}: ${why}`]);
    }
  });
  it('S1: a colon after the first segment is not a drive letter', async () => {
    expect(await said(forgeZip([stored('bag/a:b.txt', 'x')]))).toEqual([]);
  });
  it('S1: a name that is not valid UTF-8 is refused', async () => {
    const zip = forgeZip([stored('bag/x.txt', 'x')]);
    // both headers name "bag/\xff.txt"
    const bad = Buffer.from(zip);
    for (let i = bad.indexOf('bag/x.txt'); i >= 0; i = bad.indexOf('bag/x.txt', i + 1)) bad[i + 4] = 0xff;
    const got = await problemsOf(bad);
    expect(got.map((p) => p.message)).toEqual(['name is not valid UTF-8']);
  });
  it('S1: a file and a folder of the same name are duplicates; letters whose capitals differ in length are not', async () => {
    expect(await said(forgeZip([stored('bag/x', 'x'), { name: 'bag/x/', data: '' }, stored('bag/x/y', 'y')]))).toEqual([
      'bag/x/: duplicate of bag/x (same name after Unicode and case folding)',
    ]);
    // "STRASSE" and "straße" are two names to a case-insensitive file system
    expect(await said(forgeZip([stored('bag/straße', 'a'), stored('bag/STRASSE', 'b')]))).toEqual([]);
  });
});

describe('zip reader: folders, sizes and the local headers (S1, V1)', () => {
  it('S1: a folder entry holding files may carry the 2 bytes of an empty deflate stream, and no more', async () => {
    const folder = (more: Partial<ForgeEntry>): ForgeEntry[] => [{ name: 'bag/d/', data: '', ...more }, stored('bag/d/f.txt', 'f')];
    expect(zlib.deflateRawSync(Buffer.alloc(0))).toHaveLength(2);
    expect(await said(forgeZip(folder({})))).toEqual([]);
    expect(await said(forgeZip(folder({ raw: Buffer.from([3, 0, 0]) })))).toEqual(['bag/d/: is a directory entry with data']);
    expect(await said(forgeZip(folder({ data: 'x', method: 0 })))).toEqual(['bag/d/: is a directory entry with data']);
  });
  it('S1: a folder entry is empty when no file lies inside it, whatever names merely start like it', async () => {
    expect(await said(forgeZip([{ name: 'bag/a/', data: '' }, stored('bag/ab', 'x')]))).toEqual([
      'bag/a/: is an empty directory entry; only directories holding files are allowed',
    ]);
  });
  it('V1: an entry of exactly the allowed size opens; one byte more is refused, saying how large', async () => {
    expect(await said(forgeZip([stored('bag/a', 'x'.repeat(10))]), { maxEntryBytes: 10 })).toEqual([]);
    expect(await said(forgeZip([stored('bag/a', 'x'.repeat(11))]), { maxEntryBytes: 10 })).toEqual([
      'bag/a: declares 11 bytes; at most 10 are allowed per entry',
    ]);
  });
  it("V1: an entry's ratio is judged above the floor only: exactly the allowed ratio opens, above it is refused, a low ratio is fine", async () => {
    const limits = { ratioFloorBytes: 50, maxRatio: 10 };
    const deflated = (declared: number, compressed: number): ForgeEntry => ({ name: 'bag/a', raw: Buffer.alloc(compressed), declaredSize: declared });
    expect(await said(forgeZip([deflated(100, 10)]), limits)).toEqual([]);
    expect(await said(forgeZip([deflated(101, 10)]), limits)).toEqual([
      'bag/a: inflates 10:1 (10 -> 101 bytes); at most 10:1 is allowed (zip bomb?)',
      'the zip inflates 10:1 overall; at most 10:1 is allowed (zip bomb?)',
    ]);
    expect(await said(forgeZip([deflated(200, 100)]), limits)).toEqual([]);
    expect(await said(forgeZip([deflated(50, 1)]), limits)).toEqual([]);
    expect(await said(forgeZip([deflated(60, 0)]), limits)).toEqual([
      'bag/a: inflates ∞:1 (0 -> 60 bytes); at most 10:1 is allowed (zip bomb?)',
      'the zip inflates ∞:1 overall; at most 10:1 is allowed (zip bomb?)',
    ]);
  });
  it('S1, V1: sizes in a zip64 field are read there; either size past 2^53 (no exact number) is unreadable, not judged by its rounded value', async () => {
    const big = 2n ** 60n;
    const z64 = (uncompressed: bigint, compressed: bigint) => forgeZip([stored('bag/a', 'alpha', { zip64Sizes: { uncompressed, compressed } })]);
    expect(await readAll(z64(5n, 5n))).toEqual([{ name: 'bag/a', text: 'alpha' }]);
    expect(await said(z64(big, 5n))).toEqual(['bag/a: sizes are unreadable']);
    expect(await said(z64(5n, big))).toEqual(['bag/a: sizes are unreadable']);
    // the largest exact size is judged as any other, the entry and the whole zip
    const most = 2 ** 53 - 1;
    expect(await said(z64(BigInt(most), 5n), { maxEntryBytes: 10, maxTotalBytes: 10, maxRatio: 100 })).toEqual([
      `bag/a: declares ${most} bytes; at most 10 are allowed per entry`,
      `entries declare ${most} bytes in all; at most 10 are allowed`,
      `the zip inflates ${(most / 5).toFixed(0)}:1 overall; at most 100:1 is allowed (zip bomb?)`,
    ]);
  });
  it('S1: a stored entry whose two sizes differ is refused, both sizes named', async () => {
    expect(await said(forgeZip([stored('bag/a', 'abc', { declaredSize: 5 })]))).toEqual(['bag/a: is stored but its sizes differ (3 vs 5)']);
  });
  it('S1: a central directory pointing past the file, or where no local header is, is refused', async () => {
    const zip = forgeZip(TWO);
    const offsetOf = (z: Buffer) => cdStart(z) + 42; // the first central record's local header offset
    const past = Buffer.from(zip);
    past.writeUInt32LE(zip.length - 29, offsetOf(past));
    expect(await said(past)).toContain('bag/a.txt: local header lies outside the file (truncated?)');
    // a local header's 30 bytes fit exactly before the end: read, and found to be no local header
    const last = Buffer.from(zip);
    last.writeUInt32LE(zip.length - 30, offsetOf(last));
    expect(await said(last)).toContain('bag/a.txt: no local header where the central directory points');
    const nowhere = Buffer.from(zip);
    nowhere.writeUInt32LE(1, offsetOf(nowhere));
    expect(await said(nowhere)).toContain('bag/a.txt: no local header where the central directory points');
  });
  it('S1: a local header that disagrees with the central directory on the method is refused', async () => {
    const zip = forgeZip([{ name: 'bag/a.txt', data: 'alpha' }]);
    zip.writeUInt16LE(0, 8); // the local header says stored, the central directory deflate
    expect(await said(zip)).toEqual(['bag/a.txt: local header and central directory disagree on the compression method']);
  });
  it('S1: an entry whose data would run into the central directory is refused', async () => {
    const zip = forgeZip(TWO);
    const second = cdStart(zip) + 46 + 'bag/a.txt'.length; // the second central record
    zip.writeUInt32LE(zip.readUInt32LE(second + 20) + 1, second + 20);
    zip.writeUInt32LE(zip.readUInt32LE(second + 24) + 1, second + 24);
    expect(await said(zip)).toEqual(['bag/b.txt: entry data runs into the central directory (truncated or overlapping)']);
  });
  it('S1: data starts after the local extra field, which zip tools fill', async () => {
    const extra = Buffer.from([0x55, 0x54, 5, 0, 1, 0, 0, 0, 0]); // an extended timestamp, as Info-ZIP writes
    expect(await readAll(forgeZip([{ name: 'bag/a.txt', data: 'alpha', localExtra: extra }, stored('bag/b.txt', 'beta', { localExtra: extra })]))).toEqual([
      { name: 'bag/a.txt', text: 'alpha' },
      { name: 'bag/b.txt', text: 'beta' },
    ]);
  });
  it('S1: entries are listed in central directory order, and overlaps are found whatever that order', async () => {
    const a = stored('bag/a.txt', 'alpha');
    const b = stored('bag/b.txt', 'beta');
    // the central directory lists b before a, the local headers lie a then b
    const zip = forgeZip([a, b]);
    const cd = cdStart(zip);
    const ra = zip.subarray(cd, cd + 46 + 9);
    const rb = zip.subarray(cd + 46 + 9, zip.length - 22);
    const swapped = Buffer.concat([zip.subarray(0, cd), rb, ra, zip.subarray(zip.length - 22)]);
    const r = await openZip(save(swapped));
    expect(r.problems).toEqual([]);
    expect(r.zip!.entries.map((e) => e.name)).toEqual(['bag/b.txt', 'bag/a.txt']);
    // now a's data is said to run on over b's local header (stored: both sizes grow)
    const over = Buffer.from(swapped);
    const aAt = cd + rb.length; // a's central record, second
    over.writeUInt32LE(15, aAt + 20);
    over.writeUInt32LE(15, aAt + 24);
    expect(await said(over)).toEqual(['bag/b.txt: overlaps entry bag/a.txt (entries sharing bytes: zip bomb or tampering)']);
  });
});

describe('zip reader: reading an entry (S1)', () => {
  it('S1: an empty entry reads as no bytes; a stored one as its bytes', async () => {
    expect(await readAll(forgeZip([stored('bag/empty.txt', ''), { name: 'bag/empty-deflated.txt', data: '' }, stored('bag/b.txt', 'beta')]))).toEqual([
      { name: 'bag/empty.txt', text: '' },
      { name: 'bag/empty-deflated.txt', text: '' },
      { name: 'bag/b.txt', text: 'beta' },
    ]);
  });
  it('S1: an entry that inflates past its declared size stops there, with a problem naming the entry and a hint', async () => {
    const e = await readError(forgeZip([{ name: 'bag/a.txt', data: 'x'.repeat(100), declaredSize: 10 }]));
    expect(e.code).toBe('BUNDLE_INVALID');
    expect(e.message).toBe('bag/a.txt: inflates past its declared size of 10 bytes (sizes lie: zip bomb or tampering)');
    expect(e.problem).toEqual({ file: 'bag/a.txt', message: 'inflates past its declared size of 10 bytes (sizes lie: zip bomb or tampering)' });
    expect(e.problems).toEqual([e.problem]);
    expect(e.hint).toBe('the bundle is damaged or was tampered with; ask the sender for a new copy');
  });
  it('S1: an entry that inflates short of its declared size is a problem saying both sizes', async () => {
    const e = await readError(forgeZip([{ name: 'bag/a.txt', data: 'abc', declaredSize: 5 }]));
    expect(e.message).toBe('bag/a.txt: inflates to 3 bytes; the zip declares 5');
  });
  it("S1: a CRC-32 that differs is named in eight hex digits beside the zip's", async () => {
    const crc = zlib.crc32('alpha') >>> 0;
    const e = await readError(forgeZip([{ name: 'bag/a.txt', data: 'alpha', crc: 0xabcd }]));
    expect(e.message).toBe(`bag/a.txt: CRC-32 ${crc.toString(16).padStart(8, '0')} differs from the zip's 0000abcd (damaged or tampered)`);
  });
  it('S1: deflate data that cannot be inflated is a problem naming the entry', async () => {
    const e = await readError(forgeZip([{ name: 'bag/a.txt', raw: Buffer.from([0xff, 0xff, 0xff, 0xff]), declaredSize: 5 }]));
    expect(e.message).toMatch(/^bag\/a\.txt: cannot be read: /);
  });
  it('S1: a source the caller opened stays open for the caller; a file the reader opened is closed, even when it is no zip', async () => {
    const file = save(forgeZip(TWO));
    const src = await fileSource(file);
    try {
      const r = await openZip(src);
      expect(r.problems).toEqual([]);
      const chunks: Buffer[] = [];
      for await (const c of r.zip!.read(r.zip!.entries[1]!)) chunks.push(c);
      expect(Buffer.concat(chunks).toString()).toBe('beta');
      expect((await src.read(0, 2)).toString()).toBe('PK');
    } finally {
      await src.close();
    }
    const notZip = save(Buffer.from('not a zip at all, but long enough to look for an end record'));
    const before = fds();
    for (let i = 0; i < 20; i++) {
      await openZip(notZip);
      await openZip(file);
    }
    expect(fds()).toBeLessThan(before + 5);
  });
  it('S1: a zip file that goes away between opening and reading is a problem naming the entry, not a read that never ends', async () => {
    const file = save(forgeZip([{ name: 'bag/a.txt', data: 'alpha' }]));
    const r = await openZip(file);
    fs.rmSync(file);
    const read = async () => {
      for await (const _ of r.zip!.read(r.zip!.entries[0]!));
    };
    await expect(read()).rejects.toThrow(/^bag\/a\.txt: cannot be read: ENOENT/);
  }, 10_000);
  it('S1: a read given up after its first chunk closes the file', async () => {
    const big = crypto.randomBytes(4 << 20);
    const file = save(
      forgeZip([
        { name: 'bag/big.bin', data: big, method: 0 },
        { name: 'bag/big.z', data: big },
      ]),
    );
    const r = await openZip(file);
    const before = fds();
    for (let i = 0; i < 10; i++) {
      for (const e of r.zip!.entries) {
        for await (const c of r.zip!.read(e)) {
          expect(c.length).toBeGreaterThan(0);
          break;
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // a destroyed stream closes its file on the next turns
    expect(fds()).toBeLessThan(before + 5);
  });
});
