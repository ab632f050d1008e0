// @ts-nocheck
// A generic row journal for undo (R10), as ../sqlite/row-journal.ts. Rows are
// followed by their rowid column (schema.ts: the order rows were written in, as
// SQLite's rowid), which an UPDATE never changes, so a link row whose columns
// all change (policy_riders) is still the same row; restoring a deleted row at
// its old rowid keeps dump order (ORDER BY rowid) identical.
//
// Use: images of every row a change may touch (also rows it will delete) before
// it, and of the same rows after it (plus the rows it inserted, as no row
// before). Later: differences(after) empty means nothing touched those rows
// since, and restoreRows(before) puts them back. Each function works on any
// slice of the images, so a large journal is checked and restored a page at a
// time (the realignment journal keeps its images in the database: realign-journal.ts).
import { BugError } from '../../shared/errors.js';
import type { PgStatement } from './connection.js';
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

const q = (c: string) => `"${c.replace(/"/g, '""')}"`;

const columnCache = new WeakMap<Db, Map<string, string[]>>();
const typeCache = new WeakMap<Db, Map<string, Map<string, string>>>();

/** The columns of a table of this installation (without rowid, which SQLite's tables do not list); refuses names that are not tables. */
export function columnsOf(db: Db, table: string): string[] {
  let perDb = columnCache.get(db);
  if (!perDb) columnCache.set(db, (perDb = new Map()));
  let cols = perDb.get(table);
  if (!cols) {
    const known = db
      .prepare(`SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name = ?`)
      .get(table);
    if (!known) throw new BugError(`row journal: no table ${table}`);
    const rows = db
      .prepare(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
          WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> 'rowid' ORDER BY a.attnum`,
      )
      .all(q(table)) as { name: string; type: string }[];
    cols = rows.map((r) => r.name);
    perDb.set(table, cols);
    let types = typeCache.get(db);
    if (!types) typeCache.set(db, (types = new Map()));
    types.set(table, new Map(rows.map((r) => [r.name, r.type])));
  }
  return cols;
}

/** A column's SQL type, for casting values passed as text arrays. */
function typeOf(db: Db, table: string, column: string): string {
  columnsOf(db, table);
  return typeCache.get(db)?.get(table)?.get(column) ?? 'text';
}

/** Values as a text array parameter (null stays NULL). */
const texts = (values: readonly (string | number | null)[]) => values.map((v) => (v === null ? null : String(v)));

/** Rowids of the rows of `table` matching a SQL condition (trusted text, values bound). */
export function rowidsWhere(db: Db, table: string, where: string, params: readonly unknown[] = []): number[] {
  columnsOf(db, table);
  return db
    .prepare(`SELECT rowid AS r FROM ${q(table)} WHERE ${where} ORDER BY rowid`)
    .pluck()
    .all(...params) as number[];
}

/** Rowids of rows by their id column. */
export function rowidsById(db: Db, table: string, ids: readonly string[]): number[] {
  const out: number[] = [];
  const stmt = db.prepare(`SELECT rowid AS r FROM ${q(table)} WHERE id = ?`).pluck();
  for (const id of ids) {
    const r = stmt.get(id) as number | undefined;
    if (r !== undefined) out.push(r);
  }
  return out;
}

/** Rowids of rows of an id-less link table equal to `row` in every given column. */
export function rowidsByRow(db: Db, table: string, row: RowValues): number[] {
  const cols = Object.keys(row);
  columnsOf(db, table);
  const where = cols.map((c) => `${q(c)} IS NOT DISTINCT FROM ?::text`).join(' AND ') || 'true';
  return rowidsWhere(
    db,
    table,
    where,
    cols.map((c) => (row[c] === null ? null : String(row[c]))),
  );
}

export function uniqueRefs(refs: Iterable<RowRef>): RowRef[] {
  const seen = new Map<string, RowRef>();
  for (const r of refs) seen.set(`${r.table}\u0000${r.rowid}`, { table: r.table, rowid: r.rowid });
  return [...seen.values()].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : a.rowid - b.rowid));
}

/**
 * A reader of rows by rowid: the rows of one table at many rowids in one
 * statement (a round trip per row would cost a page of images 1000 of them).
 */
function rowReader(db: Db): (table: string, rowids: readonly number[]) => Map<number, RowValues> {
  const stmts = new Map<string, PgStatement>();
  return (table, rowids) => {
    let stmt = stmts.get(table);
    if (!stmt) {
      stmt = db.prepare(`SELECT rowid AS op_rowid, ${columnsOf(db, table).map(q).join(', ')} FROM ${q(table)} WHERE rowid = ANY(?::bigint[])`);
      stmts.set(table, stmt);
    }
    const out = new Map<number, RowValues>();
    if (rowids.length === 0) return out;
    // one argument, the array (a lone array argument would be taken as the list of values)
    for (const r of stmt.all([[...rowids]]) as (RowValues & { op_rowid: number })[]) {
      const { op_rowid, ...row } = r;
      out.set(op_rowid, row);
    }
    return out;
  };
}

/** The rows now at the images' refs, table by table. */
function rowsNow(db: Db, refs: readonly RowRef[]): (ref: RowRef) => RowValues | null {
  const read = rowReader(db);
  const byTable = new Map<string, number[]>();
  for (const r of refs) {
    let ids = byTable.get(r.table);
    if (!ids) byTable.set(r.table, (ids = []));
    ids.push(r.rowid);
  }
  const now = new Map<string, Map<number, RowValues>>();
  for (const [table, ids] of byTable) now.set(table, read(table, ids));
  return (ref) => now.get(ref.table)?.get(ref.rowid) ?? null;
}

/** Images of the rows at these refs as they are now. */
export function captureRows(db: Db, refs: Iterable<RowRef>): RowImage[] {
  const unique = uniqueRefs(refs);
  const now = rowsNow(db, unique);
  return unique.map((r) => ({ ...r, row: now(r) }));
}

function describe(row: RowValues | null): string {
  if (!row) return 'no row';
  return typeof row.id === 'string' ? `row ${row.id}` : 'row';
}

/** Where the installation no longer looks like these images (empty: it still does). */
export function differences(db: Db, images: readonly RowImage[]): RowDifference[] {
  const out: RowDifference[] = [];
  const read = rowsNow(db, images);
  for (const img of images) {
    const now = read(img);
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

/** Rows that restoring `before` would collide with: the same id now held by another row (one statement per table of the slice). */
export function restoreConflicts(db: Db, before: readonly RowImage[]): RowDifference[] {
  const byTable = new Map<string, number[]>();
  before.forEach((img, i) => {
    if (!img.row || typeof img.row.id !== 'string') return;
    if (!columnsOf(db, img.table).includes('id')) return;
    let at = byTable.get(img.table);
    if (!at) byTable.set(img.table, (at = []));
    at.push(i);
  });
  const other = new Map<number, number>();
  for (const [table, at] of byTable) {
    const rows = db
      .prepare(
        `SELECT v.i, t.rowid AS r FROM unnest(?::text[], ?::bigint[], ?::int[]) AS v(id, rowid, i)
           JOIN ${q(table)} t ON t.id = v.id AND t.rowid <> v.rowid`,
      )
      .all(
        at.map((i) => before[i]!.row!.id as string),
        at.map((i) => before[i]!.rowid),
        at,
      ) as { i: number; r: number }[];
    for (const r of rows) if (!other.has(r.i)) other.set(r.i, r.r);
  }
  const out: RowDifference[] = [];
  before.forEach((img, i) => {
    const r = other.get(i);
    if (r !== undefined) out.push({ table: img.table, rowid: r, message: `${img.table} id ${img.row!.id as string} is now used by another row` });
  });
  return out;
}

/**
 * Put every row back as in `before`: update, re-insert at its rowid, or delete.
 * Call inside a transaction. As SQLite's adapter, row by row in effect; here
 * one statement per table and column list of the slice (the values go as
 * arrays), not a round trip per row.
 */
export function restoreRows(db: Db, before: readonly RowImage[]): void {
  const gone = new Map<string, number[]>();
  for (const img of before.filter((i) => !i.row)) {
    let ids = gone.get(img.table);
    if (!ids) gone.set(img.table, (ids = []));
    ids.push(img.rowid);
  }
  for (const [table, rowids] of gone) db.prepare(`DELETE FROM ${q(table)} WHERE rowid = ANY(?::bigint[])`).run([rowids]);
  const groups = new Map<string, { table: string; cols: string[]; images: RowImage[] }>();
  for (const img of before.filter((i) => i.row)) {
    const cols = Object.keys(img.row!);
    const known = columnsOf(db, img.table);
    const unknown = cols.filter((c) => !known.includes(c));
    if (unknown.length > 0) throw new BugError(`row journal: ${img.table} has no column ${unknown.join(', ')}`);
    const key = `${img.table}:${cols.join(',')}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { table: img.table, cols, images: [] }));
    g.images.push(img);
  }
  for (const { table, cols, images } of groups.values()) {
    const put = (imgs: readonly RowImage[]) => [imgs.map((i) => i.rowid), ...cols.map((c) => texts(imgs.map((i) => i.row![c] ?? null)))];
    const values = `unnest(?::bigint[], ${cols.map(() => '?::text[]').join(', ')}) AS v(op_rowid, ${cols.map((_, k) => `c${k}`).join(', ')})`;
    const cast = (k: number) => `v.c${k}::${typeOf(db, table, cols[k]!)}`;
    const updated = new Set(
      db
        .prepare(
          `UPDATE ${q(table)} t SET ${cols.map((c, k) => `${q(c)} = ${cast(k)}`).join(', ')} FROM ${values} WHERE t.rowid = v.op_rowid RETURNING t.rowid`,
        )
        .pluck()
        .all(put(images)) as number[],
    );
    const missing = images.filter((i) => !updated.has(i.rowid));
    if (missing.length === 0) continue;
    db.prepare(`INSERT INTO ${q(table)} (rowid, ${cols.map(q).join(', ')}) SELECT v.op_rowid, ${cols.map((_, k) => cast(k)).join(', ')} FROM ${values}`).run(
      put(missing),
    );
  }
}
