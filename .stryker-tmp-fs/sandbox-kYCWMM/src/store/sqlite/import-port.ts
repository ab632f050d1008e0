// @ts-nocheck
// The SQLite side of the import port (ImportStore): the inbox, the staged
// bundle of one accept (TEMP tables of this connection, import-store.ts and
// import-stage.ts), its set-based plan (import-plan-set.ts), the accept's
// record and kept receipt (receipt-store.ts), the apply (import-apply.ts), and undo from the change log
// (import-changes.ts). The SQL that src/import ran itself moved here as it was.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { faultPoint } from '../../shared/fault.js';
import { sweepLeftovers, tempBeside } from '../../shared/output-file.js';
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
import type { TableName } from '../../domain/model/tables.js';
import type { Db } from './db.js';
import { inTransaction } from './transaction.js';
import { newId } from './ids.js';
import { DISPLAY_NAME_SQL, dropStaging, ImportQueries, indexTargetContacts, pages, useFileTemp } from './import-store.js';
import { selectStaged, stagedOfType, startStaging } from './import-stage.js';
import { planTypeSet } from './import-plan-set.js';
import { keepReceipt, keptReceiptPieces, receiptsOf } from './receipt-store.js';
import { ChangeLog, changesDesc, isIntact, markAccepted, revertChange } from './import-changes.js';
import { applyPlan } from './import-apply.js';
import { StoreConstraintError } from '../errors.js';

/** Thrown inside the undo's transaction to roll it back. */
class Referenced extends Error {
  constructor(readonly outcome: UndoOutcome) {
    super('referenced');
  }
}

/** The columns of an inbox entry (U5: not the old content column, which is always empty and would reach --json as a Buffer). */
const INBOX = 'id, bundle_id, office_id, user_id, session_id, source_installation, source_office, tagmanifest_sha256, added_at, status, file';

export class SqliteImportStore implements ImportStore {
  /** `inboxDir`: the folder of the inbox copies (the installation home's) */
  constructor(
    private readonly db: Db,
    private readonly inboxDir: string,
  ) {}

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
    useFileTemp(this.db);
    this.db.exec(`DROP TABLE IF EXISTS temp.inbox_prep;
             CREATE TEMP TABLE inbox_prep (ref TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, tax TEXT)`);
  }

  async prepareInboxFromStaged(): Promise<void> {
    const { db } = this;
    this.createPrepared();
    // the contacts verify staged: names in SQL (displayName as SQL), masked tax ids as they were staged
    db.exec(`INSERT OR REPLACE INTO temp.inbox_prep (ref, kind, name, tax)
             SELECT r.ref, json_extract(r.json, '$.kind'), ${DISPLAY_NAME_SQL}, nullif(r.tax_masked, '')
             FROM temp.imp_records r WHERE r.type = 'contacts' ORDER BY r.seq`);
  }

  async prepareInbox(contacts: AsyncIterable<{ ref: string; kind: string; name: string; tax: string | null }[]>): Promise<void> {
    const { db } = this;
    this.createPrepared();
    const add = db.prepare(`INSERT OR REPLACE INTO temp.inbox_prep (ref, kind, name, tax) VALUES (?, ?, ?, ?)`);
    for await (const batch of contacts) {
      inTransaction(
        db,
        () => {
          for (const b of batch) add.run(b.ref, b.kind, b.name, b.tax);
        },
        'scratch',
      );
    }
  }

  /** L11: the copy is a file of the inbox folder, private (0600) from its first byte; a killed copy is removed by the next run */
  async keepInboxCopy(name: string, chunks: AsyncIterable<Buffer>): Promise<string> {
    const file = path.join(this.inboxDir, name);
    fs.mkdirSync(this.inboxDir, { recursive: true });
    sweepLeftovers(this.inboxDir);
    const tmp = tempBeside(file);
    try {
      await pipeline(chunks, fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      faultPoint('inbox-copy-written');
      fs.renameSync(tmp, file); // the installation's own name for this bundle id: a stale copy there is replaced
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    return file;
  }

  async withInboxCopy<T>(file: string, fn: (path: string) => Promise<T>): Promise<T> {
    return fn(file);
  }

  async dropInboxCopy(file: string): Promise<void> {
    fs.rmSync(file, { force: true });
  }

  async dropPreparedInbox(): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS temp.inbox_prep`);
  }

  registerInboxEntry(e: NewInboxEntry): { row: InboxEntry; added: boolean } {
    const { db } = this;
    const other = this.liveEntryOf(e.bundle_id, e.office_id);
    if (other) return { row: other, added: false };
    const id = newId(db, 'inbox', 'IN-');
    db.prepare(
      `INSERT INTO inbox (id, bundle_id, office_id, user_id, session_id, source_installation, source_office, tagmanifest_sha256, added_at, status, content, file)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', x'', ?)`,
    ).run(id, e.bundle_id, e.office_id, e.user_id, e.session_id, e.source_installation, e.source_office, e.tagmanifest_sha256, e.added_at, e.file);
    db.prepare(`INSERT INTO inbox_contacts (inbox_id, ref, kind, name, tax_id_masked) SELECT ?, ref, kind, name, tax FROM temp.inbox_prep ORDER BY ref`).run(
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
          `SELECT w.id, w.record, c.ref AS contact FROM pending_relations w JOIN inbox_contacts c ON c.inbox_id = ? AND c.accept_id IS NULL AND c.ref IN (w.contact_ref, w.related_ref)
         WHERE w.office_id = ? AND w.source_installation = ? GROUP BY w.id ORDER BY w.id`,
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
    const q = this.db.prepare(`SELECT r.ref FROM temp.imp_records r WHERE r.type = 'contacts' AND r.ref IN (SELECT value FROM json_each(?))`).pluck();
    return q.all(JSON.stringify(refs)) as string[];
  }

  selectStaged(sel: AcceptSelection, document: (sha256: string) => Promise<Buffer>): Promise<number> {
    return selectStaged(this.db, sel, document);
  }

  async nowContacts(): Promise<string[]> {
    return this.db.prepare(`SELECT ref FROM temp.imp_bundle_contacts WHERE state = 'now' ORDER BY ref`).pluck().all() as string[];
  }

  stagedDocument(sha256: string): Buffer | undefined {
    return this.db.prepare(`SELECT content FROM temp.imp_docs WHERE sha256 = ?`).pluck().get(sha256) as Buffer | undefined;
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
        .prepare(`SELECT EXISTS (SELECT 1 FROM temp.imp_records r WHERE ${stagedOfType('$type')})`)
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
        `SELECT ref, detail FROM temp.imp_plan WHERE type = 'contacts' AND json_extract(detail, '$.ambiguous') IS NOT NULL AND json_extract(detail, '$.choice') IS NULL`,
      )
      .all() as { ref: string; detail: string }[];
  }

  planRows(): Iterable<PlanRow> {
    return pages<PlanRow>(this.db, `SELECT * FROM temp.imp_plan`);
  }

  *planOutcomes(onlyNotable: boolean): Iterable<PlanOutcomeRow> {
    // notable: what a long listing keeps (not created or linked, or ambiguous)
    const notable = onlyNotable
      ? `AND (p.outcome NOT IN ('created', 'linked') OR (instr(p.detail, '"ambiguous"') > 0 AND json_extract(p.detail, '$.ambiguous') IS NOT NULL))`
      : '';
    // The target id: the plan's, else what the apply made of the ref, else (a kept party entry) its contact's.
    const page = this.db
      .prepare(
        `SELECT p.seq, p.ref, p.type, p.outcome, p.detail,
           coalesce(nullif(coalesce(p.target_id, (SELECT t.target_id FROM temp.imp_refs t WHERE t.ref = p.ref)), ''),
                    CASE WHEN p.type = 'party' AND p.outcome = 'linked' THEN (SELECT c.target_id FROM temp.imp_refs c WHERE c.ref = json_extract(p.detail, '$.contact')) END)
         FROM temp.imp_plan p
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
      .prepare(`SELECT type, outcome, count(*) AS n FROM temp.imp_plan WHERE type != 'stubs' GROUP BY type, outcome ORDER BY type, outcome`)
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
        `SELECT count(*) FROM inbox_contacts WHERE inbox_id = ? AND accept_id IS NOT NULL AND ref IN (SELECT ref FROM temp.imp_bundle_contacts WHERE state = 'now')`,
      )
      .pluck()
      .get(inboxId) as number;
    if (taken === 0) return { taken, now: 0 };
    const now = db.prepare(`SELECT count(*) FROM temp.imp_bundle_contacts WHERE state = 'now'`).pluck().get() as number;
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
        for (const c of changesDesc(db, acceptId)) {
          if (isIntact(db, c)) continue;
          touched++;
          if (problems.length < 200) problems.push({ file: c.tbl, message: `${describeKey(c.key)} changed since the import` });
        }
        if (touched > 0) return { kind: 'changed', touched, problems };
        const reverted: Record<string, number> = {};
        for (const c of changesDesc(db, acceptId)) {
          revertChange(db, c);
          reverted[c.tbl] = (reverted[c.tbl] ?? 0) + 1;
        }
        const dangling = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
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

function describeKey(key: string): string {
  const k = JSON.parse(key) as Record<string, unknown>;
  return Object.entries(k)
    .map(([c, v]) => `${c}=${String(v)}`)
    .join(' ');
}

/** A constraint SQLite refused (a unique name, a deferred reference at commit) as the port reports it; any other error as it is. */
function asConstraintError(e: unknown): unknown {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_CONSTRAINT')) return e;
  const message = (e as Error).message;
  const columns =
    message
      .match(/: (.*)$/)?.[1]
      ?.split(', ')
      .map((c) => c.replace(/^\w+\./, '')) ?? [];
  // the schema has no CHECK or trigger an import can meet: such a refusal is reported as a duplicate
  const kind: ConstraintViolation['kind'] =
    code === 'SQLITE_CONSTRAINT_NOTNULL' ? 'missing_value' : code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ? 'dangling_reference' : 'duplicate';
  return new StoreConstraintError({ kind, columns }, message);
}
