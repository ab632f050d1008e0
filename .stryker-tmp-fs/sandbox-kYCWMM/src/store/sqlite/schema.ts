// @ts-nocheck
// Numbered schema migrations. Every command opens the installation through
// openInstallation(), which applies the missing ones in one transaction each.
import { TABLES, TABLE_NAMES, hasId, type Table } from '../../domain/model/tables.js';

function tableDdl(t: Table): string[] {
  const cols = t.columns.map((c) => {
    let def = `"${c.name}" TEXT`;
    if (c.name === 'id') def += ' PRIMARY KEY';
    else if (c.required) def += ' NOT NULL';
    if (c.ref) def += ` REFERENCES ${c.ref}(id) DEFERRABLE INITIALLY DEFERRED`;
    return def;
  });
  const out = [`CREATE TABLE ${t.name} (${cols.join(', ')})`];
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

/** Tables whose change-log key is their id alone (stored bare from migration 3 on). */
export const ID_KEYED_TABLES: readonly string[] = TABLE_NAMES.filter((n) => hasId(TABLES[n]));
const ID_TABLES = ID_KEYED_TABLES.map((n) => `'${n}'`).join(', ');

/** Migration n brings the schema from version n-1 to n. Never edit one that has shipped. */
export const MIGRATIONS: readonly (readonly string[])[] = [
  // 1: the office data tables and the installation's own bookkeeping.
  [
    ...TABLE_NAMES.flatMap((n) => tableDdl(TABLES[n])),
    `CREATE INDEX ix_contacts_origin ON contacts(origin_ref)`,
    // Letter attachments, by the path letters.csv names (relative to documents/).
    `CREATE TABLE documents (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL, content BLOB NOT NULL)`,
    // New ids for records this installation creates: prefix plus counter.
    `CREATE TABLE id_sequences (prefix TEXT PRIMARY KEY, next INTEGER NOT NULL)`,
    // X11: every bundle an office exported.
    `CREATE TABLE export_ledger (
       bundle_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, office_id TEXT NOT NULL, user_id TEXT NOT NULL,
       target_office TEXT NOT NULL, target_user TEXT NOT NULL, created_at TEXT NOT NULL,
       tagmanifest_sha256 TEXT NOT NULL, file TEXT, counts TEXT NOT NULL, finalized_at TEXT)`,
    // X6: contact refs exported per session, so later bundles of a session can keep relations.
    `CREATE TABLE export_session_contacts (
       session_id TEXT NOT NULL, office_id TEXT NOT NULL, contact_id TEXT NOT NULL, bundle_id TEXT NOT NULL,
       PRIMARY KEY (session_id, office_id, contact_id))`,
    // I10 and M: one row per import, finalize, undo, export.
    `CREATE TABLE transfer_log (
       seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, action TEXT NOT NULL, bundle_id TEXT,
       office_id TEXT, user_id TEXT, summary TEXT NOT NULL, receipt TEXT)`,
    // I2: staged bundles.
    `CREATE TABLE inbox (
       id TEXT PRIMARY KEY, bundle_id TEXT NOT NULL, office_id TEXT NOT NULL, user_id TEXT NOT NULL,
       session_id TEXT NOT NULL, source_installation TEXT NOT NULL, source_office TEXT NOT NULL,
       tagmanifest_sha256 TEXT NOT NULL, added_at TEXT NOT NULL, status TEXT NOT NULL, content BLOB NOT NULL)`,
    // I3(1), I5(1), I11, I13: what each import made of each source record.
    `CREATE TABLE import_map (
       source_installation TEXT NOT NULL, source_ref TEXT NOT NULL, office_id TEXT NOT NULL,
       target_table TEXT NOT NULL, target_id TEXT NOT NULL, bundle_id TEXT NOT NULL, outcome TEXT NOT NULL,
       PRIMARY KEY (source_installation, source_ref, office_id))`,
    `CREATE INDEX ix_import_map_target ON import_map(target_table, target_id)`,
    // I6: relations waiting for their other contact's bundle of the same session.
    `CREATE TABLE pending_relations (
       id INTEGER PRIMARY KEY AUTOINCREMENT, office_id TEXT NOT NULL, source_installation TEXT NOT NULL,
       session_id TEXT NOT NULL, bundle_id TEXT NOT NULL, record TEXT NOT NULL,
       contact_ref TEXT NOT NULL, related_ref TEXT NOT NULL)`,
    // R10: realignment journal, with the rows as they were before.
    `CREATE TABLE realign_journal (
       id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, office_id TEXT NOT NULL, user_id TEXT NOT NULL,
       kind TEXT NOT NULL, local_id TEXT NOT NULL, resource_id TEXT NOT NULL, summary TEXT NOT NULL,
       before TEXT NOT NULL, after TEXT NOT NULL, undone_at TEXT)`,
  ],
  // 2: import bookkeeping (I2, I9, I13): staged bundle files, their contacts
  // and what each accept changed, so that it can be undone.
  [
    `ALTER TABLE inbox ADD COLUMN file TEXT`,
    `CREATE TABLE inbox_contacts (
       inbox_id TEXT NOT NULL, ref TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
       tax_id_masked TEXT, accept_id TEXT, PRIMARY KEY (inbox_id, ref))`,
    `CREATE TABLE import_accepts (
       accept_id TEXT PRIMARY KEY, inbox_id TEXT NOT NULL, bundle_id TEXT NOT NULL, office_id TEXT NOT NULL,
       user_id TEXT NOT NULL, at TEXT NOT NULL, receipt TEXT NOT NULL, undone_at TEXT)`,
    // One row per row an accept inserted, updated or deleted: key, before-image, digest of the after-image.
    `CREATE TABLE import_changes (
       accept_id TEXT NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL,
       before TEXT, after_hash TEXT, PRIMARY KEY (accept_id, seq))`,
  ],
  // 3: a leaner change log and import_map (P2: they were three quarters of the
  // bytes an import wrote). One row per accept in import_change_sets; the
  // changes keyed by its number, without a separate index (WITHOUT ROWID), the
  // digest as 16 bytes, the key of a table with an id as the bare id and that
  // of an import_map row of the accept's source and office as the bare source ref.
  // import_map keeps its columns and key but no rowid and no index by target
  // (nothing looks rows up by target). Existing logs move over unchanged in meaning.
  [
    // source_installation and office_id: those of the accept's import_map rows, whose keys are then stored as the bare source ref
    `CREATE TABLE import_change_sets (no INTEGER PRIMARY KEY, accept_id TEXT NOT NULL UNIQUE, source_installation TEXT, office_id TEXT)`,
    `CREATE TABLE import_change_rows (
       change_set INTEGER NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL,
       before TEXT, after_hash BLOB, PRIMARY KEY (change_set, seq)) WITHOUT ROWID`,
    `INSERT INTO import_change_sets (accept_id) SELECT DISTINCT accept_id FROM import_changes ORDER BY accept_id`,
    `INSERT INTO import_change_rows (change_set, seq, tbl, key, before, after_hash)
     SELECT s.no, c.seq, c.tbl,
            CASE WHEN c.tbl IN (${ID_TABLES}) THEN json_extract(c.key, '$.id') ELSE c.key END,
            c.before, unhex(c.after_hash)
     FROM import_changes c JOIN import_change_sets s ON s.accept_id = c.accept_id`,
    `DROP TABLE import_changes`,
    `CREATE TABLE import_map_v3 (
       source_installation TEXT NOT NULL, source_ref TEXT NOT NULL, office_id TEXT NOT NULL,
       target_table TEXT NOT NULL, target_id TEXT NOT NULL, bundle_id TEXT NOT NULL, outcome TEXT NOT NULL,
       PRIMARY KEY (source_installation, source_ref, office_id)) WITHOUT ROWID`,
    `INSERT INTO import_map_v3 SELECT source_installation, source_ref, office_id, target_table, target_id, bundle_id, outcome FROM import_map`,
    `DROP TABLE import_map`,
    `ALTER TABLE import_map_v3 RENAME TO import_map`,
  ],
  // 4: rows an accept inserts with one statement (nearly all of a large
  // accept's changes) logged as packs of up to 1,024 consecutive changes: the
  // first one's seq, their keys as a JSON array and their digests (16 bytes
  // each) end to end, instead of one import_change_rows row apiece (P2: the
  // change log was a third of the bytes a 100,000-contact import wrote). A key
  // is the stored key (as in import_change_rows) or, when key_cols names the
  // key columns, the array of their values. Each entry means what an
  // import_change_rows row with seq + its place and no before-image means.
  // An ordinary table, not WITHOUT ROWID: a pack is tens of kilobytes.
  [
    `CREATE TABLE import_change_packs (
       change_set INTEGER NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL, n INTEGER NOT NULL,
       key_cols TEXT, keys TEXT NOT NULL, hashes BLOB NOT NULL)`,
    `CREATE UNIQUE INDEX ux_import_change_packs ON import_change_packs(change_set, seq)`,
  ],
  // The realignment journal's row images (R10) one row each, written and read
  // a page at a time instead of two JSON documents per entry held whole in
  // memory (P1: 399 MB for a 105,000-row carrier migration). A row is still
  // followed by its rowid (row_key); before/after are JSON arrays of its values
  // in the order of the entry's columns[tbl], NULL where there was no row.
  // Existing entries move over unchanged in meaning; their documents are emptied.
  [
    `ALTER TABLE realign_journal ADD COLUMN columns TEXT`,
    `CREATE TABLE realign_journal_rows (
       entry INTEGER NOT NULL, tbl TEXT NOT NULL, row_key INTEGER NOT NULL, before TEXT, after TEXT,
       PRIMARY KEY (entry, tbl, row_key)) WITHOUT ROWID`,
    `INSERT INTO realign_journal_rows (entry, tbl, row_key, before)
     SELECT j.id, t.key, json_extract(r.value, '$[0]'),
            CASE WHEN json_array_length(r.value) > 1 THEN json_remove(r.value, '$[0]') END
     FROM realign_journal j, json_each(j.before, '$.tables') t, json_each(t.value, '$.rows') r
     WHERE j.before <> ''`,
    `INSERT INTO realign_journal_rows (entry, tbl, row_key, after)
     SELECT j.id, t.key, json_extract(r.value, '$[0]'),
            CASE WHEN json_array_length(r.value) > 1 THEN json_remove(r.value, '$[0]') END
     FROM realign_journal j, json_each(j.after, '$.tables') t, json_each(t.value, '$.rows') r
     WHERE j.after <> ''
     ON CONFLICT (entry, tbl, row_key) DO UPDATE SET after = excluded.after`,
    `UPDATE realign_journal SET columns = (
       SELECT json_group_object(t.key, json(CASE WHEN json_array_length(t.value, '$.columns') > 0
                                                 THEN json_extract(t.value, '$.columns')
                                                 ELSE json_extract(realign_journal.after, '$.tables.' || t.key || '.columns') END))
       FROM json_each(realign_journal.before, '$.tables') t)
     WHERE before <> ''`,
    `UPDATE realign_journal SET before = '', after = '', columns = COALESCE(columns, '{}')`,
  ],
  // L8: pending_relations holds every entry that waits for a contact, by kind:
  // key relations (I6, as before), and party entries ('party') and census rows
  // ('employee_census') whose contact is still pending in the inbox. For a party
  // entry contact_ref is its contact and related_ref the record it belongs to;
  // for a census row they are its business and its employee.
  [`ALTER TABLE pending_relations ADD COLUMN kind TEXT NOT NULL DEFAULT 'key_relations'`],
  // sealed receipts and what a move keeps of itself (L4, L5).
  // installation_secret: 32 random bytes that never leave the installation (not a
  // business table: dump and load leave it alone; SQLite's randomness comes from
  // the operating system). export_ledger.receipt_key: the key the bundle's header
  // carries (NULL for bundles exported before). export_bundle_refs: the record
  // refs each bundle held, per prefix, as gzip'd packs of newline-joined ids.
  // import_receipts: the receipt file's bytes of each accept, gzip'd in chunks,
  // so that a lost receipt can be issued again; import_accepts.receipt_file: where
  // the accept wrote it.
  [
    `CREATE TABLE installation_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret BLOB NOT NULL)`,
    `INSERT INTO installation_secret (id, secret) VALUES (1, randomblob(32))`,
    `ALTER TABLE export_ledger ADD COLUMN receipt_key TEXT`,
    `CREATE TABLE export_bundle_refs (bundle_id TEXT NOT NULL, prefix TEXT NOT NULL, seq INTEGER NOT NULL, ids BLOB NOT NULL,
       PRIMARY KEY (bundle_id, prefix, seq))`,
    `CREATE TABLE import_receipts (accept_id TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (accept_id, seq))`,
    `ALTER TABLE import_accepts ADD COLUMN receipt_file TEXT`,
  ],
  // T1, T2: trust between installations. office_keys: each office's Ed25519 key
  // pair and X25519 (age) identity, made on first use (not a business table:
  // dump and load leave it alone). export_ledger.card: the address card (JSON) a
  // bundle was encrypted to, NULL for an export by name.
  [
    `CREATE TABLE office_keys (
       office_id TEXT PRIMARY KEY, ed25519_public_pem TEXT NOT NULL, ed25519_private_pem TEXT NOT NULL,
       age_identity TEXT NOT NULL, age_recipient TEXT NOT NULL UNIQUE, fingerprint TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)`,
    `ALTER TABLE export_ledger ADD COLUMN card TEXT`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;
