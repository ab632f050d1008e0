// @ts-nocheck
// Keys and digests of the import change log (I13), as ../sqlite/change-keys.ts:
// which columns key a row, how a key is stored (the bare id of a table with
// ids, the bare source ref of an import_map row within the accept's source and
// office, JSON otherwise) and the digest of a row, in JavaScript and in SQL.
// The SQL digest hashes the very text the JavaScript one hashes, so that undo
// (which digests the rows it reads in JavaScript) finds a row as the accept
// left it whichever side logged it.
import { fingerprintRow } from '../../domain/reconcile.js';
import type { Row } from '../../domain/model/row.js';
import type { Db } from './db.js';
import { TABLES, TABLE_NAMES, hasId, type TableName } from '../../domain/model/tables.js';

export type Key = Record<string, string | number | null>;

/** Key columns of the tables an import writes. */
export function keyColumns(table: string, row: Row): string[] {
  if (table === 'import_map') return ['source_installation', 'source_ref', 'office_id'];
  if (table === 'documents') return ['path'];
  if (table === 'inbox_contacts') return ['inbox_id', 'ref'];
  if (table === 'pending_relations') return ['id'];
  const t = TABLES[table as TableName];
  if (t && hasId(t)) return ['id'];
  return Object.keys(row);
}

export function keyOf(table: string, row: Row): Key {
  return Object.fromEntries(keyColumns(table, row).map((c) => [c, row[c] ?? null]));
}

/**
 * SQLite's `"c" IS ?` for each key column: `= ?` for a value, `IS NULL` for none
 * (PostgreSQL's IS NOT DISTINCT FROM would not use the key's index). Only the
 * values are arguments.
 */
export function whereOf(key: Key): { sql: string; args: (string | number | null)[] } {
  const cols = Object.keys(key);
  return {
    sql: cols.map((c) => (key[c] === null ? `"${c}" IS NULL` : `"${c}" = ?`)).join(' AND '),
    args: cols.filter((c) => key[c] !== null).map((c) => key[c]!),
  };
}

/** A row's digest for the change log; blobs count by their sha256 column, not their bytes. */
export function digest(row: Row | undefined): string | null {
  if (!row) return null;
  const { content: _content, ...rest } = row as Record<string, unknown>;
  return fingerprintRow(rest as Row);
}

/** digest() as stored: the 16 bytes its 32 hex digits stand for. */
export function digestBlob(row: Row | undefined): Buffer | null {
  const d = digest(row);
  return d === null ? null : Buffer.from(d, 'hex');
}

/** Tables whose rows are keyed by their id alone (the business tables with ids), as ../sqlite/schema.ts's ID_KEYED_TABLES. */
export const ID_KEYED = new Set<string>(TABLE_NAMES.filter((n) => hasId(TABLES[n])));

/** Source installation and office of an accept's import_map rows (their keys are stored as the bare source ref). */
export interface MapScope {
  source_installation: string | null;
  office_id: string | null;
}

/** A key as stored: the bare id for a table with ids, the bare source ref of an import_map row in the scope, else its JSON. */
export function storedKey(table: string, key: Key, scope?: MapScope): string {
  if (table === 'import_map' && scope && isScoped(key, scope)) return key.source_ref as string;
  if (!ID_KEYED.has(table)) return JSON.stringify(key);
  const cols = Object.keys(key);
  if (cols.length !== 1 || typeof key.id !== 'string') throw new Error(`change log: ${table} rows are keyed by their id alone, not ${JSON.stringify(key)}`);
  return key.id;
}

function isScoped(key: Key, scope: MapScope): boolean {
  const ref = key.source_ref;
  return (
    Object.keys(key).length === 3 &&
    typeof ref === 'string' &&
    !ref.startsWith('{') &&
    key.source_installation === scope.source_installation &&
    key.office_id === scope.office_id
  );
}

/** The JSON of a stored key, as changesOf() reports it. */
export function keyJson(table: string, stored: string, scope: MapScope): string {
  if (table === 'import_map' && !stored.startsWith('{')) {
    return JSON.stringify({ source_installation: scope.source_installation, source_ref: stored, office_id: scope.office_id });
  }
  return ID_KEYED.has(table) ? JSON.stringify({ id: stored }) : stored;
}

/**
 * JSON.stringify() of a value, in SQL: to_json's text writes a string with the
 * escapes JSON.stringify writes (\" \\ \b \f \n \r \t, other control characters
 * as \u00xx in lower case, everything else as it is), a number as its digits.
 */
export function jsonValueSql(sql: string): string {
  return `coalesce(to_json(${sql})::text, 'null')`;
}

/** JSON.stringify([v1, v2, ...]) in SQL (json_build_array's text has spaces after the commas; this has none, as SQLite's json_array). */
export function jsonArraySql(values: readonly string[]): string {
  if (values.length === 0) return `'[]'`;
  return `'[' || ${values.map(jsonValueSql).join(` || ',' || `)} || ']'`;
}

/** JSON.stringify({c1: v1, ...}) in SQL, compact as SQLite's json_object(). */
export function jsonObjectSql(columns: readonly string[], value: (c: string) => string = (c) => `"${c}"`): string {
  if (columns.length === 0) return `'{}'`;
  return `'{' || ${columns.map((c, i) => `'${i === 0 ? '' : ','}${JSON.stringify(c)}:' || ${jsonValueSql(value(c))}`).join(' || ')} || '}'`;
}

const withDigest = new WeakSet<Db>();

/**
 * pg_temp.imp_sha(text): the hash fingerprintRow() takes of a row's canonical
 * JSON (sha256 of its UTF-8 bytes, the first 32 hex digits), as the SQLite
 * adapter's JavaScript function imp_sha gives it. A function of this session's
 * own schema: made once per connection, outside a transaction when it can be
 * (made inside one, a rollback takes it away, so it is made again next time).
 */
export function registerDigest(db: Db): void {
  if (withDigest.has(db)) return;
  db.exec(
    `CREATE OR REPLACE FUNCTION pg_temp.imp_sha(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
     AS $$ SELECT substr(encode(sha256(convert_to($1, 'UTF8')), 'hex'), 1, 32) $$`,
  );
  if (!db.inTransaction) withDigest.add(db);
}

/**
 * SQL giving digest() of a row as 16 bytes: fingerprintRow() hashes
 * JSON.stringify([[column, value], ...]) over the sorted column names, and
 * jsonArraySql writes exactly that text. `value(c)` gives the SQL of a
 * column's value ("c" itself unless it is being set); a value other than the
 * column itself is text (ids, refs, set strings: every caller's is), so it is
 * cast to text, as a bare literal or parameter has no type of its own here.
 */
export function digestSql(columns: readonly string[], value?: (c: string) => string): string {
  const sorted = columns.filter((c) => c !== 'content').sort();
  const v = (c: string) => {
    const sql = value ? value(c) : `"${c}"`;
    return sql === `"${c}"` ? sql : `(${sql})::text`;
  };
  return `decode(pg_temp.imp_sha('[' || ${sorted.length === 0 ? `''` : sorted.map((c) => `'[${JSON.stringify(c)},' || ${jsonValueSql(v(c))} || ']'`).join(` || ',' || `)} || ']'), 'hex')`;
}
