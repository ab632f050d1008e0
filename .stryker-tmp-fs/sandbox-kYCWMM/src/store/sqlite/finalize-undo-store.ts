// @ts-nocheck
// The SQL behind `finalize undo` (L3): which finalize wrote an archive, whether
// it was undone, and putting rows, cut references and documents back (the
// caller streams them from the archive in batches inside one transaction; a
// row's place is the rowid it had).
import type { Statement } from 'better-sqlite3';
import { BugError } from '../../shared/errors.js';
import type { Db } from './db.js';
import type { DetachedReference, FinalizeEntry, FinalizeUndoSession } from '../port.js';
import { TABLES, columnNames, hasId, type TableName } from '../../domain/model/tables.js';

/**
 * The finalize of this receipt (bundle, accept, receipt hash) that wrote the
 * archive: the one that recorded its archive id, else (a finalize logged before
 * archive ids were recorded) the one that recorded none.
 */
export function findFinalizeOfArchive(db: Db, a: { bundleId: string; acceptId: string; receiptSha256: string; archiveId: string }): FinalizeEntry | undefined {
  return db
    .prepare(
      `SELECT seq, at, office_id, json_extract(summary, '$.archive') AS archive, json_extract(summary, '$.archive_id') AS archive_id,
              json_extract(summary, '$.archive_tagmanifest_sha256') AS archive_tagmanifest_sha256
         FROM transfer_log
        WHERE action = 'finalize' AND bundle_id = ? AND json_valid(summary)
          AND json_extract(summary, '$.accept_id') = ? AND json_extract(summary, '$.receipt_sha256') = ?
          AND coalesce(json_extract(summary, '$.archive_id'), ?) = ?
        ORDER BY json_extract(summary, '$.archive_id') IS NULL, seq DESC LIMIT 1`,
    )
    .get(a.bundleId, a.acceptId, a.receiptSha256, a.archiveId, a.archiveId) as FinalizeEntry | undefined;
}

/** The undo of the finalize logged as `seq`, if there is one. */
function findUndo(db: Db, finalizeSeq: number): { at: string } | undefined {
  return db
    .prepare(`SELECT at FROM transfer_log WHERE action = 'finalize_undo' AND json_valid(summary) AND json_extract(summary, '$.finalize.seq') = ? LIMIT 1`)
    .get(finalizeSeq) as { at: string } | undefined;
}

const tableName = (t: string): TableName => {
  if (!(t in TABLES)) throw new BugError(`finalize undo names an unknown table ${t}`);
  return t as TableName;
};
const q = (c: string) => `"${c.replace(/"/g, '')}"`;

/** Puts one archived row back: at its old rowid when that is free. Returns why it cannot, or undefined when it went in. */
type RestoreRow = (table: string, row: Record<string, unknown>, rowid: number | undefined) => string | undefined;

function rowRestorer(db: Db): RestoreRow {
  const per = new Map<string, (row: Record<string, unknown>, rowid: number | undefined) => string | undefined>();
  const make = (table: string) => {
    const T = tableName(table);
    const names = columnNames(TABLES[T]);
    const cols = names.map(q).join(', ');
    const marks = names.map(() => '?').join(', ');
    const insert = db.prepare(`INSERT INTO ${T} (rowid, ${cols}) VALUES (?, ${marks})`);
    const rowidTaken = db.prepare(`SELECT 1 FROM ${T} WHERE rowid = ?`).pluck();
    const idTaken = hasId(TABLES[T]) ? db.prepare(`SELECT 1 FROM ${T} WHERE id = ?`).pluck() : undefined;
    const uniques = (TABLES[T].unique ?? []).map((u) => ({
      u,
      stmt: db.prepare(`SELECT 1 FROM ${T} WHERE ${u.map((c) => `${q(c)} = ?`).join(' AND ')}`).pluck(),
    }));
    return (row: Record<string, unknown>, rowid: number | undefined) => {
      if (idTaken && idTaken.get(row.id)) return `${T} ${String(row.id)}: the id is taken by a row made since`;
      for (const { u, stmt } of uniques) {
        const v = u.map((c) => row[c] ?? null);
        if (!v.includes(null) && stmt.get(...v)) return `${T} ${u.map((c, i) => `${c}=${String(v[i])}`).join(', ')}: taken by a row made since`;
      }
      // A rowid reused by a row made since: the row goes in at a new place (same values, another row order).
      const at = rowid !== undefined && Number.isSafeInteger(rowid) && !rowidTaken.get(rowid) ? rowid : null;
      insert.run(at, ...names.map((n) => (row[n] ?? null) as string | null));
      return undefined;
    };
  };
  return (table, row, rowid) => {
    let f = per.get(table);
    if (!f) per.set(table, (f = make(table)));
    return f(row, rowid);
  };
}

/** Sets a cut reference back. Returns why it cannot, or undefined. */
function referenceRestorer(db: Db): (r: DetachedReference) => string | undefined {
  const per = new Map<string, { get: Statement; set: Statement }>();
  return (r) => {
    const T = tableName(r.table);
    if (!columnNames(TABLES[T]).includes(r.column)) throw new BugError(`finalize undo: ${r.table} has no column ${r.column}`);
    const key = `${T}.${r.column}`;
    let s = per.get(key);
    if (!s) {
      s = {
        get: db.prepare(`SELECT ${q(r.column)} AS v FROM ${T} WHERE id = ?`),
        set: db.prepare(`UPDATE ${T} SET ${q(r.column)} = ? WHERE id = ?`),
      };
      per.set(key, s);
    }
    const now = s.get.get(r.id) as { v: string | null } | undefined;
    if (!now) return `${T} ${r.id}: its ${r.column} cannot be set back to ${r.value}, the row is gone`;
    if (now.v !== null && now.v !== r.value) return `${T} ${r.id}: its ${r.column} was set to ${now.v} since; finalize had cut ${r.value}`;
    s.set.run(r.value, r.id);
    return undefined;
  };
}

/** Puts a letter document back (at its old rowid when free) unless the installation holds it (same bytes). Returns why it cannot, or whether it went in. */
function documentRestorer(db: Db): (d: { path: string; sha256: string; size: number; content: Buffer; place?: number }) => string | boolean {
  const get = db.prepare(`SELECT sha256 FROM documents WHERE path = ?`).pluck();
  const rowidTaken = db.prepare(`SELECT 1 FROM documents WHERE rowid = ?`).pluck();
  const ins = db.prepare(`INSERT INTO documents (rowid, path, sha256, size, content) VALUES (?, ?, ?, ?, ?)`);
  return (d) => {
    const now = get.get(d.path) as string | undefined;
    if (now === d.sha256) return false;
    if (now !== undefined) return `document ${d.path}: another document (sha256 ${now}) is there now`;
    const at = d.place !== undefined && Number.isSafeInteger(d.place) && !rowidTaken.get(d.place) ? d.place : null;
    ins.run(at, d.path, d.sha256, d.size, d.content);
    return true;
  };
}

/** L3: the bundle counts as finalized while any finalize of it stands (not undone); the earliest one's time. */
function refreshFinalized(db: Db, bundleId: string): void {
  db.prepare(
    `UPDATE export_ledger SET finalized_at = (
       SELECT min(t.at) FROM transfer_log t WHERE t.action = 'finalize' AND t.bundle_id = export_ledger.bundle_id
          AND NOT EXISTS (SELECT 1 FROM transfer_log u WHERE u.action = 'finalize_undo' AND json_valid(u.summary)
                          AND json_extract(u.summary, '$.finalize.seq') = t.seq))
     WHERE bundle_id = ?`,
  ).run(bundleId);
}

function logUndo(db: Db, e: { at: string; bundleId: string; officeId: string; userId: string; summary: object }): void {
  db.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary, receipt) VALUES (?, 'finalize_undo', ?, ?, ?, ?, NULL)`).run(
    e.at,
    e.bundleId,
    e.officeId,
    e.userId,
    JSON.stringify(e.summary),
  );
}

/** Rows left naming a missing record (a foreign key the plan does not cover): a bug, reported before commit. */
export function danglingReferences(db: Db): { table: string; parent: string; n: number }[] {
  const rows = db.pragma('foreign_key_check') as { table: string; parent: string }[];
  const by = new Map<string, { table: string; parent: string; n: number }>();
  for (const r of rows) {
    const k = `${r.table}>${r.parent}`;
    const e = by.get(k) ?? { table: r.table, parent: r.parent, n: 0 };
    e.n++;
    by.set(k, e);
  }
  return [...by.values()];
}

/** One undo's writes; the restorers keep their prepared statements for the session. */
export class SqliteFinalizeUndoSession implements FinalizeUndoSession {
  private putRow: RestoreRow | undefined;
  private setBack: ((r: DetachedReference) => string | undefined) | undefined;
  private putDocument: ((d: { path: string; sha256: string; size: number; content: Buffer; place?: number }) => string | boolean) | undefined;

  constructor(private readonly db: Db) {}

  async findUndo(finalizeSeq: number): Promise<{ at: string } | undefined> {
    return findUndo(this.db, finalizeSeq);
  }

  async restoreRows(table: string, rows: readonly { row: Record<string, unknown>; place: number | undefined }[]): Promise<(string | undefined)[]> {
    const put = (this.putRow ??= rowRestorer(this.db));
    return rows.map((r) => put(table, r.row, r.place));
  }

  async restoreReferences(refs: readonly DetachedReference[]): Promise<(string | undefined)[]> {
    const set = (this.setBack ??= referenceRestorer(this.db));
    return refs.map((r) => set(r));
  }

  async restoreDocument(d: { path: string; sha256: string; size: number; content: Buffer; place?: number }): Promise<string | boolean> {
    return (this.putDocument ??= documentRestorer(this.db))(d);
  }

  async danglingReferences(): Promise<{ table: string; parent: string; n: number }[]> {
    return danglingReferences(this.db);
  }

  async logUndo(e: { at: string; bundleId: string; officeId: string; userId: string; summary: object }): Promise<void> {
    logUndo(this.db, e);
  }

  async refreshFinalized(bundleId: string): Promise<void> {
    refreshFinalized(this.db, bundleId);
  }
}
