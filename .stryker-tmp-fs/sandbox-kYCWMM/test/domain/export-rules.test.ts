// @ts-nocheck
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
  taxIdDigits,
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
    const stub = stubFields(
      { id: 'E1', kind: 'individual', first_name: 'Eve', last_name: 'E', birth_date: '1990-01-01', tax_id: '444-55-6666', email: 'e@x' },
      salt,
    );
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
  it('X4, X10: each dropped part of a contact is counted alone, and a person with custom data counts as contact data', () => {
    expect(contactDrops({ kind: 'individual', primary_advisor_id: 'ADV' })).toEqual([{ go: false, rule: 'X4', what: 'primary_advisor' }]);
    expect(contactDrops({ kind: 'individual', referred_by_id: 'R' })).toEqual([{ go: false, rule: 'X10', what: 'referral_links' }]);
    expect(contactDrops({ kind: 'individual', custom: '{}' })).toEqual([{ go: false, rule: 'X10', what: 'contact_custom_data' }]);
    expect(contactDrops({ kind: 'business', primary_advisor_id: null, referred_by_id: '', custom: null })).toEqual([]);
  });

  it('X10: an account counts each of its custom, asset allocation and performance data alone; no custom data, nothing counted', () => {
    expect(accountDrops({ asset_allocation: '{}' })).toEqual([{ go: false, rule: 'X10', what: 'asset_allocation' }]);
    expect(accountDrops({ performance: '{}' })).toEqual([{ go: false, rule: 'X10', what: 'performance_data' }]);
    expect(accountDrops({ custom: '{}' })).toEqual([{ go: false, rule: 'X10', what: 'account_custom_data' }]);
    expect(accountDrops({ custom: null, asset_allocation: null, performance: null })).toEqual([]);
    expect(positionDrops({ custom: null })).toEqual([]);
    expect(policyDrops({ custom: '', line_of_business: 'annuity' })).toEqual([]);
  });

  it('X5: a letter with no recipient on either side, or of a kind other than letter, does not go', () => {
    expect(letterTravels({ kind: 'letter', contact_id: undefined, recipient_contact_id: undefined })).toEqual({
      go: false,
      rule: 'X5',
      what: 'letters_to_others',
    });
    expect(letterTravels({ kind: 'Letter', contact_id: 'C1', recipient_contact_id: 'C1' })).toEqual({ go: false, rule: 'X10', what: 'email_messages' });
  });

  it('X6: a relation with a contact that is not exported does not go, whoever is in the bundle', () => {
    const rel = { contact_id: 'A', related_contact_id: 'B' };
    expect(relationTravels(rel, presence({ A: 'session' }))).toEqual({ go: false, rule: 'X6', what: 'key_relations' });
    expect(relationTravels(rel, presence({ B: 'session' }))).toEqual({ go: false, rule: 'X6', what: 'key_relations' });
    expect(relationTravels(rel, presence({ A: 'session', B: 'session' }))).toEqual({ go: false, rule: 'X6', what: 'key_relations' });
    const asked: string[] = [];
    relationTravels({ contact_id: 'A', related_contact_id: null }, (id) => (asked.push(id), 'bundle'));
    expect(asked).toEqual(['A']);
  });

  it('X10: tally counts one by default, adds to what is there, and names the rule and word it does not know', () => {
    const ex = emptyExclusions();
    tally(ex, { go: false, rule: 'X10', what: 'leads' });
    tally(ex, { go: false, rule: 'X10', what: 'leads' }, 3);
    expect(ex.X10.leads).toBe(4);
    const before = JSON.stringify(ex);
    tally(ex, { go: true }, 5);
    expect(JSON.stringify(ex)).toBe(before);
    expect(() => tally(ex, { go: false, rule: 'X4', what: 'leads' })).toThrow('exclusion X4/leads is not one of docs/bundle-format.md');
  });

  it("X9: the source office's own record is its own even when it is also listed among the ancestors; no ancestors, no parent origin", () => {
    expect(catalogueOrigin('AG', 'AG', ['AG'])).toBe('source_office');
    expect(catalogueOrigin('RES', 'AG', [])).toBeUndefined();
  });

  it('X8: party entries sort by list first, then contact, then role, a missing value first', () => {
    const rows = [
      { contact_id: 'A', list: 'b', role: 'r' },
      { contact_id: 'B', list: 'a', role: 'r' },
      { contact_id: 'A', list: 'a', role: 's' },
      { contact_id: 'A', list: 'a', role: 'r' },
      { contact_id: 'A', list: 'a', role: null },
      { contact_id: null, list: 'a', role: 'z' },
      { contact_id: 'A', list: null, role: 'z' },
    ];
    expect(sortParties(rows).map((r) => `${r.list}/${r.contact_id}/${r.role}`)).toEqual([
      'null/A/z',
      'a/null/z',
      'a/A/null',
      'a/A/r',
      'a/A/s',
      'a/B/r',
      'b/A/r',
    ]);
    // a copy: the rows given keep their order
    expect(rows[0]!.list).toBe('b');
    // equal rows keep their order (the sort is stable and says "equal")
    const twins = [
      { contact_id: 'A', list: 'a', role: 'r', n: '1' },
      { contact_id: 'A', list: 'a', role: 'r', n: '2' },
    ];
    expect(sortParties(twins).map((r) => r.n)).toEqual(['1', '2']);
    expect(sortParties([...twins].reverse()).map((r) => r.n)).toEqual(['2', '1']);
  });

  it('X8: a missing list, contact or role sorts before any value, on whichever side of a comparison it is', () => {
    const rows = [
      { list: 'A', contact_id: 'A', role: 'A' },
      { list: null, contact_id: 'A', role: 'A' },
      { list: 'A', contact_id: null, role: 'A' },
      { list: 'A', contact_id: 'A', role: null },
    ];
    const want = ['null/A/A', 'A/null/A', 'A/A/null', 'A/A/A'];
    expect(sortParties(rows).map((r) => `${r.list}/${r.contact_id}/${r.role}`)).toEqual(want);
    expect(sortParties([...rows].reverse()).map((r) => `${r.list}/${r.contact_id}/${r.role}`)).toEqual(want);
  });

  it('X8: a long party list sorts as well as a short one', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `P${String((i * 7919) % 300).padStart(3, '0')}`);
    const sorted = sortParties(keys.map((k) => ({ list: 'relationship', contact_id: k, role: 'owner' }))).map((r) => r.contact_id);
    expect(sorted).toEqual([...keys].sort());
  });

  it('B8: only the digits of a tax id count, and a tax id without digits gives no hash', () => {
    expect(taxIdDigits('444-55 6666x')).toBe('444556666');
    const salt = 'cd'.repeat(32);
    expect(taxIdHash(salt, '444-55-6666')).toBe(taxIdHash(salt, '444556666'));
    expect(stubFields({ kind: 'individual', tax_id: '--' }, salt).tax_id_hash).toBeUndefined();
    expect(stubFields({ kind: 'individual', tax_id: '' }, salt).tax_id_hash).toBeUndefined();
  });

  it('X8, B8: a stub carries exactly the identity fields the stub schema has, absent where the contact has none', () => {
    const salt = 'ab'.repeat(32);
    const c = { kind: 'individual', first_name: 'Eve', middle_name: 'M', last_name: 'E', business_name: 'Biz', birth_date: '1990-01-01', tax_id: '1-2' };
    expect(stubFields(c, salt)).toEqual({
      kind: 'individual',
      first_name: 'Eve',
      middle_name: 'M',
      last_name: 'E',
      business_name: 'Biz',
      birth_date: '1990-01-01',
      tax_id_hash: crypto.createHash('sha256').update(`${salt}:12`).digest('hex'),
    });
    const bare = stubFields({ kind: null, first_name: null, middle_name: null, last_name: null, business_name: null, birth_date: null, tax_id: null }, salt);
    expect(Object.entries(bare).filter(([, v]) => v !== undefined)).toEqual([]);
  });

  it('B6, B8: the salt of a fixed bundle id is the SHA-256 of a fixed label and the id', () => {
    expect(saltForBundle('B-1')).toBe(crypto.createHash('sha256').update('officeport-stub-salt:B-1').digest('hex'));
  });
});
