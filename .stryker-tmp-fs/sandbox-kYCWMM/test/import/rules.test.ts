// @ts-nocheck
// I3-I7, I9-I11 on the sample installations, through the library.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AcceptResult } from '../../src/import/accept.js';
import { dump, exportFrom, importInto, installation, rows, SOURCE, TARGET, type Installation } from '../fixtures/import/helpers.js';

const outcome = (r: AcceptResult, ref: string) => r.outcomes.find((o) => o.ref === ref);

describe('import of the sample set', () => {
  let src: Installation;
  let tgt: Installation;
  let r: AcceptResult & { receipt_file?: string };
  let bundle: string;

  beforeAll(async () => {
    src = await installation(SOURCE);
    tgt = await installation(TARGET);
    bundle = await exportFrom(src);
    r = await importInto(tgt, bundle);
  });

  it('I3 (2): a contact with the same tax id is merged, target values kept, empty fields filled, conflicts reported', () => {
    const o = outcome(r, 'contact/C-1104')!;
    expect(o).toMatchObject({ outcome: 'merged', target_id: 'TC-5001' });
    expect(o.conflicts).toContainEqual({ field: 'phone', target: '217-555-9999', incoming: '217-555-0114' });
    const c = rows(tgt.db, `SELECT phone, email FROM contacts WHERE id = 'TC-5001'`)[0]!;
    expect(c).toEqual({ phone: '217-555-9999', email: 'david.nguyen@example.com' });
    // its records attach to the existing contact
    expect(rows(tgt.db, `SELECT 1 FROM policies WHERE primary_contact_id = 'TC-5001' AND policy_number = 'HBS-FE-2201'`)).toHaveLength(1);
  });

  it('I3 (3): a contact with the same normalised name and birth date is merged', () => {
    expect(outcome(r, 'contact/C-1105')).toMatchObject({ outcome: 'merged', target_id: 'TC-5002' });
    expect(rows(tgt.db, `SELECT first_name, tax_id FROM contacts WHERE id = 'TC-5002'`)[0]).toEqual({ first_name: 'PATRICIA', tax_id: '567-89-0123' });
  });

  it('I3: a contact matching several target contacts is created anew and reported ambiguous', () => {
    const o = outcome(r, 'contact/C-1106')!;
    expect(o.outcome).toBe('created');
    expect(o.candidates).toEqual(['TC-5003', 'TC-5004']);
    expect(o.target_id).not.toMatch(/^TC-/);
  });

  it('I4: party entries whose contact is present are kept (stubs matched by the salted tax id hash and by name)', () => {
    // C-1301 Susan Clark is a stub; the target holds her tax id as TC-5005
    const attorney = r.outcomes.find((o) => o.record === 'policy/P-1001' && o.role === 'attorney');
    expect(attorney).toMatchObject({ outcome: 'linked', target_id: 'TC-5005', list: 'important', contact: 'contact/C-1301' });
    const pol = outcome(r, 'policy/P-1001')!.target_id!;
    expect(rows(tgt.db, `SELECT contact_id, list, role FROM policy_parties WHERE policy_id = ? ORDER BY list`, pol)).toEqual([
      { contact_id: 'TC-5005', list: 'important', role: 'attorney' },
      { contact_id: outcome(r, 'contact/C-1102')!.target_id, list: 'relationship', role: 'beneficiary' },
    ]);
  });

  it('I4: party entries whose contact is not present are dropped and reported with record, list and role', () => {
    expect(outcome(r, 'policy/P-1001#parties/0')).toMatchObject({
      outcome: 'dropped',
      record: 'policy/P-1001',
      list: 'advisor',
      role: 'writing_agent',
      contact: 'contact/C-1001',
    });
    expect(outcome(r, 'policy/P-1001#parties/0')!.reason).toMatch(/C-1001/);
  });

  it('I5: carriers, products, riders resolve in the parent office, then the own office, else are recreated in the target office', () => {
    expect(outcome(r, 'carrier/CR-1')).toMatchObject({ outcome: 'linked', target_id: 'TCR-1' }); // Riverside Resource
    expect(outcome(r, 'product/PR-1')).toMatchObject({ outcome: 'linked', target_id: 'TPR-1' }); // within TCR-1
    expect(outcome(r, 'carrier/CL-3')).toMatchObject({ outcome: 'linked', target_id: 'TCL-1' }); // Springfield's own
    const created = r.outcomes.filter((o) => o.ref.startsWith('carrier/') && o.outcome === 'created');
    expect(created.length).toBeGreaterThan(0);
    for (const c of created) {
      expect(rows(tgt.db, `SELECT office_id FROM carriers WHERE id = ?`, c.target_id)[0]).toEqual({ office_id: 'T-SPRING' });
    }
    // a created product belongs to its (resolved) carrier
    const p = rows(tgt.db, `SELECT p.carrier_id, c.name FROM products p JOIN carriers c ON c.id = p.carrier_id WHERE p.name = 'Evergreen LTC Shield'`);
    expect(p).toEqual([{ carrier_id: expect.stringMatching(/^IMP-/), name: 'Evergreen Health Partners' }]);
  });

  it('I6: key relations between present contacts are rebuilt', () => {
    const a = outcome(r, 'contact/C-1101')!.target_id;
    const b = outcome(r, 'contact/C-1102')!.target_id;
    expect(rows(tgt.db, `SELECT relation FROM key_relations WHERE contact_id = ? AND related_contact_id = ?`, a, b)).toEqual([{ relation: 'spouse' }]);
  });

  it('I7: census rows are kept only when the employee is present', () => {
    expect(outcome(r, 'census/EC-2')).toMatchObject({ outcome: 'created' }); // Karen Lee, matched by name and birth date
    expect(outcome(r, 'census/EC-3')).toMatchObject({ outcome: 'dropped' }); // Tom Baker, not in the target
    expect(outcome(r, 'census/EC-3')!.reason).toMatch(/employee contact\/C-1304/);
    expect(rows(tgt.db, `SELECT employee_contact_id FROM employee_census WHERE job_title = 'Pastry Chef'`)).toEqual([{ employee_contact_id: 'TC-5006' }]);
  });

  it('I9: importing the same bundle again changes nothing and says so', async () => {
    const before = await dump(tgt.db);
    const again = await importInto(tgt, bundle);
    expect(again.already_imported).toBe(true);
    expect(await dump(tgt.db)).toEqual(before);
  });

  it('I10: the receipt names bundle, tagmanifest hash, source, target and an outcome per ref; the transfer log keeps it', () => {
    const receipt = JSON.parse(fs.readFileSync(r.receipt_file!, 'utf8'));
    expect(Object.keys(receipt)).toEqual([
      'receipt_version',
      'accept_id',
      'bundle_id',
      'tagmanifest_sha256',
      'session_id',
      'source',
      'target',
      'accepted_at',
      'outcomes',
      'seal',
    ]);
    expect(receipt.seal).toMatch(/^[0-9a-f]{64}$/); // L4
    expect(receipt.receipt_version).toBe(1);
    expect(receipt.tagmanifest_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(receipt.source).toEqual({ installation_id: '5b0c7a52-3c1e-4b8e-9a61-1f2d3e4a5b6c', office_id: 'O-NORTH', office_name: 'North Agency' });
    expect(receipt.target).toEqual({ installation_id: '9e1d4c2b-7a3f-4e15-b2c8-6d0f1a2b3c4d', office_id: 'T-SPRING', user_id: 'TU-3' });
    const refs = new Set(receipt.outcomes.map((o: { ref: string }) => o.ref));
    for (const ref of ['contact/C-1101', 'policy/P-1001', 'letter/L-1', 'carrier/CR-1']) expect(refs, ref).toContain(ref);
    expect(receipt.outcomes.length).toBeGreaterThan(0);
    for (const o of receipt.outcomes) expect(['created', 'merged', 'linked', 'pending', 'dropped']).toContain(o.outcome);
    const dropped = receipt.outcomes.filter((x: { outcome: string }) => x.outcome === 'dropped');
    expect(dropped.length, 'the sample import drops party entries and census rows').toBeGreaterThan(0);
    for (const o of dropped) expect(o.reason).toBeTruthy();
    const log = rows(tgt.db, `SELECT action, bundle_id, receipt FROM transfer_log WHERE action = 'import'`);
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]!.receipt as string).accept_id).toBe(receipt.accept_id);
  });

  it('I11: created records remember their origin; import_map maps every record', () => {
    const id = outcome(r, 'contact/C-1101')!.target_id;
    expect(rows(tgt.db, `SELECT origin_bundle_id, origin_ref FROM contacts WHERE id = ?`, id)).toEqual([
      { origin_bundle_id: r.head.bundle_id, origin_ref: 'contact/C-1101' },
    ]);
    const mapped = rows(tgt.db, `SELECT source_ref, target_table, target_id, outcome FROM import_map WHERE bundle_id = ?`, r.head.bundle_id);
    const records = r.outcomes.filter((o) => !o.ref.includes('#') && o.outcome !== 'dropped' && o.outcome !== 'pending');
    expect(mapped).toHaveLength(records.length);
    expect(mapped).toContainEqual({
      source_ref: 'policy/P-1001',
      target_table: 'policies',
      target_id: outcome(r, 'policy/P-1001')!.target_id,
      outcome: 'created',
    });
  });
});

describe('import rules that need their own installations', () => {
  it('I3 (1): a contact an earlier import created is matched again by its source record, even after edits', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const first = await importInto(tgt, await exportFrom(src, { selection: { mode: 'contacts', contacts: ['C-1101'] } }));
    const id = outcome(first, 'contact/C-1101')!.target_id!;
    tgt.db.prepare(`UPDATE contacts SET first_name = 'Jon', tax_id = NULL, email = NULL WHERE id = ?`).run(id);
    const second = await importInto(tgt, await exportFrom(src, { selection: { mode: 'contacts', contacts: ['C-1101'] } }));
    expect(outcome(second, 'contact/C-1101')).toMatchObject({ outcome: 'merged', target_id: id });
    expect(rows(tgt.db, `SELECT first_name, email FROM contacts WHERE id = ?`, id)).toEqual([{ first_name: 'Jon', email: 'john.smith@example.com' }]);
    // records already brought by the first bundle are not created twice
    expect(outcome(second, 'policy/P-1001')).toMatchObject({ outcome: 'linked', reason: 'already imported' });
    expect(rows(tgt.db, `SELECT count(*) AS n FROM policies WHERE policy_number = 'SML-T20-100234'`)).toEqual([{ n: 1 }]);
  });

  it('I3: matches are searched only among contacts of the target office', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    tgt.db
      .prepare(`INSERT INTO contacts (id, office_id, kind, first_name, last_name, tax_id) VALUES ('R-1', 'T-RES', 'individual', 'John', 'Smith', '123456789')`)
      .run();
    const r = await importInto(tgt, await exportFrom(src, { selection: { mode: 'contacts', contacts: ['C-1101'] } }));
    expect(outcome(r, 'contact/C-1101')!.outcome).toBe('created');
  });

  it('I3: --on-ambiguous fail refuses and changes nothing', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const before = await dump(tgt.db);
    await expect(importInto(tgt, await exportFrom(src), { onAmbiguous: 'fail' })).rejects.toThrow(/several target contacts/);
    expect(await dump(tgt.db)).toEqual(before);
  });

  it('I5 (1): a catalogue record resolves to what an earlier import made of it; --carriers recreate skips parent and own office', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const first = await importInto(tgt, await exportFrom(src, { selection: { mode: 'contacts', contacts: ['C-1201'] } }));
    const evergreen = outcome(first, 'carrier/CR-4')!;
    expect(evergreen.outcome).toBe('created');
    tgt.db.prepare(`UPDATE carriers SET name = 'Evergreen (renamed here)' WHERE id = ?`).run(evergreen.target_id);
    // the case that used it is gone again, so the next bundle brings it anew and resolves its carrier
    const kase = outcome(first, 'case/PC-5')!.target_id;
    tgt.db.prepare(`DELETE FROM case_parties WHERE case_id = ?`).run(kase);
    tgt.db.prepare(`DELETE FROM pending_cases WHERE id = ?`).run(kase);
    const second = await importInto(tgt, await exportFrom(src, { selection: { mode: 'contacts', contacts: ['C-1201'] } }), { carriers: 'recreate' });
    expect(outcome(second, evergreen.ref)).toMatchObject({ outcome: 'linked', target_id: evergreen.target_id });
    const third = await importInto(tgt, await exportFrom(src, { selection: { mode: 'contacts', contacts: ['C-1101'] } }), { carriers: 'recreate' });
    expect(outcome(third, 'carrier/CR-1')!.outcome).toBe('created'); // not linked to TCR-1 of the parent office
    expect(rows(tgt.db, `SELECT office_id, name FROM carriers WHERE id = ?`, outcome(third, 'carrier/CR-1')!.target_id)).toEqual([
      { office_id: 'T-SPRING', name: 'Summit Mutual Life' },
    ]);
  });

  it('I6: a relation whose other contact comes in a later bundle of the session waits, and is rebuilt when that bundle is accepted', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const session = 'session-i6';
    const b1 = await exportFrom(src, { selection: { mode: 'contacts', contacts: ['C-1101'] }, session });
    const b2 = await exportFrom(src, { selection: { mode: 'contacts', contacts: ['C-1102'] }, session });
    const r2 = await importInto(tgt, b2);
    expect(outcome(r2, 'key_relation/KR-1')).toMatchObject({ outcome: 'pending' });
    expect(rows(tgt.db, `SELECT count(*) AS n FROM pending_relations`)[0]!.n).toBeGreaterThan(0);
    const r1 = await importInto(tgt, b1);
    expect(outcome(r1, 'key_relation/KR-1')).toMatchObject({ outcome: 'created' });
    const john = outcome(r1, 'contact/C-1101')!.target_id;
    const mary = outcome(r2, 'contact/C-1102')!.target_id;
    expect(rows(tgt.db, `SELECT relation FROM key_relations WHERE contact_id = ? AND related_contact_id = ?`, john, mary)).toEqual([{ relation: 'spouse' }]);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM pending_relations`)[0]!.n).toBe(0);
  });
});
