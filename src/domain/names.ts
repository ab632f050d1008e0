// Name matching for realignment (R5, R8). Migration demands exactly equal
// names; everything here only produces hints for names that are nearly equal
// (case, spacing, punctuation, a few typed letters), so a user can rename.

/** Lower case, punctuation dropped, runs of spaces collapsed: "ACME  Life, Inc." -> "acme life inc". */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Levenshtein distance, two rows of memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
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
