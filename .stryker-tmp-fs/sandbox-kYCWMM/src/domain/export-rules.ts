// @ts-nocheck
// What goes into a bundle (X rules), decided over plain rows. The export use
// case streams rows out of the installation and asks these functions, row by
// row, whether each travels and, if not, under which rule it is counted.
// The domain imports nothing of ours: rows are plain string maps, exclusions
// plain nested counts, so the bundle format depends on these rules, not back.
import { createHash } from 'node:crypto';
import type { Row } from './model/row.js';

export type ExclusionRule = 'X4' | 'X5' | 'X6' | 'X10';
export type Exclusions = Record<ExclusionRule, Record<string, number>>;
export type Origin = 'source_office' | 'parent_office';

export type Decision = { go: true } | { go: false; rule: ExclusionRule; what: string };

const GO: Decision = { go: true };
const out = (rule: ExclusionRule, what: string): Decision => ({ go: false, rule, what });

/** Add one excluded record to the tally (officeport.json `exclusions`). */
export function tally(ex: Exclusions, d: Decision, n = 1): void {
  if (d.go) return;
  const rule = ex[d.rule];
  if (!(d.what in rule)) throw new Error(`exclusion ${d.rule}/${d.what} is not one of docs/bundle-format.md`);
  rule[d.what]! += n;
}

/**
 * X4, X10: an exported contact travels, but without its primary advisor,
 * referrer and custom data; each dropped part is counted.
 */
export function contactDrops(c: Row): Decision[] {
  const drops: Decision[] = [];
  if (c.primary_advisor_id) drops.push(out('X4', 'primary_advisor'));
  if (c.referred_by_id) drops.push(out('X10', 'referral_links'));
  if (c.custom) drops.push(out('X10', c.kind === 'business' ? 'business_custom_data' : 'contact_custom_data'));
  return drops;
}

/** X5, X10: a letter goes only if it is a letter (not an e-mail) sent to the contact it is filed under. */
export function letterTravels(letter: Row): Decision {
  if (letter.kind !== 'letter') return out('X10', 'email_messages');
  if (!letter.recipient_contact_id || letter.recipient_contact_id !== letter.contact_id) return out('X5', 'letters_to_others');
  return GO;
}

/** Where a contact stands for this bundle: exported now, exported earlier in the session, or not at all. */
export type Presence = 'bundle' | 'session' | 'absent';

/**
 * X6: a key relation goes only when both contacts are exported, in this bundle
 * or an earlier bundle of the same session, and at least one in this bundle
 * (a relation between two earlier contacts belongs to an earlier bundle).
 */
export function relationTravels(rel: Row, presence: (contactId: string) => Presence): Decision {
  const a = presence(rel.contact_id!);
  const b = rel.related_contact_id ? presence(rel.related_contact_id) : 'absent';
  if (a === 'absent' || b === 'absent') return out('X6', 'key_relations');
  if (a !== 'bundle' && b !== 'bundle') return out('X6', 'key_relations');
  return GO;
}

/** X3, X10: a pending case of an exported contact goes unless it is attached to commissions. */
export function caseTravels(attachedToCommissions: boolean): Decision {
  return attachedToCommissions ? out('X10', 'cases_attached_to_commissions') : GO;
}

/** X10: a policy's custom data is counted as annuity data for annuities, policy data otherwise. */
export function policyDrops(p: Row): Decision[] {
  return p.custom ? [out('X10', p.line_of_business === 'annuity' ? 'annuity_custom_data' : 'policy_custom_data')] : [];
}

/** X10: an account travels without its custom, asset allocation and performance data. */
export function accountDrops(a: Row): Decision[] {
  const drops: Decision[] = [];
  if (a.custom) drops.push(out('X10', 'account_custom_data'));
  if (a.asset_allocation) drops.push(out('X10', 'asset_allocation'));
  if (a.performance) drops.push(out('X10', 'performance_data'));
  return drops;
}

export function positionDrops(p: Row): Decision[] {
  return p.custom ? [out('X10', 'position_custom_data')] : [];
}

/** X10: what an exported contact has that never travels, keyed by the exclusion word. */
export const NEVER_EXPORTED = ['leads', 'set_memberships', 'event_invitations', 'proposals', 'commissions'] as const;

/**
 * X9: a carrier, product, rider or service provider is marked by whose it is:
 * the source office's own, or its parent's (any ancestor). Anything else is
 * not the source office's to give, and is refused by the caller.
 */
export function catalogueOrigin(ownerOfficeId: string, sourceOfficeId: string, ancestors: readonly string[]): Origin | undefined {
  if (ownerOfficeId === sourceOfficeId) return 'source_office';
  if (ancestors.includes(ownerOfficeId)) return 'parent_office';
  return undefined;
}

/** B8: only the digits of a tax id count. */
export function taxIdDigits(taxId: string): string {
  return taxId.replace(/\D/g, '');
}

/** B8: hex SHA-256 of the salt (hex text), ':' and the tax id's digits. */
export function taxIdHash(salt: string, taxId: string): string {
  return createHash('sha256')
    .update(`${salt}:${taxIdDigits(taxId)}`)
    .digest('hex');
}

/** B6, B8: with a fixed bundle id the salt is derived from it, so the same inputs give the same bytes. */
export function saltForBundle(bundleId: string): string {
  return createHash('sha256').update(`officeport-stub-salt:${bundleId}`).digest('hex');
}

/** X8, B8: a stub's fields: identity only, the tax id pseudonymised. */
export function stubFields(c: Row, salt: string): Record<string, string | undefined> {
  const digits = c.tax_id ? taxIdDigits(c.tax_id) : '';
  return {
    kind: c.kind ?? undefined,
    first_name: c.first_name ?? undefined,
    middle_name: c.middle_name ?? undefined,
    last_name: c.last_name ?? undefined,
    business_name: c.business_name ?? undefined,
    birth_date: c.birth_date ?? undefined,
    tax_id_hash: digits ? taxIdHash(salt, digits) : undefined,
  };
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * X8: the party-list rows of one record in bundle order, (list, contact, role).
 * Every listed contact goes, as a reference; one not exported becomes a stub.
 */
export function sortParties<R extends Row>(rows: readonly R[]): R[] {
  return rows
    .slice()
    .sort((x, y) => compareText(x.list ?? '', y.list ?? '') || compareText(x.contact_id ?? '', y.contact_id ?? '') || compareText(x.role ?? '', y.role ?? ''));
}

/** X8: contacts a party list names that are not exported themselves: they go as stubs. */
export function partyStubs(rows: readonly Row[], presence: (contactId: string) => Presence): string[] {
  return [...new Set(rows.map((r) => r.contact_id!).filter((id) => presence(id) !== 'bundle'))];
}
