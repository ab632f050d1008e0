// @ts-nocheck
// The SQL behind `finalize undo` (L3) on PostgreSQL (G2), as
// ../sqlite/finalize-undo-store.ts: which finalize wrote an archive, whether it
// was undone, and putting rows, cut references and documents back (the caller
// streams them from the archive in batches inside one transaction; a row's
// place is the rowid it had, written back explicitly into the rowid column).
import { BugError } from '../../shared/errors.js';
import type { Db } from './db.js';
import type { PgStatement } from './connection.js';
import { PgError } from './connection.js';
import type { DetachedReference, FinalizeEntry, FinalizeUndoSession } from '../port.js';
import { TABLES, TABLE_NAMES, columnNames, hasId, type TableName } from '../../domain/model/tables.js';

/**
 * The finalize of this receipt (bundle, accept, receipt hash) that wrote the
 * archive: the one that recorded its archive id, else (a finalize logged before
 * archive ids were recorded) the one that recorded none.
 */
export function findFinalizeOfArchive(db: Db, a: { bundleId: string; acceptId: string; receiptSha256: string; archiveId: string }): FinalizeEntry | undefined {
  return db
    .prepare(
      `SELECT seq, at, office_id, summary::jsonb ->> 'archive' AS archive, summary::jsonb ->> 'archive_id' AS archive_id,
              summary::jsonb ->> 'archive_tagmanifest_sha256' AS archive_tagmanifest_sha256
         FROM transfer_log
        WHERE action = 'finalize' AND bundle_id = ?
          AND summary::jsonb ->> 'accept_id' = ? AND summary::jsonb ->> 'receipt_sha256' = ?
          AND coalesce(summary::jsonb ->> 'archive_id', ?::text) = ?
        ORDER BY (summary::jsonb ->> 'archive_id') IS NULL, seq DESC LIMIT 1`,
    )
    .get(a.bundleId, a.acceptId, a.receiptSha256, a.archiveId, a.archiveId) as FinalizeEntry | undefined;
}

/** The undo of the finalize logged as `seq`, if there is one. */
function findUndo(db: Db, finalizeSeq: number): { at: string } | undefined {
  return db
    .prepare(`SELECT at FROM transfer_log WHERE action = 'finalize_undo' AND (summary::jsonb #> '{finalize,seq}') = to_jsonb(?::bigint) ORDER BY seq LIMIT 1`)
    .get(finalizeSeq) as { at: string } | undefined;
}

const tableName = (t: string): TableName => {
  if (!(t in TABLES)) throw new BugError(`finalize undo names an unknown table ${t}`);
  return t as TableName;
};
const q = (c: string) => `"${c.replace(/"/g, '')}"`;

/**
 * Puts a batch of archived rows of one table back, each at its old rowid when
 * that is free. Returns, per row, why it cannot go back (nothing put in), or
 * undefined when it went in. The rows of an archive stood in the table
 * together, so no two of a batch can take each other's id or place: each
 * check is one statement for the whole batch, and the rows that may go back go
 * in one INSERT (the round trip per row is what costs on a server).
 */
type RestoreRows = (table: string, rows: readonly { row: Record<string, unknown>; place: number | undefined }[]) => (string | undefined)[];

const text = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));
const tupleKey = (v: readonly (string | null)[]) => JSON.stringify(v);

function rowRestorer(db: Db): RestoreRows {
  const per = new Map<string, (rows: readonly { row: Record<string, unknown>; place: number | undefined }[]) => (string | undefined)[]>();
  const make = (table: string) => {
    const T = tableName(table);
    const names = columnNames(TABLES[T]);
    const cols = names.map(q).join(', ');
    const arrays = names.map(() => '?::text[]').join(', ');
    // rowid is NOT NULL with a default: a row that cannot have its old place takes the next one, in the batch's order (unnest's)
    const insert = db.prepare(
      `INSERT INTO ${T} (rowid, ${cols})
       SELECT coalesce(u.r, nextval(pg_get_serial_sequence('${T}', 'rowid'))), ${names.map((_, i) => `u.c${i}`).join(', ')}
         FROM unnest(?::bigint[], ${arrays}) AS u(r, ${names.map((_, i) => `c${i}`).join(', ')})`,
    );
    const rowidsTaken = db.prepare(`SELECT rowid FROM ${T} WHERE rowid = ANY(?::bigint[])`).pluck();
    const idsTaken = hasId(TABLES[T]) ? db.prepare(`SELECT id FROM ${T} WHERE id = ANY(?::text[])`).pluck() : undefined;
    const uniques = (TABLES[T].unique ?? []).map((u) => ({
      u,
      stmt: db
        .prepare(
          `SELECT ${u.map((c) => `t.${q(c)}`).join(', ')} FROM ${T} t
             JOIN unnest(${u.map(() => '?::text[]').join(', ')}) AS v(${u.map((_, i) => `v${i}`).join(', ')})
               ON ${u.map((c, i) => `t.${q(c)} = v.v${i}`).join(' AND ')}`,
        )
        .raw(true),
    }));
    return (rows: readonly { row: Record<string, unknown>; place: number | undefined }[]): (string | undefined)[] => {
      const why: (string | undefined)[] = rows.map(() => undefined);
      if (idsTaken) {
        const taken = new Set(idsTaken.all([rows.map((r) => text(r.row.id))]) as string[]);
        rows.forEach((r, i) => {
          if (taken.has(text(r.row.id)!)) why[i] = `${T} ${String(r.row.id)}: the id is taken by a row made since`;
        });
      }
      for (const { u, stmt } of uniques) {
        const values = rows.map((r) => u.map((c) => text(r.row[c])));
        const taken = new Set((stmt.all(u.map((_, k) => values.map((v) => v[k]))) as (string | null)[][]).map(tupleKey));
        values.forEach((v, i) => {
          if (why[i] === undefined && !v.includes(null) && taken.has(tupleKey(v))) {
            why[i] = `${T} ${u.map((c, k) => `${c}=${String(v[k])}`).join(', ')}: taken by a row made since`;
          }
        });
      }
      const going = rows.filter((_, i) => why[i] === undefined);
      if (going.length === 0) return why;
      // A rowid reused by a row made since: the row goes in at a new place (same values, another row order).
      const wanted = going.map((r) => (r.place !== undefined && Number.isSafeInteger(r.place) ? r.place : null));
      const busy = new Set(rowidsTaken.all([wanted.filter((p) => p !== null)]) as number[]);
      // one array per column (a lone array argument would be taken as the parameter list itself)
      insert.run([wanted.map((p) => (p !== null && !busy.has(p) ? p : null)), ...names.map((n) => going.map((r) => text(r.row[n])))]);
      return why;
    };
  };
  return (table, rows) => {
    let f = per.get(table);
    if (!f) per.set(table, (f = make(table)));
    return f(rows);
  };
}

/** Sets a cut reference back. Returns why it cannot, or undefined. */
function referenceRestorer(db: Db): (r: DetachedReference) => string | undefined {
  const per = new Map<string, { get: PgStatement; set: PgStatement }>();
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
  const insAt = db.prepare(`INSERT INTO documents (rowid, path, sha256, size, content) VALUES (?, ?, ?, ?, ?)`);
  const ins = db.prepare(`INSERT INTO documents (path, sha256, size, content) VALUES (?, ?, ?, ?)`);
  return (d) => {
    const now = get.get(d.path) as string | undefined;
    if (now === d.sha256) return false;
    if (now !== undefined) return `document ${d.path}: another document (sha256 ${now}) is there now`;
    if (d.place !== undefined && Number.isSafeInteger(d.place) && !rowidTaken.get(d.place)) insAt.run(d.place, d.path, d.sha256, d.size, d.content);
    else ins.run(d.path, d.sha256, d.size, d.content);
    return true;
  };
}

/** L3: the bundle counts as finalized while any finalize of it stands (not undone); the earliest one's time. */
function refreshFinalized(db: Db, bundleId: string): void {
  db.prepare(
    `UPDATE export_ledger SET finalized_at = (
       SELECT min(t.at) FROM transfer_log t WHERE t.action = 'finalize' AND t.bundle_id = export_ledger.bundle_id
          AND NOT EXISTS (SELECT 1 FROM transfer_log u WHERE u.action = 'finalize_undo'
                          AND (u.summary::jsonb #> '{finalize,seq}') = to_jsonb(t.seq)))
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

/** Every foreign key of the installation: a table, its column, the table it names (schema.ts makes one per declared reference). */
const FOREIGN_KEYS = TABLE_NAMES.flatMap((t) => TABLES[t].columns.filter((c) => c.ref).map((c) => ({ table: t, column: c.name, parent: c.ref! })));

/**
 * Rows left naming a missing record (a foreign key the plan does not cover): a
 * bug, reported before commit. The foreign keys are deferred to the commit;
 * checking them now (SET CONSTRAINTS ALL IMMEDIATE, in a savepoint) looks only
 * at the rows this transaction changed; when that finds one, every key is
 * counted as SQLite's foreign_key_check counts them (a row per key it breaks).
 */
export function danglingReferences(db: Db): { table: string; parent: string; n: number }[] {
  db.begin();
  try {
    db.exec('SET CONSTRAINTS ALL IMMEDIATE');
    db.exec('SET CONSTRAINTS ALL DEFERRED');
    db.commit();
    return [];
  } catch (e) {
    db.rollback();
    if (!(e instanceof PgError) || e.code !== '23503') throw e;
  }
  db.exec('SET CONSTRAINTS ALL DEFERRED');
  const by = new Map<string, { table: string; parent: string; n: number }>();
  for (const k of FOREIGN_KEYS) {
    const n = db
      .prepare(
        `SELECT count(*) FROM ${k.table} t WHERE t.${q(k.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${k.parent} p WHERE p.id = t.${q(k.column)})`,
      )
      .pluck()
      .get() as number;
    if (n === 0) continue;
    const key = `${k.table}>${k.parent}`;
    const e = by.get(key) ?? { table: k.table, parent: k.parent, n: 0 };
    e.n += n;
    by.set(key, e);
  }
  return [...by.values()];
}

/** One undo's writes; the restorers keep their prepared statements for the session. */
export class PgFinalizeUndoSession implements FinalizeUndoSession {
  private putRows: RestoreRows | undefined;
  private setBack: ((r: DetachedReference) => string | undefined) | undefined;
  private putDocument: ((d: { path: string; sha256: string; size: number; content: Buffer; place?: number }) => string | boolean) | undefined;

  constructor(private readonly db: Db) {}

  async findUndo(finalizeSeq: number): Promise<{ at: string } | undefined> {
    return findUndo(this.db, finalizeSeq);
  }

  async restoreRows(table: string, rows: readonly { row: Record<string, unknown>; place: number | undefined }[]): Promise<(string | undefined)[]> {
    return (this.putRows ??= rowRestorer(this.db))(table, rows);
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
