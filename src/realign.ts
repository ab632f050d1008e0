// Realigning local office content onto the resource catalogue (R1, R4-R8,
// R10-R12). Each story: resolve the office and records, let the domain decide
// the plan, then apply exactly that plan in one transaction with a journal
// entry holding the rows before and after, so that undo can put them back.
import {
  KIND_LABEL,
  KIND_TABLE,
  planCarrierMigration,
  planPurge,
  planSingleMigration,
  realignRefusal,
  type CatalogueKind,
  type CatalogueRecord,
  type Decision,
  type MigrationPlan,
  type PlanLine,
  type PurgeDecision,
} from './domain/realign-rules.js';
import { nearestNames } from './domain/names.js';
import { ErrorCode, OfficeportError } from './errors.js';
import * as cat from './store/catalogue.js';
import { inTransaction, type Db } from './store/db.js';
import { findOffice, requireOffice, requireRights, requireUser, type Office, type User } from './store/offices.js';
import {
  captureRows,
  differences,
  parseImages,
  restoreConflicts,
  restoreRows,
  serializeImages,
  touchedKeys,
  type RowImage,
  type RowRef,
} from './store/row-journal.js';

const CATALOGUE_TABLES = new Set(Object.values(KIND_TABLE));

export interface RealignContext {
  office: Office;
  resource: Office;
  user: User;
}

/** R1 for the office alone: an agency office with a resource parent outside CA and AU. */
export function realignOffices(db: Db, officeRef: string): { office: Office; resource: Office } {
  const office = requireOffice(db, officeRef);
  const parent = office.parent_id ? findOffice(db, office.parent_id) : undefined;
  const refusal = realignRefusal(office, parent);
  if (refusal) {
    throw new OfficeportError(ErrorCode.REFUSED, refusal, {
      hint: 'realignment works on an agency office whose parent is a resource office outside Canada and Australia',
    });
  }
  return { office, resource: parent! };
}

/** R1: the office as above, and a user holding admin there. */
export function realignContext(db: Db, officeRef: string, userRef: string, what = 'realign local office content'): RealignContext {
  const { office, resource } = realignOffices(db, officeRef);
  const user = requireUser(db, office, userRef);
  requireRights(user, office, ['admin'], what);
  return { office, resource, user };
}

function notFound(kind: CatalogueKind, ref: string, office: Office, candidates: CatalogueRecord[], side: string): OfficeportError {
  const near = nearestNames(ref, candidates, (c) => c.name).map((n) => `${n.name} (${n.item.id})`);
  const label = KIND_LABEL[kind];
  return new OfficeportError(
    ErrorCode.NOT_FOUND,
    `no ${side} ${label} with id or exact name ${JSON.stringify(ref)} in office ${office.name}` +
      (near.length ? `; nearest names: ${near.join(', ')}` : ''),
    { hint: `list them with: officeport search ${kind.replace('_', '-')}s --office ${office.id}` },
  );
}

/** A record of an office by id or exact name; a name shared by several records must be given as an id. */
export function resolveRecord(db: Db, kind: CatalogueKind, office: Office, ref: string, side: 'local' | 'resource'): CatalogueRecord {
  const found = cat.findRecords(db, kind, office.id, ref);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    const elsewhere = cat.getRecord(db, kind, ref);
    if (elsewhere) {
      throw new OfficeportError(ErrorCode.REFUSED, `${KIND_LABEL[kind]} ${ref} belongs to office ${elsewhere.office_id}, not to the ${side} office ${office.name}`, {
        hint: side === 'local' ? '--local names a record of the agency office itself' : '--resource names a record of its resource office',
      });
    }
    throw notFound(kind, ref, office, cat.listRecords(db, kind, office.id), side);
  }
  throw new OfficeportError(ErrorCode.REFUSED, `several ${KIND_LABEL[kind]}s of ${office.name} are named ${JSON.stringify(ref)}: ${found.map((f) => f.id).join(', ')}`, {
    hint: 'name one by its id',
  });
}

function decided<T>(d: Decision<T>): T {
  if (d.ok) return d.value;
  const message = d.hints.length ? `${d.reason}; nearest resource names: ${d.hints.join(', ')}` : d.reason;
  throw new OfficeportError(ErrorCode.REFUSED, message, { hint: d.hint });
}

/** The plan for one migration, computed from the installation as it is now (R5, R6, R8). */
export function planMigration(db: Db, ctx: RealignContext, local: CatalogueRecord, resource: CatalogueRecord): MigrationPlan {
  if (local.kind === 'carrier') {
    const localChildren = cat.childrenOf(db, local.id, ctx.office.id);
    return decided(
      planCarrierMigration({
        local,
        resource,
        localChildren,
        resourceChildren: cat.childrenOf(db, resource.id, ctx.resource.id),
        resourceCarriers: cat.listRecords(db, 'carrier', ctx.resource.id),
        officeCarrierNames: cat.listRecords(db, 'carrier', ctx.office.id).map((c) => c.name),
        counts: cat.referenceCounts(db, [local, ...localChildren]),
      }),
    );
  }
  const siblings = cat.listRecords(db, local.kind, ctx.resource.id).filter((r) => local.kind === 'service_provider' || r.carrier_id === resource.carrier_id);
  return decided(planSingleMigration({ local, resource, resourceSiblings: siblings, counts: cat.referenceCounts(db, [local]) }));
}

export function prepareMigration(db: Db, ctx: RealignContext, kind: CatalogueKind, localRef: string, resourceRef: string): MigrationPlan {
  const local = resolveRecord(db, kind, ctx.office, localRef, 'local');
  const resource = resolveRecord(db, kind, ctx.resource, resourceRef, 'resource');
  return planMigration(db, ctx, local, resource);
}

export interface AppliedMigration {
  journal_id: number;
  lines: PlanLine[];
}

const planKey = (p: MigrationPlan) => JSON.stringify([p.switches, p.records]);

/** Apply exactly `plan` in one transaction (R12), journaled with before- and after-images (R10). */
export function applyMigration(db: Db, ctx: RealignContext, plan: MigrationPlan): AppliedMigration {
  return inTransaction(db, () => {
    const local = cat.getRecord(db, plan.kind, plan.local.id);
    const resource = cat.getRecord(db, plan.kind, plan.resource.id);
    const now = local && resource ? planMigration(db, ctx, local, resource) : undefined;
    if (!now || planKey(now) !== planKey(plan)) {
      throw new OfficeportError(ErrorCode.CONFLICT, `the installation changed since the plan for ${plan.local.id} was shown; nothing was changed`, {
        hint: 'run the command again to see the current plan',
      });
    }
    const refs: RowRef[] = [
      ...plan.switches.flatMap((s) => cat.switchRowRefs(db, s)),
      ...plan.records.flatMap((r) => cat.recordRowRef(db, r.kind, r.id)),
    ];
    const before = captureRows(db, refs);
    for (const s of plan.switches) cat.applySwitch(db, s);
    for (const r of plan.records) cat.applyRecordChange(db, r);
    const after = captureRows(db, refs);
    const journal_id = writeJournal(db, ctx, plan.kind, plan.local.id, plan.resource.id, { local: plan.local.name, resource: plan.resource.name, lines: plan.lines }, before, after);
    return { journal_id, lines: plan.lines };
  });
}

function writeJournal(
  db: Db,
  ctx: RealignContext,
  kind: string,
  localId: string,
  resourceId: string,
  summary: unknown,
  before: RowImage[],
  after: RowImage[],
): number {
  const r = db
    .prepare(
      `INSERT INTO realign_journal (at, office_id, user_id, kind, local_id, resource_id, summary, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(new Date().toISOString(), ctx.office.id, ctx.user.id, kind, localId, resourceId, JSON.stringify(summary), serializeImages(before), serializeImages(after));
  return Number(r.lastInsertRowid);
}

// ---------------------------------------------------------------- R11

export interface PurgePlan extends PurgeDecision {
  /** Journal entries whose undo needs records this purge deletes (undo the purge first). */
  blocksUndoOf: number[];
}

export function preparePurge(db: Db, ctx: RealignContext): PurgePlan {
  const candidates = cat.listAllKinds(db, ctx.office.id).map((record) => ({
    record,
    references: cat.totalReferences(db, record),
    children: record.kind === 'carrier' ? cat.childrenOf(db, record.id, ctx.office.id).map((c) => c.id) : [],
  }));
  const decision = planPurge(candidates);
  const ids = new Set(decision.purge.map((r) => r.id));
  const entries = db
    .prepare(`SELECT id, after FROM realign_journal WHERE office_id = ? AND undone_at IS NULL ORDER BY id`)
    .all(ctx.office.id) as { id: number; after: string }[];
  const blocks = entries.filter((e) => parseImages(e.after).some((i) => CATALOGUE_TABLES.has(i.table) && ids.has(String(i.row?.id))));
  return { ...decision, blocksUndoOf: blocks.map((e) => e.id) };
}

/** Delete the purgeable records in one transaction, journaled so that the purge itself can be undone. */
export function applyPurge(db: Db, ctx: RealignContext, plan: PurgePlan): { journal_id: number | null; deleted: number } {
  if (plan.purge.length === 0) return { journal_id: null, deleted: 0 };
  return inTransaction(db, () => {
    const now = preparePurge(db, ctx);
    if (JSON.stringify(now.purge.map((r) => r.id)) !== JSON.stringify(plan.purge.map((r) => r.id))) {
      throw new OfficeportError(ErrorCode.CONFLICT, 'the installation changed since the purge plan was shown; nothing was deleted', {
        hint: 'run the command again',
      });
    }
    const refs = plan.purge.flatMap((r) => cat.recordRowRef(db, r.kind, r.id));
    const before = captureRows(db, refs);
    for (const r of plan.purge) cat.deleteRecord(db, r);
    const after = captureRows(db, refs);
    const summary = { deleted: plan.purge.map((r) => ({ kind: r.kind, id: r.id, name: r.name })) };
    const journal_id = writeJournal(db, ctx, 'purge', plan.purge.map((r) => r.id).join(';'), '', summary, before, after);
    return { journal_id, deleted: plan.purge.length };
  });
}

// ---------------------------------------------------------------- R10

export interface JournalEntry {
  id: number;
  at: string;
  office_id: string;
  user_id: string;
  kind: string;
  local_id: string;
  resource_id: string;
  summary: unknown;
  undone_at: string | null;
}

export function realignLog(db: Db, officeRef: string): { office: Office; entries: JournalEntry[] } {
  const office = requireOffice(db, officeRef);
  const rows = db
    .prepare(`SELECT id, at, office_id, user_id, kind, local_id, resource_id, summary, undone_at FROM realign_journal WHERE office_id = ? ORDER BY id`)
    .all(office.id) as (Omit<JournalEntry, 'summary'> & { summary: string })[];
  return { office, entries: rows.map((r) => ({ ...r, summary: JSON.parse(r.summary) as unknown })) };
}

interface StoredEntry {
  id: number;
  office_id: string;
  kind: string;
  before: string;
  after: string;
  undone_at: string | null;
}

/**
 * Put back the rows of one journal entry as they were before it, refusing
 * when anything it changed has changed again since (the rows differ from its
 * after-image): a later migration, a rename, a purge, an edit.
 */
export function undoRealign(db: Db, ctx: RealignContext, id: number): { id: number; rows: number } {
  return inTransaction(db, () => {
    const e = db.prepare(`SELECT id, office_id, kind, before, after, undone_at FROM realign_journal WHERE id = ?`).get(id) as StoredEntry | undefined;
    if (!e || e.office_id !== ctx.office.id) {
      throw new OfficeportError(ErrorCode.NOT_FOUND, `no realignment #${id} in office ${ctx.office.name}`, {
        hint: `list them with: officeport realign log --office ${ctx.office.id}`,
      });
    }
    if (e.undone_at) throw new OfficeportError(ErrorCode.REFUSED, `realignment #${id} was already undone at ${e.undone_at}; nothing changed`);
    const before = parseImages(e.before);
    const after = parseImages(e.after);
    const changed = [...differences(db, after), ...restoreConflicts(db, before)];
    if (changed.length > 0) {
      const later = laterEntriesTouching(db, e, after);
      throw new OfficeportError(ErrorCode.REFUSED, `cannot undo realignment #${id}: ${changed.length} of its records changed since`, {
        problems: changed.slice(0, 20).map((d) => ({ message: d.message })),
        hint: later.length
          ? `undo the later realignment${later.length > 1 ? 's' : ''} ${later.map((n) => `#${n}`).join(', ')} first (newest first)`
          : 'the records were changed by something other than realignment (rename, import, edit); undo cannot restore them safely',
      });
    }
    restoreRows(db, before);
    db.prepare(`UPDATE realign_journal SET undone_at = ? WHERE id = ?`).run(new Date().toISOString(), id);
    return { id, rows: before.length };
  });
}

function laterEntriesTouching(db: Db, e: StoredEntry, after: RowImage[]): number[] {
  const mine = touchedKeys(after);
  const later = db
    .prepare(`SELECT id, after FROM realign_journal WHERE office_id = ? AND id > ? AND undone_at IS NULL ORDER BY id DESC`)
    .all(e.office_id, e.id) as { id: number; after: string }[];
  return later.filter((l) => [...touchedKeys(parseImages(l.after))].some((k) => mine.has(k))).map((l) => l.id);
}
