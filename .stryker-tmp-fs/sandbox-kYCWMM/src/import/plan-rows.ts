// @ts-nocheck
// The decision for one staged record (I3-I5, I12): what a contact or stub
// matches, how a catalogue record resolves. The store (ImportStore.planType) applies these rules to
// rows grouped set-based; plan.ts orders the planning of a whole accept.
import { displayName, identityKey, stubTaxHash, taxDigits } from '../domain/matching.js';
import {
  absentContact,
  checkChoice,
  contestMatch,
  decideCensus,
  decideContact,
  decideImported,
  decideMatch,
  decideParty,
  decideRelation,
  fingerprintRow,
  mergeContact,
  resolveCatalogue,
  type CarrierMode,
  type CatalogueCandidates,
  type Match,
  type Presence,
} from '../domain/reconcile.js';
import type { Row } from '../domain/model/row.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import type { RecordType } from '../bundle/records.js';
import type { ImportStore, PlanLookups, PlanRules } from '../store/port.js';
import type { TableName } from '../domain/model/tables.js';

export interface PlanContext {
  imports: ImportStore;
  q: PlanLookups;
  officeId: string;
  parentOfficeId: string | null;
  sourceInstallation: string;
  sessionId: string;
  bundleId: string;
  salt: string;
  carriers: CarrierMode;
  /** I12: choices for ambiguous contacts from a plan file (target id or "new") */
  choices: Map<string, string>;
  /** catalogue records this accept creates, by type, carrier scope and name: the first ref of each */
  createdCatalogue?: Map<string, string>;
  /** the store knows the presence of the planned contacts and stubs (set-based planning) */
  presenceReady?: boolean;
}

export type Rec = Record<string, unknown> & { ref: string };
/** One decision as it goes into temp.imp_plan. */
export interface Decided {
  outcome: string;
  target_id?: string;
  detail: object;
}

/** Tables of record types that become rows of their own. */
export const TABLE_OF: Readonly<Record<RecordType, TableName>> = {
  contacts: 'contacts',
  stubs: 'contacts',
  carriers: 'carriers',
  products: 'products',
  riders: 'riders',
  service_providers: 'service_providers',
  investment_accounts: 'investment_accounts',
  policies: 'policies',
  pending_cases: 'pending_cases',
  positions: 'positions',
  letters: 'letters',
  activities: 'activities',
  smartpad: 'smartpad',
  key_relations: 'key_relations',
  employee_census: 'employee_census',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** I3: what one incoming contact matches in the target office on its own (before L12 compares it with the other incoming contacts). */
export function matchContactRow(ctx: PlanContext, rec: Rec): Match {
  const { q } = ctx;
  const taxKey = taxDigits(str(rec.tax_id));
  return decideMatch({
    mapped: q.mapped(ctx.sourceInstallation, rec.ref, ctx.officeId, 'contacts'),
    taxKey,
    byTax: q.contactsByTax(taxKey, str(rec.kind) ?? 'individual'),
    byIdentity: q.contactsByIdentity(identityKey(rec as unknown as Row & { kind: string })),
  });
}

/**
 * I3, I12, L12: what becomes of one incoming contact, given its match
 * (matchContactRow, contested by contestMatch when other incoming contacts
 * match the same target contact). The set-based planner asks this for
 * contacts that have candidates or a choice.
 */
export function decideContactRow(ctx: PlanContext, rec: Rec, match: Match): Decided {
  const { q } = ctx;
  const choice = ctx.choices.get(rec.ref);
  const bad = checkChoice(rec.ref, match, choice);
  if (bad) throw new OfficeportError(ErrorCode.REFUSED, `the plan's choice cannot be applied: ${bad}`, { hint: 'make a new plan with --dry-run --plan-out' });
  const d = decideContact(match, choice);
  const name = displayName(rec as Row);
  if (d.outcome === 'merged') {
    const target = q.contact(d.target_id, ctx.officeId);
    if (!target) throw new OfficeportError(ErrorCode.REFUSED, `${rec.ref}: target contact ${d.target_id} is not in this office`);
    const merge = mergeContact(target, rec as Row);
    const ambiguous = match.kind === 'ambiguous' ? match.candidates : undefined;
    const fingerprints = Object.fromEntries([d.target_id, ...(ambiguous ?? [])].map((id) => [id, fingerprintRow(q.contact(id, ctx.officeId))]));
    return { outcome: 'merged', target_id: d.target_id, detail: { name, via: d.via, ...merge, ambiguous, choice, fingerprints } };
  }
  const fingerprints = Object.fromEntries((d.ambiguous ?? []).map((id) => [id, fingerprintRow(q.contact(id, ctx.officeId))]));
  return { outcome: 'created', detail: { name, ambiguous: d.ambiguous, reason: d.reason, choice, fingerprints } };
}

/** I4: stubs match by I3 (1)-(3), the tax id through the bundle's salted hash; they are never created. */
export function decideStubRow(ctx: PlanContext, rec: Rec): Decided {
  const { q } = ctx;
  const hash = str(rec.tax_id_hash) ?? '';
  const match = decideMatch({
    mapped: q.mapped(ctx.sourceInstallation, rec.ref, ctx.officeId, 'contacts'),
    taxKey: hash,
    byTax: q.contactsByHash(hash, str(rec.kind) ?? 'individual'),
    byIdentity: q
      .contactsByIdentity(identityKey(rec as unknown as Row & { kind: string }))
      .map((c) => ({ id: c.id, taxKey: c.taxKey ? stubTaxHash(ctx.salt, c.taxKey) : '' })),
  });
  const name = displayName(rec as Row);
  if (match.kind === 'match') {
    return {
      outcome: 'linked',
      target_id: match.target_id,
      detail: { name, via: match.via, fingerprints: { [match.target_id]: fingerprintRow(q.contact(match.target_id, ctx.officeId)) } },
    };
  }
  const reason = match.kind === 'ambiguous' ? `${match.candidates.length} target contacts match` : 'no such contact in the target office';
  return { outcome: 'dropped', detail: { name, reason, candidates: match.kind === 'ambiguous' ? match.candidates : undefined } };
}

/** Whether a contact ref is (or will be, by this accept) present in the target office. */
export function presence(ctx: PlanContext, ref: string): Presence {
  const { q } = ctx;
  const p = q.plan(ref);
  if (p?.type === 'contacts') return { present: true, target_id: p.target_id ?? `new:${ref}` };
  if (p?.type === 'stubs') {
    if (p.outcome === 'linked') return { present: true, target_id: p.target_id! };
    const { name, reason } = JSON.parse(p.detail) as { name: string; reason: string };
    return absentContact(ref, { kind: 'stub', name, reason });
  }
  const mapped = q.mapped(ctx.sourceInstallation, ref, ctx.officeId, 'contacts');
  if (mapped) return { present: true, target_id: mapped };
  return absentContact(ref, { kind: q.bundleContactState(ref) === 'later' ? 'waiting' : 'unknown' });
}

/** I5: catalogue records are planned when first used, products and riders after their carrier. */
export function planCatalogue(ctx: PlanContext, ref: string | undefined, type: 'carriers' | 'products' | 'riders' | 'service_providers'): void {
  if (!ref || ctx.q.plan(ref)) return;
  const rec = ctx.q.record(ref, type) as Rec | undefined;
  if (!rec) throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${ref} is referenced but not in the bundle`);
  const name = rec.name as string;
  const c: CatalogueCandidates = { mapped: ctx.q.mapped(ctx.sourceInstallation, ref, ctx.officeId, type) };
  let detail: Record<string, unknown> = { name, origin: rec.origin };
  if (type === 'products' || type === 'riders') {
    const carrierRef = rec.carrier as string;
    planCatalogue(ctx, carrierRef, 'carriers');
    const carrier = ctx.q.plan(carrierRef)!;
    detail = { ...detail, carrier: carrierRef };
    if (carrier.outcome === 'linked' && carrier.target_id && !c.mapped) {
      const found = ctx.q.withinCarrier(type, carrier.target_id!, name);
      const office = ctx.q.row('carriers', carrier.target_id!)?.office_id;
      if (office === ctx.parentOfficeId) c.parent = found;
      else c.own = found;
    }
  } else {
    c.parent = ctx.q.catalogueByName(type, ctx.parentOfficeId, name);
    c.own = ctx.q.catalogueByName(type, ctx.officeId, name);
  }
  const d = resolveCatalogue(c, ctx.carriers);
  if (d.outcome === 'linked') {
    detail = { ...detail, via: d.via, fingerprints: { [d.target_id]: fingerprintRow(ctx.q.row(type, d.target_id)) } };
    ctx.q.addPlan(ref, type, 'linked', d.target_id, detail);
    return;
  }
  // Two records of the bundle with one name (a parent's and a local carrier, say) become one record here.
  const created = (ctx.createdCatalogue ??= new Map());
  const key = `${type}|${catalogueScope(ctx, rec, type)}|${name}`;
  const first = created.get(key);
  if (first) {
    ctx.q.addPlan(ref, type, 'linked', undefined, { ...detail, same_as: first, reason: `same name as ${first}, created by this import` });
    return;
  }
  created.set(key, ref);
  const free = type === 'carriers' ? freeCarrierName(ctx, name, created) : name;
  if (type === 'carriers') created.set(`carrier-name|${free}`, ref);
  const reason = free === name ? d.reason : `${d.reason}; named ${JSON.stringify(free)} as the office already has a carrier ${JSON.stringify(name)}`;
  ctx.q.addPlan(ref, type, 'created', undefined, { ...detail, reason, name_override: free === name ? undefined : free });
}

/** Products and riders are unique within their carrier: the target carrier, or the ref of the one this accept creates. */
function catalogueScope(ctx: PlanContext, rec: Rec, type: string): string {
  if (type !== 'products' && type !== 'riders') return '';
  const carrier = ctx.q.plan(rec.carrier as string)!;
  if (carrier.target_id) return carrier.target_id;
  return (JSON.parse(carrier.detail) as { same_as?: string }).same_as ?? carrier.ref;
}

/**
 * Carrier names are unique per office: recreate mode may meet the office's own
 * carrier of that name, and a name given to an earlier carrier of this accept
 * ("X (imported)") is taken too.
 */
function freeCarrierName(ctx: PlanContext, name: string, created: Map<string, string>): string {
  const taken = (n: string) => ctx.q.catalogueByName('carriers', ctx.officeId, n) !== undefined || created.has(`carrier-name|${n}`);
  let candidate = name;
  for (let i = 1; taken(candidate); i++) candidate = `${name} (imported${i > 1 ? ` ${i}` : ''})`;
  return candidate;
}

/** The per-record rules above, for the set-based planner of the store (ImportStore.planType). */
export function planRules(ctx: PlanContext): PlanRules<Rec, Match> {
  return {
    matchContact: (rec) => {
      const m = matchContactRow(ctx, rec);
      return { match: m, target: m.kind === 'match' ? m.target_id : null };
    },
    decideContact: (rec, match, rivals) => decideContactRow(ctx, rec, contestMatch(match, rivals)),
    decideStub: (rec) => decideStubRow(ctx, rec),
    planCatalogue: (ref, type) => planCatalogue(ctx, ref, type),
    absent: absentContact,
    imported: decideImported,
    party: decideParty,
    // I6: within a session, a missing contact may still come in a later bundle
    relation: (a, b) => decideRelation(a, b, true),
    census: decideCensus,
  };
}
