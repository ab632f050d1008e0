// @ts-nocheck
// The SQL behind finalize (M1-M4) on PostgreSQL (G2), as ../sqlite/finalize-store.ts:
// the receipt's confirmed refs go into a TEMP table, each plan step selects
// whole sets of rows into TEMP removal tables (rowid + travelled flag), archive
// rows are read through server-side cursors from those sets and handed out in
// batches (a row's place is its rowid), then deletes and detaches run
// set-based. No row set is held in memory. The TEMP tables are created inside
// the session's transaction and dropped before it ends (a rollback drops them
// too). Summaries in the transfer log are JSON officeport wrote (JSON.stringify),
// read as jsonb.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { ConfirmedRef, FinalizeCounts, LedgerEntry, Owner, Step } from '../../domain/finalize-rules.js';
import { removalTables, touchedTables } from '../../domain/finalize-rules.js';
import { BugError, unreachable } from '../../shared/errors.js';
import type { Db } from './db.js';
import { inTransactionAsync } from './transaction.js';
import type {
  DetachedReference,
  FinalizeActor,
  FinalizeEntry,
  FinalizeRecords,
  FinalizeSelection,
  FinalizeSession,
  FinalizeStore,
  FinalizeUndoSession,
  RemovedDocument,
  RemovedRow,
} from '../port.js';
import type { Right } from '../../domain/model/tables.js';
import { installationId, requireOffice, requireRights, requireUser } from './offices.js';
import { PgFinalizeUndoSession, danglingReferences, findFinalizeOfArchive } from './finalize-undo-store.js';
import { TABLES, columnNames, hasId, type TableName } from '../../domain/model/tables.js';

interface FinalizeScope {
  officeId: string;
  sessionId: string;
}

function readLedger(db: Db, bundleId: string): LedgerEntry | undefined {
  return db
    .prepare(`SELECT bundle_id, session_id, office_id, tagmanifest_sha256, finalized_at, receipt_key FROM export_ledger WHERE bundle_id = ?`)
    .get(bundleId) as LedgerEntry | undefined;
}

/** L3: a finalize undone by `finalize undo` (its transfer log entry's seq is named by an undo entry). */
const NOT_UNDONE = `NOT EXISTS (SELECT 1 FROM transfer_log u WHERE u.action = 'finalize_undo'
  AND (u.summary::jsonb #> '{finalize,seq}') = to_jsonb(t.seq))`;

/** M4: the transfer log entry of an earlier finalize of this very receipt (same bundle and accept) that was not undone (L3). */
function findFinalize(db: Db, bundleId: string, acceptId: string): { at: string; archive: string | null } | undefined {
  return db
    .prepare(
      `SELECT at, summary::jsonb ->> 'archive' AS archive FROM transfer_log t
        WHERE action = 'finalize' AND bundle_id = ? AND summary::jsonb ->> 'accept_id' = ? AND ${NOT_UNDONE}
        ORDER BY seq LIMIT 1`,
    )
    .get(bundleId, acceptId) as { at: string; archive: string | null } | undefined;
}

/** Whether a committed finalize wrote its retention archive at this (absolute) path. */
function isRecordedArchive(db: Db, file: string): boolean {
  return Boolean(db.prepare(`SELECT 1 FROM transfer_log WHERE action = 'finalize' AND summary::jsonb ->> 'archive' = ? LIMIT 1`).get(file));
}

/** Finalizes logged so far, undone ones included: of this bundle, and of this very receipt (an undone one, L3). */
function countFinalizes(db: Db, bundleId: string, acceptId: string): { bundle: number; receipt: number } {
  return db
    .prepare(
      `SELECT count(*) AS bundle, count(*) FILTER (WHERE summary::jsonb ->> 'accept_id' = ?) AS receipt
         FROM transfer_log WHERE action = 'finalize' AND bundle_id = ?`,
    )
    .get(acceptId, bundleId) as { bundle: number; receipt: number };
}

/** L2: the moved contacts selected by selectRemovals, in row order. */
function listMovedContacts(db: Db): { id: string; kind: string; first_name: string | null; last_name: string | null; business_name: string | null }[] {
  return db
    .prepare(`SELECT c.id, c.kind, c.first_name, c.last_name, c.business_name FROM contacts c JOIN pg_temp.fin_moved m ON m.id = c.id ORDER BY c.rowid`)
    .all() as { id: string; kind: string; first_name: string | null; last_name: string | null; business_name: string | null }[];
}

const tableName = (t: string): TableName => {
  if (!(t in TABLES)) throw new BugError(`finalize plan names an unknown table ${t}`);
  return t as TableName;
};
const rm = (t: string) => `pg_temp.fin_rm_${tableName(t)}`;
const q = (c: string) => `"${c.replace(/"/g, '')}"`;
const MOVED = `(SELECT id FROM pg_temp.fin_moved)`;
const EXPORTED = `(SELECT contact_id FROM export_session_contacts WHERE session_id = @session AND office_id = @office)`;
/** The TEMP tables' text is compared and ordered by bytes, as the installation's (schema.ts). */
const TEXT = 'text COLLATE "C"';

/** Creates the TEMP tables. Call inside the finalize transaction. */
function createFinalizeTables(db: Db, plan: readonly Step[]): void {
  db.exec(`DROP TABLE IF EXISTS pg_temp.fin_refs; DROP TABLE IF EXISTS pg_temp.fin_moved`);
  db.exec(`CREATE TEMP TABLE fin_refs (prefix ${TEXT} NOT NULL, id ${TEXT} NOT NULL, PRIMARY KEY (prefix, id))`);
  db.exec(`CREATE TEMP TABLE fin_moved (id ${TEXT} PRIMARY KEY)`);
  for (const t of touchedTables(plan)) {
    db.exec(`DROP TABLE IF EXISTS ${rm(t)}; CREATE TEMP TABLE fin_rm_${tableName(t)} (rid bigint PRIMARY KEY, travelled integer NOT NULL)`);
  }
}

function ownerCondition(owner: Owner): string {
  if (!owner.via) return `t.${q(owner.column)} IN ${EXPORTED}`;
  const v = owner.via;
  return `t.${q(owner.column)} IN (SELECT p.id FROM ${tableName(v.table)} p WHERE p.office_id = @office AND p.${q(v.column)} IN ${EXPORTED})`;
}

function stepSql(s: Step): string | undefined {
  const T = tableName(s.table);
  switch (s.op) {
    case 'travelled': {
      const office = TABLES[T].columns.some((c) => c.name === 'office_id') ? `AND t.office_id = @office` : '';
      return `INSERT INTO ${rm(T)} (rid, travelled)
              SELECT t.rowid, 1 FROM ${T} t JOIN pg_temp.fin_refs r ON r.prefix = '${s.prefix}' AND r.id = t.id
               WHERE ${ownerCondition(s.owner)} ${office}
              ON CONFLICT DO NOTHING`;
    }
    case 'with_contact': {
      const named = s.columns.map((c) => `t.${q(c)} IN ${MOVED}`).join(' OR ');
      const only = s.onlyIfNamedBy
        ? `AND t.id IN (SELECT ${q(s.onlyIfNamedBy.column)} FROM ${tableName(s.onlyIfNamedBy.table)} WHERE ${q(s.onlyIfNamedBy.column)} IS NOT NULL)`
        : '';
      return `INSERT INTO ${rm(T)} (rid, travelled) SELECT t.rowid, 0 FROM ${T} t WHERE (${named}) ${only} ON CONFLICT DO NOTHING`;
    }
    case 'with_parent': {
      const P = tableName(s.parent);
      return `INSERT INTO ${rm(T)} (rid, travelled)
              SELECT t.rowid, ${s.withParent ? 'r.travelled' : '0'} FROM ${T} t
                JOIN ${P} p ON p.id = t.${q(s.column)} JOIN ${rm(P)} r ON r.rid = p.rowid
              ON CONFLICT DO NOTHING`;
    }
    case 'detach':
      return undefined;
    default:
      return unreachable(s, 'finalize step');
  }
}

/** Runs the plan's selections into the TEMP removal tables; returns what would be removed and detached. */
function selectRemovals(db: Db, plan: readonly Step[], scope: FinalizeScope): FinalizeCounts {
  const params = { office: scope.officeId, session: scope.sessionId };
  for (const s of plan) {
    const sql = stepSql(s);
    if (!sql) continue;
    const stmt = db.prepare(sql);
    if (sql.includes('@office') || sql.includes('@session')) stmt.run(params);
    else stmt.run();
    if (s.op === 'travelled' && s.table === 'contacts') {
      db.exec(`INSERT INTO pg_temp.fin_moved (id) SELECT c.id FROM contacts c JOIN pg_temp.fin_rm_contacts r ON r.rid = c.rowid ON CONFLICT DO NOTHING`);
    }
  }
  return countRemovals(db, plan);
}

/** L2: a digest of exactly which rows the selection removes (and which contacts move), to check that what was confirmed is what goes. */
function selectionDigest(db: Db, plan: readonly Step[]): string {
  const h = crypto.createHash('sha256');
  for (const t of removalTables(plan)) {
    h.update(`\n${t}:`);
    for (const [rid, travelled] of db
      .prepare(`SELECT rid, travelled FROM ${rm(t)} ORDER BY rid`)
      .raw(true)
      .iterate() as Iterable<[number, number]>) {
      h.update(`${rid}.${travelled},`);
    }
  }
  h.update('\nmoved:');
  for (const id of db.prepare(`SELECT id FROM pg_temp.fin_moved ORDER BY id`).pluck().iterate() as Iterable<string>) h.update(`${id}\u0000`);
  return h.digest('hex');
}

function countRemovals(db: Db, plan: readonly Step[]): FinalizeCounts {
  const counts: FinalizeCounts = { travelled: {}, not_travelled: {}, detached: {}, documents: 0 };
  for (const t of removalTables(plan)) {
    const rows = db.prepare(`SELECT travelled, count(*) AS n FROM ${rm(t)} GROUP BY travelled`).all() as { travelled: number; n: number }[];
    for (const r of rows) (r.travelled ? counts.travelled : counts.not_travelled)[t] = r.n;
  }
  for (const s of plan) {
    if (s.op !== 'detach') continue;
    const n = (db.prepare(`SELECT count(*) AS n FROM ${detachedWhere(s)}`).get() as { n: number }).n;
    if (n > 0) counts.detached[`${s.table}.${s.column}`] = n;
  }
  counts.documents = (db.prepare(`SELECT count(*) AS n FROM documents d WHERE ${orphanedDocument}`).get() as { n: number }).n;
  return counts;
}

function detachedWhere(s: Extract<Step, { op: 'detach' }>): string {
  const T = tableName(s.table);
  return `${T} t WHERE t.${q(s.column)} IN ${MOVED} AND t.rowid NOT IN (SELECT rid FROM ${rm(T)})`;
}

const REMOVED_LETTER_DOCS = `(SELECT l.document FROM letters l JOIN pg_temp.fin_rm_letters r ON r.rid = l.rowid WHERE l.document IS NOT NULL)`;
const orphanedDocument = `d.path IN ${REMOVED_LETTER_DOCS} AND d.path NOT IN
  (SELECT l.document FROM letters l WHERE l.document IS NOT NULL AND l.rowid NOT IN (SELECT rid FROM pg_temp.fin_rm_letters))`;

/** Full CSV rows (every column, as stored) removed from `table`, travelled or not, in rowid order, each with its rowid (L3: undo puts it back in place). */
function* iterateRemoved(db: Db, table: string, travelled: boolean): Generator<RemovedRow> {
  const T = tableName(table);
  const names = columnNames(TABLES[T]);
  const cols = names.map((c) => `t.${q(c)}`).join(', ');
  const stmt = db.prepare(`SELECT t.rowid, ${cols} FROM ${T} t JOIN ${rm(T)} r ON r.rid = t.rowid WHERE r.travelled = ? ORDER BY t.rowid`).raw(true);
  for (const v of stmt.iterate(travelled ? 1 : 0) as Iterable<(string | number | null)[]>) {
    const row: Record<string, string | null> = {};
    names.forEach((n, i) => (row[n] = v[i + 1] as string | null));
    yield { row, place: v[0] as number };
  }
}

/** References of staying rows to moved contacts, as they are before they are cut. */
function* iterateDetached(db: Db, plan: readonly Step[]): Generator<DetachedReference> {
  for (const s of plan) {
    if (s.op !== 'detach') continue;
    if (!hasId(TABLES[tableName(s.table)])) throw new BugError(`finalize can only detach rows with an id (${s.table})`);
    const stmt = db.prepare(`SELECT t.id AS id, t.${q(s.column)} AS value FROM ${detachedWhere(s)} ORDER BY t.rowid`);
    for (const r of stmt.iterate() as Iterable<{ id: string; value: string }>) {
      yield { table: s.table, id: r.id, column: s.column, value: r.value };
    }
  }
}

/** Documents named by removed letters (all of them, so the archive stands alone). */
function iterateRemovedDocuments(db: Db): IterableIterator<RemovedDocument> {
  return db
    .prepare(`SELECT path, sha256, size, content, rowid AS place FROM documents WHERE path IN ${REMOVED_LETTER_DOCS} ORDER BY path`)
    .iterate() as IterableIterator<RemovedDocument>;
}

/** Applies the selected removals and detaches. Detaches first: they only touch rows that stay. */
function applyRemovals(db: Db, plan: readonly Step[]): void {
  for (const s of plan) {
    if (s.op !== 'detach') continue;
    const T = tableName(s.table);
    db.prepare(`UPDATE ${T} SET ${q(s.column)} = NULL WHERE ${q(s.column)} IN ${MOVED} AND rowid NOT IN (SELECT rid FROM ${rm(T)})`).run();
  }
  db.prepare(`DELETE FROM documents WHERE path IN (SELECT d.path FROM documents d WHERE ${orphanedDocument})`).run();
  // Children before parents, so that no statement sees a half-removed owner.
  for (const t of removalTables(plan).reverse()) {
    db.prepare(`DELETE FROM ${tableName(t)} WHERE rowid IN (SELECT rid FROM ${rm(t)})`).run();
  }
}

function markFinalized(db: Db, bundleId: string, at: string): void {
  db.prepare(`UPDATE export_ledger SET finalized_at = COALESCE(finalized_at, ?) WHERE bundle_id = ?`).run(at, bundleId);
}

function logFinalize(db: Db, e: { at: string; bundleId: string; officeId: string; userId: string; summary: object; receipt: string }): void {
  db.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary, receipt) VALUES (?, 'finalize', ?, ?, ?, ?, ?)`).run(
    e.at,
    e.bundleId,
    e.officeId,
    e.userId,
    JSON.stringify(e.summary),
    e.receipt,
  );
}

function dropTempTables(db: Db, plan: readonly Step[]): void {
  for (const t of touchedTables(plan)) db.exec(`DROP TABLE IF EXISTS ${rm(t)}`);
  db.exec(`DROP TABLE IF EXISTS pg_temp.fin_refs; DROP TABLE IF EXISTS pg_temp.fin_moved`);
}

/** The ids a bundle held, pack by pack, for one prefix at a time (finalize loads them into a TEMP table). */
function* heldRefPacks(db: Db, bundleId: string): Generator<{ prefix: string; ids: string[] }> {
  // one pack at a time, no statement left open: the caller writes between packs
  const keys = db.prepare(`SELECT prefix, seq FROM export_bundle_refs WHERE bundle_id = ? ORDER BY prefix, seq`).all(bundleId) as {
    prefix: string;
    seq: number;
  }[];
  const pack = db.prepare(`SELECT ids FROM export_bundle_refs WHERE bundle_id = ? AND prefix = ? AND seq = ?`).pluck();
  for (const k of keys) {
    const ids = pack.get(bundleId, k.prefix, k.seq) as Buffer;
    yield { prefix: k.prefix, ids: zlib.gunzipSync(ids).toString('utf8').split('\n') };
  }
}

/** Refs go into a TEMP table this many per statement (two array parameters). */
const REF_BATCH = 5000;

/** Inserts (prefix, id) pairs into a TEMP table of refs, a batch per statement; duplicates are ignored. */
function insertRefs(db: Db, table: 'fin_refs' | 'fin_held', refs: readonly { prefix: string; id: string }[]): void {
  const ins = db.prepare(`INSERT INTO pg_temp.${table} (prefix, id) SELECT * FROM unnest(?::text[], ?::text[]) ON CONFLICT DO NOTHING`);
  for (let i = 0; i < refs.length; i += REF_BATCH) {
    const part = refs.slice(i, i + REF_BATCH);
    ins.run(
      part.map((r) => r.prefix),
      part.map((r) => r.id),
    );
  }
}

/**
 * L4: the confirmed refs of the receipt (fin_refs) that the bundle did not
 * hold, by the refs the export kept in its ledger; the first `limit` and how many.
 */
function refsNotHeld(db: Db, bundleId: string, limit = 20): { refs: string[]; total: number } {
  db.exec(`DROP TABLE IF EXISTS pg_temp.fin_held; CREATE TEMP TABLE fin_held (prefix ${TEXT} NOT NULL, id ${TEXT} NOT NULL, PRIMARY KEY (prefix, id))`);
  for (const pack of heldRefPacks(db, bundleId)) {
    insertRefs(
      db,
      'fin_held',
      pack.ids.map((id) => ({ prefix: pack.prefix, id })),
    );
  }
  const missing = `FROM pg_temp.fin_refs r WHERE NOT EXISTS (SELECT 1 FROM pg_temp.fin_held h WHERE h.prefix = r.prefix AND h.id = r.id)`;
  const total = db.prepare(`SELECT count(*) ${missing}`).pluck().get() as number;
  const refs = db.prepare(`SELECT r.prefix || '/' || r.id ${missing} ORDER BY r.prefix, r.id LIMIT ?`).pluck().all(limit) as string[];
  db.exec(`DROP TABLE pg_temp.fin_held`);
  return { refs, total };
}

/** L4: the state of an accept of this installation, for a receipt whose target is this installation. */
function acceptState(db: Db, acceptId: string): 'live' | 'undone' | 'unknown' {
  const r = db.prepare(`SELECT undone_at FROM import_accepts WHERE accept_id = ?`).get(acceptId) as { undone_at: string | null } | undefined;
  if (!r) return 'unknown';
  return r.undone_at === null ? 'live' : 'undone';
}

// ---------------------------------------------------------------- the port

/** Rows of archive files go to the feature in batches of this many. */
const BATCH = 1000;

/** The ledger and transfer log reads, the same in and out of a session. */
class PgFinalizeRecords implements FinalizeRecords {
  constructor(protected readonly db: Db) {}

  async ledger(bundleId: string): Promise<LedgerEntry | undefined> {
    return readLedger(this.db, bundleId);
  }

  async acceptState(acceptId: string): Promise<'live' | 'undone' | 'unknown'> {
    return acceptState(this.db, acceptId);
  }

  async isRecordedArchive(file: string): Promise<boolean> {
    return isRecordedArchive(this.db, file);
  }

  async standingFinalize(bundleId: string, acceptId: string): Promise<{ at: string; archive: string | null } | undefined> {
    return findFinalize(this.db, bundleId, acceptId);
  }

  async countFinalizes(bundleId: string, acceptId: string): Promise<{ bundle: number; receipt: number }> {
    return countFinalizes(this.db, bundleId, acceptId);
  }
}

export class PgFinalizeStore extends PgFinalizeRecords implements FinalizeStore {
  async actor(office: string, user: string, rights: readonly Right[], what: string): Promise<FinalizeActor> {
    const o = requireOffice(this.db, office);
    const u = requireUser(this.db, o, user);
    requireRights(u, o, rights, what);
    return { office: { id: o.id, name: o.name }, user: { id: u.id, username: u.username } };
  }

  async installation(): Promise<{ id: string; name: string }> {
    const id = installationId(this.db);
    const name = (this.db.prepare(`SELECT name FROM installation LIMIT 1`).get() as { name: string } | undefined)?.name ?? '';
    return { id, name };
  }

  async preview<T>(read: (s: FinalizeSelection) => Promise<T>): Promise<T> {
    const { db } = this;
    return inTransactionAsync(
      db,
      async () => {
        const s = new PgFinalizeSession(db);
        const r = await read(s);
        s.dropSelection();
        return r;
      },
      'look',
    );
  }

  async finalize<T>(work: (s: FinalizeSession) => Promise<T>): Promise<T> {
    const { db } = this;
    return inTransactionAsync(db, async () => {
      const s = new PgFinalizeSession(db);
      const r = await work(s);
      s.dropSelection();
      return r;
    });
  }

  async findFinalizeOfArchive(a: { bundleId: string; acceptId: string; receiptSha256: string; archiveId: string }): Promise<FinalizeEntry | undefined> {
    return findFinalizeOfArchive(this.db, a);
  }

  async undo<T>(work: (s: FinalizeUndoSession) => Promise<T>): Promise<T> {
    return inTransactionAsync(this.db, () => work(new PgFinalizeUndoSession(this.db)));
  }
}

/** A finalize's selection lives in TEMP tables of the session's transaction. */
class PgFinalizeSession extends PgFinalizeRecords implements FinalizeSession {
  private plan: readonly Step[] | undefined;

  private selection(): readonly Step[] {
    if (!this.plan) throw new BugError('finalize: no selection was started');
    return this.plan;
  }

  async startSelection(plan: readonly Step[]): Promise<void> {
    createFinalizeTables(this.db, plan);
    this.plan = plan;
  }

  async addConfirmed(refs: readonly ConfirmedRef[]): Promise<void> {
    this.selection();
    insertRefs(this.db, 'fin_refs', refs);
  }

  async refsNotHeld(bundleId: string, limit: number): Promise<{ refs: string[]; total: number }> {
    return refsNotHeld(this.db, bundleId, limit);
  }

  async select(scope: { officeId: string; sessionId: string }): Promise<FinalizeCounts> {
    return selectRemovals(this.db, this.selection(), scope);
  }

  async movedContacts(): Promise<{ id: string; kind: string; first_name: string | null; last_name: string | null; business_name: string | null }[]> {
    return listMovedContacts(this.db);
  }

  async selectionDigest(): Promise<string> {
    return selectionDigest(this.db, this.selection());
  }

  async *removedRows(table: string, travelled: boolean): AsyncIterable<RemovedRow[]> {
    yield* batches(iterateRemoved(this.db, table, travelled));
  }

  async *detachedReferences(): AsyncIterable<DetachedReference[]> {
    yield* batches(iterateDetached(this.db, this.selection()));
  }

  async *removedDocuments(): AsyncIterable<RemovedDocument> {
    yield* iterateRemovedDocuments(this.db);
  }

  async remove(): Promise<void> {
    applyRemovals(this.db, this.selection());
  }

  async danglingReferences(): Promise<{ table: string; parent: string; n: number }[]> {
    return danglingReferences(this.db);
  }

  async markFinalized(bundleId: string, at: string): Promise<void> {
    markFinalized(this.db, bundleId, at);
  }

  async logFinalize(e: { at: string; bundleId: string; officeId: string; userId: string; summary: object; receipt: string }): Promise<void> {
    logFinalize(this.db, e);
  }

  /** Forgets the selection (its TEMP tables) before the transaction ends. */
  dropSelection(): void {
    if (this.plan) dropTempTables(this.db, this.plan);
    this.plan = undefined;
  }
}

function* batches<T>(rows: Iterable<T>): Generator<T[]> {
  let batch: T[] = [];
  for (const r of rows) {
    batch.push(r);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
