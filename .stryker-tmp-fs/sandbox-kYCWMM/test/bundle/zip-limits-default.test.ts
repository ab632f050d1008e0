// @ts-nocheck
// V1, S1: the whole-zip limits as every user gets them (DEFAULT_ZIP_LIMITS, no
// option): `officeport verify` flags a bomb made of many small entries, each
// below the per-entry ratio floor, by the zip's overall ratio, and a zip whose
// entries together declare more than the total limit, each within its own.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ZIP_LIMITS } from '../../src/bundle/zip-reader.js';
import { forgeBag, forgeZip, GOOD_FILES, type ForgeEntry } from '../fixtures/zips/forge.js';
import { run, tmpDir } from '../helpers/cli.js';

const dir = tmpDir('officeport-zip-defaults-');
const docName = (i: number) => 'data/documents/' + createHash('sha256').update(`doc ${i}`).digest('hex');

describe('whole-zip limits at their defaults (V1)', () => {
  it('V1: a bomb of many small entries, each under the per-entry ratio floor, is flagged by its overall ratio', () => {
    const { ratioFloorBytes, maxRatio } = DEFAULT_ZIP_LIMITS;
    const entryBytes = Math.floor(ratioFloorBytes / 2); // no single entry is looked at for its ratio
    const count = 24;
    const zeros = Buffer.alloc(entryBytes);
    const files: Record<string, Buffer | string> = { ...GOOD_FILES };
    for (let i = 0; i < count; i++) files[docName(i)] = zeros;
    const zip = forgeBag(files);
    const inflated = count * entryBytes;
    // the case is what it says: over the floor in all, far over the ratio, each entry small
    expect(inflated).toBeGreaterThan(ratioFloorBytes);
    expect(inflated / zip.length).toBeGreaterThan(maxRatio * 5);
    const file = path.join(dir, 'many-small.zip');
    fs.writeFileSync(file, zip);
    const r = run(['verify', file]);
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`inflates \\d+:1 overall; at most ${maxRatio}:1`));
  });

  it('V1: entries that each stay within the per-entry limits but declare more than the total limit are flagged', () => {
    const { ratioFloorBytes, maxRatio, maxTotalBytes } = DEFAULT_ZIP_LIMITS;
    // each entry declares exactly the ratio floor and carries 1/(maxRatio - 1) of it: within every per-entry
    // check and within the overall ratio, so only the total can flag it (nothing is inflated before that check)
    const body = Buffer.alloc(Math.ceil(ratioFloorBytes / (maxRatio - 1)), 0x5a);
    const count = Math.floor(maxTotalBytes / ratioFloorBytes) + 1;
    const entries: ForgeEntry[] = [];
    for (let i = 0; i < count; i++) entries.push({ name: `officeport-bundle-t/${docName(i)}`, raw: body, declaredSize: ratioFloorBytes, crc: 0 });
    const file = path.join(dir, 'over-total.zip');
    fs.writeFileSync(file, forgeZip(entries));
    expect(count * ratioFloorBytes).toBeGreaterThan(maxTotalBytes);
    expect(count).toBeLessThan(DEFAULT_ZIP_LIMITS.maxEntries);
    const r = run(['verify', file]);
    expect(r.code, r.stdout).not.toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain(`entries declare ${count * ratioFloorBytes} bytes in all; at most ${maxTotalBytes} are allowed`);
    expect(out).not.toMatch(/overall/);
    fs.rmSync(file);
  }, 60_000);
});
