// @ts-nocheck
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkPayload, openBag } from '../../src/bundle/bag-reader.js';
import { writeBag } from '../../src/bundle/bag-writer.js';
import type { Problem } from '../../src/shared/errors.js';
import { centralRecord, endRecord, forgeBag, forgeZip, GOOD_FILES, localRecord, zipFolder } from '../fixtures/zips/forge.js';
import { tmpDir } from '../helpers/cli.js';

const { dir, save } = zipFolder('officeport-zipsafety-');

/** Open and, when the bag opens, read the whole payload; every problem found. */
async function problemsOf(buf: Buffer): Promise<{ opened: boolean; problems: Problem[] }> {
  const r = await openBag(save(buf));
  if (r.bag) await checkPayload(r.bag);
  return { opened: Boolean(r.bag), problems: r.bag ? r.bag.problems : r.problems };
}

function expectProblem(problems: Problem[], file: string | RegExp | undefined, message: RegExp): void {
  const hit = problems.find((p) => message.test(p.message) && (file === undefined || (typeof file === 'string' ? p.file === file : file.test(p.file ?? ''))));
  expect(hit, `no problem ${String(file)} ${message} among ${JSON.stringify(problems)}`).toBeDefined();
}

describe('zip-level checks (S1, V1)', () => {
  it('S1: a well-formed forged bag has no problems (baseline for the cases below)', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES));
    expect(r).toEqual({ opened: true, problems: [] });
  });

  it('S1: not a zip is a problem, not an exception', async () => {
    const r = await problemsOf(Buffer.from('name,phone\nAda,555\n'.repeat(10)));
    expect(r.opened).toBe(false);
    expectProblem(r.problems, undefined, /not a zip/);
  });

  it('S1: an empty file is not a zip', async () => {
    const r = await problemsOf(Buffer.alloc(0));
    expectProblem(r.problems, undefined, /not a zip/);
  });

  it('S1: a truncated zip is a problem', async () => {
    const out = path.join(dir, 'whole.zip');
    await writeBag({
      outFile: out,
      rootName: 'officeport-bundle-t',
      createdAt: new Date('2025-04-01T00:00:00Z'),
      bagInfo: {},
      payload: [{ path: 'data/records/contacts.ndjson', source: () => ['{"ref":"contact/C-1"}\n'.repeat(500)] }],
      tagFiles: () => [],
    });
    const whole = fs.readFileSync(out);
    for (const cut of [Math.floor(whole.length / 2), whole.length - 10, 100]) {
      const r = await problemsOf(whole.subarray(0, cut));
      expect(r.opened).toBe(false);
      expectProblem(r.problems, undefined, /not a zip|truncated|outside the file/);
    }
  });

  it('S1: zip slip (`..` segment) is refused by name', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { extra: [{ name: 'officeport-bundle-test/../../x', data: 'x' }] }));
    expect(r.opened).toBe(false);
    expectProblem(r.problems, 'officeport-bundle-test/../../x', /escapes/);
  });

  it('S1: an absolute path is refused', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { extra: [{ name: '/etc/cron.d/x', data: 'x' }] }));
    expectProblem(r.problems, '/etc/cron.d/x', /absolute path/);
  });

  it('S1: a backslash in a name is refused', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { extra: [{ name: 'officeport-bundle-test\\..\\x', data: 'x' }] }));
    expectProblem(r.problems, /\\/, /backslash/);
  });

  it('S1: a drive letter and a NUL in names are refused', async () => {
    const r = await problemsOf(
      forgeBag(GOOD_FILES, {
        extra: [
          { name: 'C:/x', data: 'x' },
          { name: 'officeport-bundle-test/a\u0000b', data: 'x' },
        ],
      }),
    );
    expectProblem(r.problems, 'C:/x', /drive letter/);
    // eslint-disable-next-line no-control-regex -- the NUL byte is what this test looks for
    expectProblem(r.problems, /a\u0000b/, /NUL or control/);
  });

  it('S1: a symlink entry is refused', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { edit: { 'officeport.json': { data: '/etc/passwd', method: 0, externalAttr: (0o120777 << 16) >>> 0 } } }));
    expect(r.opened).toBe(false);
    expectProblem(r.problems, 'officeport-bundle-test/officeport.json', /symbolic link/);
  });

  it('S1: a zip bomb by ratio is refused before inflating', async () => {
    const zeros = Buffer.alloc(5 * 1024 * 1024);
    const r = await problemsOf(forgeBag({ ...GOOD_FILES, ['data/documents/' + 'a'.repeat(64)]: zeros }));
    expect(r.opened).toBe(false);
    expectProblem(r.problems, /data\/documents/, /inflates \d+:1.*zip bomb/);
  });

  it('S1: sizes that lie (declared small, inflates large) stop at the declared size', async () => {
    const big = Buffer.from('{"ref":"contact/C-9"}\n'.repeat(20000));
    const r = await problemsOf(
      forgeBag({ ...GOOD_FILES, 'data/records/contacts.ndjson': big }, { edit: { 'data/records/contacts.ndjson': { declaredSize: 100 } } }),
    );
    expect(r.opened).toBe(true);
    expectProblem(r.problems, 'data/records/contacts.ndjson', /inflates past its declared size of 100 bytes/);
  });

  it('S1: a declared size over the per-entry limit is refused before inflating', async () => {
    const f = save(forgeBag(GOOD_FILES));
    const r = await openBag(f, { limits: { maxEntryBytes: 20 } });
    expect(r.bag).toBeUndefined();
    expectProblem(r.problems, /contacts\.ndjson$/, /at most 20 are allowed per entry/);
  });

  it('S1: too many entries are refused from the end record alone', async () => {
    const f = save(forgeBag(GOOD_FILES));
    const r = await openBag(f, { limits: { maxEntries: 3 } });
    expect(r.bag).toBeUndefined();
    expectProblem(r.problems, undefined, /entries; at most 3/);
  });

  it('S1: duplicate entries are refused, also after case folding', async () => {
    const r = await problemsOf(
      forgeBag(GOOD_FILES, {
        extra: [
          { name: 'officeport-bundle-test/officeport.json', data: '{}' },
          { name: 'officeport-bundle-test/BAGIT.txt', data: 'x' },
        ],
      }),
    );
    expect(r.opened).toBe(false);
    expectProblem(r.problems, 'officeport-bundle-test/officeport.json', /duplicate entry/);
    expectProblem(r.problems, 'officeport-bundle-test/BAGIT.txt', /duplicate of .*case folding/);
  });

  it('S1: an extra unexpected file is refused', async () => {
    const r = await problemsOf(forgeBag({ ...GOOD_FILES, 'data/run.sh': 'rm -rf /' }));
    expect(r.opened).toBe(false);
    expectProblem(r.problems, 'data/run.sh', /unexpected file/);
  });

  it('S1: a second top-level folder is refused', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { extra: [{ name: 'other/bagit.txt', data: 'x' }] }));
    expectProblem(r.problems, undefined, /exactly one top-level folder/);
  });

  it('S1: a file listed in the manifest but missing is a problem', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { edit: { 'data/records/contacts.ndjson': null } }));
    expectProblem(r.problems, 'data/records/contacts.ndjson', /listed in manifest-sha256.txt but missing/);
  });

  it('S1: a payload file missing from the manifest is a problem', async () => {
    const files = { ...GOOD_FILES, 'manifest-sha256.txt': '' };
    const r = await problemsOf(forgeBag(files));
    expectProblem(r.problems, 'data/records/contacts.ndjson', /not listed in manifest-sha256.txt/);
  });

  it('S1: a checksum mismatch against the manifest is found while streaming', async () => {
    const good = forgeBag(GOOD_FILES);
    const f = save(good);
    const r0 = await openBag(f);
    const manifestText = `${'0'.repeat(64)}  data/records/contacts.ndjson\n`;
    const r = await problemsOf(forgeBag({ ...GOOD_FILES, 'manifest-sha256.txt': manifestText }));
    expect(r0.bag?.problems).toEqual([]);
    expect(r.opened).toBe(true);
    expectProblem(r.problems, 'data/records/contacts.ndjson', /sha256 [0-9a-f]{64} differs from manifest-sha256.txt/);
  });

  it('S1: a checksum mismatch against the tag manifest is a problem', async () => {
    const tagmanifest = `${'1'.repeat(64)}  bagit.txt\n`;
    const r = await problemsOf(forgeBag({ ...GOOD_FILES, 'tagmanifest-sha256.txt': tagmanifest }));
    expectProblem(r.problems, 'bagit.txt', /sha256 differs from tagmanifest-sha256.txt/);
    expectProblem(r.problems, 'tagmanifest-sha256.txt', /does not list the tag file officeport.json/);
  });

  it('S1: Payload-Oxum that differs from the zip is a problem', async () => {
    const info = 'Payload-Oxum: 1.1\nBagging-Date: 2025-04-01\n';
    const r = await problemsOf(forgeBag({ ...GOOD_FILES, 'bag-info.txt': info }));
    expectProblem(r.problems, 'bag-info.txt', /Payload-Oxum 1\.1 differs/);
  });

  it('S1: a wrong BagIt version is a problem', async () => {
    const r = await problemsOf(forgeBag({ ...GOOD_FILES, 'bagit.txt': 'BagIt-Version: 0.96\nTag-File-Character-Encoding: UTF-8\n' }));
    expectProblem(r.problems, 'bagit.txt', /BagIt-Version is "0.96"/);
  });

  it('S1: an encrypted entry is refused', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { edit: { 'officeport.json': { flags: 0x801 } } }));
    expect(r.opened).toBe(false);
    expectProblem(r.problems, /officeport\.json$/, /encrypted/);
  });

  it('S1: an unsupported compression method is refused', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { edit: { 'officeport.json': { method: 12 } } }));
    expect(r.opened).toBe(false);
    expectProblem(r.problems, /officeport\.json$/, /compression method 12/);
  });

  it('S1: a CRC-32 mismatch is found while streaming', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { edit: { 'data/records/contacts.ndjson': { crc: 0x12345678 } } }));
    expectProblem(r.problems, 'data/records/contacts.ndjson', /CRC-32 .* differs/);
  });

  it('S1: overlapping entries are refused', async () => {
    const inner = { name: 'officeport-bundle-test/data/records/b.ndjson', data: '{}\n', method: 0 };
    const innerLocal = localRecord(inner);
    const outer = { name: 'officeport-bundle-test/data/records/a.ndjson', raw: innerLocal, method: 0, data: innerLocal };
    const outerLocal = localRecord(outer);
    const cd = Buffer.concat([centralRecord(outer, 0), centralRecord(inner, 30 + Buffer.byteLength(outer.name))]);
    const zip = Buffer.concat([outerLocal, cd, endRecord(2, cd.length, outerLocal.length)]);
    const r = await problemsOf(zip);
    expect(r.opened).toBe(false);
    expectProblem(r.problems, inner.name, /overlaps entry/);
  });

  it('S1: a local header naming another file than the central directory is refused', async () => {
    const r = await problemsOf(forgeBag(GOOD_FILES, { edit: { 'officeport.json': { localName: 'officeport-bundle-test/../evil' } } }));
    expectProblem(r.problems, /officeport\.json$/, /local header names/);
  });

  it('S1: an explicit empty directory entry is refused, implied ones are allowed', async () => {
    const implied = await problemsOf(
      forgeBag(GOOD_FILES, { extra: [{ name: 'officeport-bundle-test/data/', method: 0, externalAttr: (0o040755 << 16) | 0x10 }] }),
    );
    expect(implied.problems).toEqual([]);
    const empty = await problemsOf(forgeBag(GOOD_FILES, { extra: [{ name: 'officeport-bundle-test/data/empty/', method: 0 }] }));
    expectProblem(empty.problems, 'officeport-bundle-test/data/empty/', /empty directory entry/);
  });

  it('S1: a deflate stream cut short is a problem, not a crash', async () => {
    const data = Buffer.from('{"ref":"contact/C-1"}\n'.repeat(50));
    const raw = zlib.deflateRawSync(data).subarray(0, 10);
    const r = await problemsOf(forgeBag({ ...GOOD_FILES, 'data/records/contacts.ndjson': data }, { edit: { 'data/records/contacts.ndjson': { raw } } }));
    expectProblem(r.problems, 'data/records/contacts.ndjson', /cannot be read|inflates to \d+ bytes/);
  });

  it('V1: reading a bag writes nothing to disk', async () => {
    const cwd = tmpDir('officeport-readonly-');
    const zipDir = tmpDir('officeport-readonly-zip-');
    const f = path.join(zipDir, 'b.zip');
    fs.writeFileSync(f, forgeBag({ ...GOOD_FILES, ['data/documents/' + 'b'.repeat(64)]: 'doc' }));
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const r = await openBag(f);
      await checkPayload(r.bag!);
      for await (const l of r.bag!.lines('data/records/contacts.ndjson')) void l;
      expect(r.bag!.problems).toEqual([]);
    } finally {
      process.chdir(before);
    }
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(fs.readdirSync(zipDir)).toEqual(['b.zip']);
  });

  it('S1 (test kit): forgeZip output is a zip the reader opens, so the forged cases above test the reader and not the encoder', async () => {
    const r = await openBag(save(forgeZip([{ name: 'x/bagit.txt', data: 'a' }])));
    expect(r.bag).toBeUndefined();
    expectProblem(r.problems, 'bag-info.txt', /missing/);
  });
});
