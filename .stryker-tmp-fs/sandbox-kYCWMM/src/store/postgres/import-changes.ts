// @ts-nocheck
// The change log of an accept (I13), as ../sqlite/import-changes.ts: every row
// an import inserts, updates or deletes goes through ChangeLog, which records
// its key, its before-image and a digest of its after-image, so that `import
// undo` can put it back and can tell whether anything changed it since. One
// import_change_sets row per accept, and per change its number, table, key
// (the bare id for a table with ids, else JSON), before-image and the digest
// as 16 bytes; the rows one statement inserts as packs of up to 1,024
// (logSelected). A row here is its table's own columns, never `rowid`.
import type { Row } from '../../domain/model/row.js';
import {
  digest,
  digestBlob,
  digestSql,
  ID_KEYED,
  jsonArraySql,
  jsonObjectSql,
  keyJson,
  keyOf,
  registerDigest,
  storedKey,
  whereOf,
  type Key,
  type MapScope,
} from './change-keys.js';
import type { Db } from './db.js';

/** A table's own columns (not rowid), in table order, with their type and whether they have a default. */
interface Column {
  name: string;
  type: string;
  dflt: boolean;
}

const tableColumns = new WeakMap<Db, Map<string, Column[]>>();

/** The own columns of a table of the installation (information_schema, once per connection and table). */
export function columnsOfTable(db: Db, table: string): Column[] {
  let m = tableColumns.get(db);
  if (!m) tableColumns.set(db, (m = new Map()));
  let cols = m.get(table);
  if (!cols) {
    const rows = db
      .prepare(
        `SELECT column_name AS name, data_type AS type, column_default IS NOT NULL OR is_identity = 'YES' AS dflt
         FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name != 'rowid'
         ORDER BY ordinal_position`,
      )
      .all(table) as { name: string; type: string; dflt: number }[];
    cols = rows.map((r) => ({ name: r.name, type: r.type, dflt: r.dflt === 1 }));
    m.set(table, cols);
  }
  return cols;
}

/** SELECT *'s place: the table's own columns, quoted. */
function ownColumns(db: Db, table: string): string {
  return columnsOfTable(db, table)
    .map((c) => `"${c.name}"`)
    .join(', ');
}

/** The highest rowid of a table (rows inserted after this point have larger ones). */
export function maxRowid(db: Db, table: string): number {
  return Number(db.prepare(`SELECT coalesce(max(rowid), 0) FROM ${table}`).pluck().get());
}

export function readRow(db: Db, table: string, key: Key): Row | undefined {
  const w = whereOf(key);
  return db.prepare(`SELECT ${ownColumns(db, table)} FROM ${table} WHERE ${w.sql} LIMIT 1`).get(...w.args) as Row | undefined;
}

/** SQL of a row's stored key (see storedKey) from its columns. */
function keySql(table: string, keyCols: readonly string[]): string {
  if (ID_KEYED.has(table) && keyCols.length === 1 && keyCols[0] === 'id') return `"id"`;
  return jsonObjectSql(keyCols);
}

const LOG_COLUMNS = `INSERT INTO import_change_rows (change_set, seq, tbl, key, before, after_hash)`;
/** Changes per row of import_change_packs. */
const PACK = 1024;

/** Writes of one accept, each logged with its key, before-image and after-digest. */
export class ChangeLog {
  private seq = 0;
  /** this accept's number in import_change_sets */
  readonly set: number;
  constructor(
    private db: Db,
    acceptId: string,
  ) {
    this.set = Number(db.prepare(`INSERT INTO import_change_sets (accept_id) VALUES (?) RETURNING no`).pluck().get(acceptId));
  }

  private mapScope: MapScope | undefined;

  /** import_map keys of this source installation and office are stored as the bare source ref from now on. */
  scope(sourceInstallation: string, officeId: string): void {
    this.db.prepare(`UPDATE import_change_sets SET source_installation = ?, office_id = ? WHERE no = ?`).run(sourceInstallation, officeId, this.set);
    this.mapScope = { source_installation: sourceInstallation, office_id: officeId };
  }

  /** SQL of the stored key of an import_map row in scope (see scope()) from the SQL of its source ref. */
  mapKeySql(refSql: string): string {
    const s = this.mapScope;
    if (!s) throw new Error('change log: scope() first');
    const q = (v: string | null) => `'${String(v).replace(/'/g, "''")}'::text`;
    const value: Record<string, string> = { source_installation: q(s.source_installation), source_ref: refSql, office_id: q(s.office_id) };
    return `CASE WHEN substr(${refSql}, 1, 1) = '{' THEN ${jsonObjectSql(Object.keys(value), (c) => value[c]!)} ELSE ${refSql} END`;
  }

  private logOne(table: string, key: Key, before: Row | undefined | null, after: Row | undefined): void {
    this.db
      .prepare(`${LOG_COLUMNS} VALUES (?, ?, ?, ?, ?, ?)`)
      .run(this.set, ++this.seq, table, storedKey(table, key, this.mapScope), before ? JSON.stringify(before) : null, digestBlob(after));
  }

  insert(table: string, row: Record<string, string | number | null | Buffer | undefined>): void {
    const cols = Object.keys(row);
    const names = cols.map((c) => `"${c}"`);
    const values = cols.map(() => '?');
    if (table === 'pending_relations' && !cols.includes('id')) {
      // SQLite numbers a row of an INTEGER PRIMARY KEY one above the highest (as undo leaves it), not from a sequence
      names.unshift(`"id"`);
      values.unshift(`(SELECT coalesce(max(id), 0) + 1 FROM pending_relations)`);
    }
    const id = this.db
      .prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${values.join(', ')}) RETURNING rowid`)
      .pluck()
      .get(...cols.map((c) => row[c] ?? null)) as number;
    const keyRow = table === 'pending_relations' ? { id: Number(id) } : row;
    const key = keyOf(table, keyRow as Row);
    this.logOne(table, key, null, this.insertedRow(table, row) ?? readRow(this.db, table, key));
  }

  private columns = new Map<string, { names: string[]; text: Set<string>; defaults: Set<string> } | null>();

  /**
   * The row just inserted, as reading it back would return it, without reading
   * it: possible when every given value is text (or a blob) in a text (or bytea)
   * column and no omitted column has a default. Otherwise undefined, and the
   * caller reads the row.
   */
  private insertedRow(table: string, row: Record<string, unknown>): Row | undefined {
    let info = this.columns.get(table);
    if (info === undefined) {
      const cols = columnsOfTable(this.db, table);
      info =
        cols.length === 0
          ? null
          : {
              names: cols.map((c) => c.name),
              text: new Set(cols.filter((c) => c.type === 'text' || c.type === 'bytea').map((c) => c.name)),
              defaults: new Set(cols.filter((c) => c.dflt).map((c) => c.name)),
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

  /** Seq numbers for n changes that one statement logs. */
  reserve(n: number): number {
    const first = this.seq + 1;
    this.seq += n;
    return first;
  }

  /**
   * Logs the rows one set-based INSERT added to `table` (those with a rowid
   * above `afterRowid`, in rowid order): their key from `keyCols` and the same
   * digest a row inserted through insert() gets, computed by PostgreSQL.
   */
  logInsertedSince(table: string, afterRowid: number, keyCols: readonly string[]): number {
    const n = this.db.prepare(`SELECT count(*) FROM ${table} WHERE rowid > ?`).pluck().get(afterRowid) as number;
    if (n === 0) return 0;
    const cols = columnsOfTable(this.db, table).map((c) => c.name);
    // the key as the array of its values (named once per pack) unless it is stored as the bare id
    const bare = keySql(table, keyCols) === `"id"`;
    const k = bare ? `"id"` : jsonArraySql(keyCols.map((c) => `"${c}"`));
    const select = (o: string) => `SELECT ${o} AS o, ${k} AS k, ${this.digestOf(cols)} AS h FROM ${table} WHERE rowid > ?`;
    const named = bare ? undefined : keyCols;
    // One statement's rows usually get consecutive rowids, so a row's place is its rowid's distance from the first;
    // otherwise (a sequence ahead of the table's highest rowid) they are numbered in rowid order.
    if (maxRowid(this.db, table) - afterRowid === n) return this.logSelected(table, n, select(`rowid - ${afterRowid} - 1`), [afterRowid], named);
    return this.logSelected(table, n, `SELECT row_number() OVER (ORDER BY o) - 1 AS o, k, h FROM (${select('rowid')}) s`, [afterRowid], named);
  }

  /** SQL of a row's stored digest over `columns`, each given by `value` (its own column unless told). */
  digestOf(columns: readonly string[], value?: (c: string) => string): string {
    registerDigest(this.db);
    return digestSql(columns, value);
  }

  /**
   * Logs inserted rows that `select` lists as (o: place from 0 to span - 1,
   * unique, in the order of the inserts; k: stored key; h: digest SQL from
   * digestOf), e.g. rows about to be inserted from a TEMP table. Reserves `span`
   * seq numbers (places not listed stay unused). With `keyCols`, k is the
   * JSON array (text) of those columns' values instead.
   */
  logSelected(table: string, span: number, select: string, args: readonly unknown[], keyCols?: readonly string[]): number {
    if (span === 0) return 0;
    // Packs of the places o / PACK: entry i of a pack gets seq pack.seq + i, within the pack's own seq numbers
    // (unlisted places only shift later entries of the pack back). Both aggregates take a pack's rows in o's order,
    // so key i and digest i are one row's. A key is a JSON string in the array, a key's array of values an array.
    this.db
      .prepare(
        `INSERT INTO import_change_packs (change_set, seq, tbl, n, key_cols, keys, hashes)
         SELECT ?::bigint, ?::bigint + g * ${PACK}, ?::text, count(*), ?::text,
                '[' || string_agg(${keyCols ? 'k' : `to_json(k::text)::text`}, ',' ORDER BY o) || ']', string_agg(h, ''::bytea ORDER BY o)
         FROM (SELECT CAST(o AS bigint) / ${PACK} AS g, o, k, h FROM (${select}) s0) s1 GROUP BY g ORDER BY g`,
      )
      .run(this.set, this.reserve(span), table, keyCols ? JSON.stringify(keyCols) : null, ...args);
    return span;
  }

  /**
   * Sets `values` on every row of `table` that `where` selects, logging each
   * row's key, before-image and after-digest with one statement (as update()
   * does one row at a time).
   */
  updateWhere(table: string, keyCols: readonly string[], where: string, args: readonly unknown[], values: Record<string, string | null>): number {
    const n = this.db
      .prepare(`SELECT count(*) FROM ${table} WHERE ${where}`)
      .pluck()
      .get(...args) as number;
    if (n === 0) return 0;
    const all = columnsOfTable(this.db, table).map((c) => c.name);
    const set = Object.keys(values);
    const after = this.digestOf(all, (c) => (set.includes(c) ? '?' : `"${c}"`));
    const afterArgs = all
      .filter((c) => c !== 'content' && set.includes(c))
      .sort()
      .map((c) => values[c]);
    this.db
      .prepare(
        `${LOG_COLUMNS}
         SELECT ?::bigint, ?::bigint + row_number() OVER (ORDER BY rowid) - 1, ?::text, ${keySql(table, keyCols)}, ${jsonObjectSql(all)}, ${after}
         FROM ${table} WHERE ${where} ORDER BY rowid`,
      )
      .run(this.set, this.reserve(n), table, ...afterArgs, ...args);
    this.db.prepare(`UPDATE ${table} SET ${set.map((c) => `"${c}" = ?`).join(', ')} WHERE ${where}`).run(...set.map((c) => values[c]), ...args);
    return n;
  }

  update(table: string, key: Key, values: Record<string, string | null>): void {
    const before = readRow(this.db, table, key);
    const cols = Object.keys(values);
    if (cols.length === 0) return;
    const w = whereOf(key);
    this.db.prepare(`UPDATE ${table} SET ${cols.map((c) => `"${c}" = ?`).join(', ')} WHERE ${w.sql}`).run(...cols.map((c) => values[c]), ...w.args);
    this.logOne(table, key, before ?? null, readRow(this.db, table, key));
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
    this.db.prepare(`DELETE FROM ${table} WHERE ${w.sql}`).run(...w.args);
    this.logOne(table, key, before, undefined);
  }
}

export interface LoggedChange {
  seq: number;
  tbl: string;
  /** the key as JSON */
  key: string;
  before: string | null;
  /** digest() of the row after the accept (32 hex digits), null when the accept deleted it */
  after_hash: string | null;
}

/** Rows of import_change_rows read per page, and packs of import_change_packs per page (up to 1,024 changes each); tests make them small. */
export const CHANGE_PAGES = { rows: 1000, packs: 4 };

/**
 * I13: changes of an accept, last first (seq DESC), read page by page: the
 * rows of import_change_rows and the expanded entries of import_change_packs
 * (a pack's entry i is change p.seq + i) merged by seq, so that memory does not
 * grow with the size of the accept. Each page is its own query, so the caller
 * may write to the database (other than the change log) between changes.
 */
export function* changesDesc(db: Db, acceptId: string): Generator<LoggedChange> {
  const set = db.prepare(`SELECT no, source_installation, office_id FROM import_change_sets WHERE accept_id = ?`).get(acceptId) as
    ({ no: number } & MapScope) | undefined;
  if (!set) return;
  const scope: MapScope = { source_installation: set.source_installation, office_id: set.office_id };
  const rows = rowsDesc(db, set.no, scope);
  const packs = packEntriesDesc(db, set.no, acceptId, scope);
  let r = rows.next();
  let p = packs.next();
  while (!r.done || !p.done) {
    if (p.done || (!r.done && r.value.seq > p.value.seq)) {
      yield r.value as LoggedChange;
      r = rows.next();
    } else {
      yield p.value;
      p = packs.next();
    }
  }
}

function* rowsDesc(db: Db, set: number, scope: MapScope): Generator<LoggedChange> {
  const page = db.prepare(
    `SELECT seq, tbl, key, before, encode(after_hash, 'hex') AS after_hash
     FROM import_change_rows WHERE change_set = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
  );
  let below = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const size = CHANGE_PAGES.rows;
    const rows = page.all(set, below, size) as LoggedChange[];
    yield* together(rows.map((r) => ({ ...r, key: keyJson(r.tbl, r.key, scope) })));
    if (rows.length < size) return;
    below = rows[rows.length - 1]!.seq;
  }
}

function* packEntriesDesc(db: Db, set: number, acceptId: string, scope: MapScope): Generator<LoggedChange> {
  const page = db.prepare(
    `SELECT seq, tbl, n, key_cols, keys, hashes FROM import_change_packs
     WHERE change_set = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
  );
  let below = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const size = CHANGE_PAGES.packs;
    const packs = page.all(set, below, size) as { seq: number; tbl: string; n: number; key_cols: string | null; keys: string; hashes: Buffer }[];
    for (const p of packs) {
      const keys = JSON.parse(p.keys) as (string | unknown[])[];
      if (keys.length !== p.n || p.hashes.length !== 16 * p.n) throw new Error(`change log: pack ${p.seq} of ${acceptId} is damaged`);
      const cols = p.key_cols === null ? undefined : (JSON.parse(p.key_cols) as string[]);
      const entries: LoggedChange[] = [];
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const after_hash = p.hashes.subarray(16 * i, 16 * i + 16).toString('hex');
        const key = cols ? JSON.stringify(Object.fromEntries(cols.map((c, j) => [c, (k as unknown[])[j]]))) : keyJson(p.tbl, k as string, scope);
        entries.push({ seq: p.seq + i, tbl: p.tbl, key, before: null, after_hash });
      }
      yield* together(entries);
    }
    if (packs.length < size) return;
    below = packs[packs.length - 1]!.seq;
  }
}

/**
 * The changes changesDesc read with one query (a page of rows, a pack): isIntact
 * reads the rows of all of them at once, a query per table and key shape
 * instead of one per change (a round trip each: undo's first pass was most of
 * its time). What it read holds until revertChange writes (the generation).
 */
const pageOf = new WeakMap<LoggedChange, LoggedChange[]>();
const pageDigests = new WeakMap<LoggedChange[], { generation: number; digests: Map<string, string | null> }>();
const generations = new WeakMap<Db, number>();

function* together(changes: LoggedChange[]): Generator<LoggedChange> {
  for (const c of changes) {
    pageOf.set(c, changes);
    yield c;
  }
}

/** Current digests of the rows a page of changes names (those without a NULL in their key), by table and key. */
function digestsOf(db: Db, page: LoggedChange[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const groups = new Map<string, { tbl: string; cols: string[]; keys: Map<string, Key> }>();
  for (const c of page) {
    const key = JSON.parse(c.key) as Key;
    const cols = Object.keys(key);
    if (cols.length === 0 || cols.some((k) => key[k] === null)) continue;
    const shape = `${c.tbl}\u0000${cols.join(',')}`;
    let g = groups.get(shape);
    if (!g) groups.set(shape, (g = { tbl: c.tbl, cols, keys: new Map() }));
    g.keys.set(c.key, key);
  }
  for (const { tbl, cols, keys } of groups.values()) {
    const types = new Map(columnsOfTable(db, tbl).map((c) => [c.name, c.type]));
    if (cols.some((c) => !types.has(c))) continue;
    const arrays = cols.map((c) => [...keys.values()].map((k) => k[c]));
    const where =
      cols.length === 1
        ? `"${cols[0]}" = ANY(?::${types.get(cols[0]!)}[])`
        : `(${cols.map((c) => `"${c}"`).join(', ')}) IN (SELECT * FROM unnest(${cols.map((c) => `?::${types.get(c)}[]`).join(', ')}))`;
    const found = new Map<string, Row>();
    for (const row of db.prepare(`SELECT ${ownColumns(db, tbl)} FROM ${tbl} WHERE ${where}`).all(arrays) as Row[]) {
      found.set(JSON.stringify(cols.map((c) => row[c] ?? null)), row);
    }
    for (const [json, key] of keys) out.set(`${tbl}\u0000${json}`, digest(found.get(JSON.stringify(cols.map((c) => key[c])))));
  }
  return out;
}

/** I13: whether the row of a logged change is still as the accept left it. */
export function isIntact(db: Db, c: LoggedChange): boolean {
  const page = pageOf.get(c);
  if (page) {
    const generation = generations.get(db) ?? 0;
    let read = pageDigests.get(page);
    if (!read || read.generation !== generation) pageDigests.set(page, (read = { generation, digests: digestsOf(db, page) }));
    const d = read.digests.get(`${c.tbl}\u0000${c.key}`);
    if (d !== undefined) return d === c.after_hash;
  }
  return digest(readRow(db, c.tbl, JSON.parse(c.key) as Key)) === c.after_hash;
}

/** I13: changes of an accept, last first, each with whether the row is still as the accept left it (all in memory: small accepts and tests). */
export function changesOf(db: Db, acceptId: string): (LoggedChange & { intact: boolean })[] {
  const out: (LoggedChange & { intact: boolean })[] = [];
  for (const c of changesDesc(db, acceptId)) out.push({ ...c, intact: isIntact(db, c) });
  return out;
}

/** I13: put one logged row back as it was before the accept. */
export function revertChange(db: Db, c: LoggedChange): void {
  generations.set(db, (generations.get(db) ?? 0) + 1);
  const key = JSON.parse(c.key) as Key;
  const w = whereOf(key);
  if (c.before === null) {
    db.prepare(`DELETE FROM ${c.tbl} WHERE ${w.sql}`).run(...w.args);
    return;
  }
  const exists = readRow(db, c.tbl, key) !== undefined;
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

/** Marks the contacts accepted now as taken by this accept, and the inbox entry accepted or partly accepted (through the change log). */
export function markAccepted(db: Db, log: ChangeLog, inboxId: string, acceptId: string): void {
  log.updateWhere('inbox_contacts', ['inbox_id', 'ref'], `inbox_id = ? AND ref IN (SELECT ref FROM imp_bundle_contacts WHERE state = 'now')`, [inboxId], {
    accept_id: acceptId,
  });
  const left = db.prepare(`SELECT count(*) FROM inbox_contacts WHERE inbox_id = ? AND accept_id IS NULL`).pluck().get(inboxId) as number;
  log.update('inbox', { id: inboxId }, { status: left === 0 ? 'accepted' : 'partial' });
}
