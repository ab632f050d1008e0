// The generic row journal behind undo (R10): images by rowid, exact restore.
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  captureRows,
  differences,
  parseImages,
  restoreConflicts,
  restoreRows,
  rowidsById,
  rowidsByRow,
  rowidsWhere,
  serializeImages,
  type RowImage,
} from '../src/store/row-journal.js';

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
    restoreRows(db, parseImages(serializeImages(beforeAll)));
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
    const before = captureRows(db, rowidsById(db, 'items', ['B']).map((rowid) => ({ table: 'items', rowid })));
    db.exec(`DELETE FROM items WHERE id = 'B'; INSERT INTO items VALUES ('B', 'Beta again', NULL)`);
    expect(restoreConflicts(db, before).map((d) => d.message)).toEqual(['items id B is now used by another row']);
  });

  it('R10: stored images survive serialisation, absent rows included', () => {
    const imgs: RowImage[] = [
      { table: 'items', rowid: 1, row: { id: 'A', name: 'Alpha', carrier_id: null } },
      { table: 'items', rowid: 7, row: null },
      { table: 'links', rowid: 2, row: { policy_id: 'P1', rider_id: null, amount: '1' } },
    ];
    expect(parseImages(serializeImages(imgs))).toEqual(imgs);
  });
});
