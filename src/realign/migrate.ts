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
} from '../domain/realign-rules.js';
import { nearestNames } from '../domain/names.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import * as cat from '../store/sqlite/catalogue.js';
import { inTransaction, type Db } from '../store/sqlite/db.js';
import { findOffice, requireOffice, requireRights, requireUser, type Office, type User } from '../store/sqlite/offices.js';
import { differences, restoreConflicts, restoreRows, type RowDifference } from '../store/sqlite/row-journal.js';
import {
  entriesHoldingRows,
  getEntry,
  imagePages,
  laterEntriesTouching,
  markUndone,
  startEntry,
  type EntryHead,
  type StoredEntry,
} from '../store/sqlite/realign-journal.js';

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
    const journal = startEntry(db, entryHead(ctx, plan.kind, plan.local.id, plan.resource.id, { local: plan.local.name, resource: plan.resource.name, lines: plan.lines }));
    for (const s of plan.switches) journal.captureWhere(s.table, `"${s.column}" = ?`, [s.from]);
    for (const r of plan.records) journal.captureWhere(KIND_TABLE[r.kind], 'id = ?', [r.id]);
    for (const s of plan.switches) cat.applySwitch(db, s);
    for (const r of plan.records) cat.applyRecordChange(db, r);
    journal.finish();
    return { journal_id: journal.id, lines: plan.lines };
  });
}

function entryHead(ctx: Pick<RealignContext, 'office' | 'user'>, kind: string, localId: string, resourceId: string, summary: unknown): EntryHead {
  return { office_id: ctx.office.id, user_id: ctx.user.id, kind, local_id: localId, resource_id: resourceId, summary };
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
  const refs = decision.purge.flatMap((r) => cat.recordRowRef(db, r.kind, r.id));
  return { ...decision, blocksUndoOf: entriesHoldingRows(db, ctx.office.id, refs) };
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
    const summary = { deleted: plan.purge.map((r) => ({ kind: r.kind, id: r.id, name: r.name })) };
    const journal = startEntry(db, entryHead(ctx, 'purge', plan.purge.map((r) => r.id).join(';'), '', summary));
    for (const r of plan.purge) journal.captureWhere(KIND_TABLE[r.kind], 'id = ?', [r.id]);
    for (const r of plan.purge) cat.deleteRecord(db, r);
    journal.finish();
    const journal_id = journal.id;
    return { journal_id, deleted: plan.purge.length };
  });
}

// ---------------------------------------------------------------- R10

/** A journal entry as `realign log` lists it: what was journaled, when, and whether it was undone. */
export interface JournalEntry extends EntryHead {
  id: number;
  at: string;
  undone_at: string | null;
}

export function realignLog(db: Db, officeRef: string): { office: Office; entries: JournalEntry[] } {
  const office = requireOffice(db, officeRef);
  const rows = db
    .prepare(`SELECT id, at, office_id, user_id, kind, local_id, resource_id, summary, undone_at FROM realign_journal WHERE office_id = ? ORDER BY id`)
    .all(office.id) as (Omit<JournalEntry, 'summary'> & { summary: string })[];
  return { office, entries: rows.map((r) => ({ ...r, summary: JSON.parse(r.summary) as unknown })) };
}

export interface UndoResult {
  id: number;
  /** rows put back; 0 when the entry was undone before */
  rows: number;
  /** set when this entry had been undone already, so nothing changed */
  already_undone_at: string | null;
}

/** Problems shown when an undo is refused (all are counted). */
const SHOWN_PROBLEMS = 20;

/**
 * Put back the rows of one journal entry as they were before it, refusing
 * when anything it changed has changed again since (the rows differ from its
 * after-image): a later migration, a rename, a purge, an edit. The images are
 * read a page at a time: checked first, then restored (R10, P1).
 */
export function undoRealign(db: Db, ctx: RealignContext, id: number): UndoResult {
  return inTransaction(db, () => {
    const e = getEntry(db, id);
    if (!e || e.office_id !== ctx.office.id) {
      throw new OfficeportError(ErrorCode.NOT_FOUND, `no realignment #${id} in office ${ctx.office.name}`, {
        hint: `list them with: officeport realign log --office ${ctx.office.id}`,
      });
    }
    if (e.undone_at) return { id, rows: 0, already_undone_at: e.undone_at };
    const changed = changesSince(db, e);
    if (changed.count > 0) {
      const later = laterEntriesTouching(db, e);
      throw new OfficeportError(ErrorCode.REFUSED, `cannot undo realignment #${id}: ${changed.count} of its records changed since`, {
        problems: changed.shown.map((d) => ({ message: d.message })),
        hint: later.length
          ? `undo the later realignment${later.length > 1 ? 's' : ''} ${later.map((n) => `#${n}`).join(', ')} first (newest first)`
          : 'the records were changed by something other than realignment (import, edit); undo cannot restore them safely',
      });
    }
    let rows = 0;
    // Rows the entry added go first, so that a row it deleted can take its id back.
    for (const only of ['absent', 'present'] as const) {
      for (const page of imagePages(db, e, 'before', only)) {
        restoreRows(db, page);
        rows += page.length;
      }
    }
    markUndone(db, id);
    return { id, rows, already_undone_at: null };
  });
}

/** Rows that no longer look as the entry left them, or whose id another row holds now. */
function changesSince(db: Db, e: StoredEntry): { count: number; shown: RowDifference[] } {
  const out = { count: 0, shown: [] as RowDifference[] };
  const add = (ds: RowDifference[]) => {
    out.count += ds.length;
    out.shown.push(...ds.slice(0, SHOWN_PROBLEMS - out.shown.length));
  };
  for (const page of imagePages(db, e, 'after')) add(differences(db, page));
  for (const page of imagePages(db, e, 'before', 'present')) add(restoreConflicts(db, page));
  return out;
}
