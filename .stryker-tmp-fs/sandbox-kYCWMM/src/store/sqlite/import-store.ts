// @ts-nocheck
// The queries an import needs (I2-I13): the staging tables of one accept (SQLite
// TEMP tables, so that a 100,000-contact bundle does not live in JS memory),
// and the target lookups behind matching and catalogue resolution. The change
// log that makes an accept undoable is in import-changes.ts.
import type { Row } from '../../domain/model/row.js';
import { identityKey, stubTaxHash, taxDigits } from '../../domain/matching.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from './db.js';
import type { TableName } from '../../domain/model/tables.js';
import type { PlanLookups, PlanRow } from '../port.js';

export type Statement = BetterSqlite3.Statement<unknown[]>;

const statements = new WeakMap<Db, Map<string, Statement>>();

/** A prepared statement, prepared once per connection: per-row queries are the import's hot path. */
export function cached(db: Db, sql: string, pluck = false): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  const key = `${pluck ? 'p' : 'r'}|${sql}`;
  let st = m.get(key);
  if (!st) {
    st = db.prepare(sql) as Statement;
    if (pluck) st.pluck();
    m.set(key, st);
  }
  return st;
}

/** displayName() of the staged record `r.json`, in SQL. */
export const DISPLAY_NAME_SQL = `CASE WHEN json_extract(r.json, '$.kind') = 'business' THEN coalesce(json_extract(r.json, '$.business_name'), '')
  ELSE coalesce(nullif(json_extract(r.json, '$.first_name'), '') || ' ' || nullif(json_extract(r.json, '$.last_name'), ''),
                nullif(json_extract(r.json, '$.first_name'), ''), nullif(json_extract(r.json, '$.last_name'), ''), '') END`;

const TEMP_DDL = [
  `DROP TABLE IF EXISTS temp.imp_records`,
  `DROP TABLE IF EXISTS temp.imp_plan`,
  `DROP TABLE IF EXISTS temp.imp_refs`,
  `DROP TABLE IF EXISTS temp.imp_bundle_contacts`,
  `DROP TABLE IF EXISTS temp.tgt_tax`,
  `DROP TABLE IF EXISTS temp.tgt_ident`,
  `DROP TABLE IF EXISTS temp.tgt_hash`,
  `DROP TABLE IF EXISTS temp.imp_docs`,
  `DROP TABLE IF EXISTS temp.imp_new`,
  `DROP TABLE IF EXISTS temp.imp_map_new`,
  `DROP TABLE IF EXISTS temp.imp_letter_doc`,
  `DROP TABLE IF EXISTS temp.imp_decided`,
  `DROP TABLE IF EXISTS temp.imp_presence`,
  `DROP TABLE IF EXISTS temp.imp_type_range`,
  `DROP TABLE IF EXISTS temp.imp_owned`,
  `DROP TABLE IF EXISTS temp.imp_match`,
  // Records of the bundle taking part in this accept, in dependency order.
  // Contacts and stubs carry their matching keys, computed by the import's rules as they were staged (StagedKeys).
  `CREATE TEMP TABLE imp_records (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, ref TEXT NOT NULL, json TEXT NOT NULL,
     tax_digits TEXT, ident_key TEXT, tax_masked TEXT)`,
  `CREATE INDEX temp.ix_imp_records_ref ON imp_records(ref)`,
  // One decision per record (and per party entry), in the order they are applied.
  `CREATE TEMP TABLE imp_plan (seq INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
     outcome TEXT NOT NULL, target_id TEXT, detail TEXT NOT NULL)`,
  // Bundle ref -> target id, filled while applying (created ids are only known then).
  `CREATE TEMP TABLE imp_refs (ref TEXT PRIMARY KEY, target_id TEXT NOT NULL)`,
  // The first and last seq of each staged record type (import-stage.ts, stagedOfType).
  `CREATE TEMP TABLE imp_type_range (type TEXT PRIMARY KEY, lo INTEGER NOT NULL, hi INTEGER NOT NULL)`,
  `CREATE INDEX temp.ix_imp_plan_type ON imp_plan(type, seq)`,
  // Set-based apply: the records of one type created by one statement, with their new ids.
  `CREATE TEMP TABLE imp_new (seq INTEGER PRIMARY KEY, ref TEXT NOT NULL, id TEXT NOT NULL)`,
  // import_map rows of this accept, written together at the end of the apply.
  `CREATE TEMP TABLE imp_map_new (seq INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, target_table TEXT NOT NULL, target_id TEXT NOT NULL, outcome TEXT NOT NULL)`,
  // Where each created letter's attachment was stored.
  `CREATE TEMP TABLE imp_letter_doc (ref TEXT PRIMARY KEY, path TEXT)`,
  // Every contact ref of the bundle: 'now' (this accept), 'done' (an earlier accept), 'later' (still pending).
  `CREATE TEMP TABLE imp_bundle_contacts (ref TEXT PRIMARY KEY, state TEXT NOT NULL)`,
  `CREATE TEMP TABLE tgt_tax (key TEXT NOT NULL, id TEXT NOT NULL)`,
  `CREATE TEMP TABLE tgt_ident (key TEXT NOT NULL, id TEXT NOT NULL, tax TEXT NOT NULL)`,
  `CREATE TEMP TABLE tgt_hash (key TEXT NOT NULL, id TEXT NOT NULL)`,
  // Letter attachments of the staged letters, read from the bundle before the transaction.
  `CREATE TEMP TABLE imp_docs (sha256 TEXT PRIMARY KEY, content BLOB NOT NULL)`,
  // Set-based planning (import-plan-set.ts): decisions made one by one (contacts and stubs with candidates),
  `CREATE TEMP TABLE imp_decided (ref TEXT PRIMARY KEY, outcome TEXT NOT NULL, target_id TEXT, detail TEXT NOT NULL)`,
  // their matches before L12 compares them (target_id: the one target contact a match names),
  `CREATE TEMP TABLE imp_match (seq INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, target_id TEXT, match TEXT NOT NULL)`,
  `CREATE INDEX temp.ix_imp_match_target ON imp_match(target_id)`,
  // whether each contact ref in use is present in the target office (target_id, else why not),
  `CREATE TEMP TABLE imp_presence (ref TEXT PRIMARY KEY, target_id TEXT, why TEXT)`,
  // and the owned records of one type with their place in the plan.
  `CREATE TEMP TABLE imp_owned (seq INTEGER PRIMARY KEY, ref TEXT NOT NULL, linked_id TEXT, np INTEGER NOT NULL, ncat INTEGER NOT NULL, pseq INTEGER)`,
];

/**
 * TEMP tables on disk, not in memory (a large accept stages its whole bundle).
 * Changing temp_store drops every TEMP table, so every user sets the same value first.
 */
export function useFileTemp(db: Db): void {
  if (Number(db.pragma('temp_store', { simple: true })) !== 1) db.pragma('temp_store = FILE');
}

export function createStaging(db: Db): void {
  useFileTemp(db);
  for (const sql of TEMP_DDL) db.exec(sql);
}

export function dropStaging(db: Db): void {
  for (const sql of TEMP_DDL.filter((s) => s.startsWith('DROP'))) db.exec(sql);
}

/** I3 (2), (3) and stubs' salted hashes: indexes over the target office's contacts, built once per accept. */
export function indexTargetContacts(db: Db, officeId: string, salt: string | undefined): void {
  const tax = db.prepare(`INSERT INTO temp.tgt_tax (key, id) VALUES (?, ?)`);
  const ident = db.prepare(`INSERT INTO temp.tgt_ident (key, id, tax) VALUES (?, ?, ?)`);
  const hash = db.prepare(`INSERT INTO temp.tgt_hash (key, id) VALUES (?, ?)`);
  // Paged by rowid: a large office is never held in memory at once, and the temp inserts need no open cursor.
  const page = db.prepare(
    `SELECT rowid AS rid, id, kind, first_name, last_name, business_name, birth_date, tax_id FROM contacts WHERE office_id = ? AND rowid > ? ORDER BY rowid LIMIT 5000`,
  );
  for (let after = 0, rows = page.all(officeId, after) as Row[]; rows.length > 0; rows = page.all(officeId, after) as Row[]) {
    after = Number(rows[rows.length - 1]!.rid);
    for (const c of rows) indexContact(c);
  }
  db.exec(`CREATE INDEX temp.ix_tgt_tax ON tgt_tax(key); CREATE INDEX temp.ix_tgt_ident ON tgt_ident(key);
           CREATE INDEX temp.ix_tgt_hash ON tgt_hash(key)`);

  function indexContact(c: Row): void {
    // A tax id matches only within its kind: an SSN and an EIN may share digits.
    const digits = taxDigits(c.tax_id);
    const kind = c.kind ?? 'individual';
    if (digits) {
      tax.run(`${kind}:${digits}`, c.id);
      if (salt) hash.run(`${kind}:${stubTaxHash(salt, digits)}`, c.id);
    }
    const key = identityKey({ kind: c.kind ?? 'individual', ...c });
    if (key) ident.run(key, c.id, digits);
  }
}

export class ImportQueries implements PlanLookups {
  private s;
  constructor(private db: Db) {
    this.s = {
      byTax: db.prepare(`SELECT id FROM temp.tgt_tax WHERE key = ?`).pluck(),
      byHash: db.prepare(`SELECT id FROM temp.tgt_hash WHERE key = ?`).pluck(),
      byIdent: db.prepare(`SELECT id, tax FROM temp.tgt_ident WHERE key = ?`),
      mapped: db.prepare(`SELECT target_id FROM import_map WHERE source_installation = ? AND source_ref = ? AND office_id = ? AND target_table = ?`).pluck(),
      contactInOffice: db.prepare(`SELECT * FROM contacts WHERE id = ? AND office_id = ?`),
      planOf: db.prepare(`SELECT * FROM temp.imp_plan WHERE ref = ?`),
      recordOf: db.prepare(`SELECT json FROM temp.imp_records WHERE ref = ? AND type = ?`).pluck(),
      bundleContact: db.prepare(`SELECT state FROM temp.imp_bundle_contacts WHERE ref = ?`).pluck(),
      addPlan: db.prepare(`INSERT INTO temp.imp_plan (ref, type, outcome, target_id, detail) VALUES (?, ?, ?, ?, ?)`),
      refTarget: db.prepare(`SELECT target_id FROM temp.imp_refs WHERE ref = ?`).pluck(),
      setRef: db.prepare(`INSERT OR REPLACE INTO temp.imp_refs (ref, target_id) VALUES (?, ?)`),
    };
  }

  contactsByTax(digits: string, kind: string): string[] {
    return digits ? (this.s.byTax.all(`${kind}:${digits}`) as string[]) : [];
  }
  contactsByHash(hash: string, kind: string): string[] {
    return hash ? (this.s.byHash.all(`${kind}:${hash}`) as string[]) : [];
  }
  contactsByIdentity(key: string): { id: string; taxKey: string }[] {
    if (!key) return [];
    return (this.s.byIdent.all(key) as { id: string; tax: string }[]).map((r) => ({ id: r.id, taxKey: r.tax }));
  }
  /** I3 (1) / I5 (1): what an earlier import made of this source record in this office, if it still exists. */
  mapped(sourceInstallation: string, ref: string, officeId: string, table: TableName): string | undefined {
    const id = this.s.mapped.get(sourceInstallation, ref, officeId, table) as string | undefined;
    if (id === undefined) return undefined;
    return this.row(table, id) ? id : undefined;
  }
  contact(id: string, officeId: string): Row | undefined {
    return this.s.contactInOffice.get(id, officeId) as Row | undefined;
  }
  row(table: string, id: string): Row | undefined {
    return cached(this.db, `SELECT * FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
  }
  /** I5 (2)/(3): a catalogue record of an office by exact name, optionally within a carrier. */
  catalogueByName(table: TableName, officeId: string | null, name: string, carrierId?: string): string | undefined {
    if (!officeId) return undefined;
    const sql =
      carrierId === undefined
        ? `SELECT id FROM ${table} WHERE office_id = ? AND name = ? ORDER BY id LIMIT 1`
        : `SELECT id FROM ${table} WHERE office_id = ? AND name = ? AND carrier_id = ? ORDER BY id LIMIT 1`;
    const args = carrierId === undefined ? [officeId, name] : [officeId, name, carrierId];
    return cached(this.db, sql, true).get(...args) as string | undefined;
  }
  /** Products and riders of any office, by name within a carrier (I5: within the resolved carrier). */
  withinCarrier(table: 'products' | 'riders', carrierId: string, name: string): string | undefined {
    return cached(this.db, `SELECT id FROM ${table} WHERE carrier_id = ? AND name = ? ORDER BY id LIMIT 1`, true).get(carrierId, name) as string | undefined;
  }
  plan(ref: string): PlanRow | undefined {
    return this.s.planOf.get(ref) as PlanRow | undefined;
  }
  record(ref: string, type: string): Record<string, unknown> | undefined {
    const j = this.s.recordOf.get(ref, type) as string | undefined;
    return j === undefined ? undefined : (JSON.parse(j) as Record<string, unknown>);
  }
  bundleContactState(ref: string): string | undefined {
    return this.s.bundleContact.get(ref) as string | undefined;
  }
  addPlan(ref: string, type: string, outcome: string, targetId: string | undefined, detail: object): void {
    this.s.addPlan.run(ref, type, outcome, targetId ?? null, JSON.stringify(detail));
  }
  refTarget(ref: string): string | undefined {
    return this.s.refTarget.get(ref) as string | undefined;
  }
  setRef(ref: string, targetId: string): void {
    this.s.setRef.run(ref, targetId);
  }
}

export type { PlanRow };

/** Pages through a temp table by seq, so that writes can happen between pages. */
export function* pages<T extends { seq: number }>(db: Db, sql: string, size = 2000): Generator<T> {
  const stmt = db.prepare(`${sql} WHERE seq > ? ORDER BY seq LIMIT ${size}`);
  let after = 0;
  for (;;) {
    const rows = stmt.all(after) as T[];
    if (rows.length === 0) return;
    for (const r of rows) yield r;
    after = rows[rows.length - 1]!.seq;
  }
}
