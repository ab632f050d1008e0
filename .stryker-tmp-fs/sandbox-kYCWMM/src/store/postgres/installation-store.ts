// @ts-nocheck
// The installation's rows as load and dump see them (D2, D3), as ../sqlite/installation-store.ts.
import type { Cells, ConstraintViolation, InstallationStore, LoadSession } from '../port.js';
import { TABLES, TABLE_NAMES, hasId, type TableName } from '../../domain/model/tables.js';
import { PgError } from './connection.js';
import type { Db } from './db.js';
import { inTransactionAsync } from './transaction.js';

/** At most this many rows in one INSERT. */
const BATCH_ROWS = 5_000;

export class PgInstallationStore implements InstallationStore {
  constructor(private readonly db: Db) {}

  async load<T>(fill: (s: LoadSession) => Promise<T>): Promise<T> {
    const { db } = this;
    // checkReferences in load covers every declared reference, so the foreign
    // keys hold when they are put back. The emptiness check runs inside this
    // write transaction: a second load that waited for the first one's writer
    // lock sees its rows and refuses (S5).
    return inTransactionAsync(db, async () => {
      const session = new PgLoadSession(db);
      const done = await fill(session);
      session.restoreReferences();
      return done;
    });
  }

  async *rows(table: TableName, columns: readonly string[]): AsyncIterable<Cells> {
    // load order: rowid is the order rows were written in
    const stmt = this.db.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM ${table} ORDER BY rowid`).raw(true);
    for (const row of stmt.iterate() as Iterable<Cells>) yield row;
  }

  async *documents(): AsyncIterable<{ path: string; content: Buffer }> {
    yield* this.db.prepare(`SELECT path, content FROM documents ORDER BY path`).iterate() as Iterable<{ path: string; content: Buffer }>;
  }
}

/**
 * One load's writes. A row's load ordinal is its position among the rows of
 * its table that went in, in rowid order: rowid is the order of insertion, but
 * a refused batch has used numbers of the sequence, so the ordinal is counted
 * (SQLite's refused insert takes no rowid, and there the two are equal).
 *
 * Rows go in many to a statement: one text array per column, unnest()ed into
 * rows in their order (a multi-row VALUES of one parameter per cell took 2.3 s
 * of the server's 10.7 s for 229,151 rows only to parse and bind; the arrays
 * 0.4 s of 8.2 s). A batch the server refuses for a constraint
 * is rolled back to its savepoint (a failed statement would abort the whole
 * transaction) and split in halves, down to the single rows that are refused:
 * a load without violations costs one statement per batch, and each refused
 * row a few more.
 */
class PgLoadSession implements LoadSession {
  /** The foreign keys set aside for this load (table, name, definition), to put back before it commits. */
  private references: { tbl: string; conname: string; def: string }[] | undefined;

  constructor(private readonly db: Db) {}

  /**
   * PostgreSQL checks a deferred foreign key row by row at COMMIT, each check
   * a lookup that also locks the row it finds: for a load of 100,000 contacts
   * most of the time. So, as pg_restore does, the first insert sets the
   * foreign keys aside and restoreReferences() puts them back, which checks
   * each one over its whole table in one query. The DDL is part of the load's
   * transaction: a load that fails leaves the keys as they were. A user who
   * may not alter the tables loads with the keys in place.
   */
  private setReferencesAside(): void {
    if (this.references) return;
    const { db } = this;
    const refs = db
      .prepare(
        `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
         WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY oid`,
      )
      .all() as { tbl: string; conname: string; def: string }[];
    this.references = [];
    if (refs.length === 0) return;
    db.begin();
    try {
      db.exec(refs.map((r) => `ALTER TABLE ${r.tbl} DROP CONSTRAINT "${r.conname}"`).join(';\n'));
    } catch (e) {
      db.rollback();
      if ((e as PgError).code === '42501') return; // not the tables' owner: the keys stay
      throw e;
    }
    db.commit();
    this.references = refs;
  }

  /** Puts the foreign keys set aside back; each is checked over its table (23503 if a row names nothing). */
  restoreReferences(): void {
    const refs = this.references ?? [];
    if (refs.length === 0) return;
    this.db.exec(refs.map((r) => `ALTER TABLE ${r.tbl} ADD CONSTRAINT "${r.conname}" ${r.def}`).join(';\n'));
    this.references = [];
  }

  async isEmpty(): Promise<boolean> {
    return [...TABLE_NAMES, 'documents'].every((t) => !this.db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get());
  }

  async insert(table: TableName, columns: readonly string[], rows: readonly Cells[]): Promise<{ index: number; violation: ConstraintViolation }[]> {
    this.setReferencesAside();
    const refused: { index: number; violation: ConstraintViolation }[] = [];
    for (let from = 0; from < rows.length; from += BATCH_ROWS) this.insertRange(table, columns, rows, from, Math.min(rows.length, from + BATCH_ROWS), refused);
    return refused;
  }

  /** Inserts rows[from, to) in order; the refused ones are added to `refused` in index order. */
  private insertRange(
    table: TableName,
    columns: readonly string[],
    rows: readonly Cells[],
    from: number,
    to: number,
    refused: { index: number; violation: ConstraintViolation }[],
  ): void {
    const n = to - from;
    const sql = `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) SELECT * FROM unnest(${columns.map(() => '?::text[]').join(', ')})`;
    const params: (string | null)[][] = columns.map(() => new Array<string | null>(n));
    for (let i = from; i < to; i++) {
      const cells = rows[i]!;
      for (let c = 0; c < params.length; c++) params[c]![i - from] = cells[c] ?? null;
    }
    const { db } = this;
    db.begin();
    try {
      db.prepare(sql).run(params);
    } catch (e) {
      db.rollback();
      const violation = violationOf(e);
      if (!violation) throw e;
      if (n === 1) {
        if (violation.kind === 'duplicate') violation.columns = this.duplicateAsSqlite(table, columns, rows[from]!, violation.columns);
        refused.push({ index: from, violation });
        return;
      }
      const mid = from + Math.ceil(n / 2);
      this.insertRange(table, columns, rows, from, mid, refused);
      this.insertRange(table, columns, rows, mid, to, refused);
      return;
    }
    db.commit();
  }

  /**
   * The unique key SQLite names for a row that repeats several: SQLite checks
   * a table's unique indexes newest first (the primary key's last), PostgreSQL
   * oldest first and names the first it meets. So the keys are tried here in
   * SQLite's order, the first one an earlier row holds being the one named.
   */
  private duplicateAsSqlite(table: TableName, columns: readonly string[], cells: Cells, named: string[]): string[] {
    const t = TABLES[table];
    const keys = [...(hasId(t) ? [['id']] : []), ...(t.unique ?? [])].reverse();
    for (const key of keys) {
      const values = key.map((k) => (columns.includes(k) ? (cells[columns.indexOf(k)] ?? null) : null));
      if (values.includes(null)) continue; // a unique key with an empty cell repeats nothing
      const held = this.db.prepare(`SELECT 1 FROM ${table} WHERE ${key.map((k) => `"${k}" = ?`).join(' AND ')} LIMIT 1`).get(...values);
      if (held) return [...key];
    }
    return named;
  }

  async danglingReferences(table: TableName, column: string, refTable: TableName, limit: number): Promise<{ ordinal: number; value: string }[]> {
    const found = this.db
      .prepare(
        `SELECT c.rowid AS rowid, c."${column}" AS value FROM ${table} c LEFT JOIN ${refTable} p ON p.id = c."${column}"
         WHERE c."${column}" IS NOT NULL AND p.id IS NULL ORDER BY c.rowid LIMIT ${limit}`,
      )
      .all() as { rowid: number; value: string }[];
    return found.map((r) => ({ ordinal: this.ordinalOf(table, r.rowid), value: r.value }));
  }

  /** The position of the row with this rowid among its table's rows, in rowid order (1 for the first). */
  private ordinalOf(table: string, rowid: number): number {
    return this.db.prepare(`SELECT count(*) FROM ${table} WHERE rowid <= ?`).pluck().get(rowid) as number;
  }

  async addDocument(doc: { path: string; sha256: string; size: number; content: Buffer }): Promise<void> {
    this.db.prepare(`INSERT INTO documents (path, sha256, size, content) VALUES (?, ?, ?, ?)`).run(doc.path, doc.sha256, doc.size, doc.content);
  }

  async lettersWithoutDocument(limit: number): Promise<{ ordinal: number; document: string }[]> {
    const found = this.db
      .prepare(
        `SELECT l.rowid AS rowid, l.document AS document FROM letters l LEFT JOIN documents d ON d.path = l.document
         WHERE l.document IS NOT NULL AND d.path IS NULL ORDER BY l.rowid LIMIT ${limit}`,
      )
      .all() as { rowid: number; document: string }[];
    return found.map((r) => ({ ordinal: this.ordinalOf('letters', r.rowid), document: r.document }));
  }
}

/** PostgreSQL's constraint errors as the port's violations; undefined for any other error. */
function violationOf(e: unknown): ConstraintViolation | undefined {
  if (!(e instanceof PgError)) return undefined;
  if (e.code === '23502') return { kind: 'missing_value', columns: [/column "([^"]+)"/.exec(e.message)?.[1] ?? 'id'] };
  if (e.code === '23505') return { kind: 'duplicate', columns: keyColumnsOf(e.detail) };
  return undefined;
}

/** 'Key (office_id, name)=(O-1, x) already exists.' -> ["office_id", "name"] */
function keyColumnsOf(detail: string | undefined): string[] {
  const cols = /^Key \((.*?)\)=\(/.exec(detail ?? '')?.[1];
  return cols ? cols.split(', ').map((c) => c.replace(/^"(.*)"$/, '$1')) : ['id'];
}
