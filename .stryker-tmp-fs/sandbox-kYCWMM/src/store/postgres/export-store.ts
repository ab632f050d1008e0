// @ts-nocheck
// The export's part of the store (X1-X12, B3, B4, L4, L6) on PostgreSQL, as
// ../sqlite/export-store.ts: lookups, the selection in scratch tables, the
// record files read out of the database and the ledger. The chosen ids go into
// UNLOGGED tables of the installation's schema named for the selection
// (op_sel_<pid>_<random>_<what>), not TEMP tables, which no other connection can
// read: a worker thread with its own connection reads record files too. Each
// statement of the selection commits as it runs (no transaction is open), so the
// chosen contacts are visible to the worker as soon as chooseContacts returns,
// and the rest once selectRest has. The tables are dropped when the selection
// ends, also on error; those of a process that was killed are dropped by the
// next selection on the server (their backend is gone).
import crypto from 'node:crypto';
import type { Decision } from '../../domain/export-rules.js';
import { RECORD_TYPES, SPECS, type RecordType } from '../../domain/model/records.js';
import type { Row } from '../../domain/model/row.js';
import type { TableName } from '../../domain/model/tables.js';
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
import type { PgStatement } from './connection.js';
import { columnsOf, openPgInstallation, type Db } from './db.js';
import { inTransaction } from './transaction.js';

/** What every selection table's name starts with. */
export const SEL_PREFIX = 'op_sel_';

/** The names of one selection's tables: `sel('x_contacts')` is that selection's table of chosen contacts. */
export type SelNames = (table: string) => string;

/** The table names of the selection `key` (op_sel_<pid>_<random>). */
export function selNames(key: string): SelNames {
  if (!/^op_sel_[0-9]+_[0-9a-f]+$/.test(key)) throw new Error(`not an export selection: ${JSON.stringify(key)}`);
  return (table) => `${key}_${table.replace(/^x_/, '')}`;
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
/** Documents fetched at a time (each may be large: P1). */
const DOCUMENT_BATCH = 16;

export class PgExportStore implements ExportStore {
  constructor(
    private readonly db: Db,
    /** the installation's address another connection opens */
    private readonly url: string,
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

  // `dir` holds the worker's record files (the feature's); the chosen ids live in the database.
  async select<T>(_dir: string, work: (s: ExportSelection) => Promise<T>): Promise<T> {
    const key = createSelection(this.db);
    try {
      return await work(new PgExportSelection(this.db, this.url, key));
    } finally {
      dropSelection(this.db, key);
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

/** The selection tables in this schema, with the backend that made each (the pid in the name). */
export function selectionTables(db: Db): { name: string; pid: number }[] {
  return (
    db
      .prepare(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'op\\_sel\\_%' ORDER BY c.relname`,
      )
      .pluck()
      .all() as string[]
  ).map((name) => ({ name, pid: Number(name.split('_')[2]) }));
}

/** A fresh selection's key; first the tables of selections whose connection is gone (a killed export) are dropped. */
function createSelection(db: Db): string {
  const live = new Set(db.prepare(`SELECT pid FROM pg_stat_activity`).pluck().all() as number[]);
  const stale = selectionTables(db).filter((t) => !live.has(t.pid));
  if (stale.length > 0) db.exec(`DROP TABLE IF EXISTS ${stale.map((t) => t.name).join(', ')}`);
  const pid = db.prepare(`SELECT pg_backend_pid()`).pluck().get() as number;
  return `${SEL_PREFIX}${pid}_${crypto.randomBytes(6).toString('hex')}`;
}

/** Drops the tables of a selection (all of them; those not made yet are skipped). */
function dropSelection(db: Db, key: string): void {
  const sel = selNames(key);
  db.exec(`DROP TABLE IF EXISTS ${SELECTION_TABLES.map(sel).join(', ')}`);
}

// ---------------------------------------------------------------- record files

/** Reads record files off a connection that sees the selection's tables. */
export class PgRecordReader implements ExportRecordReader {
  protected readonly sel: SelNames;
  private readonly queries: Record<RecordType, TypeQuery>;
  constructor(
    protected readonly db: Db,
    protected readonly key: string,
  ) {
    this.sel = selNames(key);
    this.queries = typeQueries(this.sel);
  }

  protected typeQuery(type: RecordType): TypeQuery {
    return this.queries[type];
  }

  async hasRecords(type: RecordType): Promise<boolean> {
    return hasRecords(this.db, this.typeQuery(type));
  }

  async *records(type: RecordType, reading: RecordReading): AsyncIterable<readonly RecordRow[]> {
    yield* recordBatches(this.db, type, this.typeQuery(type), reading);
  }
}

class PgExportSelection extends PgRecordReader implements ExportSelection {
  constructor(
    db: Db,
    private readonly url: string,
    key: string,
  ) {
    super(db, key);
  }

  async chooseContacts(officeId: string, selection: ContactSelection): Promise<ContactChoice> {
    const { db, sel } = this;
    for (const t of SELECTION_TABLES) {
      db.exec(`DROP TABLE IF EXISTS ${sel(t)}; CREATE UNLOGGED TABLE ${sel(t)} (id text COLLATE "C" PRIMARY KEY)`);
    }
    const choice = selectContacts(db, sel, officeId, selection);
    db.exec(`ANALYZE ${sel('x_contacts')}`);
    return choice;
  }

  async selectRest(sessionId: string, officeId: string, rules: SelectionRules): Promise<SelectionOutcome> {
    const outcome = selectRest(this.db, this.sel, sessionId, officeId, rules);
    this.db.exec(
      `ANALYZE ${SELECTION_TABLES.filter((t) => t !== 'x_contacts' && t !== 'x_session')
        .map(this.sel)
        .join(', ')}`,
    );
    return outcome;
  }

  async *documents(): AsyncIterable<{ sha256: string; content: Buffer }> {
    const stmt = this.db.prepare(
      `SELECT DISTINCT ON (d.sha256) d.sha256, d.content FROM documents d WHERE d.path IN
         (SELECT l.document FROM letters l JOIN ${this.sel('x_letters')} x ON x.id = l.id) ORDER BY d.sha256`,
    );
    for (const batch of stmt.batches(DOCUMENT_BATCH)) yield* batch as { sha256: string; content: Buffer }[];
  }

  async countRecords(): Promise<number> {
    let n = 0;
    for (const type of RECORD_TYPES) n += (this.db.prepare(`SELECT count(*) AS n ${this.typeQuery(type).from}`).get() as { n: number }).n;
    return n;
  }

  workerToken(): ExportReaderToken | undefined {
    return { adapter: 'postgres', url: this.url, selection: this.key };
  }

  async recordExport(h: ExportEntry, held: readonly HeldRefPack[]): Promise<void> {
    const { db, sel } = this;
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
        `INSERT INTO export_session_contacts (session_id, office_id, contact_id, bundle_id)
         SELECT ?, ?, id, ? FROM ${sel('x_contacts')} ON CONFLICT DO NOTHING`,
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

/**
 * A reader for a worker thread: its own read-only connection. The selection's
 * tables are committed before the worker reads them (the contacts' when
 * chooseContacts returns, the rest's when selectRest has), so there is nothing
 * to open when the selection is complete, unlike SQLite's attached file.
 */
class PgWorkerReader extends PgRecordReader implements ExportWorkerReader {
  async selectionComplete(): Promise<void> {}

  close(): void {
    this.db.close();
  }
}

/** Opens a reader of the selection a token names (on a worker thread). */
export function openPgExportReader(token: ExportReaderToken): ExportWorkerReader {
  const db = openPgInstallation(token.url!, { readonly: true });
  try {
    return new PgWorkerReader(db, token.selection!);
  } catch (e) {
    db.close();
    throw e;
  }
}

// ---------------------------------------------------------------- selection

/** X2: the set, the whole office or the named contacts. */
function selectContacts(db: Db, sel: SelNames, officeId: string, s: ContactSelection): ContactChoice {
  let set: { id: string; name: string } | undefined;
  const missing: string[] = [];
  if (s.mode === 'all') {
    db.prepare(`INSERT INTO ${sel('x_contacts')} SELECT id FROM contacts WHERE office_id = ?`).run(officeId);
  } else if (s.mode === 'set') {
    const row = findSet<{ id: string; name: string }>(db, officeId, s.set);
    if (!row) return { found: false, names: setNames(db, officeId) };
    set = { id: row.id, name: row.name };
    db.prepare(
      `INSERT INTO ${sel('x_contacts')} SELECT m.contact_id FROM set_members m JOIN contacts c ON c.id = m.contact_id
        WHERE m.set_id = ? AND c.office_id = ? ON CONFLICT DO NOTHING`,
    ).run(set.id, officeId);
  } else {
    const ins = db.prepare(`INSERT INTO ${sel('x_contacts')} SELECT id FROM contacts WHERE id = ? AND office_id = ? ON CONFLICT DO NOTHING`);
    const isIn = db.prepare(`SELECT 1 FROM ${sel('x_contacts')} WHERE id = ?`);
    for (const id of s.contacts) if (ins.run(id, officeId).changes === 0 && isIn.get(id) === undefined) missing.push(id);
  }
  const count = (db.prepare(`SELECT count(*) AS n FROM ${sel('x_contacts')}`).get() as { n: number }).n;
  return { found: true, count, set, missing };
}

/** X3-X10: what travels with the chosen contacts. */
function selectRest(db: Db, sel: SelNames, sessionId: string, officeId: string, rules: SelectionRules): SelectionOutcome {
  const refused: SelectionOutcome['refused'] = [];
  db.prepare(
    `INSERT INTO ${sel('x_session')} SELECT contact_id FROM export_session_contacts
      WHERE session_id = ? AND office_id = ? AND contact_id NOT IN (SELECT id FROM ${sel('x_contacts')})`,
  ).run(sessionId, officeId);
  const x = `(SELECT id FROM ${sel('x_contacts')})`;
  // X3, X10: policies and accounts of exported primary contacts go; cases unless attached to commissions.
  // The policies' catalogue ids are kept from the same read (selectCatalogue), not looked up again by id.
  db.exec(`DROP TABLE IF EXISTS pg_temp.x_policy_refs;
    CREATE TEMP TABLE x_policy_refs AS SELECT id, product_id, carrier_id FROM policies WHERE primary_contact_id IN ${x};
    INSERT INTO ${sel('x_policies')} SELECT id FROM pg_temp.x_policy_refs`);
  db.exec(`INSERT INTO ${sel('x_accounts')} SELECT id FROM investment_accounts WHERE primary_contact_id IN ${x}`);
  decideByClass(
    db,
    sel('x_cases'),
    `SELECT c.id, EXISTS (SELECT 1 FROM commissions m WHERE m.case_id = c.id) AS attached
     FROM pending_cases c WHERE c.primary_contact_id IN ${x}`,
    ['attached'],
    (k) => rules.pendingCase({ attached: isOne(k.attached) }),
    refused,
  );
  // X5, X10: letters sent to the contact travel; e-mails and letters to others are counted.
  decideByClass(
    db,
    sel('x_letters'),
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
    sel('x_relations'),
    `SELECT c.id, ${presence('contact_id')} AS pa, ${presence('related_contact_id')} AS pb, ${named('c.related_contact_id')} AS named
       FROM key_relations c WHERE (c.contact_id IN ${x} OR c.related_contact_id IN ${x})`,
    ['pa', 'pb', 'named'],
    (k) => rules.relation({ a: k.pa as 'bundle', b: k.pb as 'bundle', named: isOne(k.named) }),
    refused,
  );
  const neverExported = countNeverExported(db, sel);
  selectCatalogue(db, sel);
  selectStubs(db, sel);
  return { refused, neverExported, catalogue: catalogueOf(db, sel) };
}

/**
 * Put a rule to each class of candidates instead of each row (see the SQLite
 * twin). The classes come in the order SQLite's GROUP BY gives them (by the
 * features, NULLs first), so that the refusals are tallied in the same order
 * and the bundle's header is the same bytes (G2).
 */
function decideByClass(
  db: Db,
  into: string,
  sql: string,
  features: string[],
  rule: (k: Record<string, unknown>) => Decision,
  refused: SelectionOutcome['refused'],
): void {
  db.exec(`DROP TABLE IF EXISTS pg_temp.x_candidates; CREATE TEMP TABLE x_candidates AS ${sql}`);
  const cols = features.join(', ');
  const classes = db
    .prepare(`SELECT ${cols}, count(*) AS n FROM pg_temp.x_candidates GROUP BY ${cols} ORDER BY ${features.map((f) => `${f} NULLS FIRST`).join(', ')}`)
    .all() as (Record<string, unknown> & { n: number })[];
  const keep = db.prepare(`INSERT INTO ${into} SELECT id FROM pg_temp.x_candidates WHERE ${features.map((f) => `${f} IS NOT DISTINCT FROM ?`).join(' AND ')}`);
  for (const k of classes) {
    const d = rule(k);
    if (d.go) keep.run(...features.map((f) => featureValue(k[f])));
    else refused.push({ decision: d, count: k.n });
  }
  db.exec('DROP TABLE pg_temp.x_candidates');
}

/** A feature's value as a parameter: the facade gives booleans as 1/0, which a boolean column reads back as text. */
const featureValue = (v: unknown) => (v === undefined || v === null ? null : String(v));

/** true when the column holds a value (not NULL, not empty), as the rules read a missing id. */
const named = (col: string) => `(${col} IS NOT NULL AND ${col} <> '')`;
const isOne = (v: unknown) => Number(v) === 1;

/** X10: what exported contacts have that never travels, counted. */
function countNeverExported(db: Db, sel: SelNames): SelectionOutcome['neverExported'] {
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
function selectCatalogue(db: Db, sel: SelNames): void {
  const ins = (into: string, select: string) => `INSERT INTO ${sel(into)} ${select} ON CONFLICT DO NOTHING;`;
  db.exec(`
    ${ins('x_products', `SELECT product_id FROM pg_temp.x_policy_refs WHERE product_id IS NOT NULL`)}
    ${ins('x_products', `SELECT product_id FROM pending_cases WHERE id IN (SELECT id FROM ${sel('x_cases')}) AND product_id IS NOT NULL`)}
    ${ins('x_riders', `SELECT rider_id FROM policy_riders WHERE policy_id IN (SELECT id FROM ${sel('x_policies')}) AND rider_id IS NOT NULL`)}
    ${ins('x_sps', `SELECT service_provider_id FROM pending_cases WHERE id IN (SELECT id FROM ${sel('x_cases')}) AND service_provider_id IS NOT NULL`)}
    ${ins('x_carriers', `SELECT carrier_id FROM pg_temp.x_policy_refs WHERE carrier_id IS NOT NULL`)}
    ${ins('x_carriers', `SELECT carrier_id FROM pending_cases WHERE id IN (SELECT id FROM ${sel('x_cases')}) AND carrier_id IS NOT NULL`)}
    ${ins('x_carriers', `SELECT carrier_id FROM products WHERE id IN (SELECT id FROM ${sel('x_products')})`)}
    ${ins('x_carriers', `SELECT carrier_id FROM riders WHERE id IN (SELECT id FROM ${sel('x_riders')})`)}
    DROP TABLE pg_temp.x_policy_refs;
  `);
}

/** X8, X7, X6: contacts that records name but that are not exported go as stubs. */
function selectStubs(db: Db, sel: SelNames): void {
  const notX = `NOT IN (SELECT id FROM ${sel('x_contacts')})`;
  const ins = (select: string) => `INSERT INTO ${sel('x_stubs')} ${select} ON CONFLICT DO NOTHING;`;
  db.exec(`
    ${ins(`SELECT contact_id FROM policy_parties WHERE policy_id IN (SELECT id FROM ${sel('x_policies')}) AND contact_id ${notX}`)}
    ${ins(`SELECT contact_id FROM case_parties WHERE case_id IN (SELECT id FROM ${sel('x_cases')}) AND contact_id ${notX}`)}
    ${ins(`SELECT contact_id FROM account_parties WHERE account_id IN (SELECT id FROM ${sel('x_accounts')}) AND contact_id ${notX}`)}
    ${ins(`SELECT employee_contact_id FROM employee_census WHERE business_id IN (SELECT id FROM ${sel('x_contacts')}) AND employee_contact_id ${notX}`)}
    DROP TABLE IF EXISTS pg_temp.x_relation_ends;
    CREATE TEMP TABLE x_relation_ends AS SELECT contact_id, related_contact_id FROM key_relations WHERE id IN (SELECT id FROM ${sel('x_relations')});
    ${ins(`SELECT contact_id FROM pg_temp.x_relation_ends WHERE contact_id ${notX}`)}
    ${ins(`SELECT related_contact_id FROM pg_temp.x_relation_ends WHERE related_contact_id ${notX}`)}
    DROP TABLE pg_temp.x_relation_ends;
  `);
}

/** X9: the catalogue records that travel and their owners, table by table, by id. */
function catalogueOf(db: Db, sel: SelNames): SelectionOutcome['catalogue'] {
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

/** How one record type is read: its source table `t`, FROM ... WHERE naming it, extra columns, the id order. */
export interface TypeQuery {
  table: TableName;
  from: string;
  also?: string;
  order: string;
  /** child rows read alongside, by owner */
  children?: (db: Db) => ChildCursor[];
}

/** Rows of a child table by owner, read alongside the owners; `into` is where a record row keeps them. */
interface ChildCursor {
  into: 'parties' | 'riders';
  rows: (ownerId: string) => Row[];
  close: () => void;
}

/** The queries of each record type over the selection tables `sel`. */
function typeQueries(sel: SelNames): Record<RecordType, TypeQuery> {
  const inX = (col: string, x: string): TypeQuery => {
    const [table, column] = col.split('.') as [TableName, string];
    return { table, from: `FROM ${table} t WHERE t.${column} IN (SELECT id FROM ${sel(x)})`, order: 't.id' };
  };
  // Driven by the table of chosen ids, in id order (its primary key): one seek per exported row.
  const own = (x: string, table: TableName): TypeQuery => ({ table, from: `FROM ${sel(x)} x JOIN ${table} t ON t.id = x.id`, order: 'x.id' });

  /** X8: party lists (and a policy's riders), each read alongside its records: rows of one owner in rowid order. */
  const parties = (db: Db, table: TableName, owner: string, x: string): ChildCursor =>
    childCursor(db, 'parties', `SELECT ${columnsOf(table, 'c')} FROM ${sel(x)} x JOIN ${table} c ON c.${owner} = x.id ORDER BY x.id, c.rowid`, owner);

  return {
    activities: inX('activities.contact_id', 'x_contacts'),
    carriers: own('x_carriers', 'carriers'),
    contacts: own('x_contacts', 'contacts'),
    employee_census: inX('employee_census.business_id', 'x_contacts'),
    key_relations: own('x_relations', 'key_relations'),
    letters: {
      ...own('x_letters', 'letters'),
      from: `${own('x_letters', 'letters').from} LEFT JOIN documents d ON d.path = t.document`,
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
      children: (db) => [parties(db, 'account_parties', 'account_id', 'x_accounts')],
    },
    pending_cases: { ...own('x_cases', 'pending_cases'), children: (db) => [parties(db, 'case_parties', 'case_id', 'x_cases')] },
    policies: {
      ...own('x_policies', 'policies'),
      children: (db) => [
        childCursor(
          db,
          'riders',
          `SELECT ${columnsOf('policy_riders', 'r')} FROM ${sel('x_policies')} x JOIN policy_riders r ON r.policy_id = x.id
            WHERE r.rider_id IS NOT NULL ORDER BY x.id, r.rider_id, r.amount NULLS FIRST`,
          'policy_id',
        ),
        parties(db, 'policy_parties', 'policy_id', 'x_policies'),
      ],
    },
  };
}

/** Whether a record file has any record (an empty file is left out of the bag). */
export function hasRecords(db: Db, q: TypeQuery): boolean {
  return db.prepare(`SELECT 1 ${q.from} LIMIT 1`).get() !== undefined;
}

/**
 * The rows of one record type in id order, a batch at a time from a cursor
 * (P1). With `reading.json`, the database writes the record's column fields as
 * JSON text (recordSql) and the row holds only what the caller builds from, as
 * on SQLite. Every column of a business table is text here, so the JSON is
 * always written (SQLite falls back to the whole row for a value that is not
 * text, which this schema cannot hold).
 */
export function* recordBatches(db: Db, type: RecordType, q: TypeQuery, reading: RecordReading, size = BATCH): Generator<RecordRow[]> {
  const children = q.children?.(db) ?? [];
  const withChildren = (r: RecordRow): RecordRow => {
    for (const c of children) r[c.into] = c.rows(r.row.id!);
    return r;
  };
  try {
    if (!reading.json) {
      const stmt = db.prepare(`SELECT ${columnsOf(q.table, 't')}${q.also ? `, ${q.also}` : ''} ${q.from} ORDER BY ${q.order}`);
      for (const rows of stmt.batches(size) as Iterable<Row[]>) yield rows.map((row) => withChildren({ json: undefined, row }));
      return;
    }
    const { cols = [], flags = [], bare = false } = reading.json;
    const columns = [
      `${recordSql(type)} AS ${JSON_COLUMN}`,
      't.id AS id',
      ...cols.map((c) => `t.${c}`),
      ...flags.map((c) => `(t.${c} <> '') AS ${c}`),
      ...(q.also ? [q.also] : []),
    ];
    const NO_ROW: Row = {};
    const stmt = db.prepare(`SELECT ${columns.join(', ')} ${q.from} ORDER BY ${q.order}`);
    for (const rows of stmt.batches(size) as Iterable<(Row & { [JSON_COLUMN]: string })[]>) {
      yield rows.map((row) => (bare ? { json: row[JSON_COLUMN], row: NO_ROW } : withChildren({ json: row[JSON_COLUMN], row })));
    }
  } finally {
    for (const c of children) c.close();
  }
}

/** The rows of recordBatches, one by one. */
export function* recordRows(db: Db, type: RecordType, q: TypeQuery, reading: RecordReading): Generator<RecordRow> {
  for (const batch of recordBatches(db, type, q, reading)) yield* batch;
}

const JSON_COLUMN = 'record_json';

/**
 * SQL for the start of a record's JSON text, `{"ref":...` and its column fields
 * (without the closing brace), as recordBuilder and JSON.stringify make them:
 * fields in schema order, refs from *_id columns, empty values left out.
 * to_json(text) escapes as JSON.stringify does (\" \\ \b \f \n \r \t, other
 * control characters as \u00XX), as SQLite's json_quote.
 */
export function recordSql(type: RecordType): string {
  const spec = SPECS[type];
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const quote = (v: string) => `to_json((${v})::text)::text`;
  const parts = [`${lit('{"ref":')} || ${quote(`${lit(`${spec.prefix}/`)} || t.id`)}`];
  for (const f of spec.fields) {
    const c = `t.${f.column ?? f.name}`;
    const v = f.type === 'ref' ? `${lit(`${f.to!}/`)} || ${c}` : c;
    parts.push(`CASE WHEN ${c} IS NULL OR ${c} = '' THEN '' ELSE ${lit(`,${JSON.stringify(f.name)}:`)} || ${quote(v)} END`);
  }
  return parts.join(' || ');
}

/** Rows of one child table grouped by their owner, read alongside the owners in the same order. */
function childCursor(db: Db, into: ChildCursor['into'], sql: string, key: string): ChildCursor {
  let stmt: PgStatement | undefined;
  let it: Iterator<unknown> | undefined;
  let next: IteratorResult<Row>;
  return {
    into,
    rows: (ownerId) => {
      if (!it) {
        stmt = db.prepare(sql);
        it = stmt.iterate();
        next = it.next() as IteratorResult<Row>;
      }
      const rows: Row[] = [];
      while (!next.done && (next.value[key] as string) < ownerId) next = it.next() as IteratorResult<Row>;
      while (!next.done && next.value[key] === ownerId) {
        rows.push(next.value);
        next = it.next() as IteratorResult<Row>;
      }
      return rows;
    },
    // an owner list that stops early leaves the cursor open: close it
    close: () => void it?.return?.(),
  };
}
