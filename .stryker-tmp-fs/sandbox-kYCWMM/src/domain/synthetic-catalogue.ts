// @ts-nocheck
// Offices, users and the carrier catalogue of a synthetic installation (D5):
// a US resource office with the read-only catalogue, K US agency offices each
// with local content that matches the catalogue exactly, nearly or not at all
// (R rules), and one Canadian agency office where realignment is refused (R1).
import type { TableName } from './model/tables.js';
import { Rng, TODAY, isoDate, uuidFrom } from './synthetic-random.js';

export interface SynthOptions {
  contacts: number;
  seed: string;
  /** Number of US agency offices (a Canadian one is added). */
  offices: number;
}

export type SyntheticRow = Record<string, string | undefined>;
export type Emission = { table: TableName; row: SyntheticRow } | { document: string; content: string };

export interface CarrierPlan {
  id: string;
  local: boolean;
  products: { id: string; lob: string }[];
  riders: string[];
}

export interface OfficePlan {
  id: string;
  name: string;
  region: 'US' | 'CA';
  firstContact: number;
  contacts: number;
  advisors: number;
  /** Carriers usable by this office's policies: resource ones, then its own. */
  carriers: CarrierPlan[];
  serviceProviders: string[];
  exporterUserId: string;
}

export interface Setup {
  rows: Emission[];
  offices: OfficePlan[];
}

const RESOURCE_CARRIERS: readonly [string, readonly [string, string][]][] = [
  [
    'Summit Mutual Life',
    [
      ['Summit Term 20', 'life'],
      ['Summit Universal Life', 'life'],
      ['Summit Whole Life', 'life'],
    ],
  ],
  [
    'Granite State Insurance',
    [
      ['Granite Disability Plus', 'disability'],
      ['Granite Term 10', 'life'],
    ],
  ],
  [
    'Pacific Crest Annuity',
    [
      ['Crest Fixed Index Annuity', 'annuity'],
      ['Crest Income Annuity', 'annuity'],
    ],
  ],
  [
    'Evergreen Health Partners',
    [
      ['Evergreen LTC Shield', 'long_term_care'],
      ['Evergreen Major Medical', 'health'],
    ],
  ],
  [
    'Northstar Life & Annuity',
    [
      ['Northstar Variable Annuity', 'annuity'],
      ['Northstar Term 30', 'life'],
    ],
  ],
  [
    'Liberty Oak Assurance',
    [
      ['Liberty Oak Final Expense', 'life'],
      ['Liberty Oak Critical Illness', 'other'],
    ],
  ],
];
const RIDERS = ['Waiver of Premium', 'Accidental Death Benefit', 'Guaranteed Insurability'] as const;
const SERVICE_PROVIDERS: readonly [string, string][] = [
  ['Keystone Paramedical Services', 'paramedical'],
  ['Clearview Labs', 'lab'],
  ['Atlas Inspection Bureau', 'inspection'],
  ['Tri-County Records Retrieval', 'other'],
];

export function planSetup(opts: SynthOptions, rng: Rng): Setup {
  const rows: Emission[] = [];
  const emit = (table: TableName, row: SyntheticRow) => rows.push({ table, row });
  emit('installation', { id: uuidFrom(rng), name: `Synthetic Installation ${opts.seed}` });
  emit('offices', { id: 'O-R', name: 'Synthetic Resource', kind: 'resource', region: 'US' });
  emit('users', { id: 'U-R-1', office_id: 'O-R', username: 'radmin', full_name: 'Resource Admin', rights: 'admin' });
  const resource = resourceCatalogue(emit);
  const sps = SERVICE_PROVIDERS.map(([name, kind], i) => {
    const id = `SP-R-${i + 1}`;
    emit('service_providers', { id, office_id: 'O-R', name, kind, phone: `800-555-20${10 + i}`, pcm_activity: 'active' });
    return id;
  });

  const agencies = Math.max(1, opts.offices);
  const caShare = opts.contacts >= 50 ? Math.max(2, Math.floor(opts.contacts * 0.04)) : 0;
  const usShare = opts.contacts - caShare;
  const offices: OfficePlan[] = [];
  let next = 100001;
  for (let k = 0; k <= agencies; k++) {
    const ca = k === agencies;
    const count = ca ? caShare : Math.floor(usShare / agencies) + (k < usShare % agencies ? 1 : 0);
    const n = k + 1;
    const office: OfficePlan = {
      id: `O-${n}`,
      name: ca ? 'Maple Agency' : `Agency ${n}`,
      region: ca ? 'CA' : 'US',
      firstContact: next,
      contacts: count,
      advisors: Math.min(count, Math.max(2, Math.round(count / 250))),
      carriers: [...resource],
      serviceProviders: [...sps],
      exporterUserId: `U-${n}-2`,
    };
    next += count;
    emit('offices', { id: office.id, name: office.name, parent_id: 'O-R', kind: 'agency', region: office.region });
    emitUsers(emit, office, n);
    localCatalogue(emit, office, n, rng);
    offices.push(office);
  }
  return { rows, offices };
}

function resourceCatalogue(emit: (t: TableName, r: SyntheticRow) => void): CarrierPlan[] {
  return RESOURCE_CARRIERS.map(([name, products], i) => {
    const id = `CR-${i + 1}`;
    emit('carriers', {
      id,
      office_id: 'O-R',
      name,
      naic_code: String(61001 + i),
      phone: `800-555-1${String(i).padStart(3, '0')}`,
      email: `service@carrier${i + 1}.example`,
      street: `${i + 1} Insurance Plaza`,
      city: 'Hartford',
      state: 'CT',
      postal_code: '06103',
      pcm_activity: 'active',
    });
    const plan: CarrierPlan = { id, local: false, products: [], riders: [] };
    products.forEach(([pname, lob], j) => {
      const pid = `PR-${i + 1}-${j + 1}`;
      emit('products', { id: pid, office_id: 'O-R', carrier_id: id, name: pname, line_of_business: lob, active: 'true', pcm_activity: 'active' });
      plan.products.push({ id: pid, lob });
    });
    RIDERS.slice(0, i % 2 === 0 ? 3 : 2).forEach((rname, j) => {
      const rid = `RR-${i + 1}-${j + 1}`;
      emit('riders', { id: rid, office_id: 'O-R', carrier_id: id, name: rname, active: 'true', pcm_activity: 'active' });
      plan.riders.push(rid);
    });
    return plan;
  });
}

function emitUsers(emit: (t: TableName, r: SyntheticRow) => void, o: OfficePlan, n: number): void {
  const users: [string, string, string][] = [
    ['admin', 'Office Admin', 'admin'],
    ['exporter', 'Export Clerk', 'data_export;export_contacts_to_office'],
    ['importer', 'Import Clerk', 'data_import'],
    ['viewer', 'Read Only', ''],
  ];
  users.forEach(([username, full, rights], i) =>
    emit('users', { id: `U-${n}-${i + 1}`, office_id: o.id, username, full_name: `${full} ${n}`, rights: rights || undefined }),
  );
}

/**
 * Local carriers of an agency office, named to exercise R5-R9: an exact twin of
 * a resource carrier (with an exact product, a historical one, a case variant,
 * and riders likewise), a near twin (double space), and one with no match.
 */
function localCatalogue(emit: (t: TableName, r: SyntheticRow) => void, o: OfficePlan, n: number, rng: Rng): void {
  const carrier = (suffix: string, name: string, products: [string, string, boolean][], riders: [string, boolean][]) => {
    const id = `CL-${n}-${suffix}`;
    emit('carriers', { id, office_id: o.id, name, phone: `217-555-${rng.digits(4)}`, pcm_activity: 'active' });
    const plan: CarrierPlan = { id, local: true, products: [], riders: [] };
    products.forEach(([pname, lob, active], j) => {
      const pid = `PL-${n}-${suffix}-${j + 1}`;
      emit('products', { id: pid, office_id: o.id, carrier_id: id, name: pname, line_of_business: lob, active: String(active), pcm_activity: 'active' });
      plan.products.push({ id: pid, lob });
    });
    riders.forEach(([rname, active], j) => {
      const rid = `RL-${n}-${suffix}-${j + 1}`;
      emit('riders', { id: rid, office_id: o.id, carrier_id: id, name: rname, active: String(active), pcm_activity: 'active' });
      plan.riders.push(rid);
    });
    o.carriers.push(plan);
    return id;
  };
  const exact = carrier(
    '1',
    'Summit Mutual Life',
    [
      ['Summit Term 20', 'life', true],
      ['Summit Whole Life 1998', 'life', false],
      ['summit universal life', 'life', true],
    ],
    [
      ['Waiver of Premium', true],
      ['Accidental death benefit', true],
      ['Return of Premium 1995', false],
    ],
  );
  if (o.region === 'CA') return;
  carrier('2', 'Pacific Crest Annuity', [['Crest Fixed Index Annuity', 'annuity', true]], []);
  const near = carrier('3', 'Granite  State Insurance', [['Granite Disability Plus', 'disability', true]], []);
  const none = carrier('4', 'Hometown Benefit Society', [['Hometown Final Expense', 'life', true]], []);
  const sps: [string, string, string][] = [
    ['1', 'Keystone Paramedical Services', 'paramedical'],
    ['2', 'ClearView Labs', 'lab'],
    ['3', 'Main Street Inspections', 'inspection'],
  ];
  for (const [s, name, kind] of sps) {
    const id = `SP-${n}-${s}`;
    emit('service_providers', { id, office_id: o.id, name, kind, pcm_activity: 'active' });
    o.serviceProviders.push(id);
  }
  // Advisors are the office's first contacts; they hold contracts and appointments.
  [exact, near, none].forEach((carrierId, i) => {
    const advisor = `C-${o.firstContact + (i % Math.max(1, o.advisors))}`;
    if (o.contacts === 0) return;
    emit('carrier_contacts', {
      id: `CC-${n}-${i + 1}`,
      office_id: o.id,
      carrier_id: carrierId,
      contact_id: advisor,
      role: ['underwriter', 'marketing_rep', 'case_manager'][i],
    });
    emit('agent_contracts', {
      id: `AC-${n}-${i + 1}`,
      office_id: o.id,
      carrier_id: carrierId,
      advisor_id: advisor,
      contract_number: `K${n}${rng.digits(6)}`,
      status: i === 2 ? 'terminated' : 'active',
      effective_date: isoDate(TODAY - rng.int(400, 6000)),
    });
    emit('appointments', {
      id: `AP-${n}-${i + 1}`,
      office_id: o.id,
      carrier_id: carrierId,
      advisor_id: advisor,
      state: 'IL',
      status: i === 1 ? 'pending' : 'appointed',
      appointed_date: isoDate(TODAY - rng.int(100, 5000)),
    });
  });
}
