// @ts-nocheck
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { undoImport } from '../../src/import/undo.js';
import { dump, exportFrom, importInto, installation, SOURCE, TARGET, TGT_OFFICE, TGT_USER } from '../fixtures/import/helpers.js';

describe('import undo', () => {
  it('I13: undo restores the dump exactly (created rows removed, merged contacts restored)', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const bundle = await exportFrom(src);
    const before = await dump(tgt.db);
    const r = await importInto(tgt, bundle);
    const after = await dump(tgt.db);
    expect(after['contacts.csv']).not.toEqual(before['contacts.csv']);
    const u = await undoImport(tgt.store, r.receipt_file!, TGT_OFFICE, TGT_USER);
    expect(u.already_undone).toBe(false);
    expect(await dump(tgt.db)).toEqual(before);
    // and again: nothing changes, and says so
    expect((await undoImport(tgt.store, r.receipt_file!, TGT_OFFICE, TGT_USER)).already_undone).toBe(true);
    // the bundle can be accepted again after an undo
    const again = await importInto(tgt, bundle);
    expect(again.already_imported).toBe(false);
    const redone = await dump(tgt.db);
    // new ids (they never repeat), same rows otherwise
    for (const f of Object.keys(after)) expect(redone[f]!.split('\n').length, f).toBe(after[f]!.split('\n').length);
    fs.rmSync(tgt.dir, { recursive: true, force: true });
  });

  it('I13: undo is refused after a later change to an imported record, and nothing changes', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const r = await importInto(tgt, await exportFrom(src));
    const created = r.outcomes.find((o) => o.ref === 'contact/C-1101')!.target_id!;
    tgt.db.prepare(`UPDATE contacts SET phone = '555-0000' WHERE id = ?`).run(created);
    const before = await dump(tgt.db);
    await expect(undoImport(tgt.store, r.receipt_file!, TGT_OFFICE, TGT_USER)).rejects.toThrow(/changed after it/);
    expect(await dump(tgt.db)).toEqual(before);
  });

  it('I13: undo is refused when a later record refers to an imported contact', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const r = await importInto(tgt, await exportFrom(src));
    const created = r.outcomes.find((o) => o.ref === 'contact/C-1101')!.target_id!;
    tgt.db.prepare(`INSERT INTO smartpad (id, office_id, contact_id, text) VALUES ('N-LATER', 'T-SPRING', ?, 'later note')`).run(created);
    const before = await dump(tgt.db);
    await expect(undoImport(tgt.store, r.receipt_file!, TGT_OFFICE, TGT_USER)).rejects.toThrow(/refer/);
    expect(await dump(tgt.db)).toEqual(before);
  });
});
