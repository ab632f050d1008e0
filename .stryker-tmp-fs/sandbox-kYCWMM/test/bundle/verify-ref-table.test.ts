// @ts-nocheck
// The in-memory table of defined refs (B5, V1): refs are told apart by their
// text, not by their hash, and the table keeps every ref as it grows.
import { describe, expect, it } from 'vitest';
import { refHash } from '../../src/bundle/ref-hash.js';
import { RefIndex } from '../../src/bundle/ref-index.js';
import { openScratchRefIndex } from '../../src/store/open.js';
import type { Problem } from '../../src/shared/errors.js';

const C = 'data/records/contacts.ndjson';
const P = 'data/records/policies.ndjson';

function dangling(refs: RefIndex): Problem[] {
  const problems: Problem[] = [];
  refs.dangling(problems);
  return problems;
}

describe('ref index table', () => {
  it('B5: refs with the same hash are still different refs (duplicates and dangling uses by text)', () => {
    const refs = new RefIndex(openScratchRefIndex);
    const problems: Problem[] = [];
    const add = (p: Problem) => problems.push(p);
    try {
      refs.define('contact/A', C, 1, add, 7);
      refs.define('contact/B', C, 2, add, 7);
      refs.define('contact/A', C, 3, add, 7);
      const used = 'contact/B\ncontact/Z\ncontact/A';
      refs.useIn(used, 0, 9, 7, P, 1, '/primary_contact');
      refs.useIn(used, 10, 9, 7, P, 2, '/primary_contact');
      refs.useIn(used, 20, 9, 7, P, 3, '/primary_contact');
      expect(problems).toEqual([{ file: C, line: 3, pointer: '/ref', message: `ref contact/A is not unique; ${C}:1 has it too` }]);
      expect(dangling(refs)).toEqual([
        { file: P, line: 2, pointer: '/primary_contact', message: 'refers to contact/Z, which is neither a record nor a stub of this bundle' },
      ]);
    } finally {
      refs.close();
    }
  });

  it('B5: every ref is found after the table grew many times, with and without a size hint', () => {
    for (const expected of [0, 10, 100_000]) {
      const refs = new RefIndex(openScratchRefIndex, undefined, expected);
      const problems: Problem[] = [];
      try {
        for (let i = 0; i < 20_000; i++) refs.define(`contact/C-${i}`, C, i + 1, (p) => problems.push(p));
        for (let i = 0; i < 20_000; i += 7) {
          const s = `x contact/C-${i} y`;
          refs.useIn(s, 2, s.length - 4, refHash(`contact/C-${i}`), P, i + 1, '/contact');
        }
        refs.use('contact/C-20000', P, 30_000, '/contact');
        refs.define('contact/C-19999', C, 20_001, (p) => problems.push(p));
        expect(problems.map((p) => p.line)).toEqual([20_001]);
        expect(dangling(refs).map((p) => p.message)).toEqual(['refers to contact/C-20000, which is neither a record nor a stub of this bundle']);
        expect(refs.spilled).toBe(false);
      } finally {
        refs.close();
      }
    }
  });
});
