// @ts-nocheck
// The PostgreSQL side of the import port (ImportStore), as ../sqlite/import-port.ts:
// the inbox, the staged bundle of one accept (TEMP tables of this connection,
// import-store.ts and import-stage.ts), its set-based plan (import-plan-set.ts),
// the accept's record and kept receipt (receipt-store.ts), the apply
// (import-apply.ts), and undo from the change log (import-changes.ts).
import type {
  AcceptRecord,
  ApplyScope,
  ConstraintViolation,
  AcceptSelection,
  ImportStaging,
  ImportStore,
  InboxContact,
  InboxEntry,
  KeptAccept,
  KeptReceipt,
  NewInboxEntry,
  PlanLookups,
  PlanOutcomeRow,
  PlanRow,
  PlanRules,
  PlanScope,
  PlanTypeCounts,
  UndoOutcome,
  WaitingEntry,
} from '../port.js';
import type { RecordType } from '../../domain/model/records.js';
import { TABLES, TABLE_NAMES, type TableName } from '../../domain/model/tables.js';
import type { Db } from './db.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, OfficeportError } from '../../shared/errors.js';
import { faultPoint } from '../../shared/fault.js';
import { inTransaction, inTransactionAsync } from './transaction.js';
import { newId } from './ids.js';
import { DISPLAY_NAME_SQL, dropStaging, field, ImportQueries, indexTargetContacts, pages } from './import-store.js';
import { selectStaged, stagedOfType, startStaging } from './import-stage.js';
import { planTypeSet } from './import-plan-set.js';
import { keepReceipt, keptReceiptPieces, receiptsOf } from './receipt-store.js';
import { ChangeLog, changesDesc, columnsOfTable, isIntact, markAccepted, revertChange, type LoggedChange } from './import-changes.js';
import { digest } from './change-keys.js';
import type { Row } from '../../domain/model/row.js';
import { applyPlan } from './import-apply.js';
import { StoreConstraintError } from '../errors.js';
import { PgError } from './connection.js';

/** Thrown inside the undo's transaction to roll it back. */
class Referenced extends Error {
  constructor(readonly outcome: UndoOutcome) {
    super('referenced');
  }
}

/** The advisory lock class of the inbox copies (one lock a copy name), apart from the writer lock. */
const COPY_LOCK = 0x6f71;
const MIB = 1024 * 1024;

/** The chunks of a stream regrouped 1 MiB at a time (the last one shorter): at most about 2 MiB held. */
async function* mebibytes(chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const c of chunks) {
    parts.push(c);
    size += c.length;
    while (size >= MIB) {
      const all = Buffer.concat(parts, size);
      yield all.subarray(0, MIB);
      const rest = Buffer.from(all.subarray(MIB));
      parts = rest.length ? [rest] : [];
      size = rest.length;
    }
  }
  if (size > 0) yield Buffer.concat(parts, size);
}

/** The columns of an inbox entry (U5: not the old content column, which is always empty and would reach --json as a Buffer). */
const INBOX = 'id, bundle_id, office_id, user_id, session_id, source_installation, source_office, tagmanifest_sha256, added_at, status, file';

export class PgImportStore implements ImportStore {
  constructor(private readonly db: Db) {}

  // ---- the inbox

  async inboxEntryOf(bundleId: string, officeId: string): Promise<InboxEntry | undefined> {
    return this.liveEntryOf(bundleId, officeId);
  }

  private liveEntryOf(bundleId: string, officeId: string): InboxEntry | undefined {
    return this.db
      .prepare(`SELECT ${INBOX} FROM inbox WHERE bundle_id = ? AND office_id = ? AND status != 'rejected' ORDER BY added_at DESC`)
      .get(bundleId, officeId) as InboxEntry | undefined;
  }

  async inboxEntryNamed(id: string, fullId: string): Promise<InboxEntry | undefined> {
    return this.db.prepare(`SELECT ${INBOX} FROM inbox WHERE id = ? OR id = ? OR bundle_id = ? ORDER BY added_at DESC`).get(id, fullId, id) as
      InboxEntry | undefined;
  }

  private createPrepared(): void {
    this.db.exec(`DROP TABLE IF EXISTS pg_temp.inbox_prep;
             CREATE TEMP TABLE inbox_prep (ref text COLLATE "C" PRIMARY KEY, kind text NOT NULL, name text NOT NULL, tax text)`);
  }

  async prepareInboxFromStaged(): Promise<void> {
    const { db } = this;
    this.createPrepared();
    // the contacts verify staged: names in SQL (displayName as SQL), masked tax ids as they were staged
    db.exec(`INSERT INTO inbox_prep (ref, kind, name, tax)
             SELECT r.ref, ${field('kind')}, ${DISPLAY_NAME_SQL}, nullif(r.tax_masked, '')
             FROM imp_records r WHERE r.type = 'contacts' ORDER BY r.seq
             ON CONFLICT (ref) DO UPDATE SET kind = excluded.kind, name = excluded.name, tax = excluded.tax`);
  }

  async prepareInbox(contacts: AsyncIterable<{ ref: string; kind: string; name: string; tax: string | null }[]>): Promise<void> {
    const { db } = this;
    this.createPrepared();
    // one multi-row INSERT per batch; SQLite's INSERT OR REPLACE: the last of a ref wins
    for await (const batch of contacts) {
      const last = new Map(batch.map((b) => [b.ref, b]));
      if (last.size === 0) continue;
      const rows = [...last.values()];
      for (let i = 0; i < rows.length; i += 1000) {
        const part = rows.slice(i, i + 1000);
        db.prepare(
          `INSERT INTO inbox_prep (ref, kind, name, tax) VALUES ${part.map(() => '(?, ?, ?, ?)').join(', ')}
           ON CONFLICT (ref) DO UPDATE SET kind = excluded.kind, name = excluded.name, tax = excluded.tax`,
        ).run(part.flatMap((b) => [b.ref, b.kind, b.name, b.tax]));
      }
    }
  }

  /**
   * G2: the copy lives in the database (inbox_copies, 1 MiB a row, written as it
   * streams in), not in a folder of one machine's user; one transaction, so a killed
   * copy leaves nothing. Copies of one name queue on a lock of their own, not the writer lock.
   */
  async keepInboxCopy(name: string, chunks: AsyncIterable<Buffer>): Promise<string> {
    const { db } = this;
    await inTransactionAsync(
      db,
      async () => {
        db.prepare(`SELECT pg_advisory_xact_lock(${COPY_LOCK}, hashtext(?))`).get(name);
        db.prepare(`DELETE FROM inbox_copies WHERE name = ?`).run(name); // the installation's own name for this bundle id: a stale copy is replaced
        const add = db.prepare(`INSERT INTO inbox_copies (name, seq, data) VALUES (?, ?, ?)`);
        let seq = 0;
        for await (const piece of mebibytes(chunks)) add.run(name, seq++, piece);
        faultPoint('inbox-copy-written');
      },
      'scratch',
    );
    return name;
  }

  /** The copy written out to a private file (0600, in a private folder of the temp folder), removed after `fn`. */
  async withInboxCopy<T>(file: string, fn: (path: string) => Promise<T>): Promise<T> {
    const { db } = this;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officeport-inbox-'));
    try {
      const out = path.join(dir, path.basename(file));
      const fd = fs.openSync(out, 'wx', 0o600);
      let pieces = 0;
      try {
        inTransaction(
          db,
          () => {
            for (const batch of db.prepare(`SELECT data FROM inbox_copies WHERE name = ? ORDER BY seq`).pluck().batches(4, file)) {
              for (const data of batch as Buffer[]) {
                fs.writeSync(fd, data);
                pieces++;
              }
            }
          },
          'scratch',
        );
      } finally {
        fs.closeSync(fd);
      }
      if (pieces === 0) {
        throw new OfficeportError(ErrorCode.NOT_FOUND, `the staged copy ${file} is not in the installation`, {
          hint: 'reject the inbox entry and add the bundle again',
        });
      }
      return await fn(out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  async dropInboxCopy(file: string): Promise<void> {
    this.db.prepare(`DELETE FROM inbox_copies WHERE name = ?`).run(file);
  }

  async dropPreparedInbox(): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS pg_temp.inbox_prep`);
  }

  registerInboxEntry(e: NewInboxEntry): { row: InboxEntry; added: boolean } {
    const { db } = this;
    const other = this.liveEntryOf(e.bundle_id, e.office_id);
    if (other) return { row: other, added: false };
    const id = newId(db, 'inbox', 'IN-');
    db.prepare(
      `INSERT INTO inbox (id, bundle_id, office_id, user_id, session_id, source_installation, source_office, tagmanifest_sha256, added_at, status, content, file)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', '\\x'::bytea, ?)`,
    ).run(id, e.bundle_id, e.office_id, e.user_id, e.session_id, e.source_installation, e.source_office, e.tagmanifest_sha256, e.added_at, e.file);
    db.prepare(`INSERT INTO inbox_contacts (inbox_id, ref, kind, name, tax_id_masked) SELECT ?::text, ref, kind, name, tax FROM inbox_prep ORDER BY ref`).run(
      id,
    );
    return { row: db.prepare(`SELECT ${INBOX} FROM inbox WHERE id = ?`).get(id) as InboxEntry, added: true };
  }

  async addInboxEntry(e: NewInboxEntry): Promise<{ row: InboxEntry; added: boolean }> {
    return inTransaction(this.db, () => this.registerInboxEntry(e));
  }

  async inboxOf(officeId: string, userId: string): Promise<(InboxEntry & { contacts: InboxContact[] })[]> {
    const { db } = this;
    const rows = db
      .prepare(`SELECT ${INBOX} FROM inbox WHERE office_id = ? AND user_id = ? AND status IN ('pending', 'partial') ORDER BY added_at, id`)
      .all(officeId, userId) as InboxEntry[];
    const contacts = db.prepare(`SELECT ref, kind, name, tax_id_masked, accept_id FROM inbox_contacts WHERE inbox_id = ? ORDER BY ref`);
    return rows.map((r) => ({
      ...r,
      contacts: (contacts.all(r.id) as { ref: string; kind: string; name: string; tax_id_masked: string | null; accept_id: string | null }[]).map((c) => ({
        ref: c.ref,
        kind: c.kind,
        name: c.name,
        tax_id: c.tax_id_masked,
        accepted: c.accept_id !== null,
      })),
    }));
  }

  async acceptedContactCount(inboxId: string): Promise<number> {
    return this.db.prepare(`SELECT count(*) FROM inbox_contacts WHERE inbox_id = ? AND accept_id IS NOT NULL`).pluck().get(inboxId) as number;
  }

  async rejectInboxEntry(entry: InboxEntry): Promise<{ record: string; contact: string }[]> {
    const { db } = this;
    return inTransaction(db, () => {
      const waiting = db
        .prepare(
          // SQLite's bare c.ref of the group is the least of the two refs (its IN probes the key in order)
          `SELECT w.id, w.record, min(c.ref) AS contact FROM pending_relations w JOIN inbox_contacts c ON c.inbox_id = ? AND c.accept_id IS NULL AND c.ref IN (w.contact_ref, w.related_ref)
         WHERE w.office_id = ? AND w.source_installation = ? GROUP BY w.id, w.record ORDER BY w.id`,
        )
        .all(entry.id, entry.office_id, entry.source_installation) as { id: number; record: string; contact: string }[];
      const del = db.prepare(`DELETE FROM pending_relations WHERE id = ?`);
      for (const w of waiting) del.run(w.id);
      db.prepare(`UPDATE inbox SET status = 'rejected' WHERE id = ?`).run(entry.id);
      return waiting.map((w) => ({ record: w.record, contact: w.contact }));
    });
  }

  // ---- staging

  startStaging(): ImportStaging {
    return startStaging(this.db);
  }

  async dropStaging(): Promise<void> {
    dropStaging(this.db);
  }

  async stagedContacts(refs: string[]): Promise<string[]> {
    const q = this.db
      .prepare(`SELECT r.ref FROM imp_records r WHERE r.type = 'contacts' AND r.ref IN (SELECT value FROM json_array_elements_text(?::json)) ORDER BY r.seq`)
      .pluck();
    return q.all(JSON.stringify(refs)) as string[];
  }

  selectStaged(sel: AcceptSelection, document: (sha256: string) => Promise<Buffer>): Promise<number> {
    return selectStaged(this.db, sel, document);
  }

  async nowContacts(): Promise<string[]> {
    return this.db.prepare(`SELECT ref FROM imp_bundle_contacts WHERE state = 'now' ORDER BY ref`).pluck().all() as string[];
  }

  stagedDocument(sha256: string): Buffer | undefined {
    return this.db.prepare(`SELECT content FROM imp_docs WHERE sha256 = ?`).pluck().get(sha256) as Buffer | undefined;
  }

  // ---- planning

  indexTargetContacts(officeId: string, salt: string | undefined): void {
    indexTargetContacts(this.db, officeId, salt);
  }

  lookups(): PlanLookups {
    return new ImportQueries(this.db);
  }

  hasStaged(type: string): boolean {
    return (
      this.db
        .prepare(`SELECT EXISTS (SELECT 1 FROM imp_records r WHERE ${stagedOfType('@type')})`)
        .pluck()
        .get({ type }) === 1
    );
  }

  planType<Rec, Match>(scope: PlanScope, type: string, tableOf: Readonly<Record<string, TableName>>, rules: PlanRules<Rec, Match>): void {
    planTypeSet(this.db, scope, type as RecordType, tableOf, rules as unknown as PlanRules<Record<string, unknown> & { ref: string }, unknown>);
  }

  waitingEntries(officeId: string, sourceInstallation: string): WaitingEntry[] {
    return this.db
      .prepare(`SELECT id, kind, record, contact_ref, related_ref FROM pending_relations WHERE office_id = ? AND source_installation = ? ORDER BY id`)
      .all(officeId, sourceInstallation) as WaitingEntry[];
  }

  unsettledAmbiguous(): { ref: string; detail: string }[] {
    return this.db
      .prepare(
        `SELECT ref, detail FROM imp_plan WHERE type = 'contacts' AND (detail::json ->> 'ambiguous') IS NOT NULL AND (detail::json ->> 'choice') IS NULL ORDER BY seq`,
      )
      .all() as { ref: string; detail: string }[];
  }

  planRows(): Iterable<PlanRow> {
    return pages<PlanRow>(this.db, `SELECT * FROM imp_plan`);
  }

  *planOutcomes(onlyNotable: boolean): Iterable<PlanOutcomeRow> {
    // notable: what a long listing keeps (not created or linked, or ambiguous)
    const notable = onlyNotable
      ? `AND (p.outcome NOT IN ('created', 'linked') OR (strpos(p.detail, '"ambiguous"') > 0 AND (p.detail::json ->> 'ambiguous') IS NOT NULL))`
      : '';
    // The target id: the plan's, else what the apply made of the ref, else (a kept party entry) its contact's.
    const page = this.db
      .prepare(
        `SELECT p.seq, p.ref, p.type, p.outcome, p.detail,
           coalesce(nullif(coalesce(p.target_id, (SELECT t.target_id FROM imp_refs t WHERE t.ref = p.ref)), ''),
                    CASE WHEN p.type = 'party' AND p.outcome = 'linked' THEN (SELECT c.target_id FROM imp_refs c WHERE c.ref = (p.detail::json ->> 'contact')) END)
         FROM imp_plan p
         WHERE p.seq > ? AND p.type != 'stubs' ${notable} ORDER BY p.seq LIMIT 5000`,
      )
      .raw();
    for (let after = 0; ;) {
      const rows = page.all(after) as [number, string, string, string, string, string | null][];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]![0];
      for (const r of rows) yield { ref: r[1], type: r[2], outcome: r[3], detail: r[4], target_id: r[5] };
    }
  }

  planTypeCounts(): PlanTypeCounts {
    return this.db
      .prepare(`SELECT type, outcome, count(*) AS n FROM imp_plan WHERE type != 'stubs' GROUP BY type, outcome ORDER BY type, outcome`)
      .all() as PlanTypeCounts;
  }

  // ---- the accept

  inWriteTransaction<T>(fn: () => T): T {
    try {
      return inTransaction(this.db, fn);
    } catch (e) {
      throw asConstraintError(e);
    }
  }

  inStagingTransaction<T>(fn: () => T): T {
    return inTransaction(this.db, fn, 'scratch');
  }

  applyPlan(scope: ApplyScope, tableOf: Readonly<Record<string, TableName>>): void {
    const { db } = this;
    const log = new ChangeLog(db, scope.acceptId);
    applyPlan({
      db,
      q: new ImportQueries(db),
      log,
      officeId: scope.officeId,
      sourceInstallation: scope.sourceInstallation,
      sessionId: scope.sessionId,
      bundleId: scope.bundleId,
      tableOf,
      document: (sha) => this.stagedDocument(sha),
    });
    if (scope.inboxId) markAccepted(db, log, scope.inboxId, scope.acceptId);
  }

  takenMeanwhile(inboxId: string): { taken: number; now: number } {
    const { db } = this;
    const taken = db
      .prepare(
        `SELECT count(*) FROM inbox_contacts WHERE inbox_id = ? AND accept_id IS NOT NULL AND ref IN (SELECT ref FROM imp_bundle_contacts WHERE state = 'now')`,
      )
      .pluck()
      .get(inboxId) as number;
    if (taken === 0) return { taken, now: 0 };
    const now = db.prepare(`SELECT count(*) FROM imp_bundle_contacts WHERE state = 'now'`).pluck().get() as number;
    return { taken, now };
  }

  keepReceipt(acceptId: string): (text: string) => void {
    return keepReceipt(this.db, acceptId);
  }

  recordAccept(r: AcceptRecord): void {
    const { db } = this;
    db.prepare(
      `INSERT INTO import_accepts (accept_id, inbox_id, bundle_id, office_id, user_id, at, receipt, receipt_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.accept_id, r.inbox_id, r.bundle_id, r.office_id, r.user_id, r.at, r.receipt, r.receipt_file);
    db.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary, receipt) VALUES (?, 'import', ?, ?, ?, ?, ?)`).run(
      r.at,
      r.bundle_id,
      r.office_id,
      r.user_id,
      r.summary,
      r.receipt,
    );
  }

  // ---- accepts and receipts

  async acceptsOf(bundleId: string, officeId: string): Promise<KeptReceipt[]> {
    return receiptsOf(this.db, bundleId, officeId);
  }

  async accept(acceptId: string): Promise<KeptAccept | undefined> {
    const r = this.db.prepare(`SELECT accept_id, bundle_id, office_id, at, receipt_file, undone_at FROM import_accepts WHERE accept_id = ?`).get(acceptId) as
      { accept_id: string; bundle_id: string; office_id: string; at: string; receipt_file: string | null; undone_at: string | null } | undefined;
    return (
      r && { accept_id: r.accept_id, bundle_id: r.bundle_id, office_id: r.office_id, accepted_at: r.at, file: r.receipt_file, undone: r.undone_at !== null }
    );
  }

  keptReceipt(acceptId: string): Iterable<Buffer> {
    return keptReceiptPieces(this.db, acceptId);
  }

  legacyReceipt(acceptId: string): string {
    return this.db.prepare(`SELECT receipt FROM import_accepts WHERE accept_id = ?`).pluck().get(acceptId) as string;
  }

  async undo(
    acceptId: string,
    now: string,
    log: { bundleId: string; officeId: string; userId: string; summary: (reverted: Record<string, number>) => string },
  ): Promise<UndoOutcome> {
    const { db } = this;
    try {
      return inTransaction(db, (): UndoOutcome => {
        // Two passes over the change log, page by page (its whole is ~540,000 changes at 100,000 contacts): first
        // whether every row is still as the accept left it, then the reverts, last change first.
        let touched = 0;
        const problems: { file: string; message: string }[] = [];
        // (here a page of changes at a time: rows of one table read by one query, not one round trip per change)
        for (const page of inPages(changesDesc(db, acceptId))) {
          const intact = intactOf(db, page);
          for (const [i, c] of page.entries()) {
            if (intact[i]) continue;
            touched++;
            if (problems.length < 200) problems.push({ file: c.tbl, message: `${describeKey(c.key)} changed since the import` });
          }
        }
        if (touched > 0) return { kind: 'changed', touched, problems };
        const reverted: Record<string, number> = {};
        // consecutive removals of rows the accept inserted, in one table, go as one DELETE (they commute)
        const removals: LoggedChange[] = [];
        const removeAll = () => {
          if (removals.length === 0) return;
          db.prepare(`DELETE FROM ${removals[0]!.tbl} WHERE id IN (SELECT json_array_elements_text(?::json))`).run(
            JSON.stringify(removals.map((c) => idOf(c))),
          );
          removals.length = 0;
        };
        for (const c of changesDesc(db, acceptId)) {
          if (c.before === null && idOf(c) !== undefined) {
            if (removals.length > 0 && (removals[0]!.tbl !== c.tbl || removals.length >= PAGE)) removeAll();
            removals.push(c);
          } else {
            removeAll();
            revertChange(db, c);
          }
          reverted[c.tbl] = (reverted[c.tbl] ?? 0) + 1;
        }
        removeAll();
        const dangling = foreignKeyCheck(db);
        if (dangling.length > 0) {
          throw new Referenced({
            kind: 'referenced',
            count: dangling.length,
            problems: dangling.slice(0, 200).map((d) => ({ file: d.table, message: `row ${d.rowid} refers to ${d.parent} this import created` })),
          });
        }
        db.prepare(`UPDATE import_accepts SET undone_at = ? WHERE accept_id = ?`).run(now, acceptId);
        db.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary, receipt) VALUES (?, 'undo', ?, ?, ?, ?, NULL)`).run(
          now,
          log.bundleId,
          log.officeId,
          log.userId,
          log.summary(reverted),
        );
        return { kind: 'undone', reverted };
      });
    } catch (e) {
      if (e instanceof Referenced) return e.outcome;
      throw e;
    }
  }
}

/** Changes per page of the undo's passes. */
const PAGE = 500;

function* inPages<T>(items: Iterable<T>): Generator<T[]> {
  let page: T[] = [];
  for (const x of items) {
    page.push(x);
    if (page.length >= PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

const BUSINESS = new Set<string>(TABLE_NAMES);

/** The id of a change's row when its table is a business table keyed by its text id (else undefined: read and reverted one by one). */
function idOf(c: LoggedChange): string | undefined {
  if (!BUSINESS.has(c.tbl)) return undefined;
  const key = JSON.parse(c.key) as Record<string, unknown>;
  const cols = Object.keys(key);
  return cols.length === 1 && cols[0] === 'id' && typeof key.id === 'string' ? key.id : undefined;
}

/** isIntact() of each change of a page: the rows of one table read by one query. */
function intactOf(db: Db, page: LoggedChange[]): boolean[] {
  const byTable = new Map<string, string[]>();
  for (const c of page) {
    const id = idOf(c);
    if (id !== undefined) byTable.set(c.tbl, [...(byTable.get(c.tbl) ?? []), id]);
  }
  const rows = new Map<string, Map<string, Row>>();
  for (const [table, ids] of byTable) {
    const cols = columnsOfTable(db, table)
      .map((c) => `"${c.name}"`)
      .join(', ');
    const found = db.prepare(`SELECT ${cols} FROM ${table} WHERE id IN (SELECT json_array_elements_text(?::json))`).all(JSON.stringify(ids)) as Row[];
    rows.set(table, new Map(found.map((r) => [r.id as string, r])));
  }
  return page.map((c) => {
    const id = idOf(c);
    if (id === undefined) return isIntact(db, c);
    return digest(rows.get(c.tbl)!.get(id)) === c.after_hash;
  });
}

function describeKey(key: string): string {
  const k = JSON.parse(key) as Record<string, unknown>;
  return Object.entries(k)
    .map(([c, v]) => `${c}=${String(v)}`)
    .join(' ');
}

/**
 * SQLite's `PRAGMA foreign_key_check`: one row per reference that names no
 * row, table by table in the schema's order, each in rowid order, a row's
 * references last declared first (as SQLite lists them). PostgreSQL checks its
 * deferred references only at COMMIT. One anti-join per reference, all in one
 * query (an OR of NOT EXISTS per row took 41 s at 2,000 contacts).
 */
function foreignKeyCheck(db: Db): { table: string; rowid: number; parent: string }[] {
  const parts: string[] = [];
  for (const [k, name] of TABLE_NAMES.entries()) {
    const refs = TABLES[name].columns.filter((c) => c.ref).reverse();
    for (const [i, c] of refs.entries()) {
      parts.push(
        `SELECT ${k} AS k, ${i} AS i, '${name}' AS "table", t.rowid, '${c.ref}' AS parent FROM ${name} t
         WHERE t."${c.name}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${c.ref} p WHERE p.id = t."${c.name}")`,
      );
    }
  }
  if (parts.length === 0) return [];
  return db.prepare(`SELECT "table", rowid, parent FROM (${parts.join(' UNION ALL ')}) x ORDER BY k, rowid, i`).all() as {
    table: string;
    rowid: number;
    parent: string;
  }[];
}

/** A constraint PostgreSQL refused (a unique name, a deferred reference at commit) as the port reports it, as SQLite's twin does; any other error as it is. */
function asConstraintError(e: unknown): unknown {
  if (!(e instanceof PgError) || !e.code?.startsWith('23')) return e;
  // "Key (office_id, name)=(...) already exists." names the columns
  const keyCols = /Key \(([^)]*)\)=/.exec(e.detail ?? '')?.[1];
  const columns = keyCols ? keyCols.split(', ').map((c) => c.replace(/^"|"$/g, '')) : [];
  // the schema has no CHECK or trigger an import can meet: such a refusal is reported as a duplicate
  const kind: ConstraintViolation['kind'] = e.code === '23502' ? 'missing_value' : e.code === '23503' ? 'dangling_reference' : 'duplicate';
  return new StoreConstraintError({ kind, columns }, e.detail ? `${e.message} (${e.detail})` : e.message);
}
