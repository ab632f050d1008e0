// @ts-nocheck
// B11: the zips officeport writes read with a streaming reader officeport did
// not write: Java's java.util.zip.ZipInputStream, which refuses a whole zip
// when one stored entry has a data descriptor instead of sizes in its local
// header. A tiny Java program (test/fixtures/java/ZipList.java) lists every
// entry with its size and CRC-32; the listing must equal our own reader's.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openZip } from '../../src/bundle/zip-reader.js';
import { ROOT, run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';
import { skipWithoutTool } from '../helpers/tools.js';

const present = (cmd: string) => spawnSync(cmd, ['-version']).status === 0;
const skip = skipWithoutTool('B11', 'javac', present('javac') && present('java'), "a JDK: Debian's default-jdk-headless");

/** Java's listing: "name<TAB>size<TAB>crc" per entry, or the reason ZipInputStream refused the zip. */
function javaListing(classes: string, zip: string): { code: number; lines: string[]; stderr: string } {
  const r = spawnSync('java', ['-cp', classes, 'ZipList', zip], { encoding: 'utf8' });
  return { code: r.status ?? -1, lines: r.stdout.split('\n').filter((l) => l !== ''), stderr: r.stderr };
}

/** Our reader's listing, from the central directory, in the same form. */
async function ourListing(zip: string): Promise<string[]> {
  const { zip: z, problems } = await openZip(zip);
  expect(problems).toEqual([]);
  return z!.entries.map((e) => `${e.name}\t${e.size}\t${(e.crc32 >>> 0).toString(16).padStart(8, '0')}`);
}

describe.skipIf(skip)("B11: Java's ZipInputStream reads what officeport writes", () => {
  let classes: string;
  const dir = tmpDir();
  const bundle = path.join(dir, 'move.zip');
  const archive = path.join(dir, 'retention.zip');

  beforeAll(() => {
    classes = tmpDir('officeport-java-');
    const c = spawnSync('javac', ['-d', classes, path.join(ROOT, 'test/fixtures/java/ZipList.java')], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    const src = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const tgt = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const receipt = path.join(dir, 'receipt.json');
    const ok = (args: string[]) => {
      const r = run(args);
      expect(r.code, r.stderr).toBe(0);
    };
    ok(
      ['export', '--db', src, '--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield'].concat([
        '--to-office',
        'Springfield Agency',
        '--to-user',
        'dana',
        '--out',
        bundle,
      ]),
    );
    ok(['import', bundle, '--db', tgt, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
    ok(['finalize', '--yes', receipt, '--db', src, '--office', 'North Agency', '--user', 'alice', '--archive', archive]);
  });

  it('B11: every entry of a retention archive (its stored documents included) reads with its size and CRC', async () => {
    const ours = await ourListing(archive);
    expect(
      ours.some((l) => l.includes('/data/documents/')),
      'the archive holds stored documents',
    ).toBe(true);
    const java = javaListing(classes, archive);
    expect(java.stderr).toBe('');
    expect(java.code).toBe(0);
    expect(java.lines).toEqual(ours);
  });

  it('B11: every entry of a bundle reads with its size and CRC', async () => {
    const ours = await ourListing(bundle);
    expect(ours.some((l) => l.includes('/data/documents/'))).toBe(true);
    const java = javaListing(classes, bundle);
    expect(java.stderr).toBe('');
    expect(java.code).toBe(0);
    expect(java.lines).toEqual(ours);
  });
});
