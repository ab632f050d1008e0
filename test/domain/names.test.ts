import { describe, expect, it } from 'vitest';
import { classifyName, editDistance, nameDistance, nearestNames, normalizeName } from '../../src/domain/names.js';

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
});
