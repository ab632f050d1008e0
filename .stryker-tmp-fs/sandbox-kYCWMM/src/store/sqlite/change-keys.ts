// @ts-nocheck
// Keys and digests of the import change log (I13): which columns key a row,
// how a key is stored (schema migration 3: the bare id of a table with ids,
// the bare source ref of an import_map row within the accept's source and
// office, JSON otherwise) and the digest of a row, in JavaScript and in SQL.
import crypto from 'node:crypto';
import { fingerprintRow } from '../../domain/reconcile.js';
import type { Row } from '../../domain/model/row.js';
import type { Db } from './db.js';
import { ID_KEYED_TABLES } from './schema.js';
import { TABLES, hasId, type TableName } from '../../domain/model/tables.js';

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

export function whereOf(key: Key): { sql: string; args: (string | number | null)[] } {
  const cols = Object.keys(key);
  return { sql: cols.map((c) => `"${c}" IS ?`).join(' AND '), args: cols.map((c) => key[c]!) };
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

export const ID_KEYED = new Set(ID_KEYED_TABLES);

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

const withDigest = new WeakSet<Db>();

/** imp_sha(text): the hash fingerprintRow() takes of a row's canonical JSON, as 16 bytes (its first 32 hex digits). */
export function registerDigest(db: Db): void {
  if (withDigest.has(db)) return;
  // hex from JavaScript and unhex() in SQLite: about 0.7 us a row less than returning a Buffer
  db.function('imp_sha', { deterministic: true }, (canon: unknown) => crypto.hash('sha256', canon as string, 'hex').slice(0, 32));
  withDigest.add(db);
}

/**
 * SQL giving digest() of a row without leaving SQLite but for the hash:
 * fingerprintRow() hashes JSON.stringify([[column, value], ...]) over the sorted
 * column names, and SQLite's json_array writes exactly that text (checked for
 * every character up to U+07FF, astral ones, U+2028/9 and NUL). `value(c)`
 * gives the SQL of a column's value ("c" itself unless it is being set).
 */
export function digestSql(columns: readonly string[], value: (c: string) => string = (c) => `"${c}"`): string {
  const sorted = columns.filter((c) => c !== 'content').sort();
  return `unhex(imp_sha(json_array(${sorted.map((c) => `json_array('${c}', ${value(c)})`).join(', ')})))`;
}
