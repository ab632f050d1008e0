// @ts-nocheck
// The installation's tables, as office-data-format.md lays them out. One
// declaration drives the SQLite schema, CSV load validation and dump, so a
// column added here is loaded, stored and dumped everywhere at once.

export type ColumnType = 'text' | 'date' | 'timestamp' | 'bool' | 'decimal' | 'json' | 'enum' | 'enum_list';

export interface Column {
  name: string;
  type: ColumnType;
  /** Must be present in the header and non-empty in every row. */
  required?: boolean;
  /** Allowed values for enum and enum_list columns. */
  values?: readonly string[];
  /** Table whose `id` this column names. */
  ref?: TableName;
  /** Written by dump, never required on load. */
  dumpOnly?: boolean;
}

export interface Table {
  name: TableName;
  file: string;
  columns: readonly Column[];
  /** Unique keys beyond `id`, for load errors that a user can read. */
  unique?: readonly (readonly string[])[];
  /** Columns required only for rows of a given kind. */
  requiredByKind?: Readonly<Record<string, readonly string[]>>;
  /** Natural key for tables without an `id` (used for dump ordering). */
  key?: readonly string[];
}

export const TABLE_NAMES = [
  'installation',
  'offices',
  'users',
  'contacts',
  'leads',
  'sets',
  'set_members',
  'key_relations',
  'employee_census',
  'carriers',
  'carrier_contacts',
  'products',
  'riders',
  'service_providers',
  'agent_contracts',
  'appointments',
  'policies',
  'policy_riders',
  'policy_parties',
  'pending_cases',
  'case_parties',
  'investment_accounts',
  'positions',
  'account_parties',
  'commissions',
  'letters',
  'activities',
  'smartpad',
  'event_invitations',
  'proposals',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export const RIGHTS = ['data_export', 'export_contacts_to_office', 'data_import', 'admin'] as const;
export type Right = (typeof RIGHTS)[number];
export const PCM = ['active', 'no_pcm_activity'] as const;
export const LINES_OF_BUSINESS = ['life', 'annuity', 'health', 'disability', 'long_term_care', 'other'] as const;

const id: Column = { name: 'id', type: 'text', required: true };
const office: Column = { name: 'office_id', type: 'text', required: true, ref: 'offices' };
const owner = (name: string, ref: TableName): Column => ({ name, type: 'text', required: true, ref });
const opt = (name: string, type: ColumnType = 'text', ref?: TableName): Column => ({ name, type, ref });
const enumOf = (name: string, values: readonly string[], required = false): Column => ({
  name,
  type: 'enum',
  values,
  required,
});

const T: Table[] = [
  { name: 'installation', file: 'installation.csv', columns: [id, { name: 'name', type: 'text', required: true }] },
  {
    name: 'offices',
    file: 'offices.csv',
    columns: [
      id,
      { name: 'name', type: 'text', required: true },
      opt('parent_id', 'text', 'offices'),
      enumOf('kind', ['agency', 'resource'], true),
      opt('region'),
    ],
    unique: [['name']],
  },
  {
    name: 'users',
    file: 'users.csv',
    columns: [id, office, { name: 'username', type: 'text', required: true }, opt('full_name'), { name: 'rights', type: 'enum_list', values: RIGHTS }],
    unique: [['office_id', 'username']],
  },
  {
    name: 'contacts',
    file: 'contacts.csv',
    columns: [
      id,
      office,
      enumOf('kind', ['individual', 'business'], true),
      opt('first_name'),
      opt('middle_name'),
      opt('last_name'),
      opt('business_name'),
      opt('birth_date', 'date'),
      opt('tax_id'),
      enumOf('gender', ['male', 'female', 'unspecified']),
      opt('email'),
      opt('phone'),
      opt('street'),
      opt('city'),
      opt('state'),
      opt('postal_code'),
      opt('country'),
      opt('is_advisor', 'bool'),
      opt('primary_advisor_id', 'text', 'contacts'),
      opt('referred_by_id', 'text', 'contacts'),
      opt('custom', 'json'),
      opt('created_at', 'timestamp'),
      opt('updated_at', 'timestamp'),
      { name: 'origin_bundle_id', type: 'text', dumpOnly: true },
      { name: 'origin_ref', type: 'text', dumpOnly: true },
    ],
    requiredByKind: { individual: ['last_name'], business: ['business_name'] },
  },
  {
    name: 'leads',
    file: 'leads.csv',
    columns: [id, office, owner('contact_id', 'contacts'), opt('source'), opt('status'), opt('created_at', 'timestamp')],
  },
  {
    name: 'sets',
    file: 'sets.csv',
    columns: [id, office, { name: 'name', type: 'text', required: true }, opt('owner_user_id', 'text', 'users')],
    unique: [['office_id', 'name']],
  },
  {
    name: 'set_members',
    file: 'set_members.csv',
    columns: [owner('set_id', 'sets'), owner('contact_id', 'contacts')],
    key: ['set_id', 'contact_id'],
  },
  {
    name: 'key_relations',
    file: 'key_relations.csv',
    columns: [id, office, owner('contact_id', 'contacts'), opt('related_contact_id', 'text', 'contacts'), opt('relation'), opt('notes')],
  },
  {
    name: 'employee_census',
    file: 'employee_census.csv',
    columns: [
      id,
      office,
      owner('business_id', 'contacts'),
      owner('employee_contact_id', 'contacts'),
      opt('job_title'),
      opt('hire_date', 'date'),
      opt('annual_salary', 'decimal'),
      opt('employee_class'),
    ],
  },
  {
    name: 'carriers',
    file: 'carriers.csv',
    columns: [
      id,
      office,
      { name: 'name', type: 'text', required: true },
      opt('naic_code'),
      opt('phone'),
      opt('email'),
      opt('street'),
      opt('city'),
      opt('state'),
      opt('postal_code'),
      enumOf('pcm_activity', PCM),
    ],
    unique: [['office_id', 'name']],
  },
  {
    name: 'carrier_contacts',
    file: 'carrier_contacts.csv',
    columns: [id, office, owner('carrier_id', 'carriers'), opt('contact_id', 'text', 'contacts'), opt('role')],
  },
  {
    name: 'products',
    file: 'products.csv',
    columns: [
      id,
      office,
      owner('carrier_id', 'carriers'),
      { name: 'name', type: 'text', required: true },
      enumOf('line_of_business', LINES_OF_BUSINESS),
      opt('active', 'bool'),
      enumOf('pcm_activity', PCM),
    ],
  },
  {
    name: 'riders',
    file: 'riders.csv',
    columns: [id, office, owner('carrier_id', 'carriers'), { name: 'name', type: 'text', required: true }, opt('active', 'bool'), enumOf('pcm_activity', PCM)],
  },
  {
    name: 'service_providers',
    file: 'service_providers.csv',
    columns: [
      id,
      office,
      { name: 'name', type: 'text', required: true },
      enumOf('kind', ['paramedical', 'lab', 'inspection', 'other'], true),
      opt('phone'),
      enumOf('pcm_activity', PCM),
    ],
  },
  {
    name: 'agent_contracts',
    file: 'agent_contracts.csv',
    columns: [
      id,
      office,
      opt('carrier_id', 'text', 'carriers'),
      opt('advisor_id', 'text', 'contacts'),
      opt('contract_number'),
      opt('status'),
      opt('effective_date', 'date'),
    ],
  },
  {
    name: 'appointments',
    file: 'appointments.csv',
    columns: [
      id,
      office,
      opt('carrier_id', 'text', 'carriers'),
      opt('advisor_id', 'text', 'contacts'),
      opt('state'),
      opt('status'),
      opt('appointed_date', 'date'),
    ],
  },
  {
    name: 'policies',
    file: 'policies.csv',
    columns: [
      id,
      office,
      opt('primary_contact_id', 'text', 'contacts'),
      opt('carrier_id', 'text', 'carriers'),
      opt('product_id', 'text', 'products'),
      opt('policy_number'),
      enumOf('status', ['active', 'lapsed', 'surrendered', 'pending', 'terminated']),
      enumOf('line_of_business', LINES_OF_BUSINESS),
      opt('face_amount', 'decimal'),
      opt('annual_premium', 'decimal'),
      opt('issue_date', 'date'),
      opt('custom', 'json'),
    ],
  },
  {
    name: 'policy_riders',
    file: 'policy_riders.csv',
    columns: [owner('policy_id', 'policies'), opt('rider_id', 'text', 'riders'), opt('amount', 'decimal')],
    key: ['policy_id', 'rider_id'],
  },
  {
    name: 'policy_parties',
    file: 'policy_parties.csv',
    columns: [
      owner('policy_id', 'policies'),
      owner('contact_id', 'contacts'),
      enumOf('list', ['advisor', 'relationship', 'important'], true),
      opt('role'),
      opt('share_percent', 'decimal'),
    ],
    key: ['policy_id', 'contact_id', 'list', 'role'],
  },
  {
    name: 'pending_cases',
    file: 'pending_cases.csv',
    columns: [
      id,
      office,
      opt('primary_contact_id', 'text', 'contacts'),
      opt('carrier_id', 'text', 'carriers'),
      opt('product_id', 'text', 'products'),
      opt('service_provider_id', 'text', 'service_providers'),
      opt('case_number'),
      opt('status'),
      opt('submitted_date', 'date'),
      opt('custom', 'json'),
    ],
  },
  {
    name: 'case_parties',
    file: 'case_parties.csv',
    columns: [
      owner('case_id', 'pending_cases'),
      owner('contact_id', 'contacts'),
      enumOf('list', ['advisor', 'annuitant', 'relationship', 'important'], true),
      opt('role'),
      opt('share_percent', 'decimal'),
    ],
    key: ['case_id', 'contact_id', 'list', 'role'],
  },
  {
    name: 'investment_accounts',
    file: 'investment_accounts.csv',
    columns: [
      id,
      office,
      opt('primary_contact_id', 'text', 'contacts'),
      opt('account_number'),
      opt('custodian'),
      opt('account_type'),
      opt('asset_allocation', 'json'),
      opt('performance', 'json'),
      opt('custom', 'json'),
    ],
  },
  {
    name: 'positions',
    file: 'positions.csv',
    columns: [
      id,
      owner('account_id', 'investment_accounts'),
      opt('symbol'),
      opt('description'),
      opt('units', 'decimal'),
      opt('price', 'decimal'),
      opt('market_value', 'decimal'),
      opt('custom', 'json'),
    ],
  },
  {
    name: 'account_parties',
    file: 'account_parties.csv',
    columns: [
      owner('account_id', 'investment_accounts'),
      owner('contact_id', 'contacts'),
      enumOf('list', ['interested_party', 'advisor_relationship'], true),
      opt('role'),
    ],
    key: ['account_id', 'contact_id', 'list', 'role'],
  },
  {
    name: 'commissions',
    file: 'commissions.csv',
    columns: [
      id,
      office,
      opt('policy_id', 'text', 'policies'),
      opt('case_id', 'text', 'pending_cases'),
      opt('payee_contact_id', 'text', 'contacts'),
      opt('amount', 'decimal'),
      opt('paid_date', 'date'),
    ],
  },
  {
    name: 'letters',
    file: 'letters.csv',
    columns: [
      id,
      office,
      owner('contact_id', 'contacts'),
      opt('recipient_contact_id', 'text', 'contacts'),
      enumOf('kind', ['letter', 'email'], true),
      opt('subject'),
      opt('body'),
      opt('sent_date', 'date'),
      opt('document'),
    ],
  },
  {
    name: 'activities',
    file: 'activities.csv',
    columns: [
      id,
      office,
      owner('contact_id', 'contacts'),
      enumOf('type', ['call', 'meeting', 'task', 'to_do', 'other']),
      opt('subject'),
      opt('start_at', 'timestamp'),
      opt('end_at', 'timestamp'),
      opt('status'),
      opt('notes'),
    ],
  },
  {
    name: 'smartpad',
    file: 'smartpad.csv',
    columns: [id, office, owner('contact_id', 'contacts'), opt('text'), opt('created_at', 'timestamp'), opt('created_by')],
  },
  {
    name: 'event_invitations',
    file: 'event_invitations.csv',
    columns: [id, office, owner('contact_id', 'contacts'), opt('event_name'), opt('event_date', 'date'), opt('status')],
  },
  {
    name: 'proposals',
    file: 'proposals.csv',
    columns: [
      id,
      office,
      owner('contact_id', 'contacts'),
      opt('product_id', 'text', 'products'),
      opt('description'),
      opt('amount', 'decimal'),
      opt('status'),
      opt('created_at', 'timestamp'),
    ],
  },
];

export const TABLES: Readonly<Record<TableName, Table>> = Object.fromEntries(T.map((t) => [t.name, t])) as Record<TableName, Table>;

/** Tables in an order where every referenced table comes before its referrers (self-references aside). */
export const LOAD_ORDER: readonly TableName[] = TABLE_NAMES;

export function hasId(t: Table): boolean {
  return t.columns.some((c) => c.name === 'id');
}

export function columnNames(t: Table): string[] {
  return t.columns.map((c) => c.name);
}
