// @ts-nocheck
// Name matching for realignment (R5, R8). Migration demands exactly equal
// names; everything here only produces hints for names that are nearly equal
// (case, spacing, punctuation, a few typed letters), so a user can rename.
// U3: the same nearness answers a mistyped office, user, set, carrier or
// product name with the closest existing names.
import { distance } from 'fastest-levenshtein';

/** Lower case, punctuation dropped, runs of spaces collapsed: "ACME  Life, Inc." -> "acme life inc". */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ') // each mark a space; the runs collapse next
    .replace(/\s+/g, ' ')
    .trim();
}

/** Levenshtein distance (the maintained fastest-levenshtein, not a copy of our own). */
export function editDistance(a: string, b: string): number {
  return distance(a, b);
}

/** How far apart two names are once case, spacing and punctuation are set aside. */
export function nameDistance(a: string, b: string): number {
  return editDistance(normalizeName(a), normalizeName(b));
}

/** Largest distance still offered as a hint: 1 for short names, up to 3 for long ones. */
export function nearLimit(name: string): number {
  const n = normalizeName(name).length;
  return n <= 4 ? 1 : n <= 12 ? 2 : 3;
}

export type NameMatch = 'exact' | 'near' | 'none';

export interface NearName<T> {
  item: T;
  name: string;
  distance: number;
}

/**
 * Candidates whose names are near `name` but not exactly equal, nearest
 * first (ties by name). Exactly equal names are not hints: they match.
 */
export function nearestNames<T>(name: string, candidates: readonly T[], nameOf: (c: T) => string, max = 3): NearName<T>[] {
  const limit = nearLimit(name);
  return candidates
    .map((item) => ({ item, name: nameOf(item), distance: nameDistance(name, nameOf(item)) }))
    .filter((c) => c.name !== name && c.distance <= limit)
    .sort((x, y) => x.distance - y.distance || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .slice(0, max);
}

/** exact when some candidate bears exactly this name, near when one is close, none otherwise. */
export function classifyName<T>(name: string, candidates: readonly T[], nameOf: (c: T) => string): { match: NameMatch; item?: T } {
  const exact = candidates.find((c) => nameOf(c) === name);
  if (exact !== undefined) return { match: 'exact', item: exact };
  const near = nearestNames(name, candidates, nameOf, 1)[0];
  if (near) return { match: 'near', item: near.item };
  return { match: 'none' };
}

/**
 * U3: the one candidate a typed name means: exactly equal first (any of its
 * keys, such as id then name), else the only one equal once case is set aside.
 * Two candidates equal but for case are ambiguous: none is chosen.
 */
export function resolveName<T>(ref: string, candidates: readonly T[], keysOf: (c: T) => readonly string[]): T | undefined {
  const exact = candidates.find((c) => keysOf(c).includes(ref));
  if (exact !== undefined) return exact;
  const folded = foldCase(ref);
  const same = candidates.filter((c) => keysOf(c).some((k) => foldCase(k) === folded));
  return same.length === 1 ? same[0] : undefined;
}

/** Case set aside as Unicode's full case folding mostly does it: upper then lower, so "Straße" and "STRASSE" fold alike. */
function foldCase(s: string): string {
  return s.normalize('NFKC').toUpperCase().toLowerCase();
}

/** U3: the existing names closest to a mistyped one, nearest first (at most `max`). */
export function suggestNames(ref: string, names: readonly string[], max = 3): string[] {
  const unique = [...new Set(names)];
  return nearestNames(ref, unique, (n) => n, max).map((n) => n.name);
}

/** U3: `did you mean "Boston"?` (or `"A" or "B"?`), or '' when no name is near. */
export function didYouMean(ref: string, names: readonly string[]): string {
  return didYouMeanOf(suggestNames(ref, names).map((n) => JSON.stringify(n)));
}

/** U3: the words of a "did you mean" over options already written out, or '' for none. */
export function didYouMeanOf(quoted: readonly string[]): string {
  if (quoted.length === 0) return '';
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return `did you mean ${list}?`;
}

/** U3: `no office "Bostn" in this installation; did you mean "Boston"?` */
export function notFoundMessage(what: string, ref: string, where: string, names: readonly string[]): string {
  const hint = didYouMean(ref, names);
  return `no ${what} ${JSON.stringify(ref)} ${where}${hint ? `; ${hint}` : ''}`;
}
