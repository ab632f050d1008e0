// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { identityKey, maskTaxId, normaliseName, stubTaxHash, taxDigits } from '../../src/domain/matching.js';
import {
  checkChoice,
  comparePlans,
  decideCensus,
  decideContact,
  decideMatch,
  decideParty,
  decideRelation,
  fingerprintRow,
  mergeContact,
  resolveCatalogue,
} from '../../src/domain/reconcile.js';

describe('matching normalisation', () => {
  it('I3: names compare without case, accents, punctuation or extra spaces', () => {
    expect(normaliseName('  Van  Dyke ')).toBe(normaliseName('van dyke'));
    expect(normaliseName("O'Brien")).toBe('obrien');
    expect(normaliseName('Zoë')).toBe('zoe');
    expect(normaliseName('Smith Family Bakery, LLC.')).toBe(normaliseName('smith family bakery llc'));
    expect(normaliseName('Smith')).not.toBe(normaliseName('Smyth'));
  });

  it('I3: individuals match on first name, last name and birth date; businesses on name', () => {
    const a = identityKey({ kind: 'individual', first_name: 'PATRICIA', last_name: 'van  dyke', birth_date: '1958-09-09' });
    expect(a).toBe(identityKey({ kind: 'individual', first_name: 'Patricia', last_name: 'Van Dyke', birth_date: '1958-09-09' }));
    expect(a).not.toBe(identityKey({ kind: 'individual', first_name: 'Patricia', last_name: 'Van Dyke', birth_date: '1958-09-10' }));
    expect(identityKey({ kind: 'individual', first_name: 'Paul', last_name: 'Reyes' })).toBe(''); // no birth date: no match by name
    expect(identityKey({ kind: 'business', business_name: 'Acme Inc' })).toBe(identityKey({ kind: 'business', business_name: 'ACME INC.' }));
  });

  it('B8/I4: a stub tax hash is sha256(salt + ":" + digits), dashes ignored', () => {
    const salt = 'ab'.repeat(32);
    expect(stubTaxHash(salt, '123-45-6789')).toBe(stubTaxHash(salt, '123456789'));
    expect(stubTaxHash(salt, '123-45-6789')).toMatch(/^[0-9a-f]{64}$/);
    expect(stubTaxHash('cd'.repeat(32), '123-45-6789')).not.toBe(stubTaxHash(salt, '123-45-6789'));
    expect(taxDigits('12-3456789')).toBe('123456789');
    expect(maskTaxId('123-45-6789')).toBe('***-**-6789');
  });
});

describe('I3 match decisions', () => {
  it('I3 (1): an earlier import of the same source record wins over everything else', () => {
    expect(decideMatch({ mapped: 'T-9', taxKey: '1', byTax: ['T-1'], byIdentity: [{ id: 'T-2', taxKey: '' }] })).toEqual({
      kind: 'match',
      target_id: 'T-9',
      via: 'import_map',
    });
  });
  it('I3 (2): the same tax id matches before names', () => {
    expect(decideMatch({ taxKey: '1', byTax: ['T-1'], byIdentity: [{ id: 'T-2', taxKey: '' }] })).toEqual({ kind: 'match', target_id: 'T-1', via: 'tax_id' });
  });
  it('I3 (3): name and birth date match when there is no tax id match', () => {
    expect(decideMatch({ taxKey: '', byTax: [], byIdentity: [{ id: 'T-2', taxKey: '' }] })).toEqual({ kind: 'match', target_id: 'T-2', via: 'identity' });
  });
  it('I3 (3): a name match with a different tax id is someone else', () => {
    expect(decideMatch({ taxKey: '111', byTax: [], byIdentity: [{ id: 'T-2', taxKey: '222' }] })).toEqual({ kind: 'new' });
  });
  it('I3: several candidates are ambiguous and the contact is created anew', () => {
    const m = decideMatch({
      taxKey: '',
      byTax: [],
      byIdentity: [
        { id: 'T-4', taxKey: '' },
        { id: 'T-3', taxKey: '' },
      ],
    });
    expect(m).toEqual({ kind: 'ambiguous', via: 'identity', candidates: ['T-3', 'T-4'] });
    const d = decideContact(m);
    expect(d.outcome).toBe('created');
    expect(d).toMatchObject({ ambiguous: ['T-3', 'T-4'] });
  });
  it('I12: a plan choice settles an ambiguous match, and must be a candidate', () => {
    const m = decideMatch({ taxKey: '', byTax: ['T-3', 'T-4'], byIdentity: [] });
    expect(decideContact(m, 'T-4')).toMatchObject({ outcome: 'merged', target_id: 'T-4' });
    expect(decideContact(m, 'new')).toMatchObject({ outcome: 'created' });
    expect(checkChoice('contact/C-1', m, 'T-9')).toMatch(/not one of the candidates/);
    expect(checkChoice('contact/C-1', m, 'T-3')).toBeNull();
  });
  it('I3: merge keeps target values, fills empty fields and reports each conflict', () => {
    const m = mergeContact(
      { first_name: 'PATRICIA', last_name: 'van  dyke', phone: '217-555-8888', email: null, tax_id: '567890123', street: '' },
      { first_name: 'Patricia', last_name: 'Van Dyke', phone: '217-555-0115', email: 'p@example.com', tax_id: '567-89-0123', street: '8 Maple Ave' },
    );
    expect(m.fill).toEqual({ email: 'p@example.com', street: '8 Maple Ave' });
    expect(m.conflicts).toEqual([{ field: 'phone', target: '217-555-8888', incoming: '217-555-0115' }]);
  });
});

describe('I4-I7 entry decisions', () => {
  it('I4, L8: decideParty, as the planner asks it for an entry (one at a time when it waited in the inbox, once per class of entries otherwise): kept when its contact is present, dropped with list and role otherwise', () => {
    expect(decideParty({ present: true, target_id: 'T-1' }, 'advisor', 'writing_agent')).toEqual({ outcome: 'linked', target_id: 'T-1' });
    const d = decideParty({ present: false, why: 'contact/C-9 is not present' }, 'relationship', 'beneficiary');
    expect(d.outcome).toBe('dropped');
    expect(d).toMatchObject({ reason: expect.stringMatching(/relationship.*beneficiary.*C-9/) });
  });
  it('I5: earlier import, then parent office, then own office, else recreated', () => {
    expect(resolveCatalogue({ mapped: 'M', parent: 'P', own: 'O' }, 'link')).toMatchObject({ outcome: 'linked', target_id: 'M', via: 'import_map' });
    expect(resolveCatalogue({ parent: 'P', own: 'O' }, 'link')).toMatchObject({ outcome: 'linked', target_id: 'P', via: 'parent_office' });
    expect(resolveCatalogue({ own: 'O' }, 'link')).toMatchObject({ outcome: 'linked', target_id: 'O', via: 'target_office' });
    expect(resolveCatalogue({}, 'link').outcome).toBe('created');
  });
  it('I5: --carriers recreate skips the parent and own office', () => {
    expect(resolveCatalogue({ parent: 'P', own: 'O' }, 'recreate').outcome).toBe('created');
  });
  it('I6: relations are rebuilt with both contacts, pending while one may still come, else dropped', () => {
    const yes = { present: true as const, target_id: 'T-1' };
    const no = { present: false as const, why: 'contact/C-2 not present' };
    expect(decideRelation(yes, { present: true, target_id: 'T-2' }, true)).toEqual({ outcome: 'created', contact_id: 'T-1', related_id: 'T-2' });
    expect(decideRelation(yes, no, true).outcome).toBe('pending');
    expect(decideRelation(yes, no, false).outcome).toBe('dropped');
  });
  it('I7, L8: decideCensus, as the planner asks it for a census row that waited in the inbox: it needs its employee present', () => {
    const biz = { present: true as const, target_id: 'B' };
    expect(decideCensus(biz, { present: true, target_id: 'E' })).toEqual({ outcome: 'created', business_id: 'B', employee_id: 'E' });
    expect(decideCensus(biz, { present: false, why: 'contact/C-9 is not present' })).toMatchObject({
      outcome: 'dropped',
      reason: expect.stringMatching(/employee/),
    });
  });
});

describe('I12 plan comparison', () => {
  it('I12: a plan still holds when nothing it rests on changed', () => {
    const d = [{ ref: 'contact/C-1', outcome: 'merged' as const, target_id: 'T-1', fingerprints: { 'T-1': fingerprintRow({ a: '1' }) } }];
    expect(comparePlans(d, d)).toEqual([]);
  });
  it('I12: changed decisions and changed target rows are named', () => {
    const filed = [
      { ref: 'contact/C-1', outcome: 'created' as const },
      { ref: 'contact/C-2', outcome: 'merged' as const, target_id: 'T-2', fingerprints: { 'T-2': fingerprintRow({ phone: '1' }) } },
    ];
    const fresh = [
      { ref: 'contact/C-1', outcome: 'merged' as const, target_id: 'T-7' },
      { ref: 'contact/C-2', outcome: 'merged' as const, target_id: 'T-2', fingerprints: { 'T-2': fingerprintRow({ phone: '2' }) } },
    ];
    const diffs = comparePlans(filed, fresh);
    expect(diffs).toHaveLength(2);
    expect(diffs[0]).toMatch(/contact\/C-1: planned created, now merged T-7/);
    expect(diffs[1]).toMatch(/T-2 changed/);
  });
});
