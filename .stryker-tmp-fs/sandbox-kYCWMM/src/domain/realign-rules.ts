// @ts-nocheck
// Realignment decisions (R1, R5, R6, R8, R11) as plain data. The use case reads
// the records and reference counts, these functions decide, and one place
// applies the result; the dry run prints the very plan the real run applies.
import { nearestNames } from './names.js';

export const CATALOGUE_KINDS = ['carrier', 'product', 'rider', 'service_provider'] as const;
export type CatalogueKind = (typeof CATALOGUE_KINDS)[number];

export const KIND_TABLE: Record<CatalogueKind, string> = {
  carrier: 'carriers',
  product: 'products',
  rider: 'riders',
  service_provider: 'service_providers',
};

export const KIND_LABEL: Record<CatalogueKind, string> = {
  carrier: 'carrier',
  product: 'product',
  rider: 'rider',
  service_provider: 'service provider',
};

export interface CatalogueRecord {
  kind: CatalogueKind;
  id: string;
  office_id: string;
  name: string;
  /** products and riders */
  carrier_id?: string | null;
  pcm_activity: string | null;
  active?: string | null;
}

export interface Reference {
  table: string;
  column: string;
}

/** The office content that points at a record of each kind: what a migration switches (R5, R6). */
export const CONTENT_REFERENCES: Record<CatalogueKind, readonly Reference[]> = {
  carrier: [
    { table: 'carrier_contacts', column: 'carrier_id' },
    { table: 'agent_contracts', column: 'carrier_id' },
    { table: 'appointments', column: 'carrier_id' },
    { table: 'policies', column: 'carrier_id' },
    { table: 'pending_cases', column: 'carrier_id' },
  ],
  product: [
    { table: 'policies', column: 'product_id' },
    { table: 'pending_cases', column: 'product_id' },
    { table: 'proposals', column: 'product_id' },
  ],
  rider: [{ table: 'policy_riders', column: 'rider_id' }],
  service_provider: [{ table: 'pending_cases', column: 'service_provider_id' }],
};

/** Reference counts keyed by refKey(). */
export type ReferenceCounts = Readonly<Record<string, number>>;
export const refKey = (r: Reference, id: string): string => `${r.table}.${r.column}=${id}`;

export const MIGRATED_PREFIX = 'X_';
export const NO_PCM = 'no_pcm_activity';
export const migratedName = (name: string): string => `${MIGRATED_PREFIX}${name}`;
export const isMigratedName = (name: string): boolean => name.startsWith(MIGRATED_PREFIX);

// ---------------------------------------------------------------- R1

export interface OfficeView {
  id: string;
  name: string;
  kind: string;
  region: string | null;
  parent_id: string | null;
}

export const UNAVAILABLE_REGIONS = ['CA', 'AU'] as const;

/** Why realignment is not available for this office, or null when it is (R1). */
export function realignRefusal(office: OfficeView, parent: OfficeView | undefined): string | null {
  if (office.kind !== 'agency') return `office ${office.name} is a ${office.kind} office; realignment is for agency offices`;
  if (!parent) return `office ${office.name} has no parent office; realignment needs a resource parent office`;
  if (parent.kind !== 'resource') return `the parent office ${parent.name} of ${office.name} is not a resource office`;
  for (const o of [office, parent]) {
    const region = (o.region ?? '').toUpperCase();
    if ((UNAVAILABLE_REGIONS as readonly string[]).includes(region)) {
      return `realignment is not available in Canada and Australia, and office ${o.name} is in region ${region}`;
    }
  }
  return null;
}

// ---------------------------------------------------------------- plans

/** Every row whose `column` names `from` is made to name `to`. */
export interface Switch extends Reference {
  from: string;
  to: string;
  count: number;
}

export interface RecordChange {
  kind: CatalogueKind;
  id: string;
  name: string;
  why: 'matched' | 'repointed';
  set: { name?: string; pcm_activity?: string; carrier_id?: string };
}

export interface PlanLine {
  what: string;
  count: number;
}

export interface MigrationPlan {
  kind: CatalogueKind;
  local: CatalogueRecord;
  resource: CatalogueRecord;
  switches: Switch[];
  records: RecordChange[];
  /** Counts per kind of change, in display order. */
  lines: PlanLine[];
  notes: string[];
}

export type Decision<T> = { ok: true; value: T } | { ok: false; reason: string; hints: string[]; hint?: string };

function refuse(reason: string, hints: string[] = [], hint?: string): { ok: false; reason: string; hints: string[]; hint?: string } {
  return { ok: false, reason, hints, hint };
}

/** R8: names must be exactly equal; otherwise the nearest resource names are offered. */
export function checkNames(local: CatalogueRecord, resource: CatalogueRecord, resourceSiblings: readonly CatalogueRecord[]): Decision<null> {
  if (local.name === resource.name) return { ok: true, value: null };
  const near = nearestNames(local.name, resourceSiblings, (r) => r.name).map((n) => `${n.name} (${n.item.id})`);
  const label = KIND_LABEL[local.kind];
  return refuse(
    `the local ${label} name ${JSON.stringify(local.name)} (${local.id}) is not exactly equal to the resource ${label} name ${JSON.stringify(resource.name)} (${resource.id})`,
    near,
    `rename the local ${label} to the exact resource name first: officeport rename ${local.kind.replace('_', '-')} ${local.id} ${JSON.stringify(resource.name)} --office ${local.office_id} --user USER`,
  );
}

function switchesFor(kind: CatalogueKind, from: string, to: string, counts: ReferenceCounts): Switch[] {
  return CONTENT_REFERENCES[kind].map((r) => ({ ...r, from, to, count: counts[refKey(r, from)] ?? 0 }));
}

function retire(rec: CatalogueRecord): RecordChange {
  return { kind: rec.kind, id: rec.id, name: rec.name, why: 'matched', set: { name: migratedName(rec.name), pcm_activity: NO_PCM } };
}

/** Resource record named exactly like `rec`, lowest id first when several share the name. */
function exactMatch(rec: CatalogueRecord, candidates: readonly CatalogueRecord[]): CatalogueRecord | undefined {
  return candidates.filter((c) => c.name === rec.name).sort((a, b) => (a.id < b.id ? -1 : 1))[0];
}

export interface CarrierMigrationInput {
  local: CatalogueRecord;
  resource: CatalogueRecord;
  /** Local products and riders whose carrier is the local carrier. */
  localChildren: readonly CatalogueRecord[];
  /** Products and riders of the resource carrier. */
  resourceChildren: readonly CatalogueRecord[];
  /** Every resource carrier, for near-name hints. */
  resourceCarriers: readonly CatalogueRecord[];
  /** Names of the office's own carriers (carrier names are unique per office). */
  officeCarrierNames: readonly string[];
  counts: ReferenceCounts;
}

/** R5: one carrier, its content, and its products and riders. */
export function planCarrierMigration(input: CarrierMigrationInput): Decision<MigrationPlan> {
  const { local, resource } = input;
  const names = checkNames(local, resource, input.resourceCarriers);
  if (!names.ok) return names;
  const newName = migratedName(local.name);
  if (input.officeCarrierNames.includes(newName)) {
    return refuse(
      `the office already has a carrier named ${JSON.stringify(newName)}, the name this migration gives ${local.id}`,
      [],
      'rename or purge that earlier X_ carrier first (officeport realign purge, or officeport rename carrier)',
    );
  }
  const switches = switchesFor('carrier', local.id, resource.id, input.counts);
  const records: RecordChange[] = [];
  const notes: string[] = [];
  for (const child of [...input.localChildren].sort(byKindThenId)) {
    const match = exactMatch(
      child,
      input.resourceChildren.filter((r) => r.kind === child.kind),
    );
    if (match) {
      if (input.resourceChildren.filter((r) => r.kind === child.kind && r.name === child.name).length > 1) {
        notes.push(`several resource ${KIND_LABEL[child.kind]}s are named ${JSON.stringify(child.name)}; ${match.id} was taken`);
      }
      switches.push(...switchesFor(child.kind, child.id, match.id, input.counts));
      records.push(retire(child));
    } else {
      records.push({ kind: child.kind, id: child.id, name: child.name, why: 'repointed', set: { carrier_id: resource.id } });
    }
  }
  records.push(retire(local));
  return { ok: true, value: { kind: 'carrier', local, resource, switches, records, lines: planLines(switches, records), notes } };
}

export interface SingleMigrationInput {
  local: CatalogueRecord;
  resource: CatalogueRecord;
  /** Resource records of the same kind, for near-name hints. */
  resourceSiblings: readonly CatalogueRecord[];
  counts: ReferenceCounts;
}

/**
 * R6: one product, rider or service provider. A product or rider must already
 * belong to the resource record's carrier (which a carrier migration gives the
 * products it could not match): switching a policy's product to another
 * carrier's product would leave it naming two carriers.
 */
export function planSingleMigration(input: SingleMigrationInput): Decision<MigrationPlan> {
  const { local, resource } = input;
  if (local.kind !== resource.kind) {
    return refuse(`${local.id} is a ${KIND_LABEL[local.kind]} but ${resource.id} is a ${KIND_LABEL[resource.kind]}`);
  }
  if (local.kind === 'carrier') return refuse('a carrier is migrated with planCarrierMigration');
  const names = checkNames(local, resource, input.resourceSiblings);
  if (!names.ok) return names;
  if (local.kind !== 'service_provider' && local.carrier_id !== resource.carrier_id) {
    const label = KIND_LABEL[local.kind];
    return refuse(
      `the local ${label} ${local.id} belongs to carrier ${local.carrier_id ?? '(none)'}, the resource ${label} ${resource.id} to carrier ${resource.carrier_id ?? '(none)'}; a ${label} migrates only within its resource carrier`,
      [],
      `realign its carrier first (officeport realign carrier --local ${local.carrier_id ?? 'CARRIER'} --resource ${resource.carrier_id ?? 'CARRIER'}), which migrates or re-points its ${label}s`,
    );
  }
  const switches = switchesFor(local.kind, local.id, resource.id, input.counts);
  const records = [retire(local)];
  return { ok: true, value: { kind: local.kind, local, resource, switches, records, lines: planLines(switches, records), notes: [] } };
}

function byKindThenId(a: CatalogueRecord, b: CatalogueRecord): number {
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const SWITCH_LABEL: Record<string, string> = {
  'carrier_contacts.carrier_id': 'carrier contacts moved to the resource carrier',
  'agent_contracts.carrier_id': 'agent contracts moved to the resource carrier',
  'appointments.carrier_id': 'appointments moved to the resource carrier',
  'policies.carrier_id': 'policies moved to the resource carrier',
  'pending_cases.carrier_id': 'pending cases moved to the resource carrier',
  'policies.product_id': 'policies moved to a resource product',
  'pending_cases.product_id': 'pending cases moved to a resource product',
  'proposals.product_id': 'proposals moved to a resource product',
  'policy_riders.rider_id': 'policy riders moved to a resource rider',
  'pending_cases.service_provider_id': 'pending cases moved to the resource service provider',
};

/** The counts per kind of change that the user confirms (R7); the same for dry and real runs. */
export function planLines(switches: readonly Switch[], records: readonly RecordChange[]): PlanLine[] {
  const lines = new Map<string, number>();
  for (const s of switches) {
    const what = SWITCH_LABEL[`${s.table}.${s.column}`] ?? `${s.table}.${s.column} switched`;
    lines.set(what, (lines.get(what) ?? 0) + s.count);
  }
  for (const r of records) {
    const what =
      r.why === 'matched'
        ? `${KIND_LABEL[r.kind]}s renamed X_ and coded no_pcm_activity`
        : `${KIND_LABEL[r.kind]}s without a resource match re-pointed to the resource carrier (kept, active)`;
    lines.set(what, (lines.get(what) ?? 0) + 1);
  }
  return [...lines].map(([what, count]) => ({ what, count }));
}

export function planTotal(plan: MigrationPlan): number {
  return plan.lines.reduce((a, l) => a + l.count, 0);
}

// ---------------------------------------------------------------- R9

export type PairAction = 'realign' | 'with-carrier' | 'rename' | 'repoint-with-carrier' | 'keep' | 'done';

export interface PairingRow {
  kind: CatalogueKind;
  local_id: string;
  local_name: string;
  resource_id: string | null;
  resource_name: string | null;
  match: 'exact' | 'near' | 'none';
  action: PairAction;
}

function pairWith(rec: CatalogueRecord, candidates: readonly CatalogueRecord[]): Pick<PairingRow, 'resource_id' | 'resource_name' | 'match'> {
  const exact = exactMatch(rec, candidates);
  if (exact) return { resource_id: exact.id, resource_name: exact.name, match: 'exact' };
  const near = nearestNames(rec.name, candidates, (c) => c.name, 1)[0];
  if (near) return { resource_id: near.item.id, resource_name: near.name, match: 'near' };
  return { resource_id: null, resource_name: null, match: 'none' };
}

/** A record a migration has done with: renamed X_ and coded no_pcm_activity. */
export const isRealigned = (rec: CatalogueRecord) => isMigratedName(rec.name) && rec.pcm_activity === NO_PCM;
const isDone = isRealigned;

/**
 * A proposed pairing for every local record (R9). Carriers and service
 * providers pair within the resource catalogue; a product or rider pairs
 * within the resource carrier its own carrier is (or will be) realigned to.
 */
export function proposePairings(local: readonly CatalogueRecord[], resource: readonly CatalogueRecord[]): PairingRow[] {
  const of = (k: CatalogueKind, list: readonly CatalogueRecord[]) => list.filter((r) => r.kind === k);
  const carrierPair = new Map<string, PairingRow>();
  const rows: PairingRow[] = [];
  const base = (rec: CatalogueRecord) => ({ kind: rec.kind, local_id: rec.id, local_name: rec.name });
  for (const rec of [...local].sort(byKindThenId)) {
    if (isDone(rec)) {
      rows.push({ ...base(rec), resource_id: null, resource_name: null, match: 'none', action: 'done' });
      continue;
    }
    if (rec.kind === 'carrier' || rec.kind === 'service_provider') {
      const p = pairWith(rec, of(rec.kind, resource));
      const row: PairingRow = { ...base(rec), ...p, action: p.match === 'exact' ? 'realign' : p.match === 'near' ? 'rename' : 'keep' };
      if (rec.kind === 'carrier') carrierPair.set(rec.id, row);
      rows.push(row);
      continue;
    }
    rows.push({ ...base(rec), ...pairChild(rec, resource, carrierPair) });
  }
  return rows;
}

function pairChild(
  rec: CatalogueRecord,
  resource: readonly CatalogueRecord[],
  carrierPair: ReadonlyMap<string, PairingRow>,
): Omit<PairingRow, 'kind' | 'local_id' | 'local_name'> {
  const kids = (carrierId: string) => resource.filter((r) => r.kind === rec.kind && r.carrier_id === carrierId);
  const onResource = resource.some((r) => r.kind === 'carrier' && r.id === rec.carrier_id);
  if (onResource) {
    const p = pairWith(rec, kids(rec.carrier_id!));
    return { ...p, action: p.match === 'exact' ? 'realign' : p.match === 'near' ? 'rename' : 'keep' };
  }
  const carrier = rec.carrier_id ? carrierPair.get(rec.carrier_id) : undefined;
  if (!carrier || !carrier.resource_id || carrier.action === 'done') {
    return { resource_id: null, resource_name: null, match: 'none', action: 'keep' };
  }
  const p = pairWith(rec, kids(carrier.resource_id));
  return { ...p, action: p.match === 'exact' ? 'with-carrier' : p.match === 'near' ? 'rename' : 'repoint-with-carrier' };
}

// ---------------------------------------------------------------- R11

export interface PurgeCandidate {
  record: CatalogueRecord;
  /** Rows of office content that still name it. */
  references: number;
  /** Ids of the products and riders that belong to it (carriers). */
  children: readonly string[];
}

export interface PurgeDecision {
  purge: CatalogueRecord[];
  keep: { record: CatalogueRecord; reason: string }[];
}

/**
 * R11: X_ records coded no_pcm_activity that nothing refers to. A carrier goes
 * only when every product and rider still on it goes too; products and riders
 * are listed before their carrier so deleting in order never breaks a reference.
 */
export function planPurge(candidates: readonly PurgeCandidate[]): PurgeDecision {
  const eligible = candidates.filter((c) => isDone(c.record));
  const purgeable = new Set(eligible.filter((c) => c.references === 0 && c.record.kind !== 'carrier').map((c) => c.record.id));
  const keep: PurgeDecision['keep'] = [];
  for (const c of eligible) {
    if (c.references > 0) keep.push({ record: c.record, reason: `${c.references} record(s) still refer to it` });
  }
  for (const c of eligible.filter((x) => x.record.kind === 'carrier' && x.references === 0)) {
    const blocking = c.children.filter((id) => !purgeable.has(id));
    if (blocking.length === 0) purgeable.add(c.record.id);
    else keep.push({ record: c.record, reason: `products or riders still on it: ${blocking.join(', ')}` });
  }
  const order: Record<CatalogueKind, number> = { product: 0, rider: 1, service_provider: 2, carrier: 3 };
  const purge = eligible
    .filter((c) => purgeable.has(c.record.id))
    .map((c) => c.record)
    .sort((a, b) => order[a.kind] - order[b.kind] || (a.id < b.id ? -1 : 1));
  return { purge, keep };
}
