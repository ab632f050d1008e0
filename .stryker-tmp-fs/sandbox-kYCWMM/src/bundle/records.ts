// @ts-nocheck
// The bundle's records (docs/bundle-format.md, B3, B5): the record shapes,
// refs, file names, record builders and exclusion words, on top of the record
// declarations of src/domain/model/records.ts. Export builds
// records from rows with it, verify finds references with it, import maps
// records back to tables with it.

export const FORMAT = 'officeport-bundle';
/** B9: 2.0 carries its schemas under schemas/ and names them in officeport.json; 1.0 is still read (checked against this officeport's schemas). */
export const FORMAT_VERSION = '2.0';
export const LEGACY_FORMAT_VERSION = '1.0';
export const KNOWN_FORMAT_VERSIONS: readonly string[] = [LEGACY_FORMAT_VERSION, FORMAT_VERSION];

export {
  RECORD_TYPES,
  SPECS,
  ORIGINS,
  PARTY_LISTS,
  type RecordType,
  type Prefix,
  type FieldType,
  type Field,
  type RecordSpec,
  type PCM,
  type Origin,
  type PartyRecordType,
} from '../domain/model/records.js';
import { RECORD_TYPES, SPECS, type RecordType, type Prefix } from '../domain/model/records.js';
import type { Row } from '../domain/model/row.js';

// ---- record shapes (what import reads) ----

export interface Party {
  contact: string;
  list: string;
  role?: string;
  share_percent?: string;
}
export interface RiderEntry {
  rider: string;
  amount?: string;
}
export interface DocumentRef {
  path: string;
  name: string;
  sha256: string;
  size: number;
}

/** Every record: its ref and string fields; nested lists on the types that have them. */
export interface BundleRecord {
  ref: string;
  [field: string]: string | number | Party[] | RiderEntry[] | DocumentRef | undefined;
}
export interface PolicyRecord extends BundleRecord {
  riders?: RiderEntry[];
  parties?: Party[];
}
export interface CaseRecord extends BundleRecord {
  parties?: Party[];
}
export interface AccountRecord extends BundleRecord {
  parties?: Party[];
}
export interface LetterRecord extends BundleRecord {
  document?: DocumentRef;
}

// ---- refs ----

export function refOf(prefix: Prefix, id: string): string {
  return `${prefix}/${id}`;
}

/** The prefix and source id of a bundle ref, or undefined if it is not one. */
export function parseRef(ref: string): { prefix: Prefix; id: string } | undefined {
  const i = ref.indexOf('/');
  if (i <= 0 || i === ref.length - 1) return undefined;
  const prefix = ref.slice(0, i) as Prefix;
  if (!ALL_PREFIXES.has(prefix)) return undefined;
  return { prefix, id: ref.slice(i + 1) };
}

const ALL_PREFIXES = new Set<string>(RECORD_TYPES.map((x) => SPECS[x].prefix));

export function recordFile(type: RecordType): string {
  return `data/records/${type}.ndjson`;
}

export function documentPath(sha256: string): string {
  return `data/documents/${sha256}`;
}

/** Which record type a payload path holds, if any. */
export function recordTypeOfFile(path: string): RecordType | undefined {
  const m = path.match(/^data\/records\/([a-z_]+)\.ndjson$/);
  return m && (RECORD_TYPES as readonly string[]).includes(m[1]!) ? (m[1] as RecordType) : undefined;
}

export interface RefUse {
  /** JSON pointer of the field inside the record */
  pointer: string;
  ref: string;
  to: Prefix;
}

/** Every reference a record makes to another record (B5), with where it sits. */
export function referencesOf(type: RecordType, rec: BundleRecord): RefUse[] {
  const out: RefUse[] = [];
  for (const f of SPECS[type].fields) {
    const v = rec[f.name];
    if (f.type === 'ref' && typeof v === 'string') out.push({ pointer: `/${f.name}`, ref: v, to: f.to! });
  }
  const parties = rec.parties as Party[] | undefined;
  parties?.forEach((p, i) => out.push({ pointer: `/parties/${i}/contact`, ref: p.contact, to: 'contact' }));
  const riders = rec.riders as RiderEntry[] | undefined;
  if (type === 'policies') riders?.forEach((x, i) => out.push({ pointer: `/riders/${i}/rider`, ref: x.rider, to: 'rider' }));
  return out;
}

// ---- building records from rows ----

/**
 * A record from an installation row: fields in schema order, refs made from
 * `<x>_id` columns, empty values left out (no nulls). Extra fields (origin,
 * tax_id_hash, parties, riders, document) come from `extra`, after the columns.
 */
export function buildRecord(type: RecordType, row: Row, extra: Record<string, unknown> = {}): BundleRecord {
  const spec = SPECS[type];
  const rec: BundleRecord = { ref: refOf(spec.prefix, row.id!) };
  for (const f of spec.fields) {
    const v = f.name in extra ? extra[f.name] : row[f.column ?? f.name];
    if (v === null || v === undefined || v === '') continue;
    rec[f.name] = f.type === 'ref' && !(f.name in extra) ? refOf(f.to!, v as string) : (v as string);
  }
  for (const k of NESTED_FIELDS[type]) {
    const v = extra[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    rec[k] = v as Party[];
  }
  return rec;
}

/**
 * buildRecord for one record type, as a function compiled for its fields: the
 * same record with the same keys in the same order. The export builds every
 * record with it; the generic loop (field specs, computed keys) cost as much as
 * JSON.stringify of the result (P2).
 */
export function recordBuilder(type: RecordType): (row: Row, extra?: Record<string, unknown>) => BundleRecord {
  const spec = SPECS[type];
  const q = (x: string) => JSON.stringify(x);
  const empty = (v: string) => `${v} === null || ${v} === undefined || ${v} === ''`;
  const lines = ['if (extra === undefined) extra = {};', `const rec = { ref: ${q(`${spec.prefix}/`)} + row.id };`, 'let v;'];
  for (const f of spec.fields) {
    const fromRow = f.type === 'ref' ? `${q(`${f.to!}/`)} + v` : 'v';
    lines.push(
      `if (${q(f.name)} in extra) { v = extra[${q(f.name)}]; if (!(${empty('v')})) rec[${q(f.name)}] = v; }`,
      `else { v = row[${q(f.column ?? f.name)}]; if (!(${empty('v')})) rec[${q(f.name)}] = ${fromRow}; }`,
    );
  }
  for (const k of NESTED_FIELDS[type]) {
    lines.push(`v = extra[${q(k)}]; if (!(v === undefined || (Array.isArray(v) && v.length === 0))) rec[${q(k)}] = v;`);
  }
  lines.push('return rec;');
  // new Function over our own text: field names come from SPECS above, quoted by JSON.stringify
  return new Function('row', 'extra', lines.join('\n')) as (row: Row, extra?: Record<string, unknown>) => BundleRecord;
}

/** Nested fields after the columns, in schema order. */
export const NESTED_FIELDS: Readonly<Record<RecordType, readonly string[]>> = {
  activities: [],
  carriers: [],
  contacts: [],
  employee_census: [],
  investment_accounts: ['parties'],
  key_relations: [],
  letters: ['document'],
  pending_cases: ['parties'],
  policies: ['riders', 'parties'],
  positions: [],
  products: [],
  riders: [],
  service_providers: [],
  smartpad: [],
  stubs: [],
};

/** A party entry with keys in schema order and no empty values. */
export function buildParty(contactId: string, list: string, role?: string | null, share?: string | null): Party {
  const p: Party = { contact: refOf('contact', contactId), list };
  if (role) p.role = role;
  if (share) p.share_percent = share;
  return p;
}

export function buildRiderEntry(riderId: string, amount?: string | null): RiderEntry {
  const x: RiderEntry = { rider: refOf('rider', riderId) };
  if (amount) x.amount = amount;
  return x;
}

/** Exclusion words per rule, as officeport.json's `exclusions` lists them. */
export const EXCLUSION_WORDS = {
  X4: ['primary_advisor'],
  X5: ['letters_to_others'],
  X6: ['key_relations'],
  X10: [
    'leads',
    'referral_links',
    'set_memberships',
    'event_invitations',
    'email_messages',
    'contact_custom_data',
    'business_custom_data',
    'policy_custom_data',
    'annuity_custom_data',
    'account_custom_data',
    'position_custom_data',
    'proposals',
    'asset_allocation',
    'performance_data',
    'commissions',
    'cases_attached_to_commissions',
  ],
} as const;
export type ExclusionRule = keyof typeof EXCLUSION_WORDS;
export type ExclusionWord = (typeof EXCLUSION_WORDS)[ExclusionRule][number];
export type Exclusions = { [R in ExclusionRule]: { [W in (typeof EXCLUSION_WORDS)[R][number]]: number } };

export function emptyExclusions(): Exclusions {
  const out = {} as Record<string, Record<string, number>>;
  for (const [rule, words] of Object.entries(EXCLUSION_WORDS)) {
    out[rule] = Object.fromEntries(words.map((w) => [w, 0]));
  }
  return out as Exclusions;
}

export type Counts = Record<RecordType | 'documents', number>;

export function emptyCounts(): Counts {
  return Object.fromEntries([...RECORD_TYPES, 'documents'].map((k) => [k, 0])) as Counts;
}

/** officeport.json (B2), keys in the order it is written. */
export interface BundleHeader {
  format: typeof FORMAT;
  format_version: string;
  bundle_id: string;
  session_id: string;
  created_at: string;
  tool_version: string;
  source: {
    installation_id: string;
    installation_name: string;
    office_id: string;
    office_name: string;
    user_id: string;
    username: string;
  };
  target: { office: string; user: string };
  selection: { mode: 'set' | 'all' | 'contacts'; set?: string };
  counts: Counts;
  exclusions: Exclusions;
  stub_salt: string;
  /** the key the importer seals its receipt with (absent in bundles of earlier versions) */
  receipt_key?: string;
  /** B9: each record file's schema and the header's, as carried under schemas/ (absent in format 1.0) */
  schemas?: Record<string, string>;
  /** T2: the address card the bundle was encrypted to (absent in a bundle in clear) */
  addressed_to?: { installation_id: string; office_id: string; user_id: string; ed25519_fingerprint: string; age_recipient: string };
}
