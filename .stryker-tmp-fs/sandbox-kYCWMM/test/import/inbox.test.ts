// @ts-nocheck
// I2: the inbox (Show Contact List): add, list, accept all or some, reject.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acceptInbox, addToInbox, listInbox, rejectInbox, userAddress } from '../../src/import/inbox.js';
import { checkAddressed, openVerified } from '../../src/import/accept.js';
import { dump, exportFrom, importInto, installation, rows, SOURCE, TARGET, TGT_OFFICE, TGT_USER, type Installation } from '../fixtures/import/helpers.js';

async function stage(tgt: Installation, bundle: string) {
  const src = await openVerified(bundle);
  try {
    return await addToInbox(tgt.store, src, await checkAddressed(tgt.store.offices, src.header, TGT_OFFICE, TGT_USER));
  } finally {
    await src.close();
  }
}

describe('inbox', () => {
  it('I2: add stages a copy beside the installation and changes no business record; list shows its contacts with masked tax ids', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const bundle = await exportFrom(src);
    const before = await dump(tgt.db);
    const { entry, added } = await stage(tgt, bundle);
    expect(added).toBe(true);
    expect(fs.existsSync(entry.file)).toBe(true);
    expect(entry.file.startsWith(tgt.store.home.inboxDir)).toBe(true);
    expect(await dump(tgt.db)).toEqual(before);
    const list = await listInbox(tgt.store.imports, await userAddress(tgt.store.offices, TGT_OFFICE, TGT_USER));
    expect(list).toHaveLength(1);
    expect(list[0]!.contacts).toHaveLength(7);
    expect(list[0]!.contacts).toContainEqual({ ref: 'contact/C-1101', kind: 'individual', name: 'John Smith', tax_id: '***-**-6789', accepted: false });
    expect(JSON.stringify(list)).not.toContain('123-45-6789');
    // the same bundle again is the same entry
    expect((await stage(tgt, bundle)).added).toBe(false);
  });

  it('I2: accept of selected contacts brings them with their records and leaves the rest pending', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const { entry } = await stage(tgt, await exportFrom(src));
    const r = await acceptInbox(tgt.store, entry.id, TGT_OFFICE, TGT_USER, { contacts: ['contact/C-1101'], receiptFile: `${tgt.dir}/r1.json` });
    const refs = r.outcomes.map((o) => o.ref);
    expect(refs).toContain('contact/C-1101');
    expect(refs).toContain('policy/P-1001'); // primary contact C-1101
    expect(refs).not.toContain('contact/C-1102');
    expect(refs).not.toContain('policy/P-1002'); // primary contact C-1102
    expect(rows(tgt.db, `SELECT count(*) AS n FROM contacts WHERE origin_ref = 'contact/C-1102'`)).toEqual([{ n: 0 }]);
    const list = await listInbox(tgt.store.imports, await userAddress(tgt.store.offices, TGT_OFFICE, TGT_USER));
    expect(list[0]!.status).toBe('partial');
    expect(list[0]!.contacts.filter((c) => c.accepted).map((c) => c.ref)).toEqual(['contact/C-1101']);
    // I9: the same contact again changes nothing
    const before = await dump(tgt.db);
    const again = await acceptInbox(tgt.store, entry.id, TGT_OFFICE, TGT_USER, { contacts: ['C-1101'], receiptFile: `${tgt.dir}/r2.json` });
    expect(again.already_imported).toBe(true);
    expect(await dump(tgt.db)).toEqual(before);
    // the rest
    const rest = await acceptInbox(tgt.store, String(Number(entry.id.slice(3))), TGT_OFFICE, TGT_USER, { receiptFile: `${tgt.dir}/r3.json` }); // "1" names IN-000001
    expect(rest.outcomes.map((o) => o.ref)).toContain('policy/P-1002');
    expect(rest.outcomes.map((o) => o.ref)).not.toContain('contact/C-1101');
    expect(await listInbox(tgt.store.imports, await userAddress(tgt.store.offices, TGT_OFFICE, TGT_USER))).toEqual([]);
    // the relation between John (first accept) and Mary (second) is rebuilt
    const john = r.outcomes.find((o) => o.ref === 'contact/C-1101')!.target_id;
    const mary = rest.outcomes.find((o) => o.ref === 'contact/C-1102')!.target_id;
    expect(rows(tgt.db, `SELECT relation FROM key_relations WHERE contact_id = ? AND related_contact_id = ?`, john, mary)).toEqual([{ relation: 'spouse' }]);
  });

  it('I2: import FILE --contact accepts those contacts and leaves the others pending in the inbox', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const r = await importInto(tgt, await exportFrom(src), { contacts: ['C-1201'] });
    expect(r.outcomes.map((o) => o.ref)).toContain('contact/C-1201');
    expect(r.outcomes.map((o) => o.ref)).not.toContain('contact/C-1101');
    const list = await listInbox(tgt.store.imports, await userAddress(tgt.store.offices, TGT_OFFICE, TGT_USER));
    expect(list.map((e) => e.id)).toEqual([r.inbox_id]);
    expect(list[0]!.contacts.filter((c) => !c.accepted)).toHaveLength(6);
  });

  it('I2: an unknown contact ref is refused', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const { entry } = await stage(tgt, await exportFrom(src));
    await expect(acceptInbox(tgt.store, entry.id, TGT_OFFICE, TGT_USER, { contacts: ['C-9999'] })).rejects.toThrow(/not a contact of bundle.*C-9999/);
  });

  it('I2: reject removes the entry from the list and its staged copy', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const before = await dump(tgt.db);
    const { entry } = await stage(tgt, await exportFrom(src));
    await rejectInbox(tgt.store.imports, entry.id, await userAddress(tgt.store.offices, TGT_OFFICE, TGT_USER));
    expect(await listInbox(tgt.store.imports, await userAddress(tgt.store.offices, TGT_OFFICE, TGT_USER))).toEqual([]);
    expect(fs.existsSync(entry.file)).toBe(false);
    await expect(acceptInbox(tgt.store, entry.id, TGT_OFFICE, TGT_USER, {})).rejects.toThrow(/rejected/);
    expect(await dump(tgt.db)).toEqual(before);
  });

  it('I2: another user of the office does not see or accept the bundle', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    tgt.db.prepare(`UPDATE users SET rights = 'data_import' WHERE username = 'eve'`).run();
    const { entry } = await stage(tgt, await exportFrom(src));
    expect(await listInbox(tgt.store.imports, await userAddress(tgt.store.offices, TGT_OFFICE, 'eve'))).toEqual([]);
    await expect(acceptInbox(tgt.store, entry.id, TGT_OFFICE, 'eve', {})).rejects.toThrow(/no inbox entry/);
  });
});
