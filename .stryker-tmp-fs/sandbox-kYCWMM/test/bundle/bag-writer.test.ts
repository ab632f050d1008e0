// @ts-nocheck
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPayload, openBag } from '../../src/bundle/bag-reader.js';
import { writeBag, type WriteBagInput } from '../../src/bundle/bag-writer.js';
import { openZip } from '../../src/bundle/zip-reader.js';
import { generateKeyPair, readPrivateKey, readPublicKey } from '../../src/bundle/signing.js';
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { forgeBag } from '../fixtures/zips/forge.js';
import { run, tmpDir } from '../helpers/cli.js';

const dir = tmpDir('officeport-bagwriter-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const DOC = Buffer.from('%PDF-1.4 letter body\n');
const DOC_PATH = 'data/documents/' + '7'.repeat(64);

function input(outFile: string, over: Partial<WriteBagInput> = {}): WriteBagInput {
  return {
    outFile,
    rootName: 'officeport-bundle-0b5f1d7e-0000-4000-8000-000000000001',
    createdAt: new Date('2025-04-01T09:30:00Z'),
    bagInfo: { 'External-Identifier': '0b5f1d7e-0000-4000-8000-000000000001', 'Source-Organization': 'Lakeside' },
    payload: [
      {
        path: 'data/records/contacts.ndjson',
        source: async function* () {
          for (let i = 0; i < 2000; i++) yield `{"ref":"contact/C-${1000 + i}","last_name":"Name${i}"}\n`;
        },
      },
      { path: DOC_PATH, source: () => [DOC] },
    ],
    tagFiles: (files) => [{ path: 'officeport.json', content: JSON.stringify({ format: 'officeport-bundle', counts: files.length }) + '\n' }],
    ...over,
  };
}

describe('bag writer (B1, B6, X12)', () => {
  it('B1: a written bag opens, streams and verifies with no problem, and reports its payload', async () => {
    const out = path.join(dir, 'b1.zip');
    const r = await writeBag(input(out));
    expect(r.files.map((f) => f.path)).toEqual(['data/records/contacts.ndjson', DOC_PATH]);
    expect(r.files[1]).toMatchObject({ size: DOC.length });
    expect(r.payloadOxum).toBe(`${r.files[0]!.size + DOC.length}.2`);
    const { bag, problems } = await openBag(out);
    expect(problems).toEqual([]);
    expect(bag!.root).toBe('officeport-bundle-0b5f1d7e-0000-4000-8000-000000000001');
    expect(bag!.tagmanifestSha256).toBe(r.tagmanifestSha256);
    expect(bag!.paths).toEqual([
      'bag-info.txt',
      'bagit.txt',
      DOC_PATH,
      'data/records/contacts.ndjson',
      'manifest-sha256.txt',
      'officeport.json',
      'tagmanifest-sha256.txt',
    ]);
    expect(bag!.bagInfo).toEqual([
      ['Payload-Oxum', r.payloadOxum],
      ['Bagging-Date', '2025-04-01'],
      ['External-Identifier', '0b5f1d7e-0000-4000-8000-000000000001'],
      ['Source-Organization', 'Lakeside'],
      ['Bag-Software-Agent', expect.stringMatching(/^officeport \d+\.\d+\.\d+/)],
    ]);
    let lines = 0;
    for await (const l of bag!.lines('data/records/contacts.ndjson')) {
      lines++;
      expect(l.line).toBe(lines);
      expect(JSON.parse(l.text).ref).toBe(`contact/C-${999 + lines}`);
    }
    expect(lines).toBe(2000);
    expect(JSON.parse(await bag!.readTagFile('officeport.json'))).toEqual({ format: 'officeport-bundle', counts: 2 });
    await checkPayload(bag!, new Set(['data/records/contacts.ndjson']));
    expect(bag!.problems).toEqual([]);
  });

  it('B1: unzip -t is clean and sha256sum -c passes both manifests in the unzipped bag folder', async () => {
    const out = path.join(dir, 'b1-tools.zip');
    await writeBag(input(out));
    expect(spawnSync('unzip', ['-t', out], { encoding: 'utf8' }).stdout).toMatch(/No errors detected/);
    const x = tmpDir('officeport-unzipped-');
    execFileSync('unzip', ['-q', out, '-d', x]);
    const bagDir = path.join(x, 'officeport-bundle-0b5f1d7e-0000-4000-8000-000000000001');
    for (const m of ['manifest-sha256.txt', 'tagmanifest-sha256.txt']) {
      const r = spawnSync('sha256sum', ['-c', '--strict', m], { cwd: bagDir, encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
    expect(fs.readFileSync(path.join(bagDir, 'bagit.txt'), 'utf8')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    fs.rmSync(x, { recursive: true, force: true });
  });

  it('B6: identical input gives a byte-identical zip; another date gives other bytes', async () => {
    const a = path.join(dir, 'b6a.zip');
    const b = path.join(dir, 'b6b.zip');
    const c = path.join(dir, 'b6c.zip');
    await writeBag(input(a));
    await writeBag(input(b));
    await writeBag(input(c, { createdAt: new Date('2025-04-02T09:30:00Z') }));
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
    expect(fs.readFileSync(a).equals(fs.readFileSync(c))).toBe(false);
  });

  it('B6: every entry carries the creation time, in payload-then-tag order; records deflated, documents stored', async () => {
    const out = path.join(dir, 'b6-order.zip');
    await writeBag(input(out));
    const listing = execFileSync('unzip', ['-Z', '-T', out], { encoding: 'utf8' });
    const rows = listing.split('\n').filter((l) => /officeport-bundle-/.test(l));
    expect(
      rows.map((l) =>
        l
          .split(/\s+/)
          .at(-1)!
          .replace(/^[^/]+\//, ''),
      ),
    ).toEqual(['data/records/contacts.ndjson', DOC_PATH, 'bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'tagmanifest-sha256.txt', 'officeport.json']);
    for (const l of rows) expect(l).toContain('20250401.093000');
    expect(rows.find((l) => l.includes('data/documents/'))).toMatch(/\bstor\b/);
    expect(rows.find((l) => l.includes('contacts.ndjson'))).toMatch(/\bdefN\b/);
  });

  it('X12: a failing payload source leaves nothing at the output path and no temporary file', async () => {
    const sub = tmpDir('officeport-x12-');
    const out = path.join(sub, 'bad.zip');
    const failing = input(out, {
      payload: [
        {
          path: 'data/records/contacts.ndjson',
          source: async function* () {
            yield '{"ref":"contact/C-1"}\n';
            throw new Error('database went away');
          },
        },
      ],
    });
    await expect(writeBag(failing)).rejects.toThrow(/database went away/);
    expect(fs.readdirSync(sub)).toEqual([]);
  });

  it('X12: a bad payload path is refused and nothing is written', async () => {
    const sub = tmpDir('officeport-x12-');
    const out = path.join(sub, 'bad.zip');
    await expect(writeBag(input(out, { payload: [{ path: 'data/../x', source: () => ['x'] }] }))).rejects.toThrow(/not a payload path/);
    expect(fs.readdirSync(sub)).toEqual([]);
  });

  it('P1: payload is streamed, one source at a time (the next source starts after the previous ended)', async () => {
    const out = path.join(dir, 'p1.zip');
    const log: string[] = [];
    const src = (name: string) =>
      async function* () {
        log.push(`start ${name}`);
        for (let i = 0; i < 50; i++) yield randomBytes(64 * 1024); // incompressible: zeros would trip the 100:1 bomb check
        log.push(`end ${name}`);
      };
    await writeBag(
      input(out, {
        payload: [
          { path: 'data/records/a.ndjson', source: src('a') },
          { path: 'data/records/b.ndjson', source: src('b') },
        ],
      }),
    );
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    const { bag } = await openBag(out);
    await checkPayload(bag!);
    expect(bag!.problems).toEqual([]);
  });
});

describe('signatures (B7)', () => {
  const keys = generateKeyPair();
  const other = generateKeyPair();
  const priv = createPrivateKey(keys.privateKeyPem);
  const pub = createPublicKey(keys.publicKeyPem);
  const otherPub = createPublicKey(other.publicKeyPem);

  async function signed(name: string): Promise<string> {
    const out = path.join(dir, name);
    await writeBag(input(out, { signingKey: priv }));
    return out;
  }

  it('B7: a signed bag verifies under the signing key; officeport.sig is not in the tag manifest', async () => {
    const out = await signed('b7-ok.zip');
    const { bag, problems } = await openBag(out, { trust: pub });
    expect(problems).toEqual([]);
    expect(bag!.paths).toContain('officeport.sig');
    expect(await bag!.readTagFile('tagmanifest-sha256.txt')).not.toContain('officeport.sig');
    const sig = JSON.parse(await bag!.readTagFile('officeport.sig'));
    expect(sig).toMatchObject({ algorithm: 'Ed25519', public_key_sha256: bag!.signedBy });
  });

  it('B7: a bag signed by another key is refused under trust', async () => {
    const out = await signed('b7-other.zip');
    const { bag } = await openBag(out, { trust: otherPub });
    expect(bag!.problems).toEqual([expect.objectContaining({ file: 'officeport.sig', message: expect.stringMatching(/not by the trusted key/) })]);
  });

  it('B7: an unsigned bag is refused under trust, and accepted without it', async () => {
    const out = path.join(dir, 'b7-unsigned.zip');
    await writeBag(input(out));
    expect((await openBag(out, { trust: pub })).bag!.problems).toEqual([
      expect.objectContaining({ file: 'officeport.sig', message: expect.stringMatching(/not signed/) }),
    ]);
    expect((await openBag(out)).problems).toEqual([]);
  });

  it('B7: a tampered bag (file changed, manifests recomputed, old signature kept) is refused', async () => {
    const out = await signed('b7-tamper.zip');
    const { zip } = await openZip(out);
    const files: Record<string, Buffer> = {};
    for (const e of zip!.entries) {
      const chunks: Buffer[] = [];
      for await (const c of zip!.read(e)) chunks.push(c);
      files[e.name.replace(/^[^/]+\//, '')] = Buffer.concat(chunks);
    }
    const keep = { 'officeport.json': files['officeport.json']!, 'officeport.sig': files['officeport.sig']!, [DOC_PATH]: Buffer.from('forged letter\n') };
    keep['data/records/contacts.ndjson'] = files['data/records/contacts.ndjson']!;
    const forged = path.join(dir, 'b7-forged.zip');
    fs.writeFileSync(forged, forgeBag(keep, { root: 'officeport-bundle-0b5f1d7e-0000-4000-8000-000000000001' }));
    // internally consistent: only the signature can tell, and it is checked with or without a trusted key (V5)
    for (const trust of [undefined, pub]) {
      const { bag } = await openBag(forged, { trust });
      expect(bag!.problems).toEqual([expect.objectContaining({ file: 'officeport.sig', message: expect.stringMatching(/does not match tagmanifest/) })]);
    }
  });

  it('B7: officeport keygen writes a 0600 private key and a public key, and refuses to overwrite', async () => {
    const kdir = tmpDir('officeport-keys-');
    const base = path.join(kdir, 'agency');
    const r = run(['keygen', '--out', base, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ privateKeyFile: `${base}.key`, publicKeyFile: `${base}.pub` });
    expect(fs.statSync(`${base}.key`).mode & 0o777).toBe(0o600);
    const again = run(['keygen', '--out', base]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(fs.readdirSync(kdir).sort()).toEqual(['agency.key', 'agency.pub']);
    const out = path.join(dir, 'b7-cli-keys.zip');
    await writeBag(input(out, { signingKey: readPrivateKey(`${base}.key`) }));
    expect((await openBag(out, { trust: readPublicKey(`${base}.pub`) })).problems).toEqual([]);
    expect(() => readPrivateKey(`${base}.pub`)).toThrow(/not a PEM private key/);
    fs.rmSync(kdir, { recursive: true, force: true });
  });
});
