// @ts-nocheck
// One function per realign command, each telling its steps in order: resolve
// the office and user (R1), plan without changing anything, show the plan,
// stop on a dry run, ask (R7), then apply exactly that plan. The caller shows
// and asks through `Ask`: the cli prints to its terminal and asks there, or
// answers yes for --yes.
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { checkOutputPath } from '../shared/output-file.js';
import type { CatalogueKind, MigrationPlan, PairingRow } from '../domain/realign-rules.js';
import type { RealignStore, Store } from '../store/port.js';
import {
  applyMigration,
  applyPurge,
  prepareMigration,
  preparePurge,
  realignContext,
  realignOffices,
  undoRealign,
  type AppliedMigration,
  type PurgePlan,
  type RealignContext,
  type UndoResult,
} from './migrate.js';
import { applyPlanned, pairingsFor, prepareApply, readPlanFile, writePlanFile, type ApplyItem, type ApplyOutcome } from './plan-file.js';

/** How a command shows its plan and asks before it changes anything. */
export interface Ask<P> {
  /** called once the plan is made, before a dry run stops or the question is asked */
  show?(plan: P): void;
  /** R7: whether to apply the plan; false cancels and nothing is changed */
  confirm(plan: P): Promise<boolean>;
}

/** R7: a plan not confirmed changes nothing. */
async function confirmed<P>(ask: Ask<P>, plan: P): Promise<void> {
  if (!(await ask.confirm(plan))) throw new OfficeportError(ErrorCode.REFUSED, 'cancelled: nothing was changed');
}

export interface RealignRequest {
  office: string;
  user: string;
  dryRun?: boolean;
}

export interface MigrateResult {
  dry_run: boolean;
  plan: MigrationPlan;
  applied: AppliedMigration | null;
  /** the office and user the migration ran as (for the undo command the cli shows) */
  ctx: RealignContext;
}

/** `realign carrier|product|rider|service-provider`: one local record onto the resource record of exactly its name (R5, R6). */
export async function migrateRecord(
  store: RealignStore,
  req: RealignRequest & { kind: CatalogueKind; local: string; resource: string },
  ask: Ask<MigrationPlan>,
): Promise<MigrateResult> {
  const ctx = await realignContext(store, req.office, req.user);
  const plan = await prepareMigration(store, ctx, req.kind, req.local, req.resource);
  ask.show?.(plan);
  if (req.dryRun) return { dry_run: true, plan, applied: null, ctx };
  await confirmed(ask, plan);
  return { dry_run: false, plan, applied: await applyMigration(store, ctx, plan), ctx };
}

/** `realign plan`: a proposed resource pairing for every local record, written as CSV when asked (the output checked before any work, L1). */
export async function planRealignment(
  { home, realign }: Pick<Store, 'home' | 'realign'>,
  req: { office: string; out?: string; force?: boolean },
): Promise<{ out: string | null; rows: PairingRow[] }> {
  const output = { force: req.force, option: '--out', home };
  if (req.out) checkOutputPath(req.out, output);
  const rows = await pairingsFor(realign, await realignOffices(realign, req.office));
  if (req.out) writePlanFile(req.out, rows, output);
  return { out: req.out ?? null, rows };
}

export type ApplyFileResult = { dry_run: true; items: ApplyItem[] } | { dry_run: false; outcomes: ApplyOutcome[] };

/** `realign apply PLAN`: the exact pairs of a plan file, each as its own migration; a dry run, or nothing planned, changes nothing. */
export async function applyPlanFile(store: RealignStore, req: RealignRequest & { plan: string }, ask: Ask<ApplyItem[]>): Promise<ApplyFileResult> {
  const ctx = await realignContext(store, req.office, req.user);
  const items = await prepareApply(store, ctx, readPlanFile(req.plan));
  ask.show?.(items);
  if (req.dryRun || !items.some((i) => i.status === 'planned')) return { dry_run: true, items };
  await confirmed(ask, items);
  return { dry_run: false, outcomes: await applyPlanned(store, ctx, items) };
}

/** `realign undo ID`: the rows before one realignment, put back (R10). */
export async function undoRealignment(store: RealignStore, req: { office: string; user: string; id: number }): Promise<UndoResult> {
  const ctx = await realignContext(store, req.office, req.user, 'undo a realignment');
  return undoRealign(store, ctx, req.id);
}

export interface PurgeResult {
  dry_run: boolean;
  plan: PurgePlan;
  applied: { journal_id: number | null; deleted: number } | null;
}

/** `realign purge`: the X_ records nothing refers to, deleted as one journaled, undoable change (R11); a dry run, or nothing to delete, changes nothing. */
export async function purgeRealigned(store: RealignStore, req: RealignRequest, ask: Ask<PurgePlan>): Promise<PurgeResult> {
  const ctx = await realignContext(store, req.office, req.user, 'purge realigned records');
  const plan = await preparePurge(store, ctx);
  ask.show?.(plan);
  if (req.dryRun || plan.purge.length === 0) return { dry_run: true, plan, applied: null };
  await confirmed(ask, plan);
  return { dry_run: false, plan, applied: await applyPurge(store, ctx, plan) };
}
