// @ts-nocheck
// The queries an import needs (I2-I13), as ../sqlite/import-store.ts: the
// staging tables of one accept (TEMP tables of this connection, so that a
// 100,000-contact bundle does not live in JS memory), and the target lookups
// behind matching and catalogue resolution. The change log that makes an
// accept undoable is in import-changes.ts.
//
// Staged records keep their line's text in imp_records.json (text, not json:
// the pg client would parse a json column into an object, and the text must
// come back as it was). SQL reads a field as `(r.json::json ->> 'name')`, which
// gives what SQLite's json_extract gives for text, numbers and null.
import type { Row } from '../../domain/model/row.js';
import { identityKey, stubTaxHash, taxDigits } from '../../domain/matching.js';
import type { PgStatement } from './connection.js';
import { columnsOf, type Db } from './db.js';
import type { TableName } from '../../domain/model/tables.js';
import type { PlanLookups, PlanRow } from '../port.js';

export type Statement = PgStatement;

const statements = new WeakMap<Db, Map<string, Statement>>();

/** A prepared statement, prepared once per connection: per-row queries are the import's hot path. */
export function cached(db: Db, sql: string, pluck = false): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  const key = `${pluck ? 'p' : 'r'}|${sql}`;
  let st = m.get(key);
  if (!st) {
    st = db.prepare(sql);
    if (pluck) st.pluck();
    m.set(key, st);
  }
  return st;
}

/** A field of the staged record `r.json` as text (json_extract's twin for text, numbers and null). */
export const field = (name: string, r = 'r.json'): string => `(${r}::json ->> '${name}')`;

/** displayName() of the staged record `r.json`, in SQL. */
export const DISPLAY_NAME_SQL = `CASE WHEN ${field('kind')} = 'business' THEN coalesce(${field('business_name')}, '')
  ELSE coalesce(nullif(${field('first_name')}, '') || ' ' || nullif(${field('last_name')}, ''),
                nullif(${field('first_name')}, ''), nullif(${field('last_name')}, ''), '') END`;

/** The staging tables: the names of ../sqlite/import-store.ts, without SQLite's `temp.` prefix (a TEMP table comes first by name). */
const TEMP_TABLES = [
  'imp_records',
  'imp_plan',
  'imp_refs',
  'imp_bundle_contacts',
  'tgt_tax',
  'tgt_ident',
  'tgt_hash',
  'imp_docs',
  'imp_new',
  'imp_map_new',
  'imp_letter_doc',
  'imp_decided',
  'imp_presence',
  'imp_type_range',
  'imp_owned',
  'imp_match',
];

/**
 * SQLite's `seq INTEGER PRIMARY KEY`: a row inserted without a seq gets
 * max(seq) + 1, also after rows inserted with an explicit seq or deleted from
 * the top. A serial gives the next number of its sequence; after every
 * statement that writes the table, this trigger moves the sequence to
 * max(seq) + 1 (once per statement, not per row).
 */
const SEQ_FOLLOW = `CREATE OR REPLACE FUNCTION pg_temp.imp_seq_follow() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE m bigint;
BEGIN
  EXECUTE format('SELECT max(seq) FROM pg_temp.%I', TG_TABLE_NAME) INTO m;
  PERFORM setval(pg_get_serial_sequence(format('pg_temp.%I', TG_TABLE_NAME), 'seq'), coalesce(m, 0) + 1, false);
  RETURN NULL;
END $f$`;

const SEQ = 'seq bigserial PRIMARY KEY';
const followSeq = (table: string): string =>
  `CREATE TRIGGER ${table}_seq AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.imp_seq_follow()`;

const TEMP_DDL = [
  ...TEMP_TABLES.map((t) => `DROP TABLE IF EXISTS pg_temp.${t}`),
  SEQ_FOLLOW,
  // Records of the bundle taking part in this accept, in dependency order.
  // Contacts and stubs carry their matching keys, computed by the import's rules as they were staged (StagedKeys).
  `CREATE TEMP TABLE imp_records (${SEQ}, type text NOT NULL, ref text NOT NULL, json text NOT NULL,
     tax_digits text, ident_key text, tax_masked text)`,
  followSeq('imp_records'),
  `CREATE INDEX ix_imp_records_ref ON imp_records(ref)`,
  // One decision per record (and per party entry), in the order they are applied.
  `CREATE TEMP TABLE imp_plan (${SEQ}, ref text NOT NULL UNIQUE, type text NOT NULL,
     outcome text NOT NULL, target_id text, detail text NOT NULL)`,
  followSeq('imp_plan'),
  // Bundle ref -> target id, filled while applying (created ids are only known then).
  `CREATE TEMP TABLE imp_refs (ref text PRIMARY KEY, target_id text NOT NULL)`,
  // The first and last seq of each staged record type (import-stage.ts, stagedOfType).
  `CREATE TEMP TABLE imp_type_range (type text PRIMARY KEY, lo bigint NOT NULL, hi bigint NOT NULL)`,
  `CREATE INDEX ix_imp_plan_type ON imp_plan(type, seq)`,
  // Set-based apply: the records of one type created by one statement, with their new ids.
  `CREATE TEMP TABLE imp_new (${SEQ}, ref text NOT NULL, id text NOT NULL)`,
  followSeq('imp_new'),
  // import_map rows of this accept, written together at the end of the apply.
  `CREATE TEMP TABLE imp_map_new (${SEQ}, ref text NOT NULL UNIQUE, target_table text NOT NULL, target_id text NOT NULL, outcome text NOT NULL)`,
  followSeq('imp_map_new'),
  // Where each created letter's attachment was stored.
  `CREATE TEMP TABLE imp_letter_doc (ref text PRIMARY KEY, path text)`,
  // Every contact ref of the bundle: 'now' (this accept), 'done' (an earlier accept), 'later' (still pending).
  `CREATE TEMP TABLE imp_bundle_contacts (ref text PRIMARY KEY, state text NOT NULL)`,
  `CREATE TEMP TABLE tgt_tax (key text NOT NULL, id text NOT NULL)`,
  `CREATE TEMP TABLE tgt_ident (key text NOT NULL, id text NOT NULL, tax text NOT NULL)`,
  `CREATE TEMP TABLE tgt_hash (key text NOT NULL, id text NOT NULL)`,
  // Letter attachments of the staged letters, read from the bundle before the transaction.
  `CREATE TEMP TABLE imp_docs (sha256 text PRIMARY KEY, content bytea NOT NULL)`,
  // Set-based planning (import-plan-set.ts): decisions made one by one (contacts and stubs with candidates),
  `CREATE TEMP TABLE imp_decided (ref text PRIMARY KEY, outcome text NOT NULL, target_id text, detail text NOT NULL)`,
  // their matches before L12 compares them (target_id: the one target contact a match names),
  `CREATE TEMP TABLE imp_match (${SEQ}, ref text NOT NULL UNIQUE, target_id text, match text NOT NULL)`,
  followSeq('imp_match'),
  `CREATE INDEX ix_imp_match_target ON imp_match(target_id)`,
  // whether each contact ref in use is present in the target office (target_id, else why not),
  `CREATE TEMP TABLE imp_presence (ref text PRIMARY KEY, target_id text, why text)`,
  // and the owned records of one type with their place in the plan.
  `CREATE TEMP TABLE imp_owned (${SEQ}, ref text NOT NULL, linked_id text, np bigint NOT NULL, ncat bigint NOT NULL, pseq bigint)`,
  followSeq('imp_owned'),
];

/** SQLite's twin keeps TEMP tables on disk; PostgreSQL's TEMP tables spill to disk of themselves. */
export function useFileTemp(_db: Db): void {}

export function createStaging(db: Db): void {
  // DDL of TEMP tables only, in one round trip (text columns take the database's collation, "C")
  db.exec(TEMP_DDL.join(';\n'));
}

export function dropStaging(db: Db): void {
  db.exec(TEMP_TABLES.map((t) => `DROP TABLE IF EXISTS pg_temp.${t}`).join(';\n'));
}

/** Rows per multi-row INSERT of the staging (6 parameters each: well under PostgreSQL's 65,535). */
const TARGET_ROWS = 500;

/** I3 (2), (3) and stubs' salted hashes: indexes over the target office's contacts, built once per accept. */
export function indexTargetContacts(db: Db, officeId: string, salt: string | undefined): void {
  const tax: string[] = [];
  const ident: string[] = [];
  const hash: string[] = [];
  const flush = (table: string, width: number, values: string[]) => {
    if (values.length === 0) return;
    const rows = values.length / width;
    const cols = width === 3 ? '(key, id, tax)' : '(key, id)';
    const one = `(${Array(width).fill('?').join(', ')})`;
    db.prepare(`INSERT INTO ${table} ${cols} VALUES ${Array(rows).fill(one).join(', ')}`).run(values);
    values.length = 0;
  };
  // Paged by rowid: a large office is never held in memory at once, and the temp inserts need no open cursor.
  const page = db.prepare(
    `SELECT rowid AS rid, id, kind, first_name, last_name, business_name, birth_date, tax_id FROM contacts WHERE office_id = ? AND rowid > ? ORDER BY rowid LIMIT 5000`,
  );
  for (let after = 0, rows = page.all(officeId, after) as Row[]; rows.length > 0; rows = page.all(officeId, after) as Row[]) {
    after = Number(rows[rows.length - 1]!.rid);
    for (const c of rows) {
      indexContact(c);
      if (tax.length >= TARGET_ROWS * 2) flush('tgt_tax', 2, tax);
      if (hash.length >= TARGET_ROWS * 2) flush('tgt_hash', 2, hash);
      if (ident.length >= TARGET_ROWS * 3) flush('tgt_ident', 3, ident);
    }
  }
  flush('tgt_tax', 2, tax);
  flush('tgt_hash', 2, hash);
  flush('tgt_ident', 3, ident);
  db.exec(`CREATE INDEX ix_tgt_tax ON tgt_tax(key); CREATE INDEX ix_tgt_ident ON tgt_ident(key);
           CREATE INDEX ix_tgt_hash ON tgt_hash(key); ANALYZE tgt_tax; ANALYZE tgt_ident; ANALYZE tgt_hash`);

  function indexContact(c: Row): void {
    // A tax id matches only within its kind: an SSN and an EIN may share digits.
    const digits = taxDigits(c.tax_id);
    const kind = c.kind ?? 'individual';
    if (digits) {
      tax.push(`${kind}:${digits}`, c.id as string);
      if (salt) hash.push(`${kind}:${stubTaxHash(salt, digits)}`, c.id as string);
    }
    const key = identityKey({ kind: c.kind ?? 'individual', ...c });
    if (key) ident.push(key, c.id as string, digits);
  }
}

export class ImportQueries implements PlanLookups {
  private s;
  constructor(private db: Db) {
    this.s = {
      // in the order the rows were written, as SQLite's scan of a table without an index order gives them
      byTax: db.prepare(`SELECT id FROM tgt_tax WHERE key = ? ORDER BY ctid`).pluck(),
      byHash: db.prepare(`SELECT id FROM tgt_hash WHERE key = ? ORDER BY ctid`).pluck(),
      byIdent: db.prepare(`SELECT id, tax FROM tgt_ident WHERE key = ? ORDER BY ctid`),
      mapped: db.prepare(`SELECT target_id FROM import_map WHERE source_installation = ? AND source_ref = ? AND office_id = ? AND target_table = ?`).pluck(),
      contactInOffice: db.prepare(`SELECT ${columnsOf('contacts')} FROM contacts WHERE id = ? AND office_id = ?`),
      planOf: db.prepare(`SELECT * FROM imp_plan WHERE ref = ?`),
      recordOf: db.prepare(`SELECT json FROM imp_records WHERE ref = ? AND type = ?`).pluck(),
      bundleContact: db.prepare(`SELECT state FROM imp_bundle_contacts WHERE ref = ?`).pluck(),
      addPlan: db.prepare(`INSERT INTO imp_plan (ref, type, outcome, target_id, detail) VALUES (?, ?, ?, ?, ?)`),
      refTarget: db.prepare(`SELECT target_id FROM imp_refs WHERE ref = ?`).pluck(),
      setRef: db.prepare(`INSERT INTO imp_refs (ref, target_id) VALUES (?, ?) ON CONFLICT (ref) DO UPDATE SET target_id = excluded.target_id`),
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
    return cached(this.db, `SELECT ${columnsOf(table as TableName)} FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
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
