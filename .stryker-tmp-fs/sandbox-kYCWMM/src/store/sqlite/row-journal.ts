// @ts-nocheck
// A generic row journal for undo (R10, and any later undo such as I13).
// Rows are followed by SQLite rowid, which an UPDATE never changes, so a link
// row whose columns all change (policy_riders) is still the same row; restoring
// a deleted row at its old rowid keeps dump order (ORDER BY rowid) identical.
//
// Use: images of every row a change may touch (also rows it will delete) before
// it, and of the same rows after it (plus the rows it inserted, as no row
// before). Later: differences(after) empty means nothing touched those rows
// since, and restoreRows(before) puts them back. Each function works on any
// slice of the images, so a large journal is checked and restored a page at a
// time (the realignment journal keeps its images on disk: realign-journal.ts).
import { BugError } from '../../shared/errors.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

export type RowValues = Record<string, string | number | null>;

export interface RowRef {
  table: string;
  rowid: number;
}

/** One row as it was at a moment; row null means there was no row at that rowid. */
export interface RowImage extends RowRef {
  row: RowValues | null;
}

export interface RowDifference extends RowRef {
  /** What differs between the journaled image and the row now. */
  message: string;
}

const columnCache = new WeakMap<Db, Map<string, string[]>>();

/** The columns of a table of this installation; refuses names that are not tables. */
export function columnsOf(db: Db, table: string): string[] {
  let perDb = columnCache.get(db);
  if (!perDb) columnCache.set(db, (perDb = new Map()));
  let cols = perDb.get(table);
  if (!cols) {
    const known = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table);
    if (!known) throw new BugError(`row journal: no table ${table}`);
    cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
    perDb.set(table, cols);
  }
  return cols;
}

const q = (c: string) => `"${c.replace(/"/g, '""')}"`;

/** Rowids of the rows of `table` matching a SQL condition (trusted text, values bound). */
export function rowidsWhere(db: Db, table: string, where: string, params: readonly unknown[] = []): number[] {
  columnsOf(db, table);
  return (db.prepare(`SELECT rowid AS r FROM ${q(table)} WHERE ${where} ORDER BY rowid`).all(...params) as { r: number }[]).map((x) => x.r);
}

/** Rowids of rows by their id column. */
export function rowidsById(db: Db, table: string, ids: readonly string[]): number[] {
  const out: number[] = [];
  const stmt = db.prepare(`SELECT rowid AS r FROM ${q(table)} WHERE id = ?`);
  for (const id of ids) {
    const r = stmt.get(id) as { r: number } | undefined;
    if (r) out.push(r.r);
  }
  return out;
}

/** Rowids of rows of an id-less link table equal to `row` in every given column. */
export function rowidsByRow(db: Db, table: string, row: RowValues): number[] {
  const cols = Object.keys(row);
  columnsOf(db, table);
  const where = cols.map((c) => `${q(c)} IS ?`).join(' AND ') || '1';
  return rowidsWhere(
    db,
    table,
    where,
    cols.map((c) => row[c]),
  );
}

export function uniqueRefs(refs: Iterable<RowRef>): RowRef[] {
  const seen = new Map<string, RowRef>();
  for (const r of refs) seen.set(`${r.table}\u0000${r.rowid}`, { table: r.table, rowid: r.rowid });
  return [...seen.values()].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : a.rowid - b.rowid));
}

/** A reader of rows by rowid, one prepared statement per table. */
function rowReader(db: Db): (table: string, rowid: number) => RowValues | null {
  const stmts = new Map<string, ReturnType<Db['prepare']>>();
  return (table, rowid) => {
    let stmt = stmts.get(table);
    if (!stmt) {
      stmt = db.prepare(`SELECT ${columnsOf(db, table).map(q).join(', ')} FROM ${q(table)} WHERE rowid = ?`);
      stmts.set(table, stmt);
    }
    return (stmt.get(rowid) as RowValues | undefined) ?? null;
  };
}

/** Images of the rows at these refs as they are now. */
export function captureRows(db: Db, refs: Iterable<RowRef>): RowImage[] {
  const read = rowReader(db);
  return uniqueRefs(refs).map((r) => ({ ...r, row: read(r.table, r.rowid) }));
}

function describe(row: RowValues | null): string {
  if (!row) return 'no row';
  return typeof row.id === 'string' ? `row ${row.id}` : 'row';
}

/** Where the installation no longer looks like these images (empty: it still does). */
export function differences(db: Db, images: readonly RowImage[]): RowDifference[] {
  const out: RowDifference[] = [];
  const read = rowReader(db);
  for (const img of images) {
    const now = read(img.table, img.rowid);
    const label = img.row ? describe(img.row) : describe(now);
    if (!img.row && !now) continue;
    if (!img.row || !now) {
      out.push({ table: img.table, rowid: img.rowid, message: `${img.table} ${label} ${img.row ? 'was deleted' : 'was added'} since` });
      continue;
    }
    const changed = Object.keys(img.row).filter((c) => (img.row![c] ?? null) !== (now[c] ?? null));
    if (changed.length > 0) {
      out.push({ table: img.table, rowid: img.rowid, message: `${img.table} ${label}: ${changed.join(', ')} changed since` });
    }
  }
  return out;
}

/** Rows that restoring `before` would collide with: the same id now held by another row. */
export function restoreConflicts(db: Db, before: readonly RowImage[]): RowDifference[] {
  const out: RowDifference[] = [];
  const stmts = new Map<string, Statement<unknown[]>>();
  for (const img of before) {
    if (!img.row || typeof img.row.id !== 'string') continue;
    if (!columnsOf(db, img.table).includes('id')) continue;
    let stmt = stmts.get(img.table);
    if (!stmt) stmts.set(img.table, (stmt = db.prepare(`SELECT rowid AS r FROM ${q(img.table)} WHERE id = ? AND rowid <> ?`)));
    const other = stmt.get(img.row.id, img.rowid) as { r: number } | undefined;
    if (other) out.push({ table: img.table, rowid: other.r, message: `${img.table} id ${img.row.id} is now used by another row` });
  }
  return out;
}

/** Put every row back as in `before`: update, re-insert at its rowid, or delete. Call inside a transaction. */
export function restoreRows(db: Db, before: readonly RowImage[]): void {
  const stmts = new Map<string, Statement<unknown[]>>();
  const stmt = (key: string, sql: () => string): Statement<unknown[]> => {
    let s = stmts.get(key);
    if (!s) stmts.set(key, (s = db.prepare(sql())));
    return s;
  };
  for (const img of before.filter((i) => !i.row)) {
    stmt(`d:${img.table}`, () => `DELETE FROM ${q(img.table)} WHERE rowid = ?`).run(img.rowid);
  }
  for (const img of before.filter((i) => i.row)) {
    const cols = Object.keys(img.row!);
    const known = columnsOf(db, img.table);
    const unknown = cols.filter((c) => !known.includes(c));
    if (unknown.length > 0) throw new BugError(`row journal: ${img.table} has no column ${unknown.join(', ')}`);
    const values = cols.map((c) => img.row![c] ?? null);
    const key = `${img.table}:${cols.join(',')}`;
    const r = stmt(`u:${key}`, () => `UPDATE ${q(img.table)} SET ${cols.map((c) => `${q(c)} = ?`).join(', ')} WHERE rowid = ?`).run(...values, img.rowid);
    if (r.changes === 0) {
      stmt(`i:${key}`, () => `INSERT INTO ${q(img.table)} (rowid, ${cols.map(q).join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`).run(
        img.rowid,
        ...values,
      );
    }
  }
}
