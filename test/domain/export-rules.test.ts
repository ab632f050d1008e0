// The pure export rules (src/domain/export-rules.ts) over in-memory rows: no database, no files.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emptyExclusions } from '../../src/bundle/records.js';
import {
  accountDrops,
  caseTravels,
  catalogueOrigin,
  contactDrops,
  letterTravels,
  policyDrops,
  positionDrops,
  relationTravels,
  saltForBundle,
  sortParties,
  stubFields,
  tally,
  taxIdHash,
  type Presence,
} from '../../src/domain/export-rules.js';

const presence =
  (m: Record<string, Presence>) =>
  (id: string): Presence =>
    m[id] ?? 'absent';

describe('export rules', () => {
  it('X5: a letter to the contact goes; a letter to someone else and an e-mail do not', () => {
    expect(letterTravels({ kind: 'letter', contact_id: 'C1', recipient_contact_id: 'C1' })).toEqual({ go: true });
    expect(letterTravels({ kind: 'letter', contact_id: 'C1', recipient_contact_id: 'C2' })).toEqual({ go: false, rule: 'X5', what: 'letters_to_others' });
    expect(letterTravels({ kind: 'letter', contact_id: 'C1', recipient_contact_id: null })).toEqual({ go: false, rule: 'X5', what: 'letters_to_others' });
    expect(letterTravels({ kind: 'email', contact_id: 'C1', recipient_contact_id: 'C1' })).toEqual({ go: false, rule: 'X10', what: 'email_messages' });
  });

  it('X6: a key relation goes only when both contacts are exported, now or earlier in the session', () => {
    const rel = { contact_id: 'A', related_contact_id: 'B' };
    expect(relationTravels(rel, presence({ A: 'bundle', B: 'bundle' }))).toEqual({ go: true });
    expect(relationTravels(rel, presence({ A: 'bundle', B: 'session' }))).toEqual({ go: true });
    expect(relationTravels(rel, presence({ A: 'session', B: 'bundle' }))).toEqual({ go: true });
    expect(relationTravels(rel, presence({ A: 'bundle' }))).toEqual({ go: false, rule: 'X6', what: 'key_relations' });
    expect(relationTravels(rel, presence({ B: 'bundle' }))).toEqual({ go: false, rule: 'X6', what: 'key_relations' });
    expect(relationTravels(rel, presence({ A: 'session', B: 'session' })).go).toBe(false);
    expect(relationTravels({ contact_id: 'A', related_contact_id: null }, presence({ A: 'bundle' })).go).toBe(false);
  });

  it('X10: a case attached to commissions stays; others go', () => {
    expect(caseTravels(false)).toEqual({ go: true });
    expect(caseTravels(true)).toEqual({ go: false, rule: 'X10', what: 'cases_attached_to_commissions' });
  });

  it('X4, X10: contacts lose primary advisor, referrer and custom data, each counted under its word', () => {
    expect(contactDrops({ kind: 'individual', primary_advisor_id: 'ADV', referred_by_id: 'R', custom: '{}' })).toEqual([
      { go: false, rule: 'X4', what: 'primary_advisor' },
      { go: false, rule: 'X10', what: 'referral_links' },
      { go: false, rule: 'X10', what: 'contact_custom_data' },
    ]);
    expect(contactDrops({ kind: 'business', custom: '{"a":1}' })).toEqual([{ go: false, rule: 'X10', what: 'business_custom_data' }]);
    expect(contactDrops({ kind: 'individual' })).toEqual([]);
  });

  it('X10: policy custom data counts as annuity data for annuities; account and position data are counted', () => {
    expect(policyDrops({ custom: '{}', line_of_business: 'annuity' })).toEqual([{ go: false, rule: 'X10', what: 'annuity_custom_data' }]);
    expect(policyDrops({ custom: '{}', line_of_business: 'life' })).toEqual([{ go: false, rule: 'X10', what: 'policy_custom_data' }]);
    expect(policyDrops({ line_of_business: 'life' })).toEqual([]);
    expect(accountDrops({ custom: '{}', asset_allocation: '{}', performance: '{}' }).map((d) => !d.go && d.what)).toEqual([
      'account_custom_data',
      'asset_allocation',
      'performance_data',
    ]);
    expect(positionDrops({ custom: '{}' })).toEqual([{ go: false, rule: 'X10', what: 'position_custom_data' }]);
  });

  it('X10: tally adds to the named word and refuses a word the format does not know', () => {
    const ex = emptyExclusions();
    tally(ex, { go: false, rule: 'X6', what: 'key_relations' }, 2);
    tally(ex, { go: true });
    expect(ex.X6.key_relations).toBe(2);
    expect(() => tally(ex, { go: false, rule: 'X6', what: 'spouses' })).toThrow(/not one of/);
  });

  it('X9: origin is the source office for its own records, the parent office for any ancestor, else none', () => {
    expect(catalogueOrigin('AG', 'AG', ['RES'])).toBe('source_office');
    expect(catalogueOrigin('RES', 'AG', ['RES'])).toBe('parent_office');
    expect(catalogueOrigin('TOP', 'AG', ['MID', 'TOP'])).toBe('parent_office');
    expect(catalogueOrigin('OTHER', 'AG', ['RES'])).toBeUndefined();
  });

  it('X8: party entries sort by (list, contact, role)', () => {
    const rows = [
      { contact_id: 'B', list: 'relationship', role: 'owner' },
      { contact_id: 'A', list: 'relationship', role: 'insured' },
      { contact_id: 'A', list: 'relationship', role: 'beneficiary' },
      { contact_id: 'Z', list: 'advisor', role: null },
    ];
    expect(sortParties(rows).map((r) => `${r.list}/${r.contact_id}/${r.role}`)).toEqual([
      'advisor/Z/null',
      'relationship/A/beneficiary',
      'relationship/A/insured',
      'relationship/B/owner',
    ]);
  });

  it('B8: a stub holds identity and a salted hash of the tax id digits, never the tax id', () => {
    const salt = 'ab'.repeat(32);
    const stub = stubFields({ id: 'E1', kind: 'individual', first_name: 'Eve', last_name: 'E', birth_date: '1990-01-01', tax_id: '444-55-6666', email: 'e@x' }, salt);
    expect(stub.tax_id_hash).toBe(crypto.createHash('sha256').update(`${salt}:444556666`).digest('hex'));
    expect(taxIdHash(salt, '444556666')).toBe(stub.tax_id_hash);
    expect(Object.keys(stub)).not.toContain('tax_id');
    expect(Object.keys(stub)).not.toContain('email');
    expect(JSON.stringify(stub)).not.toContain('6666');
    expect(stubFields({ kind: 'individual', tax_id: null }, salt).tax_id_hash).toBeUndefined();
  });

  it('B6, B8: the salt of a fixed bundle id is fixed, and differs between bundle ids', () => {
    expect(saltForBundle('a')).toBe(saltForBundle('a'));
    expect(saltForBundle('a')).not.toBe(saltForBundle('b'));
    expect(saltForBundle('a')).toMatch(/^[0-9a-f]{64}$/);
  });
});
