// @ts-nocheck
// Applying a plan (I3-I11), as ../sqlite/import-apply.ts: one pass over
// imp_plan in order, each decision written through the change log so that the
// accept can be undone (I13). Runs inside the caller's transaction (I8);
// nothing here is async. (The store's side of "apply this plan": src/import
// asks for it through ImportStore.applyPlan.)
import { DEPENDENCY_ORDER, REF_TABLE, SPECS, type PartyRecordType, type RecordType } from '../../domain/model/records.js';
import type { Merge } from '../../domain/reconcile.js';
import { ErrorCode, OfficeportError, unreachable } from '../../shared/errors.js';
import type { PlanLookups, PlanRow, WaitingParty } from '../port.js';
import type { Db } from './db.js';
import type { ChangeLog } from './import-changes.js';
import { createAll, createEntries, PARTY_TABLE, writeImportMap, type BulkContext } from './import-bulk.js';
import { cached, field } from './import-store.js';
import { newId } from './ids.js';
import { TABLES, type TableName } from '../../domain/model/tables.js';

export interface ApplyContext {
  db: Db;
  q: PlanLookups;
  log: ChangeLog;
  officeId: string;
  sourceInstallation: string;
  sessionId: string;
  bundleId: string;
  /** the table of each record type */
  tableOf: Readonly<Record<string, TableName>>;
  /** where staged letter documents are: sha256 -> bytes */
  document(sha256: string): Buffer | undefined;
}

type Rec = Record<string, unknown> & { ref: string };
type Values = Record<string, string | null>;

/** Prefixes of the ids this installation gives imported records. */
const ID_PREFIX: Readonly<Record<TableName, string>> = Object.fromEntries(
  Object.keys(TABLES).map((t) => [
    t,
    `IMP-${t
      .replace(/[aeiou_]/g, '')
      .slice(0, 3)
      .toUpperCase()}-`,
  ]),
) as Record<TableName, string>;

function resolve(ctx: ApplyContext, ref: string | undefined, table: TableName, required = true): string | null {
  if (!ref) return null;
  const id = ctx.q.refTarget(ref) ?? ctx.q.mapped(ctx.sourceInstallation, ref, ctx.officeId, table);
  // An optional reference to a contact that is not here (a letter's recipient) is left empty.
  if (!id && !required) return null;
  if (!id) throw new OfficeportError(ErrorCode.REFUSED, `${ref} has no target record; the plan is incomplete`);
  return id;
}

/** A table row from a record: the schema's fields, refs turned into target ids, plus id and office. */
function rowOf(ctx: ApplyContext, type: RecordType, rec: Rec, id: string): Values {
  const table = ctx.tableOf[type];
  const cols = new Set(TABLES[table].columns.map((c) => c.name));
  const row: Values = { id };
  if (cols.has('office_id')) row.office_id = ctx.officeId;
  for (const f of SPECS[type].fields) {
    const v = rec[f.name];
    const col = f.type === 'ref' ? f.column! : f.name;
    if (!cols.has(col)) continue;
    if (f.type === 'ref') row[col] = resolve(ctx, v as string | undefined, REF_TABLE[f.to!]!, f.required === true || f.to !== 'contact');
    else row[col] = typeof v === 'string' && v !== '' ? v : null;
  }
  return row;
}

function remember(ctx: ApplyContext, ref: string, table: TableName, targetId: string, outcome: string): void {
  ctx.q.setRef(ref, targetId);
  // import_map is written for the whole accept at the end (writeImportMap); as SQLite's INSERT OR REPLACE, a ref
  // written again goes to the end (a new seq)
  cached(ctx.db, `DELETE FROM imp_map_new WHERE ref = ?`).run(ref);
  cached(ctx.db, `INSERT INTO imp_map_new (ref, target_table, target_id, outcome) VALUES (?, ?, ?, ?)`).run(ref, table, targetId, outcome);
}

function create(ctx: ApplyContext, type: RecordType, rec: Rec, extra: Values = {}): string {
  const table = ctx.tableOf[type];
  const id = newId(ctx.db, table, ID_PREFIX[table]);
  ctx.log.insert(table, { ...rowOf(ctx, type, rec, id), ...extra });
  remember(ctx, rec.ref, table, id, 'created');
  return id;
}

function applyContact(ctx: ApplyContext, p: PlanRow, rec: Rec): void {
  if (p.outcome === 'merged') {
    const merge = JSON.parse(p.detail) as Merge;
    ctx.log.update('contacts', { id: p.target_id! }, merge.fill);
    remember(ctx, rec.ref, 'contacts', p.target_id!, 'merged');
    return;
  }
  create(ctx, 'contacts', rec, { origin_bundle_id: ctx.bundleId, origin_ref: rec.ref });
}

function applyParties(ctx: ApplyContext, type: PartyRecordType, rec: Rec, id: string): void {
  const parties = (rec.parties as { contact: string; list: string; role?: string; share_percent?: string }[] | undefined) ?? [];
  const { table, owner, share } = PARTY_TABLE[type];
  parties.forEach((party, i) => {
    const d = ctx.q.plan(`${rec.ref}#parties/${i}`);
    if (d?.outcome !== 'linked') return;
    const row: Values = { [owner]: id, contact_id: resolve(ctx, party.contact, 'contacts'), list: party.list, role: party.role ?? null };
    if (share) row.share_percent = party.share_percent ?? null;
    ctx.log.insert(table, row);
  });
  if (type === 'policies') {
    for (const r of (rec.riders as { rider: string; amount?: string }[] | undefined) ?? []) {
      ctx.log.insert('policy_riders', { policy_id: id, rider_id: resolve(ctx, r.rider, 'riders'), amount: r.amount ?? null });
    }
  }
}

/** B4: a letter's attachment goes into documents/, under its own name unless another file holds that name. */
function storeDocument(ctx: ApplyContext, doc: { name: string; sha256: string; size: number } | undefined): string | null {
  if (!doc) return null;
  const existing = cached(ctx.db, `SELECT sha256 FROM documents WHERE path = ?`, true);
  let path = doc.name;
  if (existing.get(path) !== undefined && existing.get(path) !== doc.sha256) path = `imported/${doc.sha256}/${doc.name.split('/').pop()}`;
  if (existing.get(path) === doc.sha256) return path;
  const content = ctx.document(doc.sha256);
  if (!content) throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `document ${doc.sha256} is missing from the bundle`);
  ctx.log.insert('documents', { path, sha256: doc.sha256, size: doc.size, content });
  return path;
}

/** I6, L8: an entry that waits for a contact, kept until the accept that brings it (planPendingRelations). */
function keepWaiting(ctx: ApplyContext, kind: 'key_relations' | 'party' | 'employee_census', rec: object, contactRef: string, relatedRef: string): void {
  ctx.log.insert('pending_relations', {
    office_id: ctx.officeId,
    source_installation: ctx.sourceInstallation,
    session_id: ctx.sessionId,
    bundle_id: ctx.bundleId,
    record: JSON.stringify(rec),
    contact_ref: contactRef,
    related_ref: relatedRef,
    kind,
  });
}

function applyRelation(ctx: ApplyContext, p: PlanRow, rec: Rec): void {
  if (p.outcome === 'created') create(ctx, 'key_relations', rec);
  else if (p.outcome === 'pending') keepWaiting(ctx, 'key_relations', rec, rec.contact as string, rec.related_contact as string);
}

function applyCensus(ctx: ApplyContext, p: PlanRow, rec: Rec): void {
  if (p.outcome === 'created') create(ctx, 'employee_census', rec);
  else if (p.outcome === 'pending') keepWaiting(ctx, 'employee_census', rec, rec.business as string, rec.employee_contact as string);
  else if (p.target_id) ctx.q.setRef(rec.ref, p.target_id);
}

const PARTY_OWNER: Readonly<Record<WaitingParty['owner_type'], { table: TableName; owner: string; share: boolean }>> = {
  policies: { table: 'policy_parties', owner: 'policy_id', share: true },
  pending_cases: { table: 'case_parties', owner: 'case_id', share: true },
  investment_accounts: { table: 'account_parties', owner: 'account_id', share: false },
};

/** L8: party entries of the records this accept created whose contact is still pending in the inbox. */
function keepWaitingParties(ctx: ApplyContext): void {
  const rows = cached(
    ctx.db,
    `SELECT p.ref, p.detail, o.type AS owner_type FROM imp_plan p JOIN imp_plan o ON o.ref = ${field('record', 'p.detail')}
     WHERE p.type = 'party' AND p.outcome = 'pending' ORDER BY p.seq`,
  ).all() as { ref: string; detail: string; owner_type: WaitingParty['owner_type'] }[];
  for (const r of rows) {
    const d = JSON.parse(r.detail) as Omit<WaitingParty, 'ref' | 'owner_type'>;
    const e: WaitingParty = {
      ref: r.ref,
      record: d.record,
      owner_type: r.owner_type,
      contact: d.contact,
      list: d.list,
      role: d.role,
      share_percent: d.share_percent,
    };
    keepWaiting(ctx, 'party', e, e.contact, e.record);
  }
}

/** I6, L8: the waiting entries planned for rebuilding (planPendingRelations), written, and no longer waiting. */
function rebuildWaiting(ctx: ApplyContext): void {
  for (const type of ['pending_relation', 'pending_census'] as const) {
    for (const p of planRowsOf(ctx.db, type, false)) {
      const d = JSON.parse(p.detail) as { pending_id: number; record: Rec };
      create(ctx, type === 'pending_relation' ? 'key_relations' : 'employee_census', d.record);
      ctx.log.delete('pending_relations', { id: d.pending_id });
    }
  }
  const parties = cached(ctx.db, `SELECT outcome, detail FROM imp_plan WHERE type = 'party' AND strpos(detail, '"pending_id"') > 0 ORDER BY seq`);
  for (const p of parties.all() as { outcome: string; detail: string }[]) {
    const d = JSON.parse(p.detail) as WaitingParty & { pending_id: number; owner_id?: string };
    if (p.outcome === 'linked') {
      const t = PARTY_OWNER[d.owner_type];
      const row: Values = { [t.owner]: d.owner_id!, contact_id: resolve(ctx, d.contact, 'contacts'), list: d.list, role: d.role ?? null };
      if (t.share) row.share_percent = d.share_percent ?? null;
      ctx.log.insert(t.table, row);
    }
    ctx.log.delete('pending_relations', { id: d.pending_id });
  }
}

type Applier = (ctx: ApplyContext, p: PlanRow, rec: Rec) => void;

const linkOrCreate =
  (type: RecordType): Applier =>
  (ctx, p, rec) => {
    const d = JSON.parse(p.detail) as { same_as?: string; name_override?: string };
    if (p.outcome === 'linked') {
      const target = p.target_id ?? ctx.q.refTarget(d.same_as!);
      if (!target) throw new OfficeportError(ErrorCode.REFUSED, `${rec.ref}: ${d.same_as} was not created before it`);
      remember(ctx, rec.ref, ctx.tableOf[type], target, 'linked');
    } else if (p.outcome === 'created') create(ctx, type, rec, d.name_override ? { name: d.name_override } : {});
  };

const simple =
  (type: RecordType): Applier =>
  (ctx, p, rec) => {
    if (p.outcome === 'created') create(ctx, type, rec);
    else if (p.target_id) ctx.q.setRef(rec.ref, p.target_id);
  };

const owned =
  (type: PartyRecordType): Applier =>
  (ctx, p, rec) => {
    if (p.outcome !== 'created') return ctx.q.setRef(rec.ref, p.target_id!);
    applyParties(ctx, type, rec, create(ctx, type, rec));
  };

const APPLIERS: Readonly<Record<RecordType, Applier>> = {
  contacts: applyContact,
  stubs: (ctx, p, rec) => {
    if (p.outcome === 'linked') ctx.q.setRef(rec.ref, p.target_id!);
  },
  carriers: linkOrCreate('carriers'),
  products: linkOrCreate('products'),
  riders: linkOrCreate('riders'),
  service_providers: linkOrCreate('service_providers'),
  investment_accounts: owned('investment_accounts'),
  policies: owned('policies'),
  pending_cases: owned('pending_cases'),
  positions: simple('positions'),
  letters: (ctx, p, rec) => {
    if (p.outcome !== 'created') return;
    create(ctx, 'letters', rec, { document: storeDocument(ctx, rec.document as never) });
  },
  activities: simple('activities'),
  smartpad: simple('smartpad'),
  key_relations: applyRelation,
  employee_census: applyCensus,
};

/** Record types whose created records are written set-based (import-bulk.ts), with the columns they add. */
function bulkExtra(ctx: ApplyContext, type: RecordType): Record<string, string> | undefined {
  switch (type) {
    case 'contacts':
      return { origin_bundle_id: `'${ctx.bundleId.replace(/'/g, "''")}'`, origin_ref: 'n.ref' };
    case 'letters':
      return { document: `(SELECT path FROM imp_letter_doc WHERE ref = n.ref)` };
    case 'investment_accounts':
    case 'policies':
    case 'pending_cases':
    case 'positions':
    case 'activities':
    case 'smartpad':
    case 'key_relations':
    case 'employee_census':
      return {};
    case 'stubs':
    case 'carriers':
    case 'products':
    case 'riders':
    case 'service_providers':
      return undefined;
    default:
      return unreachable(type, 'record type');
  }
}

/** Plan rows of one type in plan order with their staged record, a page at a time (writes happen between pages). */
function* planRowsOf(db: Db, type: string, skipCreated: boolean): Generator<PlanRow & { json: string | null }> {
  const stmt = cached(
    db,
    `SELECT p.seq, p.ref, p.type, p.outcome, p.target_id, p.detail, r.json FROM imp_plan p LEFT JOIN imp_records r ON r.ref = p.ref AND r.type = p.type
     WHERE p.type = ? AND p.seq > ? ${skipCreated ? `AND p.outcome != 'created'` : ''} ORDER BY p.seq LIMIT 2000`,
  );
  for (let after = 0; ;) {
    const rows = stmt.all(type, after) as (PlanRow & { json: string | null })[];
    if (rows.length === 0) return;
    yield* rows;
    after = rows[rows.length - 1]!.seq;
  }
}

/** B4: attachments of the letters this accept creates, stored before the letters are written. */
function storeLetterDocuments(ctx: ApplyContext): void {
  const add = cached(ctx.db, `INSERT INTO imp_letter_doc (ref, path) VALUES (?, ?) ON CONFLICT (ref) DO UPDATE SET path = excluded.path`);
  for (const p of planRowsOf(ctx.db, 'letters', false)) {
    if (p.outcome !== 'created' || p.json === null) continue;
    const doc = (JSON.parse(p.json) as { document?: { name: string; sha256: string; size: number } }).document;
    if (doc) add.run(p.ref, storeDocument(ctx, doc));
  }
}

/**
 * Applies every planned decision, type by type in dependency order (a record's
 * refs point at earlier types): the few decisions that need JavaScript (merges,
 * catalogue, pending relations) one by one, the created records of a type with
 * one set of statements.
 */
export function applyPlan(ctx: ApplyContext): void {
  const bulk: BulkContext = { db: ctx.db, log: ctx.log, officeId: ctx.officeId, sourceInstallation: ctx.sourceInstallation, bundleId: ctx.bundleId };
  for (const type of DEPENDENCY_ORDER) {
    const extra = bulkExtra(ctx, type);
    for (const p of planRowsOf(ctx.db, type, extra !== undefined)) {
      if (p.json === null) throw new OfficeportError(ErrorCode.REFUSED, `${p.ref}: planned but not staged`);
      APPLIERS[type](ctx, p, JSON.parse(p.json) as Rec);
    }
    if (extra === undefined) continue;
    if (type === 'letters') storeLetterDocuments(ctx);
    const table = ctx.tableOf[type];
    if (createAll(bulk, type, table, ID_PREFIX[table], extra) > 0) createEntries(bulk, type);
  }
  keepWaitingParties(ctx);
  rebuildWaiting(ctx);
  writeImportMap(bulk);
}
