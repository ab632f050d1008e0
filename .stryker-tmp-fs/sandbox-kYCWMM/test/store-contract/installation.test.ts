// @ts-nocheck
// The store contract for load and dump (D2, D3, S5): what src/installation
// asks of any adapter through InstallationStore and LoadSession.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpDir, loadDir } from '../../src/installation/index.js';
import type { Store } from '../../src/store/port.js';
import { tmpDir } from '../helpers/cli.js';
import { snapshotDir } from '../helpers/installation.js';
import { ADAPTERS } from './adapters.js';
import { dumpOf, SOURCE, Stores, TARGET } from './samples.js';

const INSTALLATION = ['id', 'name'];
const OFFICES = ['id', 'name', 'kind', 'parent_id'];

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

for (const adapter of ADAPTERS) {
  describe(`store contract, installation (${adapter.name})`, () => {
    let store: Store | undefined;
    afterEach(() => store?.close());

    it('D2: a new installation is empty; rows come back in load order with their cells', async () => {
      store = adapter.create();
      const s = store;
      await s.installation.load(async (session) => {
        expect(await session.isEmpty()).toBe(true);
        expect(await session.insert('installation', INSTALLATION, [['I-1', 'Test installation']])).toEqual([]);
        const refused = await session.insert('offices', OFFICES, [
          ['O-2', 'Second', 'agency', null],
          ['O-1', 'First', 'resource', null],
        ]);
        expect(refused).toEqual([]);
        expect(await session.isEmpty()).toBe(false);
      });
      expect(await collect(s.installation.rows('offices', ['id', 'name', 'parent_id']))).toEqual([
        ['O-2', 'Second', null],
        ['O-1', 'First', null],
      ]);
    });

    it('D2: a duplicate id or unique value is refused row by row as a violation naming its columns; the other rows go in', async () => {
      store = adapter.create();
      const s = store;
      await s.installation.load(async (session) => {
        const refused = await session.insert('offices', OFFICES, [
          ['O-1', 'First', 'agency', null],
          ['O-1', 'Other name', 'agency', null],
          ['O-2', 'First', 'agency', null],
          ['O-3', 'Third', 'agency', null],
        ]);
        expect(refused).toEqual([
          { index: 1, violation: { kind: 'duplicate', columns: ['id'] } },
          { index: 2, violation: { kind: 'duplicate', columns: ['name'] } },
        ]);
      });
      expect((await collect(s.installation.rows('offices', ['id']))).map((r) => r[0])).toEqual(['O-1', 'O-3']);
    });

    it('D2: dangling references come back by load ordinal (the position among the rows that went in), in load order', async () => {
      store = adapter.create();
      const s = store;
      await expect(
        s.installation.load(async (session) => {
          await session.insert('offices', OFFICES, [
            ['O-1', 'First', 'agency', null],
            ['O-1', 'Refused duplicate', 'agency', null],
            ['O-2', 'Second', 'agency', 'O-9'],
            ['O-3', 'Third', 'agency', 'O-1'],
            ['O-4', 'Fourth', 'agency', 'O-8'],
          ]);
          expect(await session.danglingReferences('offices', 'parent_id', 'offices', 10)).toEqual([
            { ordinal: 2, value: 'O-9' },
            { ordinal: 4, value: 'O-8' },
          ]);
          expect(await session.danglingReferences('offices', 'parent_id', 'offices', 1)).toEqual([{ ordinal: 2, value: 'O-9' }]);
          throw new Error('stop: dangling references do not commit');
        }),
      ).rejects.toThrow('stop');
    });

    it('D2, S5: a load that throws leaves the installation as it was (nothing of it commits)', async () => {
      store = adapter.create();
      const s = store;
      await expect(
        s.installation.load(async (session) => {
          await session.insert('offices', OFFICES, [['O-1', 'First', 'agency', null]]);
          await session.addDocument({ path: 'a/b.txt', sha256: '0'.repeat(64), size: 1, content: Buffer.from('x') });
          throw new Error('problems found');
        }),
      ).rejects.toThrow('problems found');
      expect(await collect(s.installation.rows('offices', ['id']))).toEqual([]);
      expect(await collect(s.installation.documents())).toEqual([]);
      await s.installation.load(async (session) => expect(await session.isEmpty()).toBe(true));
    });

    it('D2, D3: documents come back by path with their bytes; letters naming a missing document are found', async () => {
      store = adapter.create();
      const s = store;
      await expect(
        s.installation.load(async (session) => {
          await session.addDocument({ path: 'a/first.txt', sha256: '2'.repeat(64), size: 2, content: Buffer.from('hi') });
          const cols = ['id', 'office_id', 'contact_id', 'kind', 'document'];
          await session.insert('letters', cols, [
            ['L-1', 'O-1', 'C-1', 'letter', 'a/first.txt'],
            ['L-2', 'O-1', 'C-1', 'letter', 'missing.pdf'],
            ['L-3', 'O-1', 'C-1', 'email', null],
          ]);
          expect(await session.lettersWithoutDocument(10)).toEqual([{ ordinal: 2, document: 'missing.pdf' }]);
          throw new Error('stop: the letters name no contact');
        }),
      ).rejects.toThrow('stop');
      await s.installation.load(async (session) => {
        await session.addDocument({ path: 'z/last.pdf', sha256: '1'.repeat(64), size: 3, content: Buffer.from([0, 1, 2]) });
        await session.addDocument({ path: 'a/first.txt', sha256: '2'.repeat(64), size: 2, content: Buffer.from('hi') });
        expect(await session.lettersWithoutDocument(10)).toEqual([]);
      });
      const docs = await collect(s.installation.documents());
      expect(docs.map((d) => d.path)).toEqual(['a/first.txt', 'z/last.pdf']);
      expect(Buffer.from(docs[1]!.content)).toEqual(Buffer.from([0, 1, 2]));
    });

    const stores = new Stores();
    afterEach(() => stores.closeAll());

    it.each([
      ['source', SOURCE],
      ['target', TARGET],
    ])('D2, D3: the %s sample loads, dumps, loads from its dump into a second new store and dumps again byte for byte', async (_, dir) => {
      const first = await stores.of(adapter, dir);
      const out = path.join(tmpDir('officeport-contract-roundtrip-'), 'dump');
      await dumpDir(first, out);
      const dumped = snapshotDir(out);
      const second = await stores.of(adapter);
      await loadDir(second, out);
      expect(await dumpOf(second)).toEqual(dumped);
      // the dump holds the samples' rows and documents, not an empty layout
      expect(dumped['contacts.csv']).toContain(dir === SOURCE ? 'C-1101,O-NORTH,individual,John' : 'TC-5001,T-SPRING,individual,David');
      expect(Object.keys(dumped).some((f) => f.startsWith(`documents${path.sep}`))).toBe(dir === SOURCE);
      // every CSV file of the sample is in the dump
      for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.csv'))) expect(dumped[f], f).toBeDefined();
    });
  });
}
