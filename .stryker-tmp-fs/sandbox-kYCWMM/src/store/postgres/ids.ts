// @ts-nocheck
// The ids this installation gives the rows it creates (sets, inbox entries,
// imported records): a prefix and a six-digit number, counted per prefix in
// id_sequences, never colliding with an id a table already holds (loaded rows
// carry ids the counter never gave). The adapter's one id allocator, as
// ../sqlite/ids.ts gives them.
import type { Db } from './db.js';

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
  const next = (db.prepare(`SELECT next FROM id_sequences WHERE prefix = ?`).pluck().get(prefix) as number | undefined) ?? 1;
  const base = start === 'table' ? Math.max(next, highestTaken(db, table, prefix) + 1) : firstFreeBlock(db, table, prefix, next, n);
  db.prepare(`INSERT INTO id_sequences(prefix, next) VALUES (?, ?) ON CONFLICT(prefix) DO UPDATE SET next = excluded.next`).run(prefix, base + n);
  return base;
}

/** One fresh id: the first free one at or after the counter. */
export function newId(db: Db, table: string, prefix: string): string {
  return formatId(prefix, reserveIds(db, table, prefix, 1, 'counter'));
}

function highestTaken(db: Db, table: string, prefix: string): number {
  // SQLite's CAST takes the leading digits (none: 0); PostgreSQL's refuses what is not a number
  return db
    .prepare(`SELECT coalesce(max(coalesce((regexp_match(substr(id, ?::int), '^[0-9]+'))[1]::numeric, 0)), 0) FROM ${table} WHERE id >= ? AND id < ?`)
    .pluck()
    .get(prefix.length + 1, prefix, `${prefix}~`) as number;
}

function firstFreeBlock(db: Db, table: string, prefix: string, from: number, n: number): number {
  const taken = db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).pluck();
  let base = from;
  for (let i = 0; i < n; i++) {
    if (taken.get(formatId(prefix, base + i)) !== undefined) {
      base += i + 1;
      i = -1;
    }
  }
  return base;
}
