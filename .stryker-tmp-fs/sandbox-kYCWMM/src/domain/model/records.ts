// @ts-nocheck
// The bundle's record types (docs/bundle-format.md, B3, B5): one declaration
// per record type says which file it lives in, its ref prefix, its fields in
// schema order and where each field comes from in the installation's tables.
// Export builds records from rows with it, verify finds references with it,
// import maps records back to tables with it (src/bundle/records.ts holds the
// record shapes and builders on top of these declarations).
import type { TableName } from './tables.js';

/** Record types, named after their files (data/records/<type>.ndjson), in file order. */
export const RECORD_TYPES = [
  'activities',
  'carriers',
  'contacts',
  'employee_census',
  'investment_accounts',
  'key_relations',
  'letters',
  'pending_cases',
  'policies',
  'positions',
  'products',
  'riders',
  'service_providers',
  'smartpad',
  'stubs',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export type Prefix =
  | 'contact'
  | 'key_relation'
  | 'census'
  | 'carrier'
  | 'product'
  | 'rider'
  | 'service_provider'
  | 'policy'
  | 'case'
  | 'account'
  | 'position'
  | 'letter'
  | 'activity'
  | 'note';

export type FieldType = 'text' | 'date' | 'timestamp' | 'decimal' | 'bool' | 'enum' | 'ref';

export interface Field {
  name: string;
  type: FieldType;
  /** The installation column it comes from (default: name, or name + '_id' for refs). */
  column?: string;
  /** For refs: the prefix of the record it names. */
  to?: Prefix;
  values?: readonly string[];
  required?: boolean;
}

export interface RecordSpec {
  type: RecordType;
  prefix: Prefix;
  /** The installation table its rows come from. */
  table: TableName;
  fields: readonly Field[];
}

export const PCM = ['active', 'no_pcm_activity'] as const;
export const ORIGINS = ['source_office', 'parent_office'] as const;
export type Origin = (typeof ORIGINS)[number];
const LOB = ['life', 'annuity', 'health', 'disability', 'long_term_care', 'other'] as const;

const t = (name: string, required = false): Field => ({ name, type: 'text', required });
const d = (name: string): Field => ({ name, type: 'date' });
const ts = (name: string): Field => ({ name, type: 'timestamp' });
const dec = (name: string): Field => ({ name, type: 'decimal' });
const b = (name: string): Field => ({ name, type: 'bool' });
const e = (name: string, values: readonly string[], required = false): Field => ({ name, type: 'enum', values, required });
const r = (name: string, to: Prefix, required = false): Field => ({ name, type: 'ref', to, column: `${name}_id`, required });
const origin: Field = e('origin', ORIGINS, true);

const NAME_FIELDS = [t('first_name'), t('middle_name'), t('last_name'), t('business_name'), d('birth_date')];

export const SPECS: Readonly<Record<RecordType, RecordSpec>> = {
  contacts: {
    type: 'contacts',
    prefix: 'contact',
    table: 'contacts',
    fields: [
      e('kind', ['individual', 'business'], true),
      ...NAME_FIELDS,
      t('tax_id'),
      e('gender', ['male', 'female', 'unspecified']),
      t('email'),
      t('phone'),
      t('street'),
      t('city'),
      t('state'),
      t('postal_code'),
      t('country'),
      b('is_advisor'),
      ts('created_at'),
      ts('updated_at'),
    ],
  },
  stubs: {
    type: 'stubs',
    prefix: 'contact',
    table: 'contacts',
    fields: [e('kind', ['individual', 'business'], true), ...NAME_FIELDS, t('tax_id_hash')],
  },
  key_relations: {
    type: 'key_relations',
    prefix: 'key_relation',
    table: 'key_relations',
    fields: [r('contact', 'contact', true), r('related_contact', 'contact', true), t('relation'), t('notes')],
  },
  employee_census: {
    type: 'employee_census',
    prefix: 'census',
    table: 'employee_census',
    fields: [r('business', 'contact', true), r('employee_contact', 'contact', true), t('job_title'), d('hire_date'), dec('annual_salary'), t('employee_class')],
  },
  carriers: {
    type: 'carriers',
    prefix: 'carrier',
    table: 'carriers',
    fields: [t('name', true), t('naic_code'), t('phone'), t('email'), t('street'), t('city'), t('state'), t('postal_code'), e('pcm_activity', PCM), origin],
  },
  products: {
    type: 'products',
    prefix: 'product',
    table: 'products',
    fields: [r('carrier', 'carrier', true), t('name', true), e('line_of_business', LOB), b('active'), e('pcm_activity', PCM), origin],
  },
  riders: {
    type: 'riders',
    prefix: 'rider',
    table: 'riders',
    fields: [r('carrier', 'carrier', true), t('name', true), b('active'), e('pcm_activity', PCM), origin],
  },
  service_providers: {
    type: 'service_providers',
    prefix: 'service_provider',
    table: 'service_providers',
    fields: [t('name', true), e('kind', ['paramedical', 'lab', 'inspection', 'other'], true), t('phone'), e('pcm_activity', PCM), origin],
  },
  policies: {
    type: 'policies',
    prefix: 'policy',
    table: 'policies',
    fields: [
      r('primary_contact', 'contact', true),
      r('carrier', 'carrier'),
      r('product', 'product'),
      t('policy_number'),
      e('status', ['active', 'lapsed', 'surrendered', 'pending', 'terminated']),
      e('line_of_business', LOB),
      dec('face_amount'),
      dec('annual_premium'),
      d('issue_date'),
    ],
  },
  pending_cases: {
    type: 'pending_cases',
    prefix: 'case',
    table: 'pending_cases',
    fields: [
      r('primary_contact', 'contact', true),
      r('carrier', 'carrier'),
      r('product', 'product'),
      r('service_provider', 'service_provider'),
      t('case_number'),
      t('status'),
      d('submitted_date'),
    ],
  },
  investment_accounts: {
    type: 'investment_accounts',
    prefix: 'account',
    table: 'investment_accounts',
    fields: [r('primary_contact', 'contact', true), t('account_number'), t('custodian'), t('account_type')],
  },
  positions: {
    type: 'positions',
    prefix: 'position',
    table: 'positions',
    fields: [r('account', 'account', true), t('symbol'), t('description'), dec('units'), dec('price'), dec('market_value')],
  },
  letters: {
    type: 'letters',
    prefix: 'letter',
    table: 'letters',
    fields: [r('contact', 'contact', true), r('recipient_contact', 'contact', true), e('kind', ['letter'], true), t('subject'), t('body'), d('sent_date')],
  },
  activities: {
    type: 'activities',
    prefix: 'activity',
    table: 'activities',
    fields: [
      r('contact', 'contact', true),
      e('type', ['call', 'meeting', 'task', 'to_do', 'other']),
      t('subject'),
      ts('start_at'),
      ts('end_at'),
      t('status'),
      t('notes'),
    ],
  },
  smartpad: {
    type: 'smartpad',
    prefix: 'note',
    table: 'smartpad',
    fields: [r('contact', 'contact', true), t('text'), ts('created_at'), t('created_by')],
  },
};

/** Party lists (X8) by record type, with the lists each may hold. */
export const PARTY_LISTS = {
  policies: ['advisor', 'relationship', 'important'],
  pending_cases: ['advisor', 'annuitant', 'relationship', 'important'],
  investment_accounts: ['interested_party', 'advisor_relationship'],
} as const satisfies Partial<Record<RecordType, readonly string[]>>;
export type PartyRecordType = keyof typeof PARTY_LISTS;

/** Record types in dependency order: the order in which an import plans and applies them (records are staged in bag order). */
export const DEPENDENCY_ORDER: readonly RecordType[] = [
  'contacts',
  'stubs',
  'carriers',
  'products',
  'riders',
  'service_providers',
  'investment_accounts',
  'policies',
  'pending_cases',
  'positions',
  'letters',
  'activities',
  'smartpad',
  'key_relations',
  'employee_census',
];

/** The table a reference field's ref prefix points into (`contact/C-1` -> contacts). */
export const REF_TABLE: Readonly<Record<string, TableName>> = {
  contact: 'contacts',
  carrier: 'carriers',
  product: 'products',
  rider: 'riders',
  service_provider: 'service_providers',
  account: 'investment_accounts',
  policy: 'policies',
  case: 'pending_cases',
};
