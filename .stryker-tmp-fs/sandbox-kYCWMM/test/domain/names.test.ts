// @ts-nocheck
import { describe, expect, it } from 'vitest';
import {
  classifyName,
  didYouMean,
  didYouMeanOf,
  editDistance,
  nameDistance,
  nearLimit,
  nearestNames,
  normalizeName,
  notFoundMessage,
  resolveName,
  suggestNames,
} from '../../src/domain/names.js';

describe('names (R8 hints)', () => {
  it('R8: normalisation sets aside case, spacing and punctuation', () => {
    expect(normalizeName('  ACME  Life, Inc. ')).toBe('acme life inc');
    expect(normalizeName("Joe's-Paramed")).toBe('joe s paramed');
    expect(nameDistance('Beacon  mutual', 'Beacon Mutual')).toBe(0);
  });

  it('R8: edit distance counts inserted, deleted and changed letters', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('R8: nearest names are near but never exactly equal, nearest first', () => {
    const names = ['Acme Life', 'ACME life', 'Acme Lift', 'Beacon Mutual', 'Acme  Life C', 'Acme Life Company'];
    const near = nearestNames('Acme Life', names, (n) => n).map((n) => n.name);
    expect(near).toEqual(['ACME life', 'Acme Lift', 'Acme  Life C']);
    expect(near).not.toContain('Acme Life');
    expect(nearestNames('Zeta', names, (n) => n)).toEqual([]);
  });

  it('R8: classifies a name as exact, near or none', () => {
    const names = ['Term 20', 'Whole Life Plus'];
    expect(classifyName('Term 20', names, (n) => n).match).toBe('exact');
    expect(classifyName('term-20', names, (n) => n)).toEqual({ match: 'near', item: 'Term 20' });
    expect(classifyName('Universal Life', names, (n) => n).match).toBe('none');
  });
  it('R8: normalisation folds compatibility forms and drops symbols as well as punctuation, each run as one space', () => {
    expect(normalizeName('ＡＣＭＥ　Ｌｉｆｅ')).toBe('acme life'); // full-width letters and space (NFKC)
    expect(normalizeName('Smith & Sons + Co')).toBe('smith sons co');
    expect(normalizeName('A--B..C')).toBe('a b c');
    expect(normalizeName('a\t\n b')).toBe('a b');
    expect(normalizeName('...x...')).toBe('x');
  });

  it('R8: edit distance counts each insertion, deletion and change, whichever side is longer or empty', () => {
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('a', 'b')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(2);
    expect(editDistance('abcd', 'abd')).toBe(1);
    expect(editDistance('abd', 'abcd')).toBe(1);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('sitting', 'kitten')).toBe(3);
    expect(editDistance('intention', 'execution')).toBe(5);
    expect(editDistance('Acme', 'acme')).toBe(1);
  });

  it('R8: how near counts as a hint grows with the name: 1 up to 4 letters, 2 up to 12, 3 beyond', () => {
    expect(nearLimit('abcd')).toBe(1);
    expect(nearLimit('abcde')).toBe(2);
    expect(nearLimit('abcdefghijkl')).toBe(2);
    expect(nearLimit('abcdefghijklm')).toBe(3);
    expect(nearLimit(' A.. B. ')).toBe(1); // measured on the normalised name "a b", not on the 8 characters typed
  });

  it('R8: the hints are at most the limit away, nearest first, ties by name, at most three by default', () => {
    const names = ['abcx', 'abxx', 'abcy', 'abce', 'abcz'];
    // "abcd" (limit 1): abxx is 2 away
    expect(nearestNames('abcd', names, (n) => n).map((n) => [n.name, n.distance])).toEqual([
      ['abce', 1],
      ['abcx', 1],
      ['abcy', 1],
    ]);
    expect(nearestNames('abcd', names, (n) => n, 5).map((n) => n.name)).toEqual(['abce', 'abcx', 'abcy', 'abcz']);
    const long = ['Beacon Mutuel', 'Beacon Mutual Lfe', 'Bacon Mutal', 'Beacon Mutual Life Co'];
    expect(nearestNames('Beacon Mutual', long, (n) => n, 9).map((n) => [n.name, n.distance])).toEqual([
      ['Beacon Mutuel', 1],
      ['Bacon Mutal', 2],
    ]);
    // ties in name order whatever the input order
    expect(nearestNames('abcd', ['abcz', 'abce'], (n) => n).map((n) => n.name)).toEqual(['abce', 'abcz']);
    expect(nearestNames('abcd', [{ n: 'abcz' }, { n: 'abce' }], (c) => c.n)[0]).toEqual({ item: { n: 'abce' }, name: 'abce', distance: 1 });
    // two candidates bearing the same name (records of two offices) keep their order
    expect(
      nearestNames(
        'abcd',
        [
          { n: 'abce', id: 1 },
          { n: 'abce', id: 2 },
        ],
        (c) => c.n,
      ).map((c) => c.item.id),
    ).toEqual([1, 2]);
  });

  it('R8: a name equal only after normalising is a hint at distance 0, the first before nearer-by-letters ones', () => {
    expect(classifyName('acme', ['acmf', 'ACME'], (n) => n)).toEqual({ match: 'near', item: 'ACME' });
    expect(classifyName('acme', ['acmf', 'acme'], (n) => n)).toEqual({ match: 'exact', item: 'acme' });
    expect(classifyName('x', [], (n) => n)).toEqual({ match: 'none' });
  });
});

describe('names (U3: did you mean)', () => {
  const offices = [
    { id: 'O-1', name: 'Boston' },
    { id: 'O-2', name: 'Austin' },
    { id: 'O-3', name: 'North Agency' },
    { id: 'O-4', name: 'NORTH agency' },
  ];
  const keys = (o: { id: string; name: string }) => [o.id, o.name];

  it('U3: an exact name or id wins, then the only name equal but for case; two such names choose none', () => {
    expect(resolveName('Boston', offices, keys)?.id).toBe('O-1');
    expect(resolveName('O-2', offices, keys)?.name).toBe('Austin');
    expect(resolveName('boston', offices, keys)?.id).toBe('O-1');
    expect(resolveName('o-2', offices, keys)?.id).toBe('O-2');
    expect(resolveName('North Agency', offices, keys)?.id).toBe('O-3');
    expect(resolveName('north agency', offices, keys)).toBeUndefined();
    expect(resolveName('Bostn', offices, keys)).toBeUndefined();
  });
  it('U3: case is set aside as Unicode folds it, so a letter whose capital is two letters matches either way', () => {
    const german = [{ id: 'O-9', name: 'Straße Finanz' }];
    expect(resolveName('STRASSE FINANZ', german, keys)?.id).toBe('O-9');
    expect(resolveName('strasse finanz', german, keys)?.id).toBe('O-9');
    expect(resolveName('STRAßE FINANZ', german, keys)?.id).toBe('O-9');
    expect(resolveName('Strase Finanz', german, keys)).toBeUndefined();
  });

  it('U3: the closest names are offered, nearest first, and none when nothing is near', () => {
    const names = offices.map((o) => o.name);
    expect(suggestNames('Bostn', names)).toEqual(['Boston']);
    expect(didYouMean('Bostn', names)).toBe('did you mean "Boston"?');
    expect(didYouMean('north agency', names)).toBe('did you mean "NORTH agency" or "North Agency"?');
    expect(didYouMean('Zzzzzzzz', names)).toBe('');
    expect(notFoundMessage('office', 'Bostn', 'in this installation', names)).toBe('no office "Bostn" in this installation; did you mean "Boston"?');
    expect(notFoundMessage('set', 'Q9', 'in office Boston', [])).toBe('no set "Q9" in office Boston');
    expect(didYouMeanOf(['"a"', '"b"', '"c"'])).toBe('did you mean "a", "b" or "c"?');
  });
});
