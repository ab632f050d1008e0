// @ts-nocheck
// The import decisions of src/domain/reconcile.ts, pinned rule by rule: each
// expectation is one way a small change there would import a contact or an
// entry wrongly, or tell the user something untrue (issue 13, mutation testing).
import { describe, expect, it } from 'vitest';
import {
  absentContact,
  checkChoice,
  comparePlans,
  contestMatch,
  decideCensus,
  decideContact,
  decideImported,
  decideMatch,
  decideParty,
  decideRelation,
  fingerprintRow,
  MERGE_FIELDS,
  mergeContact,
  resolveCatalogue,
  type Match,
  type PlannedDecision,
} from '../../src/domain/reconcile.js';

describe('I3 match order', () => {
  it('I3 (2): one target contact with the tax id matches, even when it is listed twice', () => {
    expect(decideMatch({ taxKey: '1', byTax: ['T-1', 'T-1'], byIdentity: [] })).toEqual({ kind: 'match', target_id: 'T-1', via: 'tax_id' });
  });

  it('I3 (2): several target contacts with the tax id are ambiguous, before any name match is tried', () => {
    expect(decideMatch({ taxKey: '1', byTax: ['T-2', 'T-1'], byIdentity: [{ id: 'T-3', taxKey: '1' }] })).toEqual({
      kind: 'ambiguous',
      via: 'tax_id',
      candidates: ['T-1', 'T-2'],
    });
  });

  it('I3 (3): a name match counts when either side has no tax id, or both have the same one', () => {
    const ident = (taxKey: string, candidate: string) => decideMatch({ taxKey, byTax: [], byIdentity: [{ id: 'T-2', taxKey: candidate }] });
    const match = { kind: 'match', target_id: 'T-2', via: 'identity' };
    expect(ident('', '222')).toEqual(match);
    expect(ident('111', '')).toEqual(match);
    expect(ident('111', '111')).toEqual(match);
    expect(ident('111', '222')).toEqual({ kind: 'new' });
  });

  it('I3 (3): of several name matches, the one with a different tax id is dropped and the other matches', () => {
    expect(
      decideMatch({
        taxKey: '111',
        byTax: [],
        byIdentity: [
          { id: 'T-2', taxKey: '222' },
          { id: 'T-3', taxKey: '' },
        ],
      }),
    ).toEqual({ kind: 'match', target_id: 'T-3', via: 'identity' });
    expect(
      decideMatch({
        taxKey: '',
        byTax: [],
        byIdentity: [
          { id: 'T-3', taxKey: '' },
          { id: 'T-3', taxKey: '' },
        ],
      }),
    ).toEqual({ kind: 'match', target_id: 'T-3', via: 'identity' });
  });

  it('I3: no match by any route is a new contact', () => {
    expect(decideMatch({ taxKey: '', byTax: [], byIdentity: [] })).toEqual({ kind: 'new' });
    expect(decideContact({ kind: 'new' })).toEqual({ outcome: 'created' });
  });

  it('I3: one match is merged into that contact, by the route that found it', () => {
    expect(decideContact({ kind: 'match', target_id: 'T-1', via: 'tax_id' }, 'T-9')).toEqual({ outcome: 'merged', target_id: 'T-1', via: 'tax_id' });
  });
});

describe('L12 contested targets', () => {
  const matched: Match = { kind: 'match', target_id: 'T-1', via: 'identity' };

  it('L12: a target contact that other incoming contacts match too is ambiguous, rivals named once each in order', () => {
    expect(contestMatch(matched, ['contact/C-3', 'contact/C-2', 'contact/C-3'])).toEqual({
      kind: 'ambiguous',
      via: 'contested',
      candidates: ['T-1'],
      rivals: ['contact/C-2', 'contact/C-3'],
    });
  });

  it('L12: without rivals, or without a match, nothing is contested', () => {
    expect(contestMatch(matched, [])).toBe(matched);
    const amb: Match = { kind: 'ambiguous', via: 'tax_id', candidates: ['T-1', 'T-2'] };
    expect(contestMatch(amb, ['contact/C-2'])).toBe(amb);
    expect(contestMatch({ kind: 'new' }, ['contact/C-2'])).toEqual({ kind: 'new' });
  });

  it('L12: a contested contact is created anew and its reason counts and names the contacts that compete', () => {
    const d = decideContact(contestMatch(matched, ['contact/C-2', 'contact/C-3']));
    expect(d).toEqual({
      outcome: 'created',
      ambiguous: ['T-1'],
      reason: 'ambiguous: 3 incoming contacts of this import (this one and contact/C-2, contact/C-3) match target contact T-1',
    });
  });
});

describe('I3, I12 ambiguous contacts', () => {
  const byTax: Match = { kind: 'ambiguous', via: 'tax_id', candidates: ['T-3', 'T-4'] };
  const byName: Match = { kind: 'ambiguous', via: 'identity', candidates: ['T-3', 'T-4', 'T-5'] };

  it('I3: an ambiguous contact is created anew, its reason saying how many target contacts match and by what', () => {
    expect(decideContact(byTax)).toEqual({ outcome: 'created', ambiguous: ['T-3', 'T-4'], reason: 'ambiguous: 2 target contacts match by tax id' });
    expect(decideContact(byName)).toEqual({
      outcome: 'created',
      ambiguous: ['T-3', 'T-4', 'T-5'],
      reason: 'ambiguous: 3 target contacts match by name and birth date',
    });
  });

  it('I12: a plan that picks a candidate merges into it; a plan that says new creates and says the plan settled it', () => {
    expect(decideContact(byName, 'T-5')).toEqual({ outcome: 'merged', target_id: 'T-5', via: 'plan choice among 3 candidates' });
    expect(decideContact(byName, 'new')).toEqual({
      outcome: 'created',
      ambiguous: ['T-3', 'T-4', 'T-5'],
      reason: 'ambiguous match settled as new by the plan',
    });
    expect(decideContact(byName, '')).toMatchObject({ outcome: 'created', reason: 'ambiguous: 3 target contacts match by name and birth date' });
  });

  it('I12: a plan choice is refused when the match is no longer ambiguous or the choice is not a candidate', () => {
    expect(checkChoice('contact/C-1', byTax, undefined)).toBeNull();
    expect(checkChoice('contact/C-1', { kind: 'new' }, 'new')).toBeNull();
    expect(checkChoice('contact/C-1', byTax, 'T-4')).toBeNull();
    expect(checkChoice('contact/C-1', { kind: 'match', target_id: 'T-3', via: 'tax_id' }, 'T-3')).toBe(
      'contact/C-1: a choice is given but the match is not ambiguous any more',
    );
    expect(checkChoice('contact/C-1', byTax, 'T-9')).toBe('contact/C-1: choice "T-9" is not one of the candidates T-3, T-4');
  });
});

describe('I3 merging', () => {
  const full = {
    first_name: 'Ann',
    middle_name: 'Marie',
    last_name: 'Lee',
    business_name: 'Lee Bakery',
    birth_date: '1970-01-02',
    tax_id: '123-45-6789',
    gender: 'F',
    email: 'ann@example.com',
    phone: '555-0100',
    street: '1 Main St',
    city: 'Springfield',
    state: 'IL',
    postal_code: '62701',
    country: 'US',
  };

  it('I3: every contact field fills an empty target field', () => {
    expect([...MERGE_FIELDS].sort()).toEqual(Object.keys(full).sort());
    expect(mergeContact({}, full)).toEqual({ fill: full, conflicts: [] });
  });

  it('I3: a target field counts as empty when missing, null or ""', () => {
    expect(mergeContact({ phone: null, email: '', street: undefined }, { phone: '1', email: 'a@b', street: 'S' })).toEqual({
      fill: { phone: '1', email: 'a@b', street: 'S' },
      conflicts: [],
    });
  });

  it('I3: an empty incoming field neither fills nor conflicts', () => {
    expect(mergeContact({ phone: '1', email: 'a@b' }, { phone: null, email: '', street: undefined, city: null })).toEqual({ fill: {}, conflicts: [] });
    expect(mergeContact({}, { phone: null, email: '' })).toEqual({ fill: {}, conflicts: [] });
  });

  it('I3: equal values are no conflict; other fields than names and tax id must be equal exactly', () => {
    expect(mergeContact(full, { ...full })).toEqual({ fill: {}, conflicts: [] });
    expect(mergeContact({ email: 'ann@example.com', city: 'Springfield' }, { email: 'Ann@example.com', city: 'springfield' }).conflicts).toEqual([
      { field: 'email', target: 'ann@example.com', incoming: 'Ann@example.com' },
      { field: 'city', target: 'Springfield', incoming: 'springfield' },
    ]);
  });

  it('I3: names conflict only when their normalised forms differ; tax ids only when their digits differ', () => {
    expect(mergeContact({ business_name: 'Lee Bakery, LLC' }, { business_name: 'LEE BAKERY LLC' }).conflicts).toEqual([]);
    expect(mergeContact({ middle_name: 'Marie' }, { middle_name: 'Maria' }).conflicts).toEqual([{ field: 'middle_name', target: 'Marie', incoming: 'Maria' }]);
    expect(mergeContact({ tax_id: '123-45-6789' }, { tax_id: '123-45-6780' }).conflicts).toEqual([
      { field: 'tax_id', target: '123-45-6789', incoming: '123-45-6780' },
    ]);
    // a tax id is not a name: the letters around it do not make it equal
    expect(mergeContact({ tax_id: 'A123' }, { tax_id: 'a123' }).conflicts).toEqual([]);
    expect(mergeContact({ tax_id: '12-3' }, { tax_id: '12 4' }).conflicts).toHaveLength(1);
  });

  it("V6: a tax id conflict carries the contact's kind (the incoming record's, else the target's), so that it is masked by kind; other conflicts carry none", () => {
    expect(mergeContact({ kind: 'business', tax_id: '987654321', phone: '1' }, { kind: 'business', tax_id: '12-3456789', phone: '2' }).conflicts).toEqual([
      { field: 'tax_id', target: '987654321', incoming: '12-3456789', kind: 'business' },
      { field: 'phone', target: '1', incoming: '2' },
    ]);
    expect(mergeContact({ kind: 'business', tax_id: '1' }, { tax_id: '2' }).conflicts).toEqual([
      { field: 'tax_id', target: '1', incoming: '2', kind: 'business' },
    ]);
    expect(mergeContact({ kind: 'business', tax_id: '1' }, { kind: 'individual', tax_id: '2' }).conflicts[0]!.kind).toBe('individual');
    expect(mergeContact({ tax_id: '1' }, { tax_id: '2' }).conflicts).toEqual([{ field: 'tax_id', target: '1', incoming: '2' }]);
  });
});

describe('I4, I6, I7 entries that need their contacts', () => {
  const here = (id: string) => ({ present: true as const, target_id: id });
  const gone = (why: string) => ({ present: false as const, why });
  const waiting = (why: string) => ({ present: false as const, why, waiting: true });

  it('L8, I4: an absent contact says why in words: still pending in the inbox (and waits), a stub that matched nothing (its name and reason), or not there', () => {
    expect(absentContact('contact/C-9', { kind: 'waiting' })).toEqual({
      present: false,
      why: 'contact/C-9 is not accepted yet (still pending in the inbox)',
      waiting: true,
    });
    expect(absentContact('contact/C-9', { kind: 'stub', name: 'Ann Lee', reason: 'no such contact in the target office' })).toEqual({
      present: false,
      why: 'contact/C-9 (Ann Lee): no such contact in the target office',
    });
    expect(absentContact('contact/C-9', { kind: 'unknown' })).toEqual({ present: false, why: 'contact/C-9 is not present in the target office' });
    // what the rules make of it: only the one still in the inbox keeps its entries waiting
    expect(decideParty(absentContact('contact/C-9', { kind: 'waiting' }), 'owner', undefined).outcome).toBe('pending');
    expect(decideParty(absentContact('contact/C-9', { kind: 'unknown' }), 'owner', undefined).outcome).toBe('dropped');
  });

  it('I9: a record an earlier import already brought is linked to what it made, and says so', () => {
    expect(decideImported('T-7')).toEqual({ outcome: 'linked', target_id: 'T-7', reason: 'already imported' });
  });

  it('I4: a dropped party entry names its list, its role when it has one, and why', () => {
    expect(decideParty(gone('contact/C-9 is not present'), 'advisor', 'writing_agent')).toEqual({
      outcome: 'dropped',
      reason: 'party entry (list advisor, role writing_agent): contact/C-9 is not present',
    });
    expect(decideParty(gone('contact/C-9 is not present'), 'owner', undefined)).toEqual({
      outcome: 'dropped',
      reason: 'party entry (list owner): contact/C-9 is not present',
    });
  });

  it('L8: a party entry whose contact still waits in the inbox waits too', () => {
    expect(decideParty(waiting('contact/C-9 is pending'), 'owner', 'insured')).toEqual({
      outcome: 'pending',
      reason: 'party entry (list owner, role insured): contact/C-9 is pending',
    });
  });

  it('I6: a relation missing contacts names each missing one, and says when it waits for a later bundle', () => {
    expect(decideRelation(gone('contact/C-1 is not present'), gone('contact/C-2 is not present'), false)).toEqual({
      outcome: 'dropped',
      reason: 'contact/C-1 is not present; contact/C-2 is not present',
    });
    expect(decideRelation(gone('contact/C-1 is not present'), here('T-2'), true)).toEqual({
      outcome: 'pending',
      reason: 'waiting for a later bundle of the session: contact/C-1 is not present',
    });
    expect(decideRelation(here('T-1'), gone('contact/C-2 is not present'), false)).toEqual({ outcome: 'dropped', reason: 'contact/C-2 is not present' });
  });

  it('I7: a census row needs its business too, and says which contact is missing', () => {
    expect(decideCensus(gone('contact/B-1 is not present'), here('E'))).toEqual({ outcome: 'dropped', reason: 'business contact/B-1 is not present' });
    expect(decideCensus(here('B'), gone('contact/E-1 is not present'))).toEqual({ outcome: 'dropped', reason: 'employee contact/E-1 is not present' });
  });

  it('L8: a census row waits only while every missing contact waits in the inbox', () => {
    expect(decideCensus(waiting('contact/B-1 is pending'), here('E'))).toEqual({ outcome: 'pending', reason: 'business contact/B-1 is pending' });
    expect(decideCensus(here('B'), waiting('contact/E-1 is pending'))).toEqual({ outcome: 'pending', reason: 'employee contact/E-1 is pending' });
    expect(decideCensus(waiting('contact/B-1 is pending'), waiting('contact/E-1 is pending')).outcome).toBe('pending');
    expect(decideCensus(waiting('contact/B-1 is pending'), gone('contact/E-1 is not present')).outcome).toBe('dropped');
    expect(decideCensus({ present: false, why: 'contact/B-1 is not present', waiting: false }, here('E')).outcome).toBe('dropped');
  });
});

describe('I5 catalogue', () => {
  it('I5: what an earlier import resolved is linked even with --carriers recreate', () => {
    expect(resolveCatalogue({ mapped: 'M', parent: 'P' }, 'recreate')).toEqual({ outcome: 'linked', target_id: 'M', via: 'import_map' });
  });

  it('I5: a recreated record says why', () => {
    expect(resolveCatalogue({}, 'link')).toEqual({ outcome: 'created', reason: 'no record of that name in the parent or target office' });
    expect(resolveCatalogue({ parent: 'P', own: 'O' }, 'recreate')).toEqual({ outcome: 'created', reason: 'recreated (--carriers recreate)' });
  });
});

describe('I12 fingerprints and plan comparison', () => {
  it('I12: a row fingerprint is 32 hex digits of SHA-256 over its sorted fields (worked example)', () => {
    // printf '%s' '[["a","1"],["b",null]]' | sha256sum | cut -c1-32
    expect(fingerprintRow({ b: null, a: '1' })).toBe('acb13d5d7aa5ac2fbae9bffa5727e05d');
  });

  it('I12: a fingerprint ignores field order, treats a missing value as null and sees any changed value', () => {
    expect(fingerprintRow({ a: '1', b: '2' })).toBe(fingerprintRow({ b: '2', a: '1' }));
    expect(fingerprintRow({ a: '1', b: undefined })).toBe(fingerprintRow({ a: '1', b: null }));
    expect(fingerprintRow({ a: '1', b: '2' })).not.toBe(fingerprintRow({ a: '1', b: '3' }));
    expect(fingerprintRow(undefined)).toBe('absent');
  });

  const created = (ref: string, extra: Partial<PlannedDecision> = {}): PlannedDecision => ({ ref, outcome: 'created', ...extra });

  it('I12: records that left the import or joined it since the plan are named', () => {
    expect(
      comparePlans([created('contact/C-1'), created('contact/C-2')], [created('contact/C-2'), { ref: 'contact/C-3', outcome: 'merged', target_id: 'T-3' }]),
    ).toEqual(['contact/C-1: in the plan but no longer part of this import', 'contact/C-3: now merged T-3, not in the plan']);
  });

  it("I12: the plan's choice for an ambiguous contact is what the fresh plan is compared with", () => {
    const amb = { candidates: ['T-3', 'T-4'] };
    const filed = [created('contact/C-1', { ...amb, choice: 'T-4' })];
    expect(comparePlans(filed, [{ ref: 'contact/C-1', outcome: 'merged', target_id: 'T-4', ...amb }])).toEqual([]);
    expect(comparePlans(filed, [{ ref: 'contact/C-1', outcome: 'merged', target_id: 'T-3', ...amb }])).toEqual([
      'contact/C-1: planned created, now merged T-3',
    ]);
    expect(comparePlans([created('contact/C-1', { ...amb, choice: 'new' })], [created('contact/C-1', amb)])).toEqual([]);
    // "new" overrules a filed merge, as any choice overrules the filed outcome
    expect(comparePlans([{ ref: 'contact/C-1', outcome: 'merged', target_id: 'T-3', choice: 'new' }], [created('contact/C-1')])).toEqual([]);
  });

  it("I12: a created record's target id is not compared; a merged one's is", () => {
    expect(comparePlans([created('contact/C-1', { target_id: 'T-1' })], [created('contact/C-1', { target_id: 'T-2' })])).toEqual([]);
    expect(comparePlans([{ ref: 'contact/C-1', outcome: 'merged', target_id: 'T-1' }], [{ ref: 'contact/C-1', outcome: 'merged', target_id: 'T-2' }])).toEqual([
      'contact/C-1: planned merged T-1, now merged T-2',
    ]);
    expect(comparePlans([{ ref: 'contact/C-1', outcome: 'merged', target_id: 'T-1' }], [created('contact/C-1', { target_id: 'T-1' })])).toEqual([
      'contact/C-1: planned merged T-1, now created',
    ]);
    // neither side has a target: the outcome alone differs
    expect(comparePlans([created('contact/C-1')], [{ ref: 'contact/C-1', outcome: 'pending' }])).toEqual(['contact/C-1: planned created, now pending']);
  });

  it('I12: changed candidates of a still-ambiguous contact are named; a side without candidates is not compared', () => {
    expect(comparePlans([created('contact/C-1', { candidates: ['T-3', 'T-4'] })], [created('contact/C-1', { candidates: ['T-3', 'T-5'] })])).toEqual([
      'contact/C-1: candidates were T-3, T-4, now T-3, T-5',
    ]);
    expect(comparePlans([created('contact/C-1', { candidates: ['T-3'] })], [created('contact/C-1')])).toEqual([]);
    expect(comparePlans([created('contact/C-1')], [created('contact/C-1', { candidates: ['T-3'] })])).toEqual([]);
  });

  it('I12: a changed target row is named; one the fresh plan no longer rests on is not', () => {
    const merged = (fingerprints: Record<string, string>): PlannedDecision => ({ ref: 'contact/C-1', outcome: 'merged', target_id: 'T-1', fingerprints });
    expect(comparePlans([merged({ 'T-1': 'aa', 'T-2': 'bb' })], [merged({ 'T-1': 'aa', 'T-2': 'cc' })])).toEqual([
      'contact/C-1: target record T-2 changed since the plan was made',
    ]);
    expect(comparePlans([merged({ 'T-1': 'aa' })], [merged({})])).toEqual([]);
    expect(comparePlans([merged({ 'T-1': 'aa' })], [{ ref: 'contact/C-1', outcome: 'merged', target_id: 'T-1' }])).toEqual([]);
    expect(comparePlans([{ ref: 'contact/C-1', outcome: 'merged', target_id: 'T-1' }], [merged({ 'T-1': 'aa' })])).toEqual([]);
  });
});
