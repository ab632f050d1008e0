// @ts-nocheck
// Catalogue queries: carriers, products, riders and service providers of an
// office and its resource office, the content that refers to them (R2-R6, R11).
import {
  CONTENT_REFERENCES,
  KIND_TABLE,
  refKey,
  type CatalogueKind,
  type CatalogueRecord,
  type RecordChange,
  type Reference,
  type Switch,
} from '../../domain/realign-rules.js';
import type { CatalogueSearchRow, ReportCarrier } from '../port.js';
import type { Db } from './db.js';
import { rowidsWhere, type RowRef } from './row-journal.js';

const SELECT: Record<CatalogueKind, string> = {
  carrier: `SELECT 'carrier' AS kind, id, office_id, name, NULL AS carrier_id, pcm_activity, NULL AS active FROM carriers`,
  product: `SELECT 'product' AS kind, id, office_id, name, carrier_id, pcm_activity, active FROM products`,
  rider: `SELECT 'rider' AS kind, id, office_id, name, carrier_id, pcm_activity, active FROM riders`,
  service_provider: `SELECT 'service_provider' AS kind, id, office_id, name, NULL AS carrier_id, pcm_activity, NULL AS active FROM service_providers`,
};

/** Records of one kind held by one office, by name then id. */
export function listRecords(db: Db, kind: CatalogueKind, officeId: string): CatalogueRecord[] {
  return db.prepare(`${SELECT[kind]} WHERE office_id = ? ORDER BY name, id`).all(officeId) as CatalogueRecord[];
}

export function listAllKinds(db: Db, officeId: string): CatalogueRecord[] {
  return (['carrier', 'product', 'rider', 'service_provider'] as const).flatMap((k) => listRecords(db, k, officeId));
}

export function getRecord(db: Db, kind: CatalogueKind, id: string): CatalogueRecord | undefined {
  return db.prepare(`${SELECT[kind]} WHERE id = ?`).get(id) as CatalogueRecord | undefined;
}

/** A record of an office by id, or else by exact name (every record so named). */
export function findRecords(db: Db, kind: CatalogueKind, officeId: string, ref: string): CatalogueRecord[] {
  const byId = db.prepare(`${SELECT[kind]} WHERE office_id = ? AND id = ?`).get(officeId, ref) as CatalogueRecord | undefined;
  if (byId) return [byId];
  return db.prepare(`${SELECT[kind]} WHERE office_id = ? AND name = ? ORDER BY id`).all(officeId, ref) as CatalogueRecord[];
}

/** Products and riders whose carrier is `carrierId`, of one office. */
export function childrenOf(db: Db, carrierId: string, officeId: string): CatalogueRecord[] {
  return [
    ...(db.prepare(`${SELECT.product} WHERE carrier_id = ? AND office_id = ? ORDER BY id`).all(carrierId, officeId) as CatalogueRecord[]),
    ...(db.prepare(`${SELECT.rider} WHERE carrier_id = ? AND office_id = ? ORDER BY id`).all(carrierId, officeId) as CatalogueRecord[]),
  ];
}

function countRefs(db: Db, r: Reference, id: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${r.table} WHERE "${r.column}" = ?`).get(id) as { n: number }).n;
}

/** How many rows of office content name each record (keyed by refKey). */
export function referenceCounts(db: Db, records: readonly Pick<CatalogueRecord, 'kind' | 'id'>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const rec of records) {
    for (const r of CONTENT_REFERENCES[rec.kind]) out[refKey(r, rec.id)] = countRefs(db, r, rec.id);
  }
  return out;
}

export function totalReferences(db: Db, rec: Pick<CatalogueRecord, 'kind' | 'id'>): number {
  return CONTENT_REFERENCES[rec.kind].reduce((n, r) => n + countRefs(db, r, rec.id), 0);
}

/** Where the row of a record is (for the journal's look-ups by row). */
export function recordRowRef(db: Db, kind: CatalogueKind, id: string): RowRef[] {
  return rowidsWhere(db, KIND_TABLE[kind], 'id = ?', [id]).map((rowid) => ({ table: KIND_TABLE[kind], rowid }));
}

/** Apply a switch; returns the number of rows changed. */
export function applySwitch(db: Db, s: Switch): number {
  return db.prepare(`UPDATE ${s.table} SET "${s.column}" = ? WHERE "${s.column}" = ?`).run(s.to, s.from).changes;
}

export function applyRecordChange(db: Db, c: RecordChange): void {
  const cols = Object.entries(c.set).filter(([, v]) => v !== undefined);
  if (cols.length === 0) return;
  db.prepare(`UPDATE ${KIND_TABLE[c.kind]} SET ${cols.map(([k]) => `"${k}" = ?`).join(', ')} WHERE id = ?`).run(...cols.map(([, v]) => v), c.id);
}

export function deleteRecord(db: Db, rec: Pick<CatalogueRecord, 'kind' | 'id'>): void {
  db.prepare(`DELETE FROM ${KIND_TABLE[rec.kind]} WHERE id = ?`).run(rec.id);
}

// ---------------------------------------------------------------- R2 and R3

export type SearchRow = CatalogueSearchRow;

/** Local and resource records together (the blank search), resource ones read-only. */
export function searchRecords(db: Db, kind: CatalogueKind, officeId: string, resourceId: string | null, name?: string): SearchRow[] {
  const offices = resourceId ? [officeId, resourceId] : [officeId];
  const like = name ? `%${name.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : '%';
  const rows = db
    .prepare(
      `SELECT r.*, o.name AS office_name, c.name AS carrier_name FROM (${SELECT[kind]}) r
       JOIN offices o ON o.id = r.office_id LEFT JOIN carriers c ON c.id = r.carrier_id
       WHERE r.office_id IN (${offices.map(() => '?').join(', ')}) AND r.name LIKE ? ESCAPE '\\'
       ORDER BY r.name, r.id`,
    )
    .all(...offices, like) as (Omit<SearchRow, 'readonly'> & { readonly?: unknown })[];
  return rows.map((r) => ({ ...r, readonly: r.office_id !== officeId }) as SearchRow);
}

export type { ReportCarrier };

/** "Carriers and Products Only, No Riders - Detail" of a resource office (R3). */
export function carriersAndProducts(db: Db, resourceId: string): ReportCarrier[] {
  const carriers = db
    .prepare(`SELECT id, name, naic_code, phone, email, street, city, state, postal_code FROM carriers WHERE office_id = ? ORDER BY name, id`)
    .all(resourceId) as Omit<ReportCarrier, 'products'>[];
  const products = db.prepare(`SELECT id, name, line_of_business, active FROM products WHERE carrier_id = ? AND office_id = ? ORDER BY name, id`);
  return carriers.map((c) => ({ ...c, products: products.all(c.id, resourceId) as ReportCarrier['products'] }));
}
