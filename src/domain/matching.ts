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
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
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

const MASKED = /^\*\*\*-\*\*-(\d{4}|\*{4})$/;

/**
 * V2: a tax id shown to people, everywhere (inbox list, inspect, the HTML
 * report): "***-**-1234", only the last four digits. An id of four digits or
 * fewer shows none ("***-**-****"): its last four would be all of it. A
 * masked id stays as it is, so that masking twice (inspect, then the report
 * built from it) shows the same.
 */
export function maskTaxId(s: string | null | undefined): string {
  if (s && MASKED.test(s)) return s;
  const d = taxDigits(s);
  if (!d) return '';
  return `***-**-${d.length > 4 ? d.slice(-4) : '****'}`;
}

/** A contact's display name. */
export function displayName(c: { kind?: string; first_name?: string | null; last_name?: string | null; business_name?: string | null }): string {
  if (c.kind === 'business') return c.business_name ?? '';
  return [c.first_name, c.last_name].filter(Boolean).join(' ');
}
