// @ts-nocheck
// I13 at scale: undo reads the change log page by page (rows of
// import_change_rows and packs of import_change_packs, merged last change
// first), so its memory does not grow with the accept. With pages of a few
// changes the fixture's accept spans many of both: the order, the refusal and
// the restored dump must be exactly those of reading the log whole.
import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OfficeportError } from '../../src/shared/errors.js';
import { undoImport } from '../../src/import/undo.js';
import { CHANGE_PAGES, changesDesc, changesOf } from '../../src/store/sqlite/import-changes.js';
import { dump, importedSample, TGT_OFFICE, TGT_USER, type Installation } from '../fixtures/import/helpers.js';

const made: Installation[] = [];
afterAll(() => {
  for (const i of made) fs.rmSync(i.dir, { recursive: true, force: true });
});
const defaults = { ...CHANGE_PAGES };
afterEach(() => Object.assign(CHANGE_PAGES, defaults));

const imported = () => importedSample(made);

function count(tgt: Installation, sql: string, acceptId: string): number {
  return tgt.db.prepare(`${sql} JOIN import_change_sets s ON s.no = x.change_set WHERE s.accept_id = ?`).pluck().get(acceptId) as number;
}

describe('undo pages through the change log', () => {
  it('I13: read in small pages, the change log lists the same changes, last first, as read whole', async () => {
    const { tgt, r } = await imported();
    const id = r.head.accept_id;
    const whole = changesOf(tgt.db, id);
    const rows = count(tgt, `SELECT count(*) FROM import_change_rows x`, id);
    const packs = count(tgt, `SELECT count(*) FROM import_change_packs x`, id);
    const packed = count(tgt, `SELECT coalesce(sum(n), 0) FROM import_change_packs x`, id);
    expect(rows).toBeGreaterThan(3 * 3);
    expect(packs).toBeGreaterThan(1);
    expect(whole.length).toBe(rows + packed);
    Object.assign(CHANGE_PAGES, { rows: 3, packs: 1 });
    const paged = [...changesDesc(tgt.db, id)];
    expect(paged).toEqual(whole.map(({ intact: _i, ...c }) => c));
    for (let i = 1; i < paged.length; i++) expect(paged[i]!.seq).toBeLessThan(paged[i - 1]!.seq);
  });

  it('I13: an undo spanning many pages of rows and packs restores the dump exactly', async () => {
    const { tgt, before, r } = await imported();
    Object.assign(CHANGE_PAGES, { rows: 3, packs: 1 });
    const u = await undoImport(tgt.store, r.receipt_file!, TGT_OFFICE, TGT_USER);
    expect(u.already_undone).toBe(false);
    expect(await dump(tgt.db)).toEqual(before);
    expect((await undoImport(tgt.store, r.receipt_file!, TGT_OFFICE, TGT_USER)).already_undone).toBe(true);
  });

  it('I13: a refusal over many pages counts every touched record, lists them (at most 200) last change first, and undoes nothing', async () => {
    const { tgt, r } = await imported();
    const id = r.head.accept_id;
    // a later change to every table the accept wrote: a text column that is neither key nor reference gets a suffix
    for (const t of new Set(changesOf(tgt.db, id).map((c) => c.tbl))) {
      const refs = new Set(tgt.db.prepare(`SELECT "from" FROM pragma_foreign_key_list(?)`).pluck().all(t) as string[]);
      const cols = tgt.db.prepare(`SELECT name FROM pragma_table_info(?) WHERE pk = 0 AND upper(type) = 'TEXT'`).pluck().all(t) as string[];
      for (const c of cols.filter((x) => !refs.has(x) && x !== 'content')) {
        try {
          tgt.db.prepare(`UPDATE ${t} SET "${c}" = coalesce("${c}", '') || '-later'`).run();
          break;
        } catch {
          // a CHECK or the like: try the next column
        }
      }
    }
    const expected = changesOf(tgt.db, id).filter((c) => !c.intact);
    // the fixture's accept logs ~145 changes, all now touched: dozens of pages of 3 rows, and every pack
    expect(expected.length).toBeGreaterThan(3 * 10);
    const was = await dump(tgt.db);
    Object.assign(CHANGE_PAGES, { rows: 3, packs: 1 });
    let err: OfficeportError | undefined;
    try {
      await undoImport(tgt.store, r.receipt_file!, TGT_OFFICE, TGT_USER);
    } catch (e) {
      err = e as OfficeportError;
    }
    expect(err).toBeInstanceOf(OfficeportError);
    expect(err!.message).toBe(`${expected.length} records of this import changed after it; nothing was undone`);
    expect(err!.problems).toHaveLength(Math.min(200, expected.length));
    expect(err!.problems.map((p) => p.file)).toEqual(expected.slice(0, 200).map((c) => c.tbl));
    expect(err!.problems[0]!.message).toMatch(/changed since the import$/);
    expect(err!.hint).toBe('undo the later changes first (for a later import: officeport import undo ITS_RECEIPT)');
    expect(await dump(tgt.db)).toEqual(was);
  });
});
