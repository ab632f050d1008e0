// @ts-nocheck
// Normalisation for matching incoming contacts against a target office (I3).
// Pure: strings in, strings out. SHA-256 is a pure function of its input, so
// the stub hash (B8) lives here too.
import crypto from 'node:crypto';

/** Lower case, accents and punctuation dropped, spaces collapsed: "  O'Brien-Smith " -> "obrien smith". */
export function normaliseName(s: string | null | undefined): string {
  if (!s) return '';
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Digits only: "123-45-6789" -> "123456789"; "" when there are none. */
export function taxDigits(s: string | null | undefined): string {
  return s ? s.replace(/\D+/g, '') : '';
}

/** A birth date as YYYY-MM-DD, or "" when it is not one. */
export function normaliseBirthDate(s: string | null | undefined): string {
  if (!s) return '';
  const t = s.trim();
  const m = t.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  if (!m) return '';
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

/** B8: hex SHA-256 of the bundle salt, ":" and the tax id's digits. */
export function stubTaxHash(salt: string, taxId: string | null | undefined): string {
  const digits = taxDigits(taxId);
  if (!digits) return '';
  return crypto.createHash('sha256').update(`${salt}:${digits}`).digest('hex');
}

export interface IdentityFields {
  kind: string;
  first_name?: string | null;
  last_name?: string | null;
  business_name?: string | null;
  birth_date?: string | null;
}

/**
 * I3 (3): the key two contacts share when they are the same person by name:
 * individuals by first name, last name and birth date; businesses by name.
 * "" when the data is too thin to match on (no birth date, no name).
 */
export function identityKey(c: IdentityFields): string {
  if (c.kind === 'business') {
    const name = normaliseName(c.business_name);
    return name ? `b|${name}` : '';
  }
  const first = normaliseName(c.first_name);
  const last = normaliseName(c.last_name);
  const birth = normaliseBirthDate(c.birth_date);
  if (!first || !last || !birth) return '';
  return `i|${first}|${last}|${birth}`;
}

/** Already masked, in either form (masking twice shows the same). */
const MASKED = /^(\*\*\*-\*\*-(\d{4}|\*{4})|\*\*-\*\*\*(\d{4}|\*{4}))$/;
const SSN_FORM = /^\d{3}-\d{2}-\d{4}$/;
const EIN_FORM = /^\d{2}-\d{7}$/;

/**
 * Whether a tax id is an EIN (a business's, NN-NNNNNNN) rather than an SSN
 * (a person's, NNN-NN-NNNN): its written form decides; bare digits follow the
 * contact's kind (a business holds an EIN, office-data-format.md).
 */
export function isEin(s: string, kind?: string | null): boolean {
  const t = s.trim();
  if (EIN_FORM.test(t)) return true;
  if (SSN_FORM.test(t)) return false;
  return kind === 'business';
}

/**
 * V2, V6: a tax id shown to people, everywhere (inbox list, inspect, the HTML
 * report), by kind, only its last four digits: an SSN as "***-**-1234", an
 * EIN as "**-***1234" (isEin). An id of four digits or fewer shows none
 * ("***-**-****", "**-*******"): its last four would be all of it. A masked
 * id stays as it is, so that masking twice (inspect, then the report built
 * from it) shows the same.
 */
export function maskTaxId(s: string | null | undefined, kind?: string | null): string {
  if (s && MASKED.test(s.trim())) return s.trim();
  const d = taxDigits(s);
  if (!d) return '';
  const last = d.length > 4 ? d.slice(-4) : '****';
  return isEin(s!, kind) ? `**-***${last}` : `***-**-${last}`;
}

/** A contact's display name. */
export function displayName(c: { kind?: string; first_name?: string | null; last_name?: string | null; business_name?: string | null }): string {
  if (c.kind === 'business') return c.business_name ?? '';
  return [c.first_name, c.last_name].filter(Boolean).join(' ');
}
