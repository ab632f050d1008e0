// @ts-nocheck
// The matching keys of I3 (and the stub hash of B8/I4), pinned rule by rule:
// each expectation is one way a small change to src/domain/matching.ts would
// match the wrong people or miss the right ones (issue 13, mutation testing).
import { describe, expect, it } from 'vitest';
import { displayName, identityKey, isEin, maskTaxId, normaliseBirthDate, normaliseName, stubTaxHash, taxDigits } from '../../src/domain/matching.js';

describe('I3 names', () => {
  it('I3: a missing name normalises to nothing, so it never matches', () => {
    expect(normaliseName(null)).toBe('');
    expect(normaliseName(undefined)).toBe('');
    expect(normaliseName('')).toBe('');
    expect(normaliseName(' .,- ')).toBe('');
  });

  it('I3: a name compares in lower case', () => {
    expect(normaliseName('ANN Lee')).toBe('ann lee');
  });

  it('I3: a name compares without accents, however many marks a letter carries', () => {
    expect(normaliseName('Zoë')).toBe('zoe');
    expect(normaliseName('Nguyễn Thị')).toBe('nguyen thi');
    // a decomposed letter with two marks in a row
    expect(normaliseName('A\u0302\u0301nh')).toBe('anh');
  });

  it('I3: apostrophes, backticks and dots vanish inside a name instead of splitting it', () => {
    expect(normaliseName("O'Brien")).toBe('obrien');
    expect(normaliseName('O’Brien')).toBe('obrien');
    expect(normaliseName('O`Brien')).toBe('obrien');
    expect(normaliseName('St.John')).toBe('stjohn');
  });

  it('I3: other punctuation and runs of spaces count as one space between words', () => {
    expect(normaliseName('Smith-Jones')).toBe('smith jones');
    expect(normaliseName('Smith  --  Jones')).toBe('smith jones');
    expect(normaliseName('Smith Family Bakery, LLC')).toBe('smith family bakery llc');
  });

  it('I3: digits in a name are kept, so "Unit 7" and "Unit 8" differ', () => {
    expect(normaliseName('Unit 7 Bakery')).toBe('unit 7 bakery');
    expect(normaliseName('Unit 7')).not.toBe(normaliseName('Unit 8'));
  });

  it('I3: spaces and punctuation at either end of a name do not count', () => {
    expect(normaliseName('  Van Dyke')).toBe('van dyke');
    expect(normaliseName('Van Dyke  ')).toBe('van dyke');
    expect(normaliseName('"Acme"')).toBe('acme');
  });
});

describe('I3 tax ids', () => {
  it('I3: a tax id with dashes matches the same digits without them', () => {
    expect(taxDigits('123-45-6789')).toBe('123456789');
    expect(taxDigits(' 12 3456789 ')).toBe('123456789');
    expect(taxDigits('123-45-6789')).toBe(taxDigits('123456789'));
  });

  it('I3: a tax id without digits is no tax id, so it never matches', () => {
    expect(taxDigits(null)).toBe('');
    expect(taxDigits(undefined)).toBe('');
    expect(taxDigits('')).toBe('');
    expect(taxDigits('n/a')).toBe('');
  });
});

describe('I3 birth dates', () => {
  it('I3: a birth date is compared as YYYY-MM-DD, one-digit month and day padded', () => {
    expect(normaliseBirthDate('1958-09-09')).toBe('1958-09-09');
    expect(normaliseBirthDate('1958-9-9')).toBe('1958-09-09');
    expect(normaliseBirthDate('1958-9-09')).toBe('1958-09-09');
    expect(normaliseBirthDate('1958-12-31')).toBe('1958-12-31');
  });

  it('I3: spaces around a birth date do not count', () => {
    expect(normaliseBirthDate(' 1958-09-09')).toBe('1958-09-09');
    expect(normaliseBirthDate('1958-09-09 ')).toBe('1958-09-09');
  });

  it('I3: anything but a whole YYYY-MM-DD date is no birth date, so it never matches', () => {
    expect(normaliseBirthDate(null)).toBe('');
    expect(normaliseBirthDate(undefined)).toBe('');
    expect(normaliseBirthDate('')).toBe('');
    expect(normaliseBirthDate('x1958-09-09')).toBe('');
    expect(normaliseBirthDate('11958-09-09')).toBe('');
    expect(normaliseBirthDate('1958-09-09T00:00:00Z')).toBe('');
    expect(normaliseBirthDate('1958-09-091')).toBe('');
    expect(normaliseBirthDate('1958-009-09')).toBe('');
    expect(normaliseBirthDate('1958/09/09')).toBe('');
    expect(normaliseBirthDate('1958-09')).toBe('');
    expect(normaliseBirthDate('58-09-09')).toBe('');
    expect(normaliseBirthDate('abcd-ef-gh')).toBe('');
  });
});

describe('I3 identity keys', () => {
  const patricia = { kind: 'individual', first_name: 'Patricia', last_name: 'Van Dyke', birth_date: '1958-09-09' };

  it('I3 (3): an individual with first name, last name and birth date has a key naming all three', () => {
    expect(identityKey(patricia)).toBe('i|patricia|van dyke|1958-09-09');
    expect(identityKey({ ...patricia, first_name: ' PATRICIA ', birth_date: '1958-9-9' })).toBe(identityKey(patricia));
  });

  it('I3 (3): an individual missing any one of first name, last name or birth date has no key', () => {
    expect(identityKey({ ...patricia, first_name: null })).toBe('');
    expect(identityKey({ ...patricia, last_name: '' })).toBe('');
    expect(identityKey({ ...patricia, birth_date: undefined })).toBe('');
    expect(identityKey({ ...patricia, birth_date: '09/09/1958' })).toBe('');
  });

  it('I3 (3): a business is matched by its name alone, whatever personal fields it carries', () => {
    expect(identityKey({ kind: 'business', business_name: 'Acme, Inc.' })).toBe('b|acme inc');
    expect(identityKey({ kind: 'business', business_name: 'Acme, Inc.', first_name: 'Ann', last_name: 'Lee', birth_date: '1970-01-01' })).toBe('b|acme inc');
  });

  it('I3 (3): a business without a name has no key; an individual never takes the business name', () => {
    expect(identityKey({ kind: 'business', business_name: null })).toBe('');
    expect(identityKey({ kind: 'business', business_name: ' - ' })).toBe('');
    expect(identityKey({ kind: 'individual', business_name: 'Acme' })).toBe('');
  });
});

describe('B8/I4 stub hashes', () => {
  const salt = 'ab'.repeat(32);

  it('B8: a stub tax hash is the hex SHA-256 of salt, ":" and the digits (worked example)', () => {
    // printf '%s' "$(printf 'ab%.0s' $(seq 32)):123456789" | sha256sum
    expect(stubTaxHash(salt, '123-45-6789')).toBe('c3e032afd150a7dd39212162135b2626fc4c278d419e7f7886f9c449512ac999');
  });

  it('B8/I4: a stub without a tax id has no hash, so it never matches by tax id', () => {
    expect(stubTaxHash(salt, null)).toBe('');
    expect(stubTaxHash(salt, '')).toBe('');
    expect(stubTaxHash(salt, 'none')).toBe('');
  });
});

describe('tax ids and names shown to people', () => {
  it('V2: a tax id is shown masked, its last four digits only', () => {
    expect(maskTaxId('123-45-6789')).toBe('***-**-6789');
    expect(maskTaxId('123456789')).toBe('***-**-6789');
  });

  it('V6: an SSN is masked as ***-**-1234, whatever its kind says when written as an SSN', () => {
    expect(maskTaxId('123-45-6789')).toBe('***-**-6789');
    expect(maskTaxId('123-45-6789', 'individual')).toBe('***-**-6789');
    expect(maskTaxId('123-45-6789', 'business')).toBe('***-**-6789');
    expect(maskTaxId('123456789', 'individual')).toBe('***-**-6789');
    expect(maskTaxId(' 123-45-6789 ')).toBe('***-**-6789');
  });

  it('V6: an EIN is masked as **-***1234: by its form NN-NNNNNNN, or as bare digits of a business', () => {
    expect(maskTaxId('12-3456789')).toBe('**-***6789');
    expect(maskTaxId('12-3456789', 'business')).toBe('**-***6789');
    expect(maskTaxId('12-3456789', 'individual')).toBe('**-***6789');
    expect(maskTaxId('123456789', 'business')).toBe('**-***6789');
    expect(isEin('12-3456789')).toBe(true);
    expect(isEin('123456789')).toBe(false);
    expect(isEin('123456789', 'business')).toBe(true);
  });

  it('V6: a short id stays fully masked in either form, and masking twice changes nothing', () => {
    expect(maskTaxId('1234')).toBe('***-**-****');
    expect(maskTaxId('12', 'individual')).toBe('***-**-****');
    expect(maskTaxId('1234', 'business')).toBe('**-*******');
    expect(maskTaxId('1-2', 'business')).toBe('**-*******');
    for (const [id, kind] of [
      ['123-45-6789', 'individual'],
      ['12-3456789', 'business'],
      ['123456789', 'business'],
      ['12', 'business'],
      ['12', 'individual'],
    ]) {
      expect(maskTaxId(maskTaxId(id, kind))).toBe(maskTaxId(id, kind));
      expect(maskTaxId(maskTaxId(id, kind), kind)).toBe(maskTaxId(id, kind));
    }
  });

  it('V2: no tax id shows as nothing, not as a mask', () => {
    expect(maskTaxId(null)).toBe('');
    expect(maskTaxId('')).toBe('');
    expect(maskTaxId('none')).toBe('');
  });

  it('I2: a contact shows as first and last name, or a business as its name', () => {
    expect(displayName({ kind: 'individual', first_name: 'Ann', last_name: 'Lee' })).toBe('Ann Lee');
    expect(displayName({ first_name: 'Ann', last_name: 'Lee' })).toBe('Ann Lee');
    expect(displayName({ kind: 'individual', first_name: 'Ann', last_name: null })).toBe('Ann');
    expect(displayName({ kind: 'individual', first_name: '', last_name: 'Lee' })).toBe('Lee');
    expect(displayName({ kind: 'business', business_name: 'Acme Inc', first_name: 'Ann', last_name: 'Lee' })).toBe('Acme Inc');
    expect(displayName({ kind: 'business', business_name: null })).toBe('');
  });
});
