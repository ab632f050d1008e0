// @ts-nocheck
// The realignment journal on disk (R10): one realign_journal row per entry and
// one realign_journal_rows row per table row the entry changed, holding that
// row's image before and after (JSON arrays of values in the order of the
// entry's columns[tbl]; NULL where there was no row). Rows are followed by
// rowid (see row-journal.ts). Images are written and read a page at a time, so
// a migration of any size holds one page in memory (P1); no statement is left
// open while a page is written (better-sqlite3 forbids writes during .iterate()).
// row_key is a rowid and stays one: it is this adapter's own row identity, kept
// and read only here and in row-journal.ts, and no port type carries it (the
// realign feature sees entries and changes, never keys); a second adapter keys
// its journal rows by the row's own key instead (the table's id, or its key
// columns where it has none), so nothing here needs migrating.
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { columnsOf, type RowImage, type RowValues } from './row-journal.js';
import type { RealignEntryHead } from '../port.js';

/** Rows per page when journaling and reading images back. */
export const JOURNAL_PAGE = 1000;

const q = (c: string) => `"${c.replace(/"/g, '""')}"`;

/** What a journal entry says about itself: the port's RealignEntryHead. */
export type EntryHead = RealignEntryHead;

/**
 * Journals one change: open it, capture the rows it will touch (before any of
 * them changes), make the change, then finish to record the after-images.
 * Call everything inside the change's transaction.
 */
export class JournalWriter {
  private readonly tables = new Set<string>();
  private readonly insert: Statement<unknown[]>;

  constructor(
    private readonly db: Db,
    readonly id: number,
    private readonly page = JOURNAL_PAGE,
  ) {
    this.insert = db.prepare(`INSERT OR IGNORE INTO realign_journal_rows (entry, tbl, row_key, before) VALUES (?, ?, ?, ?)`);
  }

  /** Before-images of the rows of `table` matching a SQL condition (trusted text, values bound). A row captured twice keeps its first image. */
  captureWhere(table: string, where: string, params: readonly unknown[] = []): void {
    const cols = columnsOf(this.db, table);
    this.tables.add(table);
    const read = this.db
      .prepare(`SELECT rowid, ${cols.map(q).join(', ')} FROM ${q(table)} WHERE (${where}) AND rowid > ? ORDER BY rowid LIMIT ${this.page}`)
      .raw(true);
    let last = -Infinity;
    for (;;) {
      const rows = read.all(...params, last) as unknown[][];
      for (const [rowid, ...values] of rows) this.insert.run(this.id, table, rowid, JSON.stringify(values));
      if (rows.length < this.page) return;
      last = rows[rows.length - 1]![0] as number;
    }
  }

  /** After-images of every captured row, and the column order of the images. */
  finish(): void {
    const columns: Record<string, string[]> = {};
    const keys = this.db
      .prepare(`SELECT row_key FROM realign_journal_rows WHERE entry = ? AND tbl = ? AND row_key > ? ORDER BY row_key LIMIT ${this.page}`)
      .pluck();
    const write = this.db.prepare(`UPDATE realign_journal_rows SET after = ? WHERE entry = ? AND tbl = ? AND row_key = ?`);
    for (const table of [...this.tables].sort()) {
      const cols = (columns[table] = columnsOf(this.db, table));
      const read = this.db.prepare(`SELECT ${cols.map(q).join(', ')} FROM ${q(table)} WHERE rowid = ?`).raw(true);
      let last = -Infinity;
      for (;;) {
        const page = keys.all(this.id, table, last) as number[];
        for (const key of page) {
          const now = read.get(key) as unknown[] | undefined;
          write.run(now ? JSON.stringify(now) : null, this.id, table, key);
        }
        if (page.length < this.page) break;
        last = page[page.length - 1]!;
      }
    }
    this.db.prepare(`UPDATE realign_journal SET columns = ? WHERE id = ?`).run(JSON.stringify(columns), this.id);
  }
}

/** A new journal entry, timed now; its images follow through the writer. */
export function startEntry(db: Db, head: EntryHead, page = JOURNAL_PAGE): JournalWriter {
  const r = db
    .prepare(
      `INSERT INTO realign_journal (at, office_id, user_id, kind, local_id, resource_id, summary, before, after, columns)
       VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '{}')`,
    )
    .run(new Date().toISOString(), head.office_id, head.user_id, head.kind, head.local_id, head.resource_id, JSON.stringify(head.summary));
  return new JournalWriter(db, Number(r.lastInsertRowid), page);
}

export interface StoredEntry {
  id: number;
  office_id: string;
  kind: string;
  undone_at: string | null;
  columns: Record<string, string[]>;
}

export function getEntry(db: Db, id: number): StoredEntry | undefined {
  const e = db.prepare(`SELECT id, office_id, kind, undone_at, columns FROM realign_journal WHERE id = ?`).get(id) as
    (Omit<StoredEntry, 'columns'> & { columns: string | null }) | undefined;
  return e && { ...e, columns: JSON.parse(e.columns ?? '{}') as Record<string, string[]> };
}

export function markUndone(db: Db, id: number): void {
  db.prepare(`UPDATE realign_journal SET undone_at = ? WHERE id = ?`).run(new Date().toISOString(), id);
}

/**
 * The entry's images, a page at a time in (table, rowid) order: its
 * before-images (only those of absent or of present rows when `only` says so)
 * or its after-images. Each page is read whole before it is yielded, so the
 * caller may write between pages.
 */
export function* imagePages(db: Db, e: StoredEntry, side: 'before' | 'after', only?: 'absent' | 'present', page = JOURNAL_PAGE): Generator<RowImage[]> {
  const filter = only === 'absent' ? `AND ${side} IS NULL` : only === 'present' ? `AND ${side} IS NOT NULL` : '';
  const read = db.prepare(
    `SELECT tbl, row_key, ${side} AS image FROM realign_journal_rows
     WHERE entry = ? AND (tbl, row_key) > (?, ?) ${filter} ORDER BY tbl, row_key LIMIT ${page}`,
  );
  let last: [string, number] = ['', -Infinity];
  for (;;) {
    const rows = read.all(e.id, ...last) as { tbl: string; row_key: number; image: string | null }[];
    if (rows.length > 0) yield rows.map((r) => ({ table: r.tbl, rowid: r.row_key, row: toRow(e.columns[r.tbl] ?? [], r.image) }));
    if (rows.length < page) return;
    const end = rows[rows.length - 1]!;
    last = [end.tbl, end.row_key];
  }
}

function toRow(cols: readonly string[], image: string | null): RowValues | null {
  if (image === null) return null;
  const values = JSON.parse(image) as (string | number | null)[];
  return Object.fromEntries(cols.map((c, i) => [c, values[i] ?? null]));
}

/** Live later entries of the same office that changed any row this entry changed, newest first. */
export function laterEntriesTouching(db: Db, e: StoredEntry): number[] {
  return db
    .prepare(
      `SELECT DISTINCT l.entry FROM realign_journal j
         JOIN realign_journal_rows l ON l.entry = j.id
         JOIN realign_journal_rows m ON m.entry = ? AND m.tbl = l.tbl AND m.row_key = l.row_key
        WHERE j.office_id = ? AND j.id > ? AND j.undone_at IS NULL
        ORDER BY l.entry DESC`,
    )
    .pluck()
    .all(e.id, e.office_id, e.id) as number[];
}

/** Live entries of an office whose after-images hold any of these rows (by table and rowid). */
export function entriesHoldingRows(db: Db, officeId: string, refs: readonly { table: string; rowid: number }[]): number[] {
  const stmt = db
    .prepare(
      `SELECT j.id FROM realign_journal j
         JOIN realign_journal_rows r ON r.entry = j.id AND r.tbl = ? AND r.row_key = ? AND r.after IS NOT NULL
        WHERE j.office_id = ? AND j.undone_at IS NULL`,
    )
    .pluck();
  const ids = new Set<number>();
  for (const r of refs) for (const id of stmt.all(r.table, r.rowid, officeId) as number[]) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}
