// @ts-nocheck
// The ref index of verify (B5, V1, P1): in memory, and spilled to SQLite past
// its limit; both must report the same duplicates, dangling refs and missing
// documents.
import { describe, expect, it } from 'vitest';
import { RefIndex } from '../../src/bundle/ref-index.js';
import { openScratchRefIndex } from '../../src/store/open.js';
import type { Problem } from '../../src/shared/errors.js';

const A = 'data/records/activities.ndjson';
const C = 'data/records/contacts.ndjson';
const S = 'data/records/stubs.ndjson';
const L = 'data/records/letters.ndjson';
const SHA = 'a'.repeat(64);

function feed(limit: number | undefined): { problems: Problem[]; missing: unknown[]; spilled: boolean } {
  const refs = new RefIndex(openScratchRefIndex, limit);
  const problems: Problem[] = [];
  const add = (p: Problem) => problems.push(p);
  try {
    // activities come first and use contacts defined later (they must not dangle)
    refs.define('activity/1', A, 1, add);
    refs.use('contact/1', A, 1, '/contact');
    refs.define('activity/2', A, 2, add);
    refs.use('contact/GONE', A, 2, '/contact');
    for (let i = 1; i <= 50; i++) refs.define(`contact/${i}`, C, i, add);
    refs.use('contact/3', C, 4, '/parties/10/contact');
    refs.use('contact/NOPE', C, 4, '/parties/2/contact');
    refs.use('contact/NOPE', C, 4, '/parties/10/contact');
    refs.define('contact/7', S, 1, add);
    refs.define('contact/51', S, 2, add);
    refs.useDocument({ path: `data/documents/${SHA}`, name: 'x.pdf', sha256: SHA, size: 1 }, L, 3, add);
    refs.useDocument({ path: 'data/documents/b', name: 'y.pdf', sha256: SHA, size: 1 }, L, 5, add);
    refs.dangling(problems);
    return { problems, missing: refs.missingDocuments([`data/documents/${SHA}`]), spilled: refs.spilled };
  } finally {
    refs.close();
  }
}

const sortProblems = (ps: Problem[]) => [...ps].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('ref index', () => {
  it('B5: in memory, a duplicate names both places and dangling uses are named in file, line, pointer order', () => {
    const r = feed(undefined);
    expect(r.spilled).toBe(false);
    expect(r.problems).toEqual([
      { file: S, line: 1, pointer: '/ref', message: `ref contact/7 is not unique; ${C}:7 has it too` },
      { file: L, line: 5, pointer: '/document/path', message: `expected data/documents/${SHA} (the document's sha256), got "data/documents/b"` },
      { file: A, line: 2, pointer: '/contact', message: 'refers to contact/GONE, which is neither a record nor a stub of this bundle' },
      { file: C, line: 4, pointer: '/parties/10/contact', message: 'refers to contact/NOPE, which is neither a record nor a stub of this bundle' },
      { file: C, line: 4, pointer: '/parties/2/contact', message: 'refers to contact/NOPE, which is neither a record nor a stub of this bundle' },
    ]);
    expect(r.missing).toEqual([{ path: 'data/documents/b', file: L, line: 5 }]);
  });

  it('B5, P1: spilled to SQLite past its limit, it finds the same problems', () => {
    for (const limit of [0, 1, 10, 40]) {
      const mem = feed(undefined);
      const disk = feed(limit);
      expect(disk.spilled).toBe(true);
      expect(sortProblems(disk.problems)).toEqual(sortProblems(mem.problems));
      expect(disk.missing).toEqual(mem.missing);
    }
  });

  it('B5, P1: spilled, many refs go in multi-row batches and a late duplicate is still found', () => {
    const refs = new RefIndex(openScratchRefIndex, 100);
    const problems: Problem[] = [];
    try {
      for (let i = 0; i < 5000; i++) {
        refs.define(`contact/${i}`, C, i + 1, (p) => problems.push(p));
        refs.use(`contact/${i + 1}`, C, i + 1, '/x');
      }
      refs.define('contact/4321', S, 1, (p) => problems.push(p));
      refs.dangling(problems);
    } finally {
      refs.close();
    }
    expect(problems).toEqual([
      { file: S, line: 1, pointer: '/ref', message: `ref contact/4321 is not unique; ${C}:4322 has it too` },
      { file: C, line: 5000, pointer: '/x', message: 'refers to contact/5000, which is neither a record nor a stub of this bundle' },
    ]);
  });
});
