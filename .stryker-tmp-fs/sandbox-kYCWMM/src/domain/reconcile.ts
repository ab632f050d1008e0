// @ts-nocheck
// Import decisions (I3-I7, I12) as plain data. The use case (src/import/accept.ts)
// gathers candidates from the store, asks these functions what to do, and one
// place applies the answers; the dry run stops before that place.
import crypto from 'node:crypto';
import { normaliseName, taxDigits } from './matching.js';
import type { Row } from './model/row.js';

export type Outcome = 'created' | 'merged' | 'linked' | 'pending' | 'dropped';

// ---- I3: matching contacts ------------------------------------------------

export interface Candidate {
  id: string;
  /** Tax digits (or, for stubs, the salted hash) of the candidate, "" if none. */
  taxKey: string;
}

export interface MatchInput {
  /** I3 (1): what an earlier import made of the same source record, if still there. */
  mapped?: string;
  /** Incoming tax digits (or stub hash), "" if none. */
  taxKey: string;
  /** I3 (2): target contacts of the office with the same tax id. */
  byTax: readonly string[];
  /** I3 (3): target contacts of the office with the same identity key. */
  byIdentity: readonly Candidate[];
}

export type Match =
  | { kind: 'match'; target_id: string; via: 'import_map' | 'tax_id' | 'identity' }
  | { kind: 'new' }
  | { kind: 'ambiguous'; via: 'tax_id' | 'identity'; candidates: string[] }
  /** L12: the one target contact it matches is matched by other incoming contacts of the same accept too */
  | { kind: 'ambiguous'; via: 'contested'; candidates: string[]; rivals: string[] };

/** I3: (1) earlier import, (2) tax id, (3) name and birth date / business name; several = ambiguous. */
export function decideMatch(m: MatchInput): Match {
  if (m.mapped) return { kind: 'match', target_id: m.mapped, via: 'import_map' };
  const tax = unique(m.byTax);
  if (tax.length > 0) return tax.length === 1 ? { kind: 'match', target_id: tax[0]!, via: 'tax_id' } : { kind: 'ambiguous', via: 'tax_id', candidates: tax };
  // Same name and birth date but a different tax id is someone else.
  const ident = unique(m.byIdentity.filter((c) => !(m.taxKey && c.taxKey && c.taxKey !== m.taxKey)).map((c) => c.id));
  if (ident.length > 0) {
    return ident.length === 1 ? { kind: 'match', target_id: ident[0]!, via: 'identity' } : { kind: 'ambiguous', via: 'identity', candidates: ident };
  }
  return { kind: 'new' };
}

/**
 * L12: a target contact that several incoming contacts of one accept match (by
 * any route of I3) is merged into none of them: each is ambiguous, with that
 * contact as its candidate and the other incoming contacts as rivals.
 * `rivals`: the other incoming refs whose match is the same target contact.
 */
export function contestMatch(m: Match, rivals: readonly string[]): Match {
  if (m.kind !== 'match' || rivals.length === 0) return m;
  return { kind: 'ambiguous', via: 'contested', candidates: [m.target_id], rivals: unique(rivals) };
}

function ambiguityReason(m: Extract<Match, { kind: 'ambiguous' }>): string {
  if (m.via === 'contested') {
    return `ambiguous: ${m.rivals.length + 1} incoming contacts of this import (this one and ${m.rivals.join(', ')}) match target contact ${m.candidates[0]}`;
  }
  return `ambiguous: ${m.candidates.length} target contacts match by ${m.via === 'tax_id' ? 'tax id' : 'name and birth date'}`;
}

export type ContactDecision = { outcome: 'merged'; target_id: string; via: string } | { outcome: 'created'; ambiguous?: string[]; reason?: string };

/**
 * What becomes of an incoming contact. `choice` settles an ambiguous match
 * from a plan file (I12): a candidate id or "new".
 */
export function decideContact(match: Match, choice?: string): ContactDecision {
  if (match.kind === 'match') return { outcome: 'merged', target_id: match.target_id, via: match.via };
  if (match.kind === 'new') return { outcome: 'created' };
  if (choice && choice !== 'new') {
    return { outcome: 'merged', target_id: choice, via: `plan choice among ${match.candidates.length} candidates` };
  }
  if (choice === 'new') return { outcome: 'created', ambiguous: match.candidates, reason: 'ambiguous match settled as new by the plan' };
  return { outcome: 'created', ambiguous: match.candidates, reason: ambiguityReason(match) };
}

/** Problems with a plan's choice for an ambiguous contact, or null when it is usable. */
export function checkChoice(ref: string, match: Match, choice: string | undefined): string | null {
  if (choice === undefined || choice === 'new') return null;
  if (match.kind !== 'ambiguous') return `${ref}: a choice is given but the match is not ambiguous any more`;
  if (!match.candidates.includes(choice)) {
    return `${ref}: choice ${JSON.stringify(choice)} is not one of the candidates ${match.candidates.join(', ')}`;
  }
  return null;
}

// ---- I3: merging ----------------------------------------------------------

/** Contact fields an import may fill in an existing contact. */
export const MERGE_FIELDS = [
  'first_name',
  'middle_name',
  'last_name',
  'business_name',
  'birth_date',
  'tax_id',
  'gender',
  'email',
  'phone',
  'street',
  'city',
  'state',
  'postal_code',
  'country',
] as const;

export interface Conflict {
  field: string;
  target: string;
  incoming: string;
  /** on a tax_id conflict, the contact's kind: a tax id is masked by kind everywhere it is shown (V6), and nine bare digits may be an EIN */
  kind?: string;
}

export interface Merge {
  /** Empty target fields the incoming record fills. */
  fill: Record<string, string>;
  conflicts: Conflict[];
}

function sameValue(field: string, a: string, b: string): boolean {
  if (a === b) return true;
  if (field === 'tax_id') return taxDigits(a) === taxDigits(b);
  if (field.endsWith('_name')) return normaliseName(a) === normaliseName(b);
  return false;
}

/** I3: the target's values are kept, its empty fields filled, and every difference reported. */
export function mergeContact(target: Row, incoming: Row): Merge {
  const fill: Record<string, string> = {};
  const conflicts: Conflict[] = [];
  for (const f of MERGE_FIELDS) {
    const t = target[f];
    const i = incoming[f];
    if (i === null || i === undefined || i === '') continue;
    if (t === null || t === undefined || t === '') fill[f] = i;
    else if (!sameValue(f, t, i)) {
      const kind = f === 'tax_id' ? (incoming.kind ?? target.kind) : undefined;
      conflicts.push(kind ? { field: f, target: t, incoming: i, kind } : { field: f, target: t, incoming: i });
    }
  }
  return { fill, conflicts };
}

// ---- I4, I6, I7: entries that need their contacts -------------------------

/**
 * Whether a contact is present in the target office; when it is not, `waiting`
 * says it is a contact of the bundle still pending in the inbox (L8: what
 * needs it waits for the accept that brings it).
 */
export type Presence = { present: true; target_id: string } | { present: false; why: string; waiting?: boolean };

/**
 * Why a contact is absent from the target office: it waits in the inbox (L8:
 * a contact of the bundle not accepted yet), it is a stub that matched no
 * contact of the office (I4: `name` and `reason` from its plan), or it is
 * simply not there.
 */
export type Absent = Extract<Presence, { present: false }>;

export type Absence = { kind: 'waiting' } | { kind: 'stub'; name: string; reason: string } | { kind: 'unknown' };

/** I4, L8: an absent contact, with why in words. */
export function absentContact(ref: string, a: Absence): Absent {
  switch (a.kind) {
    case 'waiting':
      return { present: false, why: `${ref} is not accepted yet (still pending in the inbox)`, waiting: true };
    case 'stub':
      return { present: false, why: `${ref} (${a.name}): ${a.reason}` };
    case 'unknown':
      return { present: false, why: `${ref} is not present in the target office` };
  }
}

/** I9: a record an earlier import already brought into the office is linked to what it made, not made again. */
export function decideImported(target_id: string): { outcome: 'linked'; target_id: string; reason: string } {
  return { outcome: 'linked', target_id, reason: 'already imported' };
}

export type EntryDecision = { outcome: 'linked'; target_id: string } | { outcome: 'pending'; reason: string } | { outcome: 'dropped'; reason: string };

/** I4, L8: a party entry stays only if its contact is present in the target office; it waits for one still pending in the inbox. */
export function decideParty(p: Presence, list: string, role: string | undefined): EntryDecision {
  if (p.present) return { outcome: 'linked', target_id: p.target_id };
  const reason = `party entry (list ${list}${role ? `, role ${role}` : ''}): ${p.why}`;
  return p.waiting ? { outcome: 'pending', reason } : { outcome: 'dropped', reason };
}

export type RelationDecision =
  { outcome: 'created'; contact_id: string; related_id: string } | { outcome: 'pending'; reason: string } | { outcome: 'dropped'; reason: string };

/**
 * I6: rebuilt when both contacts are present; kept pending when the missing one
 * may still come in a bundle of the same session; otherwise dropped.
 */
export function decideRelation(a: Presence, b: Presence, mayArriveLater: boolean): RelationDecision {
  if (a.present && b.present) return { outcome: 'created', contact_id: a.target_id, related_id: b.target_id };
  const why = [a, b]
    .filter((p): p is { present: false; why: string } => !p.present)
    .map((p) => p.why)
    .join('; ');
  if (mayArriveLater) return { outcome: 'pending', reason: `waiting for a later bundle of the session: ${why}` };
  return { outcome: 'dropped', reason: why };
}

export type CensusDecision =
  { outcome: 'created'; business_id: string; employee_id: string } | { outcome: 'pending'; reason: string } | { outcome: 'dropped'; reason: string };

/**
 * I7, L8: a census row is kept only when its business and employee are present
 * in the target office; it waits while the missing ones are all still pending
 * in the inbox.
 */
export function decideCensus(business: Presence, employee: Presence): CensusDecision {
  if (business.present && employee.present) return { outcome: 'created', business_id: business.target_id, employee_id: employee.target_id };
  const reason = !business.present ? `business ${business.why}` : `employee ${(employee as { why: string }).why}`;
  const waits = [business, employee].every((p) => p.present || p.waiting === true);
  return { outcome: waits ? 'pending' : 'dropped', reason };
}

// ---- I5: catalogue --------------------------------------------------------

export type CarrierMode = 'link' | 'recreate';

export interface CatalogueCandidates {
  /** (1) what an earlier import resolved for the same source record. */
  mapped?: string;
  /** (2) same exact name in the target office's parent office. */
  parent?: string;
  /** (3) same exact name among the target office's own records. */
  own?: string;
}

export type CatalogueDecision =
  { outcome: 'linked'; target_id: string; via: 'import_map' | 'parent_office' | 'target_office' } | { outcome: 'created'; reason: string };

/** I5: earlier import, parent office, own office, else recreated; `recreate` skips (2) and (3). */
export function resolveCatalogue(c: CatalogueCandidates, mode: CarrierMode): CatalogueDecision {
  if (c.mapped) return { outcome: 'linked', target_id: c.mapped, via: 'import_map' };
  if (mode === 'link') {
    if (c.parent) return { outcome: 'linked', target_id: c.parent, via: 'parent_office' };
    if (c.own) return { outcome: 'linked', target_id: c.own, via: 'target_office' };
    return { outcome: 'created', reason: 'no record of that name in the parent or target office' };
  }
  return { outcome: 'created', reason: 'recreated (--carriers recreate)' };
}

// ---- I12: fingerprints of touched target rows -----------------------------

/** A stable digest of a row, to tell later whether it changed. */
export function fingerprintRow(row: Row | undefined): string {
  if (!row) return 'absent';
  const keys = Object.keys(row).sort();
  const canon = JSON.stringify(keys.map((k) => [k, row[k] ?? null]));
  return crypto.createHash('sha256').update(canon).digest('hex').slice(0, 32);
}

export interface PlannedDecision {
  ref: string;
  outcome: Outcome;
  target_id?: string;
  candidates?: string[];
  choice?: string;
  /** digests of the target rows the decision rests on, by id */
  fingerprints?: Record<string, string>;
}

/**
 * I12: how a freshly computed plan differs from a filed one, ignoring the
 * choices the file made for ambiguous contacts. Empty when it still holds.
 */
export function comparePlans(filed: readonly PlannedDecision[], fresh: readonly PlannedDecision[]): string[] {
  const byRef = new Map(fresh.map((d) => [d.ref, d]));
  const out: string[] = [];
  for (const f of filed) {
    const n = byRef.get(f.ref);
    byRef.delete(f.ref);
    if (!n) {
      out.push(`${f.ref}: in the plan but no longer part of this import`);
      continue;
    }
    // A choice in the file turns an ambiguous "created" into what the user picked.
    const chosen = f.choice && f.choice !== 'new' ? f.choice : undefined;
    const fOutcome = chosen ? 'merged' : f.choice === 'new' ? 'created' : f.outcome;
    const fTarget = chosen ?? (fOutcome === 'created' ? undefined : f.target_id);
    const nTarget = n.outcome === 'created' ? undefined : n.target_id;
    if (fOutcome !== n.outcome || fTarget !== nTarget) {
      out.push(`${f.ref}: planned ${describe(f)}, now ${describe(n)}`);
    } else if (f.candidates && n.candidates && f.candidates.join(',') !== n.candidates.join(',')) {
      out.push(`${f.ref}: candidates were ${f.candidates.join(', ')}, now ${n.candidates.join(', ')}`);
    }
    for (const [id, fp] of Object.entries(f.fingerprints ?? {})) {
      const now = n.fingerprints?.[id];
      if (now !== undefined && now !== fp) out.push(`${f.ref}: target record ${id} changed since the plan was made`);
    }
  }
  for (const n of byRef.values()) out.push(`${n.ref}: now ${describe(n)}, not in the plan`);
  return out;
}

function describe(d: PlannedDecision): string {
  return d.target_id && d.outcome !== 'created' ? `${d.outcome} ${d.target_id}` : d.outcome;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}
