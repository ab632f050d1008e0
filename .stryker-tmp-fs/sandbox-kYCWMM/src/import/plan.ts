// @ts-nocheck
// Planning an accept (I3-I7, I12): every staged record gets one decision in
// temp.imp_plan, computed from the target as it is, before anything is
// written. The dry run stops here; the real run applies exactly these rows.
import { decideCensus, decideParty, decideRelation } from '../domain/reconcile.js';
import { DEPENDENCY_ORDER } from '../domain/model/records.js';
import { planRules, presence, TABLE_OF, type PlanContext, type Rec } from './plan-rows.js';
export { presence };

import type { WaitingParty } from '../store/port.js';
export type { WaitingParty };

/**
 * I6, L8: entries earlier accepts left waiting (key relations, party entries,
 * census rows) whose contacts are all present now are planned for rebuilding,
 * by the same rules as when they first came; one still waiting stays as it is.
 * A party entry whose record is no longer in the target is dropped.
 */
export function planPendingRelations(ctx: PlanContext): void {
  for (const r of ctx.imports.waitingEntries(ctx.officeId, ctx.sourceInstallation)) {
    const rec = JSON.parse(r.record) as Rec;
    if (ctx.q.plan(rec.ref)) continue;
    if (r.kind === 'party') planWaitingParty(ctx, r.id, rec as unknown as WaitingParty);
    else if (r.kind === 'employee_census') {
      const d = decideCensus(presence(ctx, r.contact_ref), presence(ctx, r.related_ref));
      if (d.outcome === 'created')
        ctx.q.addPlan(rec.ref, 'pending_census', 'created', undefined, { pending_id: r.id, record: rec, reason: 'waited for its contacts, present now' });
    } else {
      const d = decideRelation(presence(ctx, r.contact_ref), presence(ctx, r.related_ref), true);
      if (d.outcome === 'created')
        ctx.q.addPlan(rec.ref, 'pending_relation', 'created', undefined, {
          pending_id: r.id,
          record: rec,
          reason: 'rebuilt from an earlier bundle of the session',
        });
    }
  }
}

function planWaitingParty(ctx: PlanContext, pendingId: number, e: WaitingParty): void {
  const d = decideParty(presence(ctx, e.contact), e.list, e.role);
  if (d.outcome !== 'linked') return;
  const detail = {
    record: e.record,
    contact: e.contact,
    list: e.list,
    role: e.role,
    share_percent: e.share_percent,
    pending_id: pendingId,
    owner_type: e.owner_type,
  };
  const owner = ctx.q.mapped(ctx.sourceInstallation, e.record, ctx.officeId, TABLE_OF[e.owner_type]);
  if (!owner) {
    ctx.q.addPlan(e.ref, 'party', 'dropped', undefined, {
      ...detail,
      reason: `party entry (list ${e.list}${e.role ? `, role ${e.role}` : ''}): ${e.record} is no longer in the target office`,
    });
    return;
  }
  ctx.q.addPlan(e.ref, 'party', 'linked', d.target_id.startsWith('new:') ? undefined : d.target_id, {
    ...detail,
    owner_id: owner,
    reason: `waited for ${e.contact}, present now`,
  });
}

/** Plans every staged record, type by type in staging order, each type set-based by the store (the rules of plan-rows.ts decide single records), then the waiting relations. */
export function planStaged(ctx: PlanContext): void {
  const rules = planRules(ctx);
  for (const type of DEPENDENCY_ORDER) if (ctx.imports.hasStaged(type)) ctx.imports.planType(ctx, type, TABLE_OF, rules);
  planPendingRelations(ctx);
}

export { matchContactRow, decideContactRow, decideStubRow, planCatalogue, TABLE_OF, type PlanContext, type Rec, type Decided } from './plan-rows.js';
export { choicesOf, plannedDecisions, type PlanFile, type PlannedDecisionRow } from './plan-file.js';
