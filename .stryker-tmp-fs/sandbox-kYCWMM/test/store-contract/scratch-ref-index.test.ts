// @ts-nocheck
// The contract of verify's scratch reference index (B5): what bundle/ref-index.ts
// asks of the index it spills to. Answers come in loc order, at most `limit`.
import { afterEach, describe, expect, it } from 'vitest';
import type { ScratchRefIndex } from '../../src/store/port.js';
import { ADAPTERS } from './adapters.js';

for (const adapter of ADAPTERS) {
  describe(`store contract, scratch reference index (${adapter.name})`, () => {
    let index: ScratchRefIndex | undefined;
    afterEach(() => index?.close());

    it('B5: a ref defined again is a duplicate naming the first definition; uses of no definition are dangling, by loc then pointer', () => {
      const x = (index = adapter.openScratchRefIndex());
      x.def('contact/1', 10);
      x.use('contact/9', 11, '/b');
      x.use('contact/9', 11, '/a');
      x.use('contact/1', 12, '/a');
      x.def('contact/1', 20);
      x.def('contact/2', 5);
      x.use('contact/2', 3, '/x');
      expect(x.duplicates(10)).toEqual([{ ref: 'contact/1', loc: 20, first: 10 }]);
      expect(x.dangling(10)).toEqual([
        { ref: 'contact/9', loc: 11, pointer: '/a' },
        { ref: 'contact/9', loc: 11, pointer: '/b' },
      ]);
      expect(x.dangling(1)).toEqual([{ ref: 'contact/9', loc: 11, pointer: '/a' }]);
    });

    it('B5: letters whose document is not present, by loc', () => {
      const x = (index = adapter.openScratchRefIndex());
      x.doc('data/documents/b', 7);
      x.doc('data/documents/a', 3);
      x.doc('data/documents/c', 9);
      expect(x.missingDocuments(['data/documents/c', 'data/documents/c'], 10)).toEqual([
        { ref: 'data/documents/a', loc: 3, pointer: '' },
        { ref: 'data/documents/b', loc: 7, pointer: '' },
      ]);
    });
  });
}
