// @ts-nocheck
// I12: the plan of an accept as a file. The dry run writes one decision per
// record (--plan-out); an ambiguous match can be settled in it, and
// `import --plan` applies exactly that plan.
import type { CarrierMode } from '../domain/reconcile.js';
import type { ImportStore } from '../store/port.js';

export interface PlanFile {
  plan_version: 1;
  bundle_id: string;
  tagmanifest_sha256: string;
  office_id: string;
  user_id: string;
  carriers: CarrierMode;
  /** the contact refs of this accept */
  contacts: string[];
  decisions: PlannedDecisionRow[];
}

export interface PlannedDecisionRow {
  ref: string;
  type: string;
  outcome: string;
  target_id?: string;
  /** ambiguous contacts: candidate target ids; set `choice` to one of them or "new" */
  candidates?: string[];
  choice?: string;
  reason?: string;
  conflicts?: unknown[];
  fingerprints?: Record<string, string>;
}

/** Every decision of the current plan, one per record, as the plan file lists them. */
export function* plannedDecisions(imports: ImportStore): Generator<PlannedDecisionRow> {
  for (const p of imports.planRows()) {
    const d = JSON.parse(p.detail) as Record<string, unknown>;
    const row: PlannedDecisionRow = { ref: p.ref, type: p.type, outcome: p.outcome };
    if (p.target_id) row.target_id = p.target_id;
    if (Array.isArray(d.ambiguous)) {
      row.candidates = d.ambiguous as string[];
      row.choice = (d.choice as string | undefined) ?? '';
    }
    if (typeof d.reason === 'string') row.reason = d.reason;
    if (Array.isArray(d.conflicts) && d.conflicts.length) row.conflicts = d.conflicts;
    if (d.fingerprints && Object.keys(d.fingerprints).length) row.fingerprints = d.fingerprints as Record<string, string>;
    yield row;
  }
}

/** Choices the user made in a plan file for ambiguous contacts. */
export function choicesOf(plan: PlanFile): Map<string, string> {
  return new Map(plan.decisions.filter((d) => d.candidates && d.choice).map((d) => [d.ref, d.choice!]));
}
