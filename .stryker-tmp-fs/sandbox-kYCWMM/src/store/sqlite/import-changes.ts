// @ts-nocheck
// The change log of an accept (I13): every row an import inserts, updates or
// deletes goes through ChangeLog, which records its key, its before-image and
// a digest of its after-image, so that `import undo` can put it back and can
// tell whether anything changed it since. Stored lean (schema migration 3): one
// import_change_sets row per accept, and per change its number, table, key (the
// bare id for a table with ids, else JSON), before-image and the digest as 16 bytes;
// the rows one statement inserts as packs of up to 1,024 (migration 4, logSelected).
import type { Row } from '../../domain/model/row.js';
import { digest, digestBlob, digestSql, ID_KEYED, keyJson, keyOf, registerDigest, storedKey, whereOf, type Key, type MapScope } from './change-keys.js';
import type { Db } from './db.js';
import { cached, type Statement } from './import-store.js';

/** The highest rowid of a table (rows inserted after this point have larger ones). */
export function maxRowid(db: Db, table: string): number {
  return Number(db.prepare(`SELECT coalesce(max(rowid), 0) FROM ${table}`).pluck().get());
}

export function readRow(db: Db, table: string, key: Key): Row | undefined {
  const w = whereOf(key);
  return cached(db, `SELECT * FROM ${table} WHERE ${w.sql} LIMIT 1`).get(...w.args) as Row | undefined;
}

/** SQL of a row's stored key (see storedKey) from its columns. */
function keySql(table: string, keyCols: readonly string[]): string {
  if (ID_KEYED.has(table) && keyCols.length === 1 && keyCols[0] === 'id') return `"id"`;
  return `json_object(${keyCols.map((c) => `'${c}', "${c}"`).join(', ')})`;
}

const LOG_COLUMNS = `INSERT INTO import_change_rows (change_set, seq, tbl, key, before, after_hash)`;
/** Changes per row of import_change_packs (schema migration 4). */
const PACK = 1024;

/** Writes of one accept, each logged with its key, before-image and after-digest. */
export class ChangeLog {
  private seq = 0;
  private log;
  private inserts = new Map<string, Statement>();
  /** this accept's number in import_change_sets */
  readonly set: number;
  constructor(
    private db: Db,
    acceptId: string,
  ) {
    this.set = Number(db.prepare(`INSERT INTO import_change_sets (accept_id) VALUES (?)`).run(acceptId).lastInsertRowid);
    this.log = db.prepare(`${LOG_COLUMNS} VALUES (?, ?, ?, ?, ?, ?)`);
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
    const q = (v: string | null) => `'${String(v).replace(/'/g, "''")}'`;
    return `CASE WHEN substr(${refSql}, 1, 1) = '{' THEN json_object('source_installation', ${q(s.source_installation)}, 'source_ref', ${refSql}, 'office_id', ${q(s.office_id)}) ELSE ${refSql} END`;
  }

  private logOne(table: string, key: Key, before: Row | undefined | null, after: Row | undefined): void {
    this.log.run(this.set, ++this.seq, table, storedKey(table, key, this.mapScope), before ? JSON.stringify(before) : null, digestBlob(after));
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
    this.logOne(table, key, null, this.insertedRow(table, row) ?? readRow(this.db, table, key));
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
      const cols = this.db.prepare(`SELECT name, type, dflt_value, pk FROM pragma_table_info(?)`).all(table) as {
        name: string;
        type: string;
        dflt_value: unknown;
        pk: number;
      }[];
      const integerKey = cols.some((c) => c.pk > 0 && c.type.toUpperCase() === 'INTEGER');
      info =
        cols.length === 0 || integerKey
          ? null
          : {
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

  /** Seq numbers for n changes that one statement logs. */
  reserve(n: number): number {
    const first = this.seq + 1;
    this.seq += n;
    return first;
  }

  /**
   * Logs the rows one set-based INSERT added to `table` (those with a rowid
   * above `afterRowid`, in rowid order): their key from `keyCols` and the same
   * digest a row inserted through insert() gets, computed inside SQLite.
   */
  logInsertedSince(table: string, afterRowid: number, keyCols: readonly string[]): number {
    const n = this.db.prepare(`SELECT count(*) FROM ${table} WHERE rowid > ?`).pluck().get(afterRowid) as number;
    if (n === 0) return 0;
    const cols = this.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
    // the key as the array of its values (named once per pack) unless it is stored as the bare id
    const bare = keySql(table, keyCols) === `"id"`;
    const k = bare ? `"id"` : `json_array(${keyCols.map((c) => `"${c}"`).join(', ')})`;
    const select = (o: string) => `SELECT ${o} AS o, ${k} AS k, ${this.digestOf(cols)} AS h FROM ${table} WHERE rowid > ?`;
    const named = bare ? undefined : keyCols;
    // One statement's rows get consecutive rowids (max + 1 each), so a row's place is its rowid's distance from the first;
    // the window function that numbered them otherwise cost about 1 us a row.
    if (maxRowid(this.db, table) - afterRowid === n) return this.logSelected(table, n, select(`rowid - ${afterRowid} - 1`), [afterRowid], named);
    return this.logSelected(table, n, `SELECT row_number() OVER (ORDER BY o) - 1 AS o, k, h FROM (${select('rowid')})`, [afterRowid], named);
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
   * json_array() of those columns' values instead.
   */
  logSelected(table: string, span: number, select: string, args: readonly unknown[], keyCols?: readonly string[]): number {
    if (span === 0) return 0;
    // Packs of the places o / PACK: entry i of a pack gets seq pack.seq + i, within the pack's own seq numbers
    // (unlisted places only shift later entries of the pack back; o may come bound as a real).
    // Both aggregates take the rows of a group in the same order, so key i and digest i are one row's; that order
    // (o's, in practice) is not forced with ORDER BY: sorting every pack twice cost ~0.7 us a row, and the order
    // of one table's inserted rows among themselves does not matter to undo (it deletes them all).
    // `|| ''` keeps a stored key that is JSON text a string in the array; json(k) makes an array of values one
    // (the subquery loses json_array()'s JSON subtype).
    this.db
      .prepare(
        `INSERT INTO import_change_packs (change_set, seq, tbl, n, key_cols, keys, hashes)
         SELECT ?, ? + g * ${PACK}, ?, count(*), ?, json_group_array(${keyCols ? 'json(k)' : `k || ''`}), unhex(group_concat(hex(h), ''))
         FROM (SELECT CAST(o AS INTEGER) / ${PACK} AS g, k, h FROM (${select})) GROUP BY g ORDER BY g`,
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
    const all = this.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
    const set = Object.keys(values);
    const obj = (cs: readonly string[]) => `json_object(${cs.map((c) => `'${c}', "${c}"`).join(', ')})`;
    const after = this.digestOf(all, (c) => (set.includes(c) ? '?' : `"${c}"`));
    const afterArgs = all
      .filter((c) => c !== 'content' && set.includes(c))
      .sort()
      .map((c) => values[c]);
    this.db
      .prepare(
        `${LOG_COLUMNS}
         SELECT ?, ? + row_number() OVER (ORDER BY rowid) - 1, ?, ${keySql(table, keyCols)}, ${obj(all)}, ${after}
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
    cached(this.db, `UPDATE ${table} SET ${cols.map((c) => `"${c}" = ?`).join(', ')} WHERE ${w.sql}`).run(...cols.map((c) => values[c]), ...w.args);
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
    cached(this.db, `DELETE FROM ${table} WHERE ${w.sql}`).run(...w.args);
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
  const page = cached(
    db,
    `SELECT seq, tbl, key, before, CASE WHEN after_hash IS NOT NULL THEN lower(hex(after_hash)) END AS after_hash
     FROM import_change_rows WHERE change_set = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
  );
  let below = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const size = CHANGE_PAGES.rows;
    const rows = page.all(set, below, size) as LoggedChange[];
    for (const r of rows) yield { ...r, key: keyJson(r.tbl, r.key, scope) };
    if (rows.length < size) return;
    below = rows[rows.length - 1]!.seq;
  }
}

function* packEntriesDesc(db: Db, set: number, acceptId: string, scope: MapScope): Generator<LoggedChange> {
  const page = cached(
    db,
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
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const after_hash = p.hashes.subarray(16 * i, 16 * i + 16).toString('hex');
        const key = cols ? JSON.stringify(Object.fromEntries(cols.map((c, j) => [c, (k as unknown[])[j]]))) : keyJson(p.tbl, k as string, scope);
        yield { seq: p.seq + i, tbl: p.tbl, key, before: null, after_hash };
      }
    }
    if (packs.length < size) return;
    below = packs[packs.length - 1]!.seq;
  }
}

/** I13: whether the row of a logged change is still as the accept left it. */
export function isIntact(db: Db, c: LoggedChange): boolean {
  return digest(readRow(db, c.tbl, JSON.parse(c.key) as Key)) === c.after_hash;
}

/** I13: changes of an accept, last first, each with whether the row is still as the accept left it (all in memory: small accepts and tests). */
export function changesOf(db: Db, acceptId: string): (LoggedChange & { intact: boolean })[] {
  const out: (LoggedChange & { intact: boolean })[] = [];
  for (const c of changesDesc(db, acceptId)) out.push({ ...c, intact: isIntact(db, c) });
  return out;
}

/** I13: put one logged row back as it was before the accept (statements prepared once per table and key/column shape). */
export function revertChange(db: Db, c: LoggedChange): void {
  const key = JSON.parse(c.key) as Key;
  const w = whereOf(key);
  if (c.before === null) {
    cached(db, `DELETE FROM ${c.tbl} WHERE ${w.sql}`).run(...w.args);
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
    cached(db, `UPDATE ${c.tbl} SET ${cols.map((x) => `"${x}" = ?`).join(', ')} WHERE ${w.sql}`).run(...cols.map((x) => before[x] as string | null), ...w.args);
    return;
  }
  cached(db, `INSERT INTO ${c.tbl} (${cols.map((x) => `"${x}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
    ...cols.map((x) => before[x] as string | null),
  );
}

/** Marks the contacts accepted now as taken by this accept, and the inbox entry accepted or partly accepted (through the change log). */
export function markAccepted(db: Db, log: ChangeLog, inboxId: string, acceptId: string): void {
  log.updateWhere('inbox_contacts', ['inbox_id', 'ref'], `inbox_id = ? AND ref IN (SELECT ref FROM temp.imp_bundle_contacts WHERE state = 'now')`, [inboxId], {
    accept_id: acceptId,
  });
  const left = db.prepare(`SELECT count(*) FROM inbox_contacts WHERE inbox_id = ? AND accept_id IS NULL`).pluck().get(inboxId) as number;
  log.update('inbox', { id: inboxId }, { status: left === 0 ? 'accepted' : 'partial' });
}
