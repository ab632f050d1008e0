// @ts-nocheck
// V1, S1: each whole-zip limit holds at its edge: a zip exactly at a limit
// opens, one past it is refused (mutation testing showed `>` could become `>=`
// unnoticed), and directory entries are told from files by every route a zip
// marks them (trailing slash, unix mode, MS-DOS attribute).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ZIP_LIMITS, openZip, type ZipLimits } from '../../src/bundle/zip-reader.js';
import { forgeZip, type ForgeEntry } from '../fixtures/zips/forge.js';
import { tmpDir } from '../helpers/cli.js';

const dir = tmpDir('officeport-zipedges-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
async function problems(entries: ForgeEntry[], limits: Partial<ZipLimits> = {}): Promise<string[]> {
  const f = path.join(dir, `e${++n}.zip`);
  fs.writeFileSync(f, forgeZip(entries));
  const r = await openZip(f, { ...DEFAULT_ZIP_LIMITS, ...limits });
  return r.problems.map((p) => `${p.file ?? ''}: ${p.message}`);
}
const files = (count: number, bytes = 10): ForgeEntry[] =>
  Array.from({ length: count }, (_, i) => ({ name: `bag/data/f${i}.txt`, data: 'x'.repeat(bytes), method: 0 }));

describe('whole-zip limits at their edges (V1)', () => {
  it('V1: as many entries as allowed open; one more is refused', async () => {
    expect(await problems(files(5), { maxEntries: 5 })).toEqual([]);
    const over = await problems(files(6), { maxEntries: 5 });
    expect(over).toHaveLength(1);
    expect(over[0]).toMatch(/6 entries; at most 5 are allowed$/);
  });

  it('V1: entries declaring exactly the total allowed open; one byte more is refused', async () => {
    expect(await problems(files(4, 25), { maxTotalBytes: 100 })).toEqual([]);
    const over = await problems([...files(3, 25), { name: 'bag/data/last.txt', data: 'x'.repeat(26), method: 0 }], { maxTotalBytes: 100 });
    expect(over).toContain(': entries declare 101 bytes in all; at most 100 are allowed');
  });

  it('V1: a zip inflating exactly the allowed overall ratio opens; beyond it is refused; under the floor the ratio is not judged', async () => {
    // stored entries inflate 1:1 whatever their size; a ratio limit of 1 makes the edge exact
    expect(await problems(files(4, 300), { maxRatio: 1, ratioFloorBytes: 1000 })).toEqual([]);
    const deflated = Array.from({ length: 4 }, (_, i) => ({ name: `bag/data/d${i}.txt`, data: 'y'.repeat(300) }));
    const bomb = await problems(deflated, { maxRatio: 1, ratioFloorBytes: 1000, maxEntryBytes: 1 << 20 });
    expect(bomb.some((p) => /inflates [\d.]+:1 overall; at most 1:1 is allowed/.test(p))).toBe(true);
    // the same zip with the floor at its total (1,200 bytes): the overall ratio is not judged
    const atFloor = await problems(deflated, { maxRatio: 1, ratioFloorBytes: 1200, maxEntryBytes: 1 << 20 });
    expect(atFloor.some((p) => /overall/.test(p))).toBe(false);
  });
});

describe('directory entries (S1)', () => {
  const file = { name: 'bag/data/a.txt', data: 'a', method: 0 };
  it('S1: a directory marked by a trailing slash, by a unix mode or by the MS-DOS attribute is a directory: with data it is refused', async () => {
    const slash = await problems([file, { name: 'bag/data/sub/', data: 'data', method: 0 }]);
    expect(slash).toContain('bag/data/sub/: is a directory entry with data');
    const unixDir = await problems([file, { name: 'bag/data/sub', data: 'data', method: 0, madeBy: 0x0314, externalAttr: (0o040755 << 16) >>> 0 }]);
    expect(unixDir).toContain('bag/data/sub: is a directory entry with data');
    const dosDir = await problems([file, { name: 'bag/data/sub', data: 'data', method: 0, externalAttr: 0x10 }]);
    expect(dosDir).toContain('bag/data/sub: is a directory entry with data');
  });

  it('S1: a unix mode is read only from a zip made on unix; a file with plain attributes is a file', async () => {
    // made on MS-DOS (0x0014): the high half of the attributes is no unix mode, so 040755 there means nothing
    const dosHost = await problems([file, { name: 'bag/data/b.txt', data: 'b', method: 0, madeBy: 0x0014, externalAttr: (0o040755 << 16) >>> 0 }]);
    expect(dosHost).toEqual([]);
    expect(await problems([file, { name: 'bag/data/b.txt', data: 'b', method: 0, madeBy: 0x0314, externalAttr: (0o100644 << 16) >>> 0 }])).toEqual([]);
  });

  it('S1: an empty directory entry holding no file is refused; one holding a file is allowed', async () => {
    expect(await problems([file, { name: 'bag/data/', data: '', method: 0 }])).toEqual([]);
    expect(await problems([file, { name: 'bag/empty/', data: '', method: 0 }])).toContain(
      'bag/empty/: is an empty directory entry; only directories holding files are allowed',
    );
  });
});
