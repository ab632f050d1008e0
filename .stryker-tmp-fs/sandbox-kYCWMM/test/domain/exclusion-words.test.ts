// @ts-nocheck
// The plain words for what an export left behind (U1 over X4, X5, X6, X10):
// each rule's key and title, each reason, and the fallbacks for a word the
// table does not know (a bundle from a newer officeport).
import { describe, expect, it } from 'vitest';
import { EXCLUSION_GROUPS, exclusionGroup, exclusionLines, exclusionReason, exclusionTitle, plainExclusions } from '../../src/domain/exclusion-words.js';
import { NEVER_EXPORTED } from '../../src/domain/export-rules.js';

describe('U1: exclusions in plain words', () => {
  it('U1: each exclusion rule has a plain key and title, and no rule id shows in them', () => {
    expect(EXCLUSION_GROUPS).toEqual({
      X4: { key: 'not_carried', title: 'left off the moved contacts' },
      X5: { key: 'not_sent_to_contact', title: 'sent to someone else' },
      X6: { key: 'other_contact_stays', title: 'other contact not moved' },
      X10: { key: 'never_exported', title: 'never exported' },
    });
    for (const g of Object.values(EXCLUSION_GROUPS)) expect(`${g.key} ${g.title}`).not.toMatch(/\b[A-Z]\d+\b/);
  });
  it('U1: a rule id becomes its key; an id the table does not know stays as it is', () => {
    expect(exclusionGroup('X4')).toBe('not_carried');
    expect(exclusionGroup('X10')).toBe('never_exported');
    expect(exclusionGroup('X99')).toBe('X99');
    expect(exclusionGroup('constructor')).toBe('constructor');
  });
  it('X4, X5, X6, X10: each thing left behind has its reason; an unknown one is its name in words', () => {
    expect(exclusionReason('X4', 'primary_advisor')).toBe('exported contacts travel without their primary advisor');
    expect(exclusionReason('X5', 'letters_to_others')).toBe('letters filed under a contact but sent to someone else stay behind');
    expect(exclusionReason('X6', 'key_relations')).toBe('key relations whose other contact is not exported (in this bundle or this session) stay behind');
    expect(exclusionReason('X10', 'leads')).toBe('leads are never exported');
    expect(exclusionReason('X10', 'email_messages')).toBe('e-mail messages are never exported, only letters');
    expect(exclusionReason('X10', 'asset_allocation')).toBe('asset allocation data is never exported (it can be validated again in the target)');
    // the reason belongs to its rule: leads under X4 are not X10's leads
    expect(exclusionReason('X4', 'leads')).toBe('leads');
    expect(exclusionReason('X10', 'new_kind_of_data')).toBe('new kind of data');
  });
  it('X10: every word an export counts as never exported has a reason of its own, in words, saying so', () => {
    // the words export-rules.ts and export/select.ts count under X10
    const words = [
      ...NEVER_EXPORTED,
      'referral_links',
      'contact_custom_data',
      'business_custom_data',
      'email_messages',
      'cases_attached_to_commissions',
      'policy_custom_data',
      'annuity_custom_data',
      'account_custom_data',
      'asset_allocation',
      'performance_data',
      'position_custom_data',
    ];
    expect(words).toHaveLength(16);
    for (const w of words) {
      const reason = exclusionReason('X10', w);
      expect(reason, w).not.toBe(w.replace(/_/g, ' '));
      expect(reason, w).toMatch(/ (is|are) never exported\b/);
      expect(reason, w).not.toMatch(/_|\bX\d+\b/);
    }
    expect(exclusionReason('X10', 'referral_links')).toBe('referral links (who referred the contact) are never exported');
    expect(exclusionReason('X10', 'proposals')).toBe('presale activity and proposals are never exported');
    expect(exclusionReason('X10', 'cases_attached_to_commissions')).toBe('pending cases attached to commissions are never exported');
    expect(exclusionReason('X10', 'contact_custom_data')).toBe('custom contact data is never exported');
    expect(exclusionReason('X10', 'business_custom_data')).toBe('custom business data is never exported');
  });
  it("U1: the header's exclusions keyed by plain group, counts (zeros too) kept", () => {
    expect(plainExclusions({ X4: { primary_advisor: 3 }, X10: { leads: 0, commissions: 2 }, X77: { odd: 1 } })).toEqual({
      not_carried: { primary_advisor: 3 },
      never_exported: { leads: 0, commissions: 2 },
      X77: { odd: 1 },
    });
    expect(plainExclusions({})).toEqual({});
  });
  it("U1: the lines a user reads leave out zeros and keep the header's order", () => {
    expect(
      exclusionLines({
        X10: { leads: 2, commissions: 0, set_memberships: 1 },
        X6: { key_relations: 4 },
        X4: { primary_advisor: 0 },
      }),
    ).toEqual([
      { rule: 'never_exported', what: 'leads', count: 2, reason: 'leads are never exported' },
      { rule: 'never_exported', what: 'set_memberships', count: 1, reason: 'set memberships are never exported' },
      {
        rule: 'other_contact_stays',
        what: 'key_relations',
        count: 4,
        reason: 'key relations whose other contact is not exported (in this bundle or this session) stay behind',
      },
    ]);
    expect(exclusionLines({ X4: { primary_advisor: 0 } })).toEqual([]);
  });
  it("U1: a plain key's title for people; an unknown key in words", () => {
    expect(exclusionTitle('not_carried')).toBe('left off the moved contacts');
    expect(exclusionTitle('not_sent_to_contact')).toBe('sent to someone else');
    expect(exclusionTitle('other_contact_stays')).toBe('other contact not moved');
    expect(exclusionTitle('never_exported')).toBe('never exported');
    expect(exclusionTitle('held_back_by_law')).toBe('held back by law');
  });
});
