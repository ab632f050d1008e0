// @ts-nocheck
// The words a user reads for what an export left behind. The bundle header
// counts exclusions under the rule that made them (X4, X5, X6, X10: the format
// of officeport.json); help, output, --json and the HTML report name them in
// plain words instead (U1): a plain group key per rule and a reason per item.
import type { ExclusionRule } from './export-rules.js';

/** Plain key (for --json) and title (for people) of each exclusion rule. */
export const EXCLUSION_GROUPS: Record<ExclusionRule, { key: string; title: string }> = {
  X4: { key: 'not_carried', title: 'left off the moved contacts' },
  X5: { key: 'not_sent_to_contact', title: 'sent to someone else' },
  X6: { key: 'other_contact_stays', title: 'other contact not moved' },
  X10: { key: 'never_exported', title: 'never exported' },
};

/** Plain-language reasons for each exclusion (rule/what), as an auditor reads them. */
export const EXCLUSION_REASONS: Record<string, string> = {
  'X4/primary_advisor': 'exported contacts travel without their primary advisor',
  'X5/letters_to_others': 'letters filed under a contact but sent to someone else stay behind',
  'X6/key_relations': 'key relations whose other contact is not exported (in this bundle or this session) stay behind',
  'X10/leads': 'leads are never exported',
  'X10/referral_links': 'referral links (who referred the contact) are never exported',
  'X10/set_memberships': 'set memberships are never exported',
  'X10/event_invitations': 'event invitations are never exported',
  'X10/email_messages': 'e-mail messages are never exported, only letters',
  'X10/contact_custom_data': 'custom contact data is never exported',
  'X10/business_custom_data': 'custom business data is never exported',
  'X10/policy_custom_data': 'custom policy data is never exported',
  'X10/annuity_custom_data': 'custom annuity data is never exported',
  'X10/account_custom_data': 'custom account data is never exported',
  'X10/position_custom_data': 'custom position data is never exported',
  'X10/proposals': 'presale activity and proposals are never exported',
  'X10/asset_allocation': 'asset allocation data is never exported (it can be validated again in the target)',
  'X10/performance_data': 'performance data is never exported (it can be validated again in the target)',
  'X10/commissions': 'commissions are never exported',
  'X10/cases_attached_to_commissions': 'pending cases attached to commissions are never exported',
};

/** The plain key of a rule as officeport.json names it; an unknown one stays as it is. */
export function exclusionGroup(rule: string): string {
  return (EXCLUSION_GROUPS as Record<string, { key: string }>)[rule]?.key ?? rule;
}

export function exclusionReason(rule: string, what: string): string {
  return EXCLUSION_REASONS[`${rule}/${what}`] ?? what.replace(/_/g, ' ');
}

/** officeport.json's exclusions with each rule id replaced by its plain key (counts kept). */
export function plainExclusions(ex: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(ex).map(([rule, words]) => [exclusionGroup(rule), words]));
}

export interface PlainExclusion {
  /** the plain key of the rule that left it behind (never_exported, ...) */
  rule: string;
  what: string;
  count: number;
  reason: string;
}

/** The non-zero exclusions of a header as plain lines, in the header's order. */
export function exclusionLines(ex: Record<string, Record<string, number>>): PlainExclusion[] {
  return Object.entries(ex).flatMap(([rule, words]) =>
    Object.entries(words)
      .filter(([, n]) => n > 0)
      .map(([what, count]) => ({ rule: exclusionGroup(rule), what, count, reason: exclusionReason(rule, what) })),
  );
}

/** The title of a plain group key (as exclusionLines gives it), for people. */
export function exclusionTitle(key: string): string {
  return Object.values(EXCLUSION_GROUPS).find((g) => g.key === key)?.title ?? key.replace(/_/g, ' ');
}
