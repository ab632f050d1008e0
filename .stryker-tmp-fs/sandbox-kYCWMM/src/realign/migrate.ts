// @ts-nocheck
// Realigning local office content onto the resource catalogue (R1, R4-R8,
// R10-R12). Each story: resolve the office and records, let the domain decide
// the plan, then apply exactly that plan in one transaction with a journal
// entry holding the rows before and after, so that undo can put them back.
import {
  KIND_LABEL,
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
import { didYouMeanOf, nearestNames } from '../domain/names.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { faultPoint } from '../shared/fault.js';
import { requireRights } from '../shared/rights.js';
import type { Office, RealignEntry, RealignEntryHead, RealignLookups, RealignStore, User } from '../store/port.js';

export interface RealignContext {
  office: Office;
  resource: Office;
  user: User;
}

/** R1 for the office alone: an agency office with a resource parent outside CA and AU. */
export async function realignOffices(store: RealignLookups, officeRef: string): Promise<{ office: Office; resource: Office }> {
  const office = await store.requireOffice(officeRef);
  const parent = office.parent_id ? await store.office(office.parent_id) : undefined;
  const refusal = realignRefusal(office, parent);
  if (refusal) {
    throw new OfficeportError(ErrorCode.REFUSED, refusal, {
      hint: 'realignment works on an agency office whose parent is a resource office outside Canada and Australia',
    });
  }
  return { office, resource: parent! };
}

/** R1: the office as above, and a user holding admin there. */
export async function realignContext(
  store: RealignLookups,
  officeRef: string,
  userRef: string,
  what = 'realign local office content',
): Promise<RealignContext> {
  const { office, resource } = await realignOffices(store, officeRef);
  const user = await store.requireUser(office, userRef);
  requireRights(user, office, ['admin'], what);
  return { office, resource, user };
}

function notFound(kind: CatalogueKind, ref: string, office: Office, candidates: CatalogueRecord[], side: string): OfficeportError {
  const near = nearestNames(ref, candidates, (c) => c.name).map((n) => `${JSON.stringify(n.name)} (${n.item.id})`);
  const label = KIND_LABEL[kind];
  return new OfficeportError(
    ErrorCode.NOT_FOUND,
    `no ${side} ${label} with id or exact name ${JSON.stringify(ref)} in office ${office.name}` + (near.length ? `; ${didYouMeanOf(near)}` : ''),
    { hint: `list them with: officeport search ${kind.replace('_', '-')}s --office ${office.id}` },
  );
}

/** A record of an office by id or exact name; a name shared by several records must be given as an id. */
export async function resolveRecord(
  store: RealignLookups,
  kind: CatalogueKind,
  office: Office,
  ref: string,
  side: 'local' | 'resource',
): Promise<CatalogueRecord> {
  const found = await store.findRecords(kind, office.id, ref);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    const elsewhere = await store.record(kind, ref);
    if (elsewhere) {
      throw new OfficeportError(
        ErrorCode.REFUSED,
        `${KIND_LABEL[kind]} ${ref} belongs to office ${elsewhere.office_id}, not to the ${side} office ${office.name}`,
        {
          hint: side === 'local' ? '--local names a record of the agency office itself' : '--resource names a record of its resource office',
        },
      );
    }
    throw notFound(kind, ref, office, await store.records(kind, office.id), side);
  }
  throw new OfficeportError(
    ErrorCode.REFUSED,
    `several ${KIND_LABEL[kind]}s of ${office.name} are named ${JSON.stringify(ref)}: ${found.map((f) => f.id).join(', ')}`,
    {
      hint: 'name one by its id',
    },
  );
}

function decided<T>(d: Decision<T>): T {
  if (d.ok) return d.value;
  const message = d.hints.length ? `${d.reason}; nearest resource names: ${d.hints.join(', ')}` : d.reason;
  throw new OfficeportError(ErrorCode.REFUSED, message, { hint: d.hint });
}

/** The plan for one migration, computed from the installation as it is now (R5, R6, R8). */
export async function planMigration(store: RealignLookups, ctx: RealignContext, local: CatalogueRecord, resource: CatalogueRecord): Promise<MigrationPlan> {
  if (local.kind === 'carrier') {
    const localChildren = await store.childrenOf(local.id, ctx.office.id);
    return decided(
      planCarrierMigration({
        local,
        resource,
        localChildren,
        resourceChildren: await store.childrenOf(resource.id, ctx.resource.id),
        resourceCarriers: await store.records('carrier', ctx.resource.id),
        officeCarrierNames: (await store.records('carrier', ctx.office.id)).map((c) => c.name),
        counts: await store.referenceCounts([local, ...localChildren]),
      }),
    );
  }
  const siblings = (await store.records(local.kind, ctx.resource.id)).filter((r) => local.kind === 'service_provider' || r.carrier_id === resource.carrier_id);
  return decided(planSingleMigration({ local, resource, resourceSiblings: siblings, counts: await store.referenceCounts([local]) }));
}

export async function prepareMigration(
  store: RealignLookups,
  ctx: RealignContext,
  kind: CatalogueKind,
  localRef: string,
  resourceRef: string,
): Promise<MigrationPlan> {
  const local = await resolveRecord(store, kind, ctx.office, localRef, 'local');
  const resource = await resolveRecord(store, kind, ctx.resource, resourceRef, 'resource');
  return planMigration(store, ctx, local, resource);
}

export interface AppliedMigration {
  journal_id: number;
  lines: PlanLine[];
}

const planKey = (p: MigrationPlan) => JSON.stringify([p.switches, p.records]);

/** Apply exactly `plan` in one transaction (R12), journaled with before- and after-images (R10). */
export function applyMigration(store: RealignStore, ctx: RealignContext, plan: MigrationPlan): Promise<AppliedMigration> {
  return store.change(async (s) => {
    const local = await s.record(plan.kind, plan.local.id);
    const resource = await s.record(plan.kind, plan.resource.id);
    const now = local && resource ? await planMigration(s, ctx, local, resource) : undefined;
    if (!now || planKey(now) !== planKey(plan)) {
      throw new OfficeportError(ErrorCode.CONFLICT, `the installation changed since the plan for ${plan.local.id} was shown; nothing was changed`, {
        hint: 'run the command again to see the current plan',
      });
    }
    const head = entryHead(ctx, plan.kind, plan.local.id, plan.resource.id, { local: plan.local.name, resource: plan.resource.name, lines: plan.lines });
    const journal_id = await s.migrate(head, plan.switches, plan.records);
    faultPoint('realign-before-commit'); // S3 tests: references switched and journaled; not committed yet
    return { journal_id, lines: plan.lines };
  });
}

function entryHead(ctx: Pick<RealignContext, 'office' | 'user'>, kind: string, localId: string, resourceId: string, summary: unknown): RealignEntryHead {
  return { office_id: ctx.office.id, user_id: ctx.user.id, kind, local_id: localId, resource_id: resourceId, summary };
}

// ---------------------------------------------------------------- R11

export interface PurgePlan extends PurgeDecision {
  /** Journal entries whose undo needs records this purge deletes (undo the purge first). */
  blocksUndoOf: number[];
}

export async function preparePurge(store: RealignLookups, ctx: RealignContext): Promise<PurgePlan> {
  const records = await store.allRecords(ctx.office.id);
  const references = await store.totalReferences(records);
  const candidates = [];
  for (const [i, record] of records.entries()) {
    const children = record.kind === 'carrier' ? (await store.childrenOf(record.id, ctx.office.id)).map((c) => c.id) : [];
    candidates.push({ record, references: references[i]!, children });
  }
  const decision = planPurge(candidates);
  return { ...decision, blocksUndoOf: await store.entriesHoldingRecords(ctx.office.id, decision.purge) };
}

/** Delete the purgeable records in one transaction, journaled so that the purge itself can be undone. */
export async function applyPurge(store: RealignStore, ctx: RealignContext, plan: PurgePlan): Promise<{ journal_id: number | null; deleted: number }> {
  if (plan.purge.length === 0) return { journal_id: null, deleted: 0 };
  return store.change(async (s) => {
    const now = await preparePurge(s, ctx);
    if (JSON.stringify(now.purge.map((r) => r.id)) !== JSON.stringify(plan.purge.map((r) => r.id))) {
      throw new OfficeportError(ErrorCode.CONFLICT, 'the installation changed since the purge plan was shown; nothing was deleted', {
        hint: 'run the command again',
      });
    }
    const summary = { deleted: plan.purge.map((r) => ({ kind: r.kind, id: r.id, name: r.name })) };
    const journal_id = await s.purge(entryHead(ctx, 'purge', plan.purge.map((r) => r.id).join(';'), '', summary), plan.purge);
    return { journal_id, deleted: plan.purge.length };
  });
}

// ---------------------------------------------------------------- R10

/** A journal entry as `realign log` lists it: what was journaled, when, and whether it was undone. */
export type JournalEntry = RealignEntry;

export async function realignLog(store: RealignStore, officeRef: string): Promise<{ office: Office; entries: JournalEntry[] }> {
  const office = await store.requireOffice(officeRef);
  return { office, entries: await store.journal(office.id) };
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
export function undoRealign(store: RealignStore, ctx: RealignContext, id: number): Promise<UndoResult> {
  return store.change(async (s) => {
    const e = await s.entry(id);
    if (!e || e.office_id !== ctx.office.id) {
      throw new OfficeportError(ErrorCode.NOT_FOUND, `no realignment #${id} in office ${ctx.office.name}`, {
        hint: `list them with: officeport realign log --office ${ctx.office.id}`,
      });
    }
    if (e.undone_at) return { id, rows: 0, already_undone_at: e.undone_at };
    const changed = await s.changesSince(id, SHOWN_PROBLEMS);
    if (changed.count > 0) {
      const later = await s.laterEntriesTouching(id);
      throw new OfficeportError(ErrorCode.REFUSED, `cannot undo realignment #${id}: ${changed.count} of its records changed since`, {
        problems: changed.shown.map((message) => ({ message })),
        hint: later.length
          ? `undo the later realignment${later.length > 1 ? 's' : ''} ${later.map((n) => `#${n}`).join(', ')} first (newest first)`
          : 'the records were changed by something other than realignment (import, edit); undo cannot restore them safely',
      });
    }
    const rows = await s.restore(id);
    return { id, rows, already_undone_at: null };
  });
}
