// The queries an import needs (I2-I13): the staging tables of one accept (SQLite
// TEMP tables, so that a 100,000-contact bundle does not live in JS memory),
// the target lookups behind matching and catalogue resolution, and the change
// log that makes an accept undoable.
import { fingerprintRow, type Row } from '../domain/reconcile.js';
import { identityKey, stubTaxHash, taxDigits } from '../domain/matching.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from './db.js';

type Statement = BetterSqlite3.Statement<unknown[]>;

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

/** New ids as newId() makes them (prefix + counter in id_sequences), with statements reused. */
export function allocateId(db: Db, table: string, prefix: string): string {
  let next = (cached(db, `SELECT next FROM id_sequences WHERE prefix = ?`, true).get(prefix) as number | undefined) ?? 1;
  const exists = cached(db, `SELECT 1 FROM ${table} WHERE id = ?`, true);
  let id: string;
  do {
    id = `${prefix}${String(next).padStart(6, '0')}`;
    next++;
  } while (exists.get(id) !== undefined);
  cached(db, `INSERT INTO id_sequences(prefix, next) VALUES (?, ?) ON CONFLICT(prefix) DO UPDATE SET next = excluded.next`).run(prefix, next);
  return id;
}
import { TABLES, hasId, type TableName } from './tables.js';

const TEMP_DDL = [
  `DROP TABLE IF EXISTS temp.imp_records`,
  `DROP TABLE IF EXISTS temp.imp_plan`,
  `DROP TABLE IF EXISTS temp.imp_refs`,
  `DROP TABLE IF EXISTS temp.imp_bundle_contacts`,
  `DROP TABLE IF EXISTS temp.tgt_tax`,
  `DROP TABLE IF EXISTS temp.tgt_ident`,
  `DROP TABLE IF EXISTS temp.tgt_hash`,
  `DROP TABLE IF EXISTS temp.imp_docs`,
  // Records of the bundle taking part in this accept, in dependency order.
  `CREATE TEMP TABLE imp_records (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, ref TEXT NOT NULL, json TEXT NOT NULL)`,
  `CREATE INDEX temp.ix_imp_records_ref ON imp_records(ref)`,
  // One decision per record (and per party entry), in the order they are applied.
  `CREATE TEMP TABLE imp_plan (seq INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
     outcome TEXT NOT NULL, target_id TEXT, detail TEXT NOT NULL)`,
  // Bundle ref -> target id, filled while applying (created ids are only known then).
  `CREATE TEMP TABLE imp_refs (ref TEXT PRIMARY KEY, target_id TEXT NOT NULL)`,
  // Every contact ref of the bundle: 'now' (this accept), 'done' (an earlier accept), 'later' (still pending).
  `CREATE TEMP TABLE imp_bundle_contacts (ref TEXT PRIMARY KEY, state TEXT NOT NULL)`,
  `CREATE TEMP TABLE tgt_tax (key TEXT NOT NULL, id TEXT NOT NULL)`,
  `CREATE TEMP TABLE tgt_ident (key TEXT NOT NULL, id TEXT NOT NULL, tax TEXT NOT NULL)`,
  `CREATE TEMP TABLE tgt_hash (key TEXT NOT NULL, id TEXT NOT NULL)`,
  // Letter attachments of the staged letters, read from the bundle before the transaction.
  `CREATE TEMP TABLE imp_docs (sha256 TEXT PRIMARY KEY, content BLOB NOT NULL)`,
];

export function createStaging(db: Db): void {
  db.pragma('temp_store = FILE');
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
    const digits = taxDigits(c.tax_id);
    if (digits) {
      tax.run(digits, c.id);
      if (salt) hash.run(stubTaxHash(salt, digits), c.id);
    }
    const key = identityKey({ kind: c.kind ?? 'individual', ...c });
    if (key) ident.run(key, c.id, digits);
  }
}

export class ImportQueries {
  private s;
  constructor(private db: Db) {
    this.s = {
      byTax: db.prepare(`SELECT id FROM temp.tgt_tax WHERE key = ?`).pluck(),
      byHash: db.prepare(`SELECT id FROM temp.tgt_hash WHERE key = ?`).pluck(),
      byIdent: db.prepare(`SELECT id, tax FROM temp.tgt_ident WHERE key = ?`),
      mapped: db.prepare(
        `SELECT target_id FROM import_map WHERE source_installation = ? AND source_ref = ? AND office_id = ? AND target_table = ?`,
      ).pluck(),
      contactInOffice: db.prepare(`SELECT * FROM contacts WHERE id = ? AND office_id = ?`),
      planOf: db.prepare(`SELECT * FROM temp.imp_plan WHERE ref = ?`),
      recordOf: db.prepare(`SELECT json FROM temp.imp_records WHERE ref = ? AND type = ?`).pluck(),
      bundleContact: db.prepare(`SELECT state FROM temp.imp_bundle_contacts WHERE ref = ?`).pluck(),
      addPlan: db.prepare(`INSERT INTO temp.imp_plan (ref, type, outcome, target_id, detail) VALUES (?, ?, ?, ?, ?)`),
      refTarget: db.prepare(`SELECT target_id FROM temp.imp_refs WHERE ref = ?`).pluck(),
      setRef: db.prepare(`INSERT OR REPLACE INTO temp.imp_refs (ref, target_id) VALUES (?, ?)`),
    };
  }

  contactsByTax(digits: string): string[] {
    return digits ? (this.s.byTax.all(digits) as string[]) : [];
  }
  contactsByHash(hash: string): string[] {
    return hash ? (this.s.byHash.all(hash) as string[]) : [];
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
    return cached(this.db, `SELECT id FROM ${table} WHERE carrier_id = ? AND name = ? ORDER BY id LIMIT 1`, true).get(carrierId, name) as
      | string
      | undefined;
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

export interface PlanRow {
  seq: number;
  ref: string;
  type: string;
  outcome: string;
  target_id: string | null;
  detail: string;
}

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

// ---- the change log (I13) -------------------------------------------------

type Key = Record<string, string | number | null>;

/** Key columns of the tables an import writes. */
function keyColumns(table: string, row: Row): string[] {
  if (table === 'import_map') return ['source_installation', 'source_ref', 'office_id'];
  if (table === 'documents') return ['path'];
  if (table === 'inbox_contacts') return ['inbox_id', 'ref'];
  if (table === 'pending_relations') return ['id'];
  const t = TABLES[table as TableName];
  if (t && hasId(t)) return ['id'];
  return Object.keys(row);
}

function keyOf(table: string, row: Row): Key {
  return Object.fromEntries(keyColumns(table, row).map((c) => [c, row[c] ?? null]));
}

function whereOf(key: Key): { sql: string; args: (string | number | null)[] } {
  const cols = Object.keys(key);
  return { sql: cols.map((c) => `"${c}" IS ?`).join(' AND '), args: cols.map((c) => key[c]!) };
}

/** A row's digest for the change log; blobs count by their sha256 column, not their bytes. */
function digest(row: Row | undefined): string | null {
  if (!row) return null;
  const { content: _content, ...rest } = row as Record<string, unknown>;
  return fingerprintRow(rest as Row);
}

export function readRow(db: Db, table: string, key: Key): Row | undefined {
  const w = whereOf(key);
  return cached(db, `SELECT * FROM ${table} WHERE ${w.sql} LIMIT 1`).get(...w.args) as Row | undefined;
}

/** Writes of one accept, each logged with its key, before-image and after-digest. */
export class ChangeLog {
  private seq = 0;
  private log;
  private inserts = new Map<string, Statement>();
  constructor(private db: Db, private acceptId: string) {
    this.log = db.prepare(`INSERT INTO import_changes (accept_id, seq, tbl, key, before, after_hash) VALUES (?, ?, ?, ?, ?, ?)`);
  }

  insert(table: string, row: Record<string, string | number | null | Buffer | undefined>): void {
    const cols = Object.keys(row);
    const sig = `${table}|${cols.join(',')}`;
    let stmt = this.inserts.get(sig);
    if (!stmt) {
      stmt = this.db.prepare(`INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`) as Statement;
      this.inserts.set(sig, stmt);
    }
    const info = stmt.run(...cols.map((c) => row[c] ?? null));
    const keyRow = table === 'pending_relations' ? { id: Number(info.lastInsertRowid) } : row;
    const key = keyOf(table, keyRow as Row);
    const after = this.insertedRow(table, row) ?? readRow(this.db, table, key);
    this.log.run(this.acceptId, ++this.seq, table, JSON.stringify(key), null, digest(after));
  }

  private columns = new Map<string, { names: string[]; text: Set<string>; defaults: Set<string> } | null>();

  /**
   * The row just inserted, as SELECT * would return it, without reading it back
   * (that read was a fifth of an import's time): possible when every given value
   * is text (or a blob) in a TEXT (or BLOB) column and no omitted column has a
   * default. Otherwise undefined, and the caller reads the row.
   */
  private insertedRow(table: string, row: Record<string, unknown>): Row | undefined {
    let info = this.columns.get(table);
    if (info === undefined) {
      const cols = this.db.prepare(`SELECT name, type, dflt_value, pk FROM pragma_table_info(?)`).all(table) as { name: string; type: string; dflt_value: unknown; pk: number }[];
      const integerKey = cols.some((c) => c.pk > 0 && c.type.toUpperCase() === 'INTEGER');
      info = cols.length === 0 || integerKey ? null : {
        names: cols.map((c) => c.name),
        text: new Set(cols.filter((c) => ['TEXT', 'BLOB'].includes(c.type.toUpperCase())).map((c) => c.name)),
        defaults: new Set(cols.filter((c) => c.dflt_value !== null).map((c) => c.name)),
      };
      this.columns.set(table, info);
    }
    if (!info) return undefined;
    const out: Record<string, unknown> = {};
    for (const c of info.names) {
      const v = row[c];
      if (v === undefined || v === null) {
        if (info.defaults.has(c) && !(c in row)) return undefined;
        out[c] = null;
      } else if ((typeof v === 'string' || Buffer.isBuffer(v)) && info.text.has(c)) out[c] = v;
      else return undefined;
    }
    for (const c of Object.keys(row)) if (!(c in out)) return undefined;
    return out as Row;
  }

  update(table: string, key: Key, values: Record<string, string | null>): void {
    const before = readRow(this.db, table, key);
    const cols = Object.keys(values);
    if (cols.length === 0) return;
    const w = whereOf(key);
    cached(this.db, `UPDATE ${table} SET ${cols.map((c) => `"${c}" = ?`).join(', ')} WHERE ${w.sql}`).run(...cols.map((c) => values[c]), ...w.args);
    this.log.run(this.acceptId, ++this.seq, table, JSON.stringify(key), JSON.stringify(before), digest(readRow(this.db, table, key)));
  }

  /** Insert, or update the row with the same key (import_map rows of a re-import). */
  upsert(table: string, row: Record<string, string | null>): void {
    const key = keyOf(table, row);
    if (readRow(this.db, table, key)) {
      const values = Object.fromEntries(Object.entries(row).filter(([c]) => !(c in key)));
      this.update(table, key, values);
    } else this.insert(table, row);
  }

  delete(table: string, key: Key): void {
    const before = readRow(this.db, table, key);
    if (!before) return;
    const w = whereOf(key);
    cached(this.db, `DELETE FROM ${table} WHERE ${w.sql}`).run(...w.args);
    this.log.run(this.acceptId, ++this.seq, table, JSON.stringify(key), JSON.stringify(before), null);
  }
}

export interface LoggedChange {
  seq: number;
  tbl: string;
  key: string;
  before: string | null;
  after_hash: string | null;
}

/** I13: changes of an accept, last first, each with whether the row is still as the accept left it. */
export function changesOf(db: Db, acceptId: string): (LoggedChange & { intact: boolean })[] {
  const rows = db.prepare(`SELECT seq, tbl, key, before, after_hash FROM import_changes WHERE accept_id = ? ORDER BY seq DESC`).all(acceptId) as LoggedChange[];
  return rows.map((c) => ({ ...c, intact: digest(readRow(db, c.tbl, JSON.parse(c.key) as Key)) === c.after_hash }));
}

/** I13: put one logged row back as it was before the accept. */
export function revertChange(db: Db, c: LoggedChange): void {
  const key = JSON.parse(c.key) as Key;
  const w = whereOf(key);
  const exists = readRow(db, c.tbl, key) !== undefined;
  if (c.before === null) db.prepare(`DELETE FROM ${c.tbl} WHERE ${w.sql}`).run(...w.args);
  if (c.before === null) return;
  const before = JSON.parse(c.before) as Record<string, unknown>;
  for (const [k, v] of Object.entries(before)) {
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') before[k] = Buffer.from((v as { data: number[] }).data);
  }
  const cols = Object.keys(before);
  if (exists) {
    // An update keeps the row where it was (rowid), so that a dump lists it in the same place.
    db.prepare(`UPDATE ${c.tbl} SET ${cols.map((x) => `"${x}" = ?`).join(', ')} WHERE ${w.sql}`).run(...cols.map((x) => before[x] as string | null), ...w.args);
    return;
  }
  db.prepare(`INSERT INTO ${c.tbl} (${cols.map((x) => `"${x}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
    ...cols.map((x) => before[x] as string | null),
  );
}
