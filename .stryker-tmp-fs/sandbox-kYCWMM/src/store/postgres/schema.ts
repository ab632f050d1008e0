// @ts-nocheck
// Numbered schema migrations of an installation on PostgreSQL. The PostgreSQL
// adapter began at the SQLite schema's version 8, so its migration 1 makes
// that schema whole; from then on a change appends one migration here and one
// in ../sqlite/schema.ts. The version is the one row of officeport_schema.
//
// Types: the installation's values are text (COLLATE "C": byte order, as
// SQLite's BINARY, so that every ORDER BY and dump comes out as on SQLite),
// counters bigint, bytes bytea. Every table carries `rowid`, the order rows
// were written in, as SQLite's implicit rowid: dumps, the retention archive's
// row order (L3), the journals and undo use it. Where SQLite's table has an
// INTEGER PRIMARY KEY (its rowid), rowid is that key.
import crypto from 'node:crypto';
import { TABLES, TABLE_NAMES, hasId, type Table } from '../../domain/model/tables.js';
import type { PgConnection } from './connection.js';

const TEXT = 'text COLLATE "C"';
const ROWID = 'rowid bigserial NOT NULL UNIQUE';

function tableDdl(t: Table): string[] {
  const cols = t.columns.map((c) => {
    let def = `"${c.name}" ${TEXT}`;
    if (c.name === 'id') def += ' PRIMARY KEY';
    else if (c.required) def += ' NOT NULL';
    if (c.ref) def += ` REFERENCES ${c.ref}(id) DEFERRABLE INITIALLY DEFERRED`;
    return def;
  });
  const out = [`CREATE TABLE ${t.name} (${[...cols, ROWID].join(', ')})`];
  for (const c of t.columns) {
    if (c.ref || (c.name.endsWith('_id') && c.name !== 'origin_bundle_id')) {
      out.push(`CREATE INDEX ix_${t.name}_${c.name} ON ${t.name}("${c.name}")`);
    }
  }
  for (const [i, u] of (t.unique ?? []).entries()) {
    out.push(`CREATE UNIQUE INDEX ux_${t.name}_${i} ON ${t.name}(${u.map((k) => `"${k}"`).join(', ')})`);
  }
  if (!hasId(t) && t.key) {
    out.push(`CREATE INDEX ix_${t.name}_key ON ${t.name}(${t.key.map((k) => `"${k}"`).join(', ')})`);
  }
  return out;
}

export type MigrationStep = string | ((db: PgConnection) => void);

/** Migration n brings the schema from version n-1 to n. Never edit one that has shipped. */
export const MIGRATIONS: readonly (readonly MigrationStep[])[] = [
  // 1: the schema of SQLite's version 8, whole.
  [
    ...TABLE_NAMES.flatMap((n) => tableDdl(TABLES[n])),
    `CREATE INDEX ix_contacts_origin ON contacts(origin_ref)`,
    `CREATE TABLE documents (path ${TEXT} PRIMARY KEY, sha256 ${TEXT} NOT NULL, size bigint NOT NULL, content bytea NOT NULL, ${ROWID})`,
    `CREATE TABLE id_sequences (prefix ${TEXT} PRIMARY KEY, next bigint NOT NULL, ${ROWID})`,
    `CREATE TABLE export_ledger (
       bundle_id ${TEXT} PRIMARY KEY, session_id ${TEXT} NOT NULL, office_id ${TEXT} NOT NULL, user_id ${TEXT} NOT NULL,
       target_office ${TEXT} NOT NULL, target_user ${TEXT} NOT NULL, created_at ${TEXT} NOT NULL,
       tagmanifest_sha256 ${TEXT} NOT NULL, file ${TEXT}, counts ${TEXT} NOT NULL, finalized_at ${TEXT},
       receipt_key ${TEXT}, card ${TEXT}, ${ROWID})`,
    `CREATE TABLE export_session_contacts (
       session_id ${TEXT} NOT NULL, office_id ${TEXT} NOT NULL, contact_id ${TEXT} NOT NULL, bundle_id ${TEXT} NOT NULL, ${ROWID},
       PRIMARY KEY (session_id, office_id, contact_id))`,
    `CREATE TABLE transfer_log (
       seq bigserial PRIMARY KEY, at ${TEXT} NOT NULL, action ${TEXT} NOT NULL, bundle_id ${TEXT},
       office_id ${TEXT}, user_id ${TEXT}, summary ${TEXT} NOT NULL, receipt ${TEXT},
       rowid bigint GENERATED ALWAYS AS (seq) STORED)`,
    `CREATE TABLE inbox (
       id ${TEXT} PRIMARY KEY, bundle_id ${TEXT} NOT NULL, office_id ${TEXT} NOT NULL, user_id ${TEXT} NOT NULL,
       session_id ${TEXT} NOT NULL, source_installation ${TEXT} NOT NULL, source_office ${TEXT} NOT NULL,
       tagmanifest_sha256 ${TEXT} NOT NULL, added_at ${TEXT} NOT NULL, status ${TEXT} NOT NULL, content bytea NOT NULL,
       file ${TEXT}, ${ROWID})`,
    `CREATE TABLE import_map (
       source_installation ${TEXT} NOT NULL, source_ref ${TEXT} NOT NULL, office_id ${TEXT} NOT NULL,
       target_table ${TEXT} NOT NULL, target_id ${TEXT} NOT NULL, bundle_id ${TEXT} NOT NULL, outcome ${TEXT} NOT NULL, ${ROWID},
       PRIMARY KEY (source_installation, source_ref, office_id))`,
    `CREATE TABLE pending_relations (
       id bigserial PRIMARY KEY, office_id ${TEXT} NOT NULL, source_installation ${TEXT} NOT NULL,
       session_id ${TEXT} NOT NULL, bundle_id ${TEXT} NOT NULL, record ${TEXT} NOT NULL,
       contact_ref ${TEXT} NOT NULL, related_ref ${TEXT} NOT NULL, kind ${TEXT} NOT NULL DEFAULT 'key_relations',
       rowid bigint GENERATED ALWAYS AS (id) STORED)`,
    `CREATE TABLE realign_journal (
       id bigserial PRIMARY KEY, at ${TEXT} NOT NULL, office_id ${TEXT} NOT NULL, user_id ${TEXT} NOT NULL,
       kind ${TEXT} NOT NULL, local_id ${TEXT} NOT NULL, resource_id ${TEXT} NOT NULL, summary ${TEXT} NOT NULL,
       before ${TEXT} NOT NULL, after ${TEXT} NOT NULL, undone_at ${TEXT}, columns ${TEXT},
       rowid bigint GENERATED ALWAYS AS (id) STORED)`,
    `CREATE TABLE realign_journal_rows (
       entry bigint NOT NULL, tbl ${TEXT} NOT NULL, row_key bigint NOT NULL, before ${TEXT}, after ${TEXT},
       PRIMARY KEY (entry, tbl, row_key))`,
    // G2: the verified copies of the bundles staged in the inbox, 1 MiB a row, so that every machine reaches them
    `CREATE TABLE inbox_copies (name ${TEXT} NOT NULL, seq integer NOT NULL, data bytea NOT NULL, ${ROWID}, PRIMARY KEY (name, seq))`,
    `CREATE TABLE inbox_contacts (
       inbox_id ${TEXT} NOT NULL, ref ${TEXT} NOT NULL, kind ${TEXT} NOT NULL, name ${TEXT} NOT NULL,
       tax_id_masked ${TEXT}, accept_id ${TEXT}, ${ROWID}, PRIMARY KEY (inbox_id, ref))`,
    `CREATE TABLE import_accepts (
       accept_id ${TEXT} PRIMARY KEY, inbox_id ${TEXT} NOT NULL, bundle_id ${TEXT} NOT NULL, office_id ${TEXT} NOT NULL,
       user_id ${TEXT} NOT NULL, at ${TEXT} NOT NULL, receipt ${TEXT} NOT NULL, undone_at ${TEXT}, receipt_file ${TEXT}, ${ROWID})`,
    `CREATE TABLE import_change_sets (
       no bigserial PRIMARY KEY, accept_id ${TEXT} NOT NULL UNIQUE, source_installation ${TEXT}, office_id ${TEXT},
       rowid bigint GENERATED ALWAYS AS (no) STORED)`,
    `CREATE TABLE import_change_rows (
       change_set bigint NOT NULL, seq bigint NOT NULL, tbl ${TEXT} NOT NULL, key ${TEXT} NOT NULL,
       before ${TEXT}, after_hash bytea, PRIMARY KEY (change_set, seq))`,
    `CREATE TABLE import_change_packs (
       change_set bigint NOT NULL, seq bigint NOT NULL, tbl ${TEXT} NOT NULL, n bigint NOT NULL,
       key_cols ${TEXT}, keys ${TEXT} NOT NULL, hashes bytea NOT NULL, ${ROWID})`,
    `CREATE UNIQUE INDEX ux_import_change_packs ON import_change_packs(change_set, seq)`,
    `CREATE TABLE installation_secret (id bigint PRIMARY KEY CHECK (id = 1), secret bytea NOT NULL)`,
    (db) => void db.prepare(`INSERT INTO installation_secret (id, secret) VALUES (1, ?)`).run(crypto.randomBytes(32)),
    `CREATE TABLE export_bundle_refs (bundle_id ${TEXT} NOT NULL, prefix ${TEXT} NOT NULL, seq bigint NOT NULL, ids bytea NOT NULL,
       PRIMARY KEY (bundle_id, prefix, seq))`,
    `CREATE TABLE import_receipts (accept_id ${TEXT} NOT NULL, seq bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY (accept_id, seq))`,
    `CREATE TABLE office_keys (
       office_id ${TEXT} PRIMARY KEY, ed25519_public_pem ${TEXT} NOT NULL, ed25519_private_pem ${TEXT} NOT NULL,
       age_identity ${TEXT} NOT NULL, age_recipient ${TEXT} NOT NULL UNIQUE, fingerprint ${TEXT} NOT NULL UNIQUE, created_at ${TEXT} NOT NULL)`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;
