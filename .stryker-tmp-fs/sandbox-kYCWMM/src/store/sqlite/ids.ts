// @ts-nocheck
// The ids this installation gives the rows it creates (sets, inbox entries,
// imported records): a prefix and a six-digit number, counted per prefix in
// id_sequences, never colliding with an id a table already holds (loaded rows
// carry ids the counter never gave). The adapter's one id allocator.
import type { Db } from './db.js';
import { cached } from './import-store.js';

/**
 * Where a reservation starts when the table already holds ids of the prefix:
 * - 'counter': at the counter, skipping the numbers whose id a row holds (each
 *   id probed: for one id or a few);
 * - 'table': above every number of the prefix the table holds (one query: for a
 *   block as large as a bundle).
 * The two give the same ids while every id of the prefix came from the counter;
 * they differ after a load brought ids of the prefix in, and each caller keeps
 * the rule it has always had, so that ids stay what they were.
 */
export type IdStart = 'counter' | 'table';

export function formatId(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(6, '0')}`;
}

/** Reserves n consecutive ids `prefix` + number for rows of `table`, and returns the first number. */
export function reserveIds(db: Db, table: string, prefix: string, n: number, start: IdStart): number {
  const next = (cached(db, `SELECT next FROM id_sequences WHERE prefix = ?`, true).get(prefix) as number | undefined) ?? 1;
  const base = start === 'table' ? Math.max(next, highestTaken(db, table, prefix) + 1) : firstFreeBlock(db, table, prefix, next, n);
  cached(db, `INSERT INTO id_sequences(prefix, next) VALUES (?, ?) ON CONFLICT(prefix) DO UPDATE SET next = excluded.next`).run(prefix, base + n);
  return base;
}

/** One fresh id: the first free one at or after the counter. */
export function newId(db: Db, table: string, prefix: string): string {
  return formatId(prefix, reserveIds(db, table, prefix, 1, 'counter'));
}

function highestTaken(db: Db, table: string, prefix: string): number {
  return cached(db, `SELECT coalesce(max(CAST(substr(id, ?) AS INTEGER)), 0) FROM ${table} WHERE id >= ? AND id < ?`, true).get(
    prefix.length + 1,
    prefix,
    `${prefix}~`,
  ) as number;
}

function firstFreeBlock(db: Db, table: string, prefix: string, from: number, n: number): number {
  const taken = cached(db, `SELECT 1 FROM ${table} WHERE id = ?`, true);
  let base = from;
  for (let i = 0; i < n; i++) {
    if (taken.get(formatId(prefix, base + i)) !== undefined) {
      base += i + 1;
      i = -1;
    }
  }
  return base;
}
