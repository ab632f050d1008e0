// @ts-nocheck
// The export's part of the store (X1-X12, B3, B4, L4, L6): lookups, the
// selection in scratch databases, the record files read out of SQLite and the
// ledger. The chosen ids go into tables of scratch databases attached to the
// export's connection (not TEMP tables, which no other connection can read), so
// that a worker thread with its own connection can read record files too. The
// chosen contacts have a file of their own (CON): it is complete early, and the
// worker reads it while this connection still writes the rest of the selection
// (SEL).
import fs from 'node:fs';
import path from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import type { Decision } from '../../domain/export-rules.js';
import { RECORD_TYPES, SPECS, type RecordType } from '../../domain/model/records.js';
import type { Row } from '../../domain/model/row.js';
import { findSet, setNames } from './offices.js';
import type {
  ContactChoice,
  ContactSelection,
  ExportEntry,
  ExportReaderToken,
  ExportRecordReader,
  ExportSelection,
  ExportStore,
  ExportWorkerReader,
  HeldRefPack,
  RecordReading,
  RecordRow,
  SelectionOutcome,
  SelectionRules,
} from '../port.js';
import type { Db } from './db.js';
import { inTransaction } from './transaction.js';

export const SEL = 'x_sel';
export const CON = 'x_con';

/** The qualified name of a selection table. */
export const sel = (table: string): string => `${table === 'x_contacts' ? CON : SEL}.${table}`;

/** The scratch files of a selection in `dir`. */
export function selectionFiles(dir: string): { [SEL]: string; [CON]: string } {
  return { [SEL]: path.join(dir, 'selection.db'), [CON]: path.join(dir, 'contacts.db') };
}

const SELECTION_TABLES = [
  'x_contacts',
  'x_session',
  'x_policies',
  'x_cases',
  'x_accounts',
  'x_letters',
  'x_relations',
  'x_products',
  'x_riders',
  'x_sps',
  'x_carriers',
  'x_stubs',
];

/** Rows a record batch holds at most. */
const BATCH = 512;

export class SqliteExportStore implements ExportStore {
  constructor(
    private readonly db: Db,
    /** the installation file another connection may open; '' or ':memory:' when none can */
    private readonly file: string,
  ) {}

  async installation(): Promise<{ id: string; name: string } | undefined> {
    return this.db.prepare(`SELECT id, name FROM installation LIMIT 1`).get() as { id: string; name: string } | undefined;
  }

  async parentOf(officeId: string): Promise<string | null | undefined> {
    return (this.db.prepare(`SELECT parent_id FROM offices WHERE id = ?`).get(officeId) as { parent_id: string | null } | undefined)?.parent_id;
  }

  async exportedTagmanifest(bundleId: string): Promise<string | undefined> {
    return this.db.prepare(`SELECT tagmanifest_sha256 FROM export_ledger WHERE bundle_id = ?`).pluck().get(bundleId) as string | undefined;
  }

  async select<T>(dir: string, work: (s: ExportSelection) => Promise<T>): Promise<T> {
    try {
      attachSelection(this.db, dir);
      return await work(new SqliteExportSelection(this.db, this.file, dir));
    } finally {
      detachSelection(this.db);
    }
  }

  async forgetExport(bundleId: string): Promise<void> {
    const { db } = this;
    inTransaction(db, () => {
      db.prepare(`DELETE FROM export_ledger WHERE bundle_id = ?`).run(bundleId);
      db.prepare(`DELETE FROM export_bundle_refs WHERE bundle_id = ?`).run(bundleId);
      db.prepare(`DELETE FROM export_session_contacts WHERE bundle_id = ?`).run(bundleId);
      db.prepare(`DELETE FROM transfer_log WHERE action = 'export' AND bundle_id = ?`).run(bundleId);
    });
  }
}

/** Attach fresh scratch databases in `dir`; nothing in them is durable. */
export function attachSelection(db: Db, dir: string): void {
  for (const [schema, file] of Object.entries(selectionFiles(dir))) {
    fs.closeSync(fs.openSync(file, 'wx', 0o600)); // L11: private from the start (SQLite would make it 0644)
    db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file);
    db.pragma(`${schema}.journal_mode = OFF`);
    db.pragma(`${schema}.synchronous = OFF`);
  }
}

export function detachSelection(db: Db): void {
  const attached = new Set((db.pragma('database_list') as { name: string }[]).map((d) => d.name));
  for (const schema of [SEL, CON]) if (attached.has(schema)) db.exec(`DETACH DATABASE ${schema}`);
}

// ---------------------------------------------------------------- record files

/** Reads record files off a connection that has the selection attached. */
export class SqliteRecordReader implements ExportRecordReader {
  constructor(protected readonly db: Db) {}

  async hasRecords(type: RecordType): Promise<boolean> {
    return hasRecords(this.db, typeQuery(type));
  }

  async *records(type: RecordType, reading: RecordReading): AsyncIterable<readonly RecordRow[]> {
    yield* recordBatches(this.db, type, typeQuery(type), reading);
  }
}

class SqliteExportSelection extends SqliteRecordReader implements ExportSelection {
  constructor(
    db: Db,
    private readonly file: string,
    private readonly dir: string,
  ) {
    super(db);
  }

  async chooseContacts(officeId: string, selection: ContactSelection): Promise<ContactChoice> {
    const { db } = this;
    for (const t of SELECTION_TABLES) {
      db.exec(`DROP TABLE IF EXISTS ${sel(t)}; CREATE TABLE ${sel(t)} (id TEXT PRIMARY KEY) WITHOUT ROWID`);
    }
    return selectContacts(db, officeId, selection);
  }

  async selectRest(sessionId: string, officeId: string, rules: SelectionRules): Promise<SelectionOutcome> {
    return selectRest(this.db, sessionId, officeId, rules);
  }

  async *documents(): AsyncIterable<{ sha256: string; content: Buffer }> {
    yield* this.db
      .prepare(
        `SELECT d.sha256, d.content FROM documents d WHERE d.path IN
           (SELECT l.document FROM letters l JOIN ${sel('x_letters')} x ON x.id = l.id) GROUP BY d.sha256 ORDER BY d.sha256`,
      )
      .iterate() as Iterable<{ sha256: string; content: Buffer }>;
  }

  async countRecords(): Promise<number> {
    let n = 0;
    for (const type of RECORD_TYPES) n += (this.db.prepare(`SELECT count(*) AS n ${typeQuery(type).from}`).get() as { n: number }).n;
    return n;
  }

  workerToken(): ExportReaderToken | undefined {
    if (this.file === '' || this.file === ':memory:') return undefined;
    return { adapter: 'sqlite', file: path.resolve(this.file), dir: this.dir };
  }

  async recordExport(h: ExportEntry, held: readonly HeldRefPack[]): Promise<void> {
    const { db } = this;
    inTransaction(db, () => {
      db.prepare(
        `INSERT INTO export_ledger (bundle_id, session_id, office_id, user_id, target_office, target_user, created_at,
           tagmanifest_sha256, file, counts, receipt_key, card) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        h.bundle_id,
        h.session_id,
        h.office_id,
        h.user_id,
        h.target_office,
        h.target_user,
        h.created_at,
        h.tagmanifest_sha256,
        h.file,
        JSON.stringify(h.counts),
        h.receipt_key,
        h.card ? JSON.stringify(h.card) : null,
      );
      insertHeldRefs(db, h.bundle_id, held);
      db.prepare(
        `INSERT OR IGNORE INTO export_session_contacts (session_id, office_id, contact_id, bundle_id)
         SELECT ?, ?, id, ? FROM ${sel('x_contacts')}`,
      ).run(h.session_id, h.office_id, h.bundle_id);
      db.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary) VALUES (?, 'export', ?, ?, ?, ?)`).run(
        h.log.at,
        h.bundle_id,
        h.office_id,
        h.user_id,
        h.log.summary,
      );
    });
  }
}

/** L4: the packs of refs a bundle held, inside the ledger's transaction. */
export function insertHeldRefs(db: Db, bundleId: string, held: readonly HeldRefPack[]): void {
  const ins = db.prepare(`INSERT INTO export_bundle_refs (bundle_id, prefix, seq, ids) VALUES (?, ?, ?, ?)`);
  for (const p of held) ins.run(bundleId, p.prefix, p.seq, p.ids);
}

/** A reader for a worker thread: its own read-only connection, the contacts attached at once. */
class SqliteWorkerReader extends SqliteRecordReader implements ExportWorkerReader {
  constructor(
    private readonly files: ReturnType<typeof selectionFiles>,
    file: string,
  ) {
    super(new Database(file, { readonly: true, fileMustExist: true, timeout: 30_000 }));
    this.db.prepare(`ATTACH DATABASE ? AS ${CON}`).run(files[CON]);
  }

  async selectionComplete(): Promise<void> {
    this.db.prepare(`ATTACH DATABASE ? AS ${SEL}`).run(this.files[SEL]);
  }

  close(): void {
    this.db.close();
  }
}

/** Opens a reader of the selection a token names (on a worker thread). */
export function openSqliteExportReader(token: ExportReaderToken): ExportWorkerReader {
  return new SqliteWorkerReader(selectionFiles(token.dir!), token.file!);
}

// ---------------------------------------------------------------- selection

/** X2: the set, the whole office or the named contacts. */
function selectContacts(db: Db, officeId: string, s: ContactSelection): ContactChoice {
  let set: { id: string; name: string } | undefined;
  const missing: string[] = [];
  if (s.mode === 'all') {
    db.prepare(`INSERT INTO ${sel('x_contacts')} SELECT id FROM contacts WHERE office_id = ?`).run(officeId);
  } else if (s.mode === 'set') {
    const row = findSet<{ id: string; name: string }>(db, officeId, s.set);
    if (!row) return { found: false, names: setNames(db, officeId) };
    set = { id: row.id, name: row.name };
    db.prepare(
      `INSERT OR IGNORE INTO ${sel('x_contacts')} SELECT m.contact_id FROM set_members m JOIN contacts c ON c.id = m.contact_id
        WHERE m.set_id = ? AND c.office_id = ?`,
    ).run(set.id, officeId);
  } else {
    const ins = db.prepare(`INSERT OR IGNORE INTO ${sel('x_contacts')} SELECT id FROM contacts WHERE id = ? AND office_id = ?`);
    const isIn = db.prepare(`SELECT 1 FROM ${sel('x_contacts')} WHERE id = ?`);
    for (const id of s.contacts) if (ins.run(id, officeId).changes === 0 && isIn.get(id) === undefined) missing.push(id);
  }
  const count = (db.prepare(`SELECT count(*) AS n FROM ${sel('x_contacts')}`).get() as { n: number }).n;
  return { found: true, count, set, missing };
}

/** X3-X10: what travels with the chosen contacts. */
function selectRest(db: Db, sessionId: string, officeId: string, rules: SelectionRules): SelectionOutcome {
  const refused: SelectionOutcome['refused'] = [];
  db.prepare(
    `INSERT INTO ${sel('x_session')} SELECT contact_id FROM export_session_contacts
      WHERE session_id = ? AND office_id = ? AND contact_id NOT IN (SELECT id FROM ${sel('x_contacts')})`,
  ).run(sessionId, officeId);
  const x = `(SELECT id FROM ${sel('x_contacts')})`;
  // X3, X10: policies and accounts of exported primary contacts go; cases unless attached to commissions.
  // The policies' catalogue ids are kept from the same read (selectCatalogue), not looked up again by id.
  db.exec(`DROP TABLE IF EXISTS temp.x_policy_refs;
    CREATE TEMP TABLE x_policy_refs AS SELECT id, product_id, carrier_id FROM policies WHERE primary_contact_id IN ${x};
    INSERT INTO ${sel('x_policies')} SELECT id FROM temp.x_policy_refs`);
  db.exec(`INSERT INTO ${sel('x_accounts')} SELECT id FROM investment_accounts WHERE primary_contact_id IN ${x}`);
  decideByClass(
    db,
    'x_cases',
    `SELECT c.id, EXISTS (SELECT 1 FROM commissions m WHERE m.case_id = c.id) AS attached
     FROM pending_cases c WHERE c.primary_contact_id IN ${x}`,
    ['attached'],
    (k) => rules.pendingCase({ attached: isOne(k.attached) }),
    refused,
  );
  // X5, X10: letters sent to the contact travel; e-mails and letters to others are counted.
  decideByClass(
    db,
    'x_letters',
    `SELECT c.id, c.kind, ${named('c.recipient_contact_id')} AS named, c.recipient_contact_id = c.contact_id AS to_contact
       FROM letters c WHERE c.contact_id IN ${x}`,
    ['kind', 'named', 'to_contact'],
    (k) => rules.letter({ kind: (k.kind as string | null | undefined) ?? null, named: isOne(k.named), toContact: isOne(k.to_contact) }),
    refused,
  );
  // X6: relations of exported contacts whose other contact is exported now or earlier in the session.
  const presence = (col: string) => `CASE WHEN c.${col} IN ${x} THEN 'bundle'
      WHEN c.${col} IN (SELECT id FROM ${sel('x_session')}) THEN 'session' ELSE 'absent' END`;
  decideByClass(
    db,
    'x_relations',
    `SELECT c.id, ${presence('contact_id')} AS pa, ${presence('related_contact_id')} AS pb, ${named('c.related_contact_id')} AS named
       FROM key_relations c WHERE (c.contact_id IN ${x} OR c.related_contact_id IN ${x})`,
    ['pa', 'pb', 'named'],
    (k) => rules.relation({ a: k.pa as 'bundle', b: k.pb as 'bundle', named: isOne(k.named) }),
    refused,
  );
  const neverExported = countNeverExported(db);
  selectCatalogue(db);
  selectStubs(db);
  return { refused, neverExported, catalogue: catalogueOf(db) };
}

/**
 * Put a rule to each class of candidates instead of each row. The rules read only
 * a few features of a row (X3: attached to commissions or not; X5: the kind,
 * whether a recipient is named and whether it is the contact; X6: where each
 * contact stands), so `sql` gives those features besides the id, SQL groups the
 * candidates by them, the rule decides each class once on a row showing just
 * those features, and one INSERT ... SELECT keeps the ids of each class that
 * travels; the others are counted. Row by row (reading every candidate into
 * JavaScript and inserting each kept id) took about 0.3 s at 100,000 contacts.
 */
function decideByClass(
  db: Db,
  into: string,
  sql: string,
  features: string[],
  rule: (k: Record<string, unknown>) => Decision,
  refused: SelectionOutcome['refused'],
): void {
  db.exec(`DROP TABLE IF EXISTS temp.x_candidates; CREATE TEMP TABLE x_candidates AS ${sql}`);
  const cols = features.join(', ');
  const classes = db.prepare(`SELECT ${cols}, count(*) AS n FROM temp.x_candidates GROUP BY ${cols}`).all() as (Record<string, unknown> & { n: number })[];
  const keep = db.prepare(`INSERT INTO ${sel(into)} SELECT id FROM temp.x_candidates WHERE ${features.map((f) => `${f} IS ?`).join(' AND ')}`);
  for (const k of classes) {
    const d = rule(k);
    if (d.go) keep.run(...features.map((f) => k[f] ?? null));
    else refused.push({ decision: d, count: k.n });
  }
  db.exec('DROP TABLE temp.x_candidates');
}

/** 1 when the column holds a value (not NULL, not empty), as the rules read a missing id. */
const named = (col: string) => `(${col} IS NOT NULL AND ${col} <> '')`;
const isOne = (v: unknown) => Number(v) === 1;

/** X10: what exported contacts have that never travels, counted. */
function countNeverExported(db: Db): SelectionOutcome['neverExported'] {
  const x = `(SELECT id FROM ${sel('x_contacts')})`;
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    leads: n(`SELECT count(*) AS n FROM leads WHERE contact_id IN ${x}`),
    set_memberships: n(`SELECT count(*) AS n FROM set_members WHERE contact_id IN ${x}`),
    event_invitations: n(`SELECT count(*) AS n FROM event_invitations WHERE contact_id IN ${x}`),
    proposals: n(`SELECT count(*) AS n FROM proposals WHERE contact_id IN ${x}`),
    commissions: n(`SELECT count(*) AS n FROM commissions WHERE policy_id IN (SELECT id FROM ${sel('x_policies')})
        OR case_id IN (SELECT id FROM pending_cases WHERE primary_contact_id IN ${x})`),
  };
}

/** X9: carriers, products, riders and service providers of what travels. */
function selectCatalogue(db: Db): void {
  db.exec(`
    INSERT OR IGNORE INTO ${sel('x_products')} SELECT product_id FROM temp.x_policy_refs WHERE product_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_products')} SELECT product_id FROM pending_cases WHERE id IN (SELECT id FROM ${sel('x_cases')}) AND product_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_riders')} SELECT rider_id FROM policy_riders WHERE policy_id IN (SELECT id FROM ${sel('x_policies')}) AND rider_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_sps')} SELECT service_provider_id FROM pending_cases WHERE id IN (SELECT id FROM ${sel('x_cases')}) AND service_provider_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_carriers')} SELECT carrier_id FROM temp.x_policy_refs WHERE carrier_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_carriers')} SELECT carrier_id FROM pending_cases WHERE id IN (SELECT id FROM ${sel('x_cases')}) AND carrier_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_carriers')} SELECT carrier_id FROM products WHERE id IN (SELECT id FROM ${sel('x_products')});
    INSERT OR IGNORE INTO ${sel('x_carriers')} SELECT carrier_id FROM riders WHERE id IN (SELECT id FROM ${sel('x_riders')});
    DROP TABLE temp.x_policy_refs;
  `);
}

/** X8, X7, X6: contacts that records name but that are not exported go as stubs. */
function selectStubs(db: Db): void {
  const notX = `NOT IN (SELECT id FROM ${sel('x_contacts')})`;
  db.exec(`
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT contact_id FROM policy_parties WHERE policy_id IN (SELECT id FROM ${sel('x_policies')}) AND contact_id ${notX};
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT contact_id FROM case_parties WHERE case_id IN (SELECT id FROM ${sel('x_cases')}) AND contact_id ${notX};
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT contact_id FROM account_parties WHERE account_id IN (SELECT id FROM ${sel('x_accounts')}) AND contact_id ${notX};
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT employee_contact_id FROM employee_census WHERE business_id IN (SELECT id FROM ${sel('x_contacts')}) AND employee_contact_id ${notX};
    DROP TABLE IF EXISTS temp.x_relation_ends;
    CREATE TEMP TABLE x_relation_ends AS SELECT contact_id, related_contact_id FROM key_relations WHERE id IN (SELECT id FROM ${sel('x_relations')});
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT contact_id FROM temp.x_relation_ends WHERE contact_id ${notX};
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT related_contact_id FROM temp.x_relation_ends WHERE related_contact_id ${notX};
    DROP TABLE temp.x_relation_ends;
  `);
}

/** X9: the catalogue records that travel and their owners, table by table, by id. */
function catalogueOf(db: Db): SelectionOutcome['catalogue'] {
  const out: SelectionOutcome['catalogue'] = [];
  for (const [table, x] of [
    ['carriers', 'x_carriers'],
    ['products', 'x_products'],
    ['riders', 'x_riders'],
    ['service_providers', 'x_sps'],
  ] as const) {
    for (const r of db.prepare(`SELECT id, office_id FROM ${table} WHERE id IN (SELECT id FROM ${sel(x)}) ORDER BY id`).all() as {
      id: string;
      office_id: string;
    }[]) {
      out.push({ table, id: r.id, office_id: r.office_id });
    }
  }
  return out;
}

// ---------------------------------------------------------------- record rows

/** How one record type is read: FROM ... WHERE naming the source table `t`, extra columns, the id order. */
export interface TypeQuery {
  from: string;
  also?: string;
  order: string;
  /** child rows read alongside, by owner */
  children?: (db: Db) => { parties?: (id: string) => Row[]; riders?: (id: string) => Row[] };
}

const inX = (col: string, x: string): TypeQuery => ({
  from: `FROM ${col.split('.')[0]} t WHERE t.${col.split('.')[1]} IN (SELECT id FROM ${sel(x)})`,
  order: 't.id',
});
// Driven by the table of chosen ids (a WITHOUT ROWID table, so already in id order): one seek per
// exported row, no sort. Joined the other way round, SQLite scanned the whole source table by id.
const own = (x: string, table: string): TypeQuery => ({ from: `FROM ${sel(x)} x CROSS JOIN ${table} t ON t.id = x.id`, order: 'x.id' });

/** X8: party lists (and a policy's riders), each read alongside its records. */
const parties = (db: Db, table: string, owner: string, x: string) =>
  // Driven by the chosen owners (one index seek each), not a scan of the whole child table's index
  // probing the owners; rows of one owner in rowid order, as that index scan gave them.
  childCursor(db, `SELECT c.* FROM ${sel(x)} x CROSS JOIN ${table} c ON c.${owner} = x.id ORDER BY x.id, c.rowid`, owner);

const TYPE_QUERIES: Record<RecordType, TypeQuery> = {
  activities: inX('activities.contact_id', 'x_contacts'),
  carriers: own('x_carriers', 'carriers'),
  contacts: own('x_contacts', 'contacts'),
  employee_census: inX('employee_census.business_id', 'x_contacts'),
  key_relations: own('x_relations', 'key_relations'),
  letters: {
    from: `${own('x_letters', 'letters').from} LEFT JOIN documents d ON d.path = t.document`,
    order: 'x.id',
    also: 'd.sha256 AS doc_sha256, d.size AS doc_size',
  },
  positions: inX('positions.account_id', 'x_accounts'),
  products: own('x_products', 'products'),
  riders: own('x_riders', 'riders'),
  service_providers: own('x_sps', 'service_providers'),
  smartpad: inX('smartpad.contact_id', 'x_contacts'),
  stubs: own('x_stubs', 'contacts'),
  investment_accounts: {
    ...own('x_accounts', 'investment_accounts'),
    children: (db) => ({ parties: parties(db, 'account_parties', 'account_id', 'x_accounts') }),
  },
  pending_cases: { ...own('x_cases', 'pending_cases'), children: (db) => ({ parties: parties(db, 'case_parties', 'case_id', 'x_cases') }) },
  policies: {
    ...own('x_policies', 'policies'),
    children: (db) => ({
      riders: childCursor(
        db,
        `SELECT r.* FROM ${sel('x_policies')} x CROSS JOIN policy_riders r ON r.policy_id = x.id
          WHERE r.rider_id IS NOT NULL ORDER BY x.id, r.rider_id, r.amount`,
        'policy_id',
      ),
      parties: parties(db, 'policy_parties', 'policy_id', 'x_policies'),
    }),
  },
};

export function typeQuery(type: RecordType): TypeQuery {
  return TYPE_QUERIES[type];
}

/** Whether a record file has any record (an empty file is left out of the bag). */
export function hasRecords(db: Db, q: TypeQuery): boolean {
  return db.prepare(`SELECT 1 ${q.from} LIMIT 1`).get() !== undefined;
}

/**
 * The rows of one record type in id order. With `reading.json`, SQLite writes
 * the record's columns as JSON text (recordSql) and the row holds only what
 * the caller builds from: about half the CPU of building every record in
 * JavaScript (at 100,000 contacts, 32,000 contacts: 330-410 ms -> 220 ms), as
 * better-sqlite3 hands over one string per row instead of one per column and
 * no objects are built for it. A row with a value that is not text (a blob in
 * a text column) comes whole instead, as without `json`.
 */
export function* recordBatches(db: Db, type: RecordType, q: TypeQuery, reading: RecordReading, size = BATCH): Generator<RecordRow[]> {
  const children = q.children?.(db);
  const withChildren = children
    ? (r: RecordRow): RecordRow => {
        if (children.parties) r.parties = children.parties(r.row.id!);
        if (children.riders) r.riders = children.riders(r.row.id!);
        return r;
      }
    : (r: RecordRow): RecordRow => r;
  let batch: RecordRow[] = [];
  if (!reading.json) {
    for (const row of rowsOf(db.prepare(`SELECT t.*${q.also ? `, ${q.also}` : ''} ${q.from} ORDER BY ${q.order}`))) {
      if (batch.push(withChildren({ json: undefined, row })) >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  const { cols = [], flags = [], bare = false } = reading.json;
  const columns = [
    `${recordSql(type)} AS ${JSON_COLUMN}`,
    't.id AS id',
    ...cols.map((c) => `t.${c}`),
    ...flags.map((c) => `CASE WHEN typeof(t.${c}) = 'text' THEN t.${c} <> '' ELSE t.${c} END AS ${c}`),
    ...(q.also ? [q.also] : []),
  ];
  const stmt = db.prepare(`SELECT ${columns.join(', ')} ${q.from} ORDER BY ${q.order}`);
  let whole: Statement | undefined;
  const make = rowMaker(stmt);
  const NO_ROW: Row = {};
  for (const a of stmt.raw(true).iterate() as Iterable<unknown[]>) {
    const json = a[0] as string | null;
    let r: RecordRow;
    if (json !== null && bare) r = { json, row: NO_ROW };
    else if (json === null) {
      // Not all text: the whole row, as without `json`.
      whole ??= db.prepare(`SELECT * FROM (SELECT t.*${q.also ? `, ${q.also}` : ''} ${q.from}) WHERE id = @export_row_id`);
      r = withChildren({ json: undefined, row: whole.get({ export_row_id: make(a).id }) as Row });
    } else r = withChildren({ json, row: make(a) });
    if (batch.push(r) >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The rows of recordBatches, one by one. */
export function* recordRows(db: Db, type: RecordType, q: TypeQuery, reading: RecordReading): Generator<RecordRow> {
  for (const batch of recordBatches(db, type, q, reading)) yield* batch;
}

const JSON_COLUMN = 'record_json';

/**
 * SQL for the start of a record's JSON text, `{"ref":...` and its column fields
 * (without the closing brace), as recordBuilder and JSON.stringify make them:
 * fields in schema order, refs from *_id columns, empty values left out; SQLite's
 * json_quote escapes text as JSON.stringify does. NULL when any of the row's
 * values is not text or NULL.
 */
export function recordSql(type: RecordType): string {
  const spec = SPECS[type];
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const cols = ['t.id', ...spec.fields.map((f) => `t.${f.column ?? f.name}`)];
  const text = cols.map((c) => `typeof(${c}) IN ('text', 'null')`).join(' AND ');
  const parts = [`${lit('{"ref":')} || json_quote(${lit(`${spec.prefix}/`)} || t.id)`];
  spec.fields.forEach((f, i) => {
    const c = cols[i + 1]!;
    const v = f.type === 'ref' ? `${lit(`${f.to!}/`)} || ${c}` : c;
    parts.push(`CASE WHEN ${c} IS NULL OR ${c} = '' THEN '' ELSE ${lit(`,${JSON.stringify(f.name)}:`)} || json_quote(${v}) END`);
  });
  return `CASE WHEN ${text} THEN ${parts.join(' || ')} END`;
}

/**
 * Rows as objects keyed by column name, like better-sqlite3's default mode, but
 * read as arrays and turned into objects by a function compiled for the
 * statement's columns: objects of one fixed shape built in JavaScript cost about
 * half of what better-sqlite3 spends building them natively (measured on the
 * contacts query at 100,000 contacts: 300 ms -> 155 ms).
 */
function* rowsOf(stmt: Statement): Generator<Row> {
  const make = rowMaker(stmt);
  for (const a of stmt.raw(true).iterate() as Iterable<unknown[]>) yield make(a);
}

/** A function making a row object of the statement's columns from an array of its values. */
function rowMaker(stmt: Statement): (a: unknown[]) => Row {
  const names = stmt.columns().map((c) => c.name);
  // new Function over our own text: column names come from our own schema, quoted by JSON.stringify
  return new Function('a', `return {${names.map((n, i) => `${JSON.stringify(n)}: a[${i}]`).join(', ')}};`) as (a: unknown[]) => Row;
}

/** Rows of one child table grouped by their owner, read alongside the owners in the same order. */
function childCursor(db: Db, sql: string, key: string): (ownerId: string) => Row[] {
  let it: Iterator<Row> | undefined;
  let next: IteratorResult<Row>;
  return (ownerId) => {
    if (!it) {
      it = rowsOf(db.prepare(sql));
      next = it.next();
    }
    const rows: Row[] = [];
    while (!next.done && (next.value[key] as string) < ownerId) next = it.next();
    while (!next.done && next.value[key] === ownerId) {
      rows.push(next.value);
      next = it.next();
    }
    return rows;
  };
}
