// @ts-nocheck
// The generic row journal behind undo (R10): images by rowid, exact restore;
// and the realignment journal that keeps those images on disk, page by page (P1).
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  captureRows,
  differences,
  restoreConflicts,
  restoreRows,
  rowidsById,
  rowidsByRow,
  rowidsWhere,
  type RowImage,
} from '../../src/store/sqlite/row-journal.js';
import { getEntry, imagePages, laterEntriesTouching, startEntry, type StoredEntry } from '../../src/store/sqlite/realign-journal.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';

let db: Database.Database;
const all = (t: string) => db.prepare(`SELECT rowid AS r, * FROM ${t} ORDER BY rowid`).all();

beforeEach(() => {
  db = new Database(':memory:');
  db.exec(`CREATE TABLE items (id TEXT PRIMARY KEY, name TEXT, carrier_id TEXT);
           CREATE TABLE links (policy_id TEXT NOT NULL, rider_id TEXT, amount TEXT);
           INSERT INTO items VALUES ('A', 'Alpha', 'C1'), ('B', 'Beta', 'C1'), ('C', 'Gamma', NULL);
           INSERT INTO links VALUES ('P1', 'R1', '10'), ('P1', 'R2', NULL), ('P2', 'R1', '30');`);
});

describe('row journal', () => {
  it('R10: restores updated, deleted and inserted rows exactly, deleted ones at their old rowid (same order)', () => {
    const start = { items: all('items'), links: all('links') };
    const refs = [
      ...rowidsById(db, 'items', ['A', 'B']).map((rowid) => ({ table: 'items', rowid })),
      ...rowidsByRow(db, 'links', { policy_id: 'P1', rider_id: 'R1' }).map((rowid) => ({ table: 'links', rowid })),
      ...rowidsWhere(db, 'links', 'rider_id = ?', ['R2']).map((rowid) => ({ table: 'links', rowid })),
    ];
    const before = captureRows(db, refs);
    db.exec(`UPDATE items SET name = 'X_Alpha' WHERE id = 'A'; DELETE FROM items WHERE id = 'B';
             UPDATE links SET rider_id = 'R9', amount = NULL WHERE policy_id = 'P1' AND rider_id = 'R1';
             DELETE FROM links WHERE rider_id = 'R2'; INSERT INTO items VALUES ('D', 'Delta', 'C2');`);
    const inserted = rowidsById(db, 'items', ['D']).map((rowid) => ({ table: 'items', rowid }));
    const after = captureRows(db, [...refs, ...inserted]);
    const beforeAll = [...before, ...inserted.map((r) => ({ ...r, row: null }))];
    expect(differences(db, after)).toEqual([]);
    expect(restoreConflicts(db, beforeAll)).toEqual([]);
    restoreRows(db, beforeAll);
    expect({ items: all('items'), links: all('links') }).toEqual(start);
  });

  it('R10: names every row changed, deleted or added since the after-image', () => {
    const refs = rowidsById(db, 'items', ['A', 'B', 'C']).map((rowid) => ({ table: 'items', rowid }));
    const after = captureRows(db, refs);
    db.exec(`UPDATE items SET carrier_id = 'C2' WHERE id = 'A'; DELETE FROM items WHERE id = 'B'`);
    expect(differences(db, after).map((d) => d.message)).toEqual(['items row A: carrier_id changed since', 'items row B was deleted since']);
    const gone = captureRows(db, refs.slice(1, 2));
    db.exec(`INSERT INTO items(rowid, id, name) VALUES (${refs[1]!.rowid}, 'Z', 'Zed')`);
    expect(differences(db, gone).map((d) => d.message)).toEqual(['items row Z was added since']);
  });

  it('R10: refuses to put back a row whose id another row holds now', () => {
    const before = captureRows(
      db,
      rowidsById(db, 'items', ['B']).map((rowid) => ({ table: 'items', rowid })),
    );
    db.exec(`DELETE FROM items WHERE id = 'B'; INSERT INTO items VALUES ('B', 'Beta again', NULL)`);
    expect(restoreConflicts(db, before).map((d) => d.message)).toEqual(['items id B is now used by another row']);
  });
});

/** The realignment journal's tables as the schema creates them: its first form, then each later statement about it. */
function journalTables(upTo: 'first' | 'now'): void {
  const first = MIGRATIONS[0]!.find((sql) => sql.includes('CREATE TABLE realign_journal ('))!;
  db.exec(first);
  if (upTo === 'first') return;
  const later = MIGRATIONS.slice(1).find((m) => m.some((sql) => sql.includes('CREATE TABLE realign_journal_rows')))!;
  for (const sql of later) db.exec(sql);
}

const head = { office_id: 'O-1', user_id: 'U-1', kind: 'carrier', local_id: 'A', resource_id: 'R', summary: {} };
const pagesOf = (e: StoredEntry, side: 'before' | 'after', only?: 'absent' | 'present') => [...imagePages(db, e, side, only, 2)];

describe('realignment journal on disk', () => {
  it('R10, P1: images are written and read back in pages (here of 2 rows) and restore every row exactly', () => {
    journalTables('now');
    db.exec(`INSERT INTO items VALUES ('D', 'Delta', 'C1'), ('E', 'Epsilon', 'C1'), ('F', 'Phi', 'C2')`);
    const start = { items: all('items'), links: all('links') };
    const w = startEntry(db, head, 2);
    w.captureWhere('items', 'carrier_id = ?', ['C1']);
    w.captureWhere('items', 'id IN (?, ?)', ['A', 'F']); // A again: its first image stays
    w.captureWhere('links', 'rider_id = ?', ['R1']);
    db.exec(`UPDATE items SET carrier_id = 'C9' WHERE carrier_id = 'C1'; DELETE FROM items WHERE id = 'F';
             UPDATE links SET rider_id = 'R9' WHERE rider_id = 'R1'`);
    w.finish();
    const changed = { items: all('items'), links: all('links') };
    const e = getEntry(db, w.id)!;
    expect(e.columns).toEqual({ items: ['id', 'name', 'carrier_id'], links: ['policy_id', 'rider_id', 'amount'] });
    const before = pagesOf(e, 'before');
    expect(before.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(before.flat().find((i) => i.row?.id === 'A')!.row).toEqual({ id: 'A', name: 'Alpha', carrier_id: 'C1' });
    expect(
      pagesOf(e, 'after')
        .flat()
        .filter((i) => !i.row)
        .map((i) => i.table),
    ).toEqual(['items']);
    expect(pagesOf(e, 'after').flatMap((p) => differences(db, p))).toEqual([]);

    db.exec(`UPDATE items SET name = 'Beta 2' WHERE id = 'B'`);
    expect(
      pagesOf(e, 'after')
        .flatMap((p) => differences(db, p))
        .map((d) => d.message),
    ).toEqual(['items row B: name changed since']);
    db.exec(`UPDATE items SET name = 'Beta' WHERE id = 'B'`);
    expect({ items: all('items'), links: all('links') }).toEqual(changed);

    for (const only of ['absent', 'present'] as const) for (const p of pagesOf(e, 'before', only)) restoreRows(db, p);
    expect({ items: all('items'), links: all('links') }).toEqual(start);
  });

  it('R10: a later entry that changed the same rows is named; an unrelated one is not', () => {
    journalTables('now');
    const first = startEntry(db, head, 2);
    first.captureWhere('items', 'id = ?', ['A']);
    db.exec(`UPDATE items SET name = 'X_Alpha' WHERE id = 'A'`);
    first.finish();
    const other = startEntry(db, head, 2);
    other.captureWhere('items', 'id = ?', ['C']);
    db.exec(`UPDATE items SET name = 'X_Gamma' WHERE id = 'C'`);
    other.finish();
    const again = startEntry(db, head, 2);
    again.captureWhere('items', 'id = ?', ['A']);
    db.exec(`UPDATE items SET name = 'Alpha 2' WHERE id = 'A'`);
    again.finish();
    expect(laterEntriesTouching(db, getEntry(db, first.id)!)).toEqual([again.id]);
  });

  it('R10: entries journaled whole, as before, move over to pages unchanged in meaning', () => {
    journalTables('first');
    const v1 = (tables: Record<string, { columns: string[]; rows: unknown[][] }>) => JSON.stringify({ v: 1, tables });
    db.prepare(
      `INSERT INTO realign_journal (at, office_id, user_id, kind, local_id, resource_id, summary, before, after) VALUES ('t', 'O-1', 'U-1', 'carrier', 'A', 'R', '{}', ?, ?)`,
    ).run(
      v1({ items: { columns: ['id', 'name', 'carrier_id'], rows: [[1, 'A', 'Alpha', 'C1'], [4]] }, links: { columns: [], rows: [[3]] } }),
      v1({
        items: {
          columns: ['id', 'name', 'carrier_id'],
          rows: [
            [1, 'A', 'X_Alpha', 'C1'],
            [4, 'D', 'Delta', null],
          ],
        },
        links: { columns: ['policy_id', 'rider_id', 'amount'], rows: [[3, 'P2', 'R1', '30']] },
      }),
    );
    const later = MIGRATIONS.slice(1).find((m) => m.some((sql) => sql.includes('CREATE TABLE realign_journal_rows')))!;
    for (const sql of later) db.exec(sql);
    const e = getEntry(db, 1)!;
    expect(e.columns).toEqual({ items: ['id', 'name', 'carrier_id'], links: ['policy_id', 'rider_id', 'amount'] });
    const strip = (imgs: RowImage[][]) => imgs.flat();
    expect(strip(pagesOf(e, 'before'))).toEqual([
      { table: 'items', rowid: 1, row: { id: 'A', name: 'Alpha', carrier_id: 'C1' } },
      { table: 'items', rowid: 4, row: null },
      { table: 'links', rowid: 3, row: null },
    ]);
    expect(strip(pagesOf(e, 'after'))).toEqual([
      { table: 'items', rowid: 1, row: { id: 'A', name: 'X_Alpha', carrier_id: 'C1' } },
      { table: 'items', rowid: 4, row: { id: 'D', name: 'Delta', carrier_id: null } },
      { table: 'links', rowid: 3, row: { policy_id: 'P2', rider_id: 'R1', amount: '30' } },
    ]);
    expect(db.prepare(`SELECT before, after FROM realign_journal`).get()).toEqual({ before: '', after: '' });
  });
});
