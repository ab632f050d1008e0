// @ts-nocheck
// I13 and the lean change log (schema migration 3): what an accept logs is
// intact right after it, undo puts back the exact dump, and an installation
// whose log is still in the schema-2 layout migrates without losing an accept.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acceptInbox } from '../../src/import/inbox.js';
import { undoImport } from '../../src/import/undo.js';
import { openInstallation } from '../../src/store/sqlite/db.js';
import { storeOf } from '../../src/store/sqlite/store.js';
import { changesOf } from '../../src/store/sqlite/import-changes.js';
import { ID_KEYED_TABLES, SCHEMA_VERSION } from '../../src/store/sqlite/schema.js';
import {
  dump,
  exportFrom,
  importedSample,
  importInto,
  installation,
  rows,
  SOURCE,
  TARGET,
  TGT_OFFICE,
  TGT_USER,
  type Installation,
} from '../fixtures/import/helpers.js';

const made: Installation[] = [];
afterAll(() => {
  for (const i of made) fs.rmSync(i.dir, { recursive: true, force: true });
});

const imported = () => importedSample(made);

/** Puts the change log and import_map back into the schema-2 layout, as an installation written before migration 3 has them (and without what later migrations added). */
function toSchema2(file: string): void {
  const db = new Database(file);
  const ids = ID_KEYED_TABLES.map((t) => `'${t}'`).join(', ');
  db.exec(`BEGIN;
    CREATE TABLE import_changes (accept_id TEXT NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL,
      before TEXT, after_hash TEXT, PRIMARY KEY (accept_id, seq));
    INSERT INTO import_changes SELECT s.accept_id, c.seq, c.tbl,
      CASE WHEN c.tbl IN (${ids}) THEN json_object('id', c.key)
           WHEN c.tbl = 'import_map' AND substr(c.key, 1, 1) != '{' THEN json_object('source_installation', s.source_installation, 'source_ref', c.key, 'office_id', s.office_id)
           ELSE c.key END, c.before,
      CASE WHEN c.after_hash IS NOT NULL THEN lower(hex(c.after_hash)) END
      FROM import_change_rows c JOIN import_change_sets s ON s.no = c.change_set;
    INSERT INTO import_changes SELECT s.accept_id, p.seq + e.key, p.tbl,
      CASE WHEN p.key_cols IS NOT NULL THEN (SELECT json_group_object(c.value, json_extract(e.value, '$[' || c.key || ']')) FROM json_each(p.key_cols) c)
           WHEN p.tbl IN (${ids}) THEN json_object('id', e.value)
           WHEN p.tbl = 'import_map' AND substr(e.value, 1, 1) != '{' THEN json_object('source_installation', s.source_installation, 'source_ref', e.value, 'office_id', s.office_id)
           ELSE e.value END, NULL, lower(hex(substr(p.hashes, 16 * e.key + 1, 16)))
      FROM import_change_packs p JOIN import_change_sets s ON s.no = p.change_set, json_each(p.keys) e;
    DROP TABLE import_change_rows; DROP TABLE import_change_sets; DROP TABLE import_change_packs;
    CREATE TABLE import_map_v2 (source_installation TEXT NOT NULL, source_ref TEXT NOT NULL, office_id TEXT NOT NULL,
      target_table TEXT NOT NULL, target_id TEXT NOT NULL, bundle_id TEXT NOT NULL, outcome TEXT NOT NULL,
      PRIMARY KEY (source_installation, source_ref, office_id));
    INSERT INTO import_map_v2 SELECT * FROM import_map; DROP TABLE import_map; ALTER TABLE import_map_v2 RENAME TO import_map;
    CREATE INDEX ix_import_map_target ON import_map(target_table, target_id);
    ALTER TABLE pending_relations DROP COLUMN kind; -- the migration that made pending_relations hold every waiting entry (L8)
    DROP TABLE realign_journal_rows; ALTER TABLE realign_journal DROP COLUMN columns; -- the realign journal's row images (R10, P1)
    DROP TABLE installation_secret; DROP TABLE export_bundle_refs; DROP TABLE import_receipts;
    ALTER TABLE export_ledger DROP COLUMN receipt_key; ALTER TABLE import_accepts DROP COLUMN receipt_file;
    DROP TABLE office_keys; ALTER TABLE export_ledger DROP COLUMN card; -- trust between installations (T1, T2)
    PRAGMA user_version = 2; COMMIT;`);
  db.close();
}

describe('the change log of an accept', () => {
  it('I13: every row an import writes is logged once, intact right after the accept, with its key as JSON', async () => {
    const { tgt, r } = await imported();
    const changes = changesOf(tgt.db, r.head.accept_id);
    expect(changes.length).toBeGreaterThan(50);
    expect(changes.filter((c) => !c.intact)).toEqual([]);
    const count = (t: string) => changes.filter((c) => c.tbl === t && c.before === null).length;
    expect(count('contacts')).toBe(rows(tgt.db, `SELECT count(*) AS n FROM contacts WHERE origin_bundle_id = ?`, r.head.bundle_id)[0]!.n);
    expect(changes.some((c) => c.tbl === 'contacts' && c.before !== null)).toBe(true);
    expect(count('import_map')).toBe(rows(tgt.db, `SELECT count(*) AS n FROM import_map WHERE bundle_id = ?`, r.head.bundle_id)[0]!.n);
    for (const c of changes) expect(typeof JSON.parse(c.key)).toBe('object');
    const contact = changes.find((c) => c.tbl === 'contacts')!;
    expect(Object.keys(JSON.parse(contact.key))).toEqual(['id']);
    const mapped = changes.find((c) => c.tbl === 'import_map')!;
    expect(JSON.parse(mapped.key)).toEqual({
      source_installation: r.head.source.installation_id,
      source_ref: expect.stringMatching(/\//),
      office_id: r.head.target.office_id,
    });
    expect(Object.keys(JSON.parse(mapped.key))).toEqual(['source_installation', 'source_ref', 'office_id']);
    // seq numbers are unique, and changesOf lists them last first
    const seqs = changes.map((c) => c.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it('I13: a later change to an import_map row of the accept makes its undo refuse, naming the row', async () => {
    const { tgt, r } = await imported();
    tgt.db
      .prepare(`UPDATE import_map SET outcome = 'merged' WHERE source_ref = (SELECT min(source_ref) FROM import_map WHERE bundle_id = ?)`)
      .run(r.head.bundle_id);
    const before = await dump(tgt.db);
    await expect(undoImport(tgt.store, r.receipt_file!, TGT_OFFICE, TGT_USER)).rejects.toThrow(/1 record of this import changed after it/);
    expect(await dump(tgt.db)).toEqual(before);
  });

  it('I11/I13: a second accept of the bundle updates the import_map rows it shares with the first (logged with their before-image); undoing both, last first, restores the exact dump', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    made.push(src, tgt);
    const before = await dump(tgt.db);
    const first = await importInto(tgt, await exportFrom(src), { contacts: ['contact/C-1101'] });
    const second = await acceptInbox(tgt.store, first.inbox_id!, TGT_OFFICE, TGT_USER, { receiptFile: path.join(tgt.dir, 'second.json') });
    const updated = changesOf(tgt.db, second.head.accept_id).filter((c) => c.tbl === 'import_map' && c.before !== null);
    expect(updated.length).toBeGreaterThan(0);
    for (const c of updated) expect(JSON.parse(c.before!)).toMatchObject(JSON.parse(c.key));
    expect(changesOf(tgt.db, second.head.accept_id).every((c) => c.intact)).toBe(true);
    await undoImport(tgt.store, second.receipt_file!, TGT_OFFICE, TGT_USER);
    await undoImport(tgt.store, first.receipt_file!, TGT_OFFICE, TGT_USER);
    expect(await dump(tgt.db)).toEqual(before);
  });

  it('I13: an installation whose log is in the schema-2 layout migrates (3, 4), and undo of the earlier accept restores the exact dump', async () => {
    const { tgt, before, r } = await imported();
    const logged = changesOf(tgt.db, r.head.accept_id).map(({ intact: _i, ...c }) => c);
    tgt.db.close();
    toSchema2(tgt.file);
    const old = new Database(tgt.file);
    expect(old.pragma('user_version', { simple: true })).toBe(2);
    expect(old.prepare(`SELECT count(*) FROM import_changes`).pluck().get() as number).toBe(logged.length);
    old.close();
    tgt.db = openInstallation(tgt.file);
    tgt.store = storeOf(tgt.db);
    expect(tgt.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const migrated = changesOf(tgt.db, r.head.accept_id);
    expect(migrated.map(({ intact: _i, ...c }) => c)).toEqual(logged);
    expect(migrated.every((c) => c.intact)).toBe(true);
    await undoImport(tgt.store, r.receipt_file!, TGT_OFFICE, TGT_USER);
    expect(await dump(tgt.db)).toEqual(before);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM import_map`)).toEqual([{ n: 0 }]);
  });
});
