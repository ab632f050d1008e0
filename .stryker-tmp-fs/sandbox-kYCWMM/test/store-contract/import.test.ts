// @ts-nocheck
// The store contract for import (src/store/port.ts ImportStore): staging,
// planning, apply, receipts, the inbox and undo, asked of any adapter through
// the import feature's own functions (src/import/index.ts). The sample source's
// set "Move to Springfield" (samples/README.md) is exported through the port
// and imported into the sample target; every expectation below is written by
// hand from the samples, never read back from the code under test.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acceptInbox, addFileToInbox, importFile, inboxOf, rejectFromInbox, reissueReceipt, undoImport } from '../../src/import/index.js';
import { loadDir } from '../../src/installation/index.js';
import type { PlanFile, PlannedDecisionRow } from '../../src/import/plan-file.js';
import type { ReceiptOutcome } from '../../src/import/receipt.js';
import type { Store } from '../../src/store/port.js';
import { tmpDir } from '../helpers/cli.js';
import { ADAPTERS } from './adapters.js';
import { dumpOf, exportSample, SOURCE, Stores, TARGET, TGT_OFFICE, TGT_USER } from './samples.js';

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const outFile = (name: string) => path.join(tmpDir('officeport-contract-import-'), name);

const SET = ['contact/C-1101', 'contact/C-1102', 'contact/C-1103', 'contact/C-1104', 'contact/C-1105', 'contact/C-1106', 'contact/C-1201'];

/** George Miller (C-1302) is a beneficiary of Patricia's policy P-1005 and exists nowhere in the target office (I4). */
const GEORGE_DROPPED = 'party entry (list relationship, role beneficiary): contact/C-1302 (George Miller): no such contact in the target office';
/** Tom Baker (C-1304), an employee of the bakery, exists nowhere in the target office (I7). */
const TOM_DROPPED = 'employee contact/C-1304 (Tom Baker): no such contact in the target office';

for (const adapter of ADAPTERS) {
  describe(`store contract, import (${adapter.name})`, () => {
    const stores = new Stores();
    let source: Store;
    let bundle: string;
    beforeAll(async () => {
      source = adapter.create();
      await loadDir(source, SOURCE);
      bundle = await exportSample(source);
    });
    afterAll(() => source?.close());
    afterEach(() => stores.closeAll());

    const target = () => stores.of(adapter, TARGET);

    it('I3, I4, I7, I12: a dry run plans every record and writes nothing: John created, David and Patricia merged, Michael ambiguous, the entries naming absent contacts dropped with their reasons', async () => {
      const t = await target();
      const before = await dumpOf(t);
      const planOut = outFile('plan.json');
      const r = await importFile(t, bundle, TGT_OFFICE, TGT_USER, { dryRun: true, planOut });
      expect(r.dry_run).toBe(true);

      const plan = readJson<PlanFile>(planOut);
      expect(plan.contacts).toEqual(SET);
      const decision = (ref: string): PlannedDecisionRow | undefined => plan.decisions.find((d) => d.ref === ref);
      // I3: John is nowhere in the target
      expect(decision('contact/C-1101')).toEqual({ ref: 'contact/C-1101', type: 'contacts', outcome: 'created' });
      // I3 (2): David by his tax id (345-67-8901 = TC-5001's 345678901); his phone and street differ
      expect(decision('contact/C-1104')).toMatchObject({ type: 'contacts', outcome: 'merged', target_id: 'TC-5001' });
      expect(
        decision('contact/C-1104')!
          .conflicts!.map((c) => (c as { field: string }).field)
          .sort(),
      ).toEqual(['phone', 'street']);
      // I3 (3): Patricia by name and birth date ("PATRICIA" "van  dyke" 1958-09-09)
      expect(decision('contact/C-1105')).toMatchObject({ type: 'contacts', outcome: 'merged', target_id: 'TC-5002' });
      // I3, I12: Michael Johnson 1980-05-05 is both TC-5003 and TC-5004: created anew, the candidates offered as a choice
      expect(decision('contact/C-1106')).toMatchObject({ type: 'contacts', outcome: 'created', candidates: ['TC-5003', 'TC-5004'], choice: '' });
      expect(decision('contact/C-1106')).not.toHaveProperty('target_id');
      // I4: stubs: Susan Clark is TC-5005 by tax id; George Miller is nowhere
      expect(decision('contact/C-1301')).toMatchObject({ type: 'stubs', outcome: 'linked', target_id: 'TC-5005' });
      expect(decision('contact/C-1302')).toMatchObject({ type: 'stubs', outcome: 'dropped', reason: 'no such contact in the target office' });
      // I4: the party entry naming George is dropped with its reason
      expect(decision('policy/P-1005#parties/1')).toEqual({ ref: 'policy/P-1005#parties/1', type: 'party', outcome: 'dropped', reason: GEORGE_DROPPED });
      // I7: the census rows of the bakery: Mary arrives (EC-1), Karen exists as TC-5006 (EC-2), Tom Baker is nowhere (EC-3)
      expect(decision('census/EC-1')).toEqual({ ref: 'census/EC-1', type: 'employee_census', outcome: 'created' });
      expect(decision('census/EC-2')).toEqual({ ref: 'census/EC-2', type: 'employee_census', outcome: 'created' });
      expect(decision('census/EC-3')).toEqual({ ref: 'census/EC-3', type: 'employee_census', outcome: 'dropped', reason: TOM_DROPPED });
      // I6: KR-1..KR-5 have both ends in the set
      for (const kr of [1, 2, 3, 4, 5]) expect(decision(`key_relation/KR-${kr}`)).toMatchObject({ type: 'key_relations', outcome: 'created' });

      // the same plan as the command reports it (the receipt's form of an outcome)
      const outcome = (ref: string): ReceiptOutcome | undefined => r.outcomes.find((o) => o.ref === ref);
      expect(outcome('policy/P-1005#parties/1')).toEqual({
        ref: 'policy/P-1005#parties/1',
        outcome: 'dropped',
        record: 'policy/P-1005',
        list: 'relationship',
        contact: 'contact/C-1302',
        role: 'beneficiary',
        reason: GEORGE_DROPPED,
      });
      expect(outcome('contact/C-1106')).toMatchObject({ outcome: 'created', candidates: ['TC-5003', 'TC-5004'] });
      expect(outcome('contact/C-1302')).toBeUndefined(); // stubs are not records of the target
      // five contacts created (John, Mary, Emily, Michael, the bakery), two merged (David, Patricia)
      expect(r.by_type.contacts).toEqual({ created: 5, merged: 2 });
      expect(r.by_type.key_relations).toEqual({ created: 5 });
      expect(r.by_type.employee_census).toEqual({ created: 2, dropped: 1 });

      // I12: nothing written, nothing staged
      expect(await dumpOf(t)).toEqual(before);
      expect(await inboxOf(t, TGT_OFFICE, TGT_USER)).toEqual([]);
    });

    it('I12: a plan whose ambiguous match is settled in the file applies exactly that plan: Michael merged into the chosen TC-5004', async () => {
      const t = await target();
      const planOut = outFile('plan.json');
      await importFile(t, bundle, TGT_OFFICE, TGT_USER, { dryRun: true, planOut });
      const plan = readJson<PlanFile>(planOut);
      plan.decisions.find((d) => d.ref === 'contact/C-1106')!.choice = 'TC-5004';
      const planFile = outFile('settled.json');
      fs.writeFileSync(planFile, JSON.stringify(plan));
      const r = await importFile(t, bundle, TGT_OFFICE, TGT_USER, { planFile, receiptFile: outFile('receipt.json') });
      expect(r.outcomes.find((o) => o.ref === 'contact/C-1106')).toMatchObject({ target_id: 'TC-5004', outcome: 'merged' });
      expect(r.by_type.contacts).toEqual({ created: 4, merged: 3 });
    });

    it('I3, I8: with ambiguous matches refused, the accept fails whole: nothing written, nothing staged', async () => {
      const t = await target();
      const before = await dumpOf(t);
      await expect(importFile(t, bundle, TGT_OFFICE, TGT_USER, { onAmbiguous: 'fail', receiptFile: outFile('receipt.json') })).rejects.toThrow(
        '1 incoming contact matches ambiguously',
      );
      expect(await dumpOf(t)).toEqual(before);
      expect(await inboxOf(t, TGT_OFFICE, TGT_USER)).toEqual([]);
      // and the installation takes the same bundle afterwards
      expect((await importFile(t, bundle, TGT_OFFICE, TGT_USER, { receiptFile: outFile('after.json') })).by_type.contacts).toEqual({ created: 5, merged: 2 });
    });

    it('I10, I11, I9, L5, I13: an accept writes its receipt with its outcome counts and the origin of what it made; again it changes nothing and names its receipt; undone, the target is as it was', async () => {
      const t = await target();
      const before = await dumpOf(t);
      const receiptFile = outFile('receipt.json');
      const r = await importFile(t, bundle, TGT_OFFICE, TGT_USER, { receiptFile });
      expect(r.dry_run).toBe(false);
      expect(r.receipt_file).toBe(receiptFile);
      expect(r.by_type.contacts).toEqual({ created: 5, merged: 2 });
      expect(r.by_type.key_relations).toEqual({ created: 5 });
      expect(r.by_type.employee_census).toEqual({ created: 2, dropped: 1 });
      // only contacts merge; every contact of the set and every relation between them arrive, so nothing waits
      expect(r.counts.merged).toBe(2);
      expect(r.counts.pending).toBe(0);

      // I10: the receipt names the bundle, the accept and every outcome
      const receipt = readJson<{ accept_id: string; bundle_id: string; outcomes: ReceiptOutcome[] }>(receiptFile);
      expect(receipt.accept_id).toBe(r.head.accept_id);
      expect(receipt.bundle_id).toBe(r.head.bundle_id);
      expect(receipt.outcomes).toHaveLength(r.outcomes_total);
      const outcome = (ref: string) => receipt.outcomes.find((o) => o.ref === ref);
      expect(outcome('contact/C-1104')).toMatchObject({ target_id: 'TC-5001', outcome: 'merged' });
      expect(outcome('contact/C-1105')).toMatchObject({ target_id: 'TC-5002', outcome: 'merged' });
      expect(outcome('policy/P-1005#parties/1')).toMatchObject({ outcome: 'dropped', reason: GEORGE_DROPPED });
      expect(outcome('census/EC-3')).toMatchObject({ outcome: 'dropped', reason: TOM_DROPPED });
      // I11: the contact made for John remembers its bundle and source ref
      const john = outcome('contact/C-1101')!;
      expect(john.outcome).toBe('created');
      const contacts = (await dumpOf(t))['contacts.csv']!.split('\n');
      const johnRow = contacts.find((l) => l.startsWith(`${john.target_id},T-SPRING,individual,John,`));
      expect(johnRow).toContain(r.head.bundle_id);
      expect(johnRow).toContain('contact/C-1101');
      // the installation keeps no inbox entry of a bundle accepted whole
      expect(await inboxOf(t, TGT_OFFICE, TGT_USER)).toEqual([]);

      // I9, L5: again, nothing changes and the answer names the receipt
      const after = await dumpOf(t);
      const again = await importFile(t, bundle, TGT_OFFICE, TGT_USER, { receiptFile: outFile('again.json') });
      expect(again.already_imported).toBe(true);
      expect(again.receipts).toEqual([{ accept_id: r.head.accept_id, accepted_at: r.head.accepted_at, file: receiptFile, undone: false }]);
      expect(await dumpOf(t)).toEqual(after);
      // L5: the kept receipt issued again is the receipt, byte for byte
      const reissued = outFile('reissued.json');
      await reissueReceipt(t, { bundle, office: TGT_OFFICE, user: TGT_USER, out: reissued });
      expect(fs.readFileSync(reissued, 'utf8')).toBe(fs.readFileSync(receiptFile, 'utf8'));

      // I13: undone, the target is as it was before the import; a second undo says so
      const undone = await undoImport(t, receiptFile, TGT_OFFICE, TGT_USER);
      expect(undone).toMatchObject({ accept_id: r.head.accept_id, already_undone: false });
      expect(undone.reverted.contacts).toBe(7);
      expect(await dumpOf(t)).toEqual(before);
      expect(await undoImport(t, receiptFile, TGT_OFFICE, TGT_USER)).toMatchObject({ already_undone: true, reverted: {} });
    });

    /** The sample bundle staged in the target's inbox, listed, and John (C-1101) alone accepted from it. */
    async function johnAccepted(t: Store) {
      const added = await addFileToInbox(t, bundle, TGT_OFFICE, TGT_USER);
      expect(added.added).toBe(true);
      const receiptFile = outFile('receipt-john.json');
      const john = await acceptInbox(t, added.entry.id, TGT_OFFICE, TGT_USER, { contacts: ['C-1101'], receiptFile });
      return { entry: added.entry, john, receiptFile };
    }

    it('I2: a staged bundle is listed with its contacts, tax ids masked; the same bundle twice is the same entry; staging changes no record', async () => {
      const t = await target();
      const before = await dumpOf(t);
      const added = await addFileToInbox(t, bundle, TGT_OFFICE, TGT_USER);
      expect(added.added).toBe(true);
      expect(await addFileToInbox(t, bundle, TGT_OFFICE, TGT_USER)).toEqual({ entry: added.entry, added: false });
      const listed = await inboxOf(t, TGT_OFFICE, TGT_USER);
      expect(listed.map((e) => [e.id, e.bundle_id, e.source_office, e.status])).toEqual([[added.entry.id, added.entry.bundle_id, 'North Agency', 'pending']]);
      expect(listed[0]!.contacts.map((c) => c.ref)).toEqual(SET);
      expect(listed[0]!.contacts.every((c) => !c.accepted)).toBe(true);
      // David's SSN 345-67-8901 shows as its last four digits
      expect(listed[0]!.contacts.find((c) => c.ref === 'contact/C-1104')?.tax_id).toBe('***-**-8901');
      expect(await dumpOf(t)).toEqual(before);
    });

    it('L8, I2: one contact accepted leaves the relation and party entry naming another pending, saying why; rejected, what waited is dropped and reported', async () => {
      const t = await target();
      const { entry, john, receiptFile } = await johnAccepted(t);
      expect(john.inbox_id).toBe(entry.id);
      expect(john.by_type.contacts).toEqual({ created: 1 });
      const outcome = (ref: string) => john.outcomes.find((o) => o.ref === ref);
      // KR-1: John -> Mary; IA-1 (John's account) names Mary as joint owner
      expect(outcome('key_relation/KR-1')).toEqual({
        ref: 'key_relation/KR-1',
        outcome: 'pending',
        reason: 'waiting for a later bundle of the session: contact/C-1102 is not accepted yet (still pending in the inbox)',
      });
      expect(outcome('account/IA-1#parties/1')).toEqual({
        ref: 'account/IA-1#parties/1',
        outcome: 'pending',
        record: 'account/IA-1',
        list: 'interested_party',
        contact: 'contact/C-1102',
        role: 'joint_owner',
        reason: 'party entry (list interested_party, role joint_owner): contact/C-1102 is not accepted yet (still pending in the inbox)',
      });
      const partial = await inboxOf(t, TGT_OFFICE, TGT_USER);
      expect(partial.map((e) => e.status)).toEqual(['partial']);
      expect(partial[0]!.contacts.filter((c) => c.accepted).map((c) => c.ref)).toEqual(['contact/C-1101']);

      const rejected = await rejectFromInbox(t, entry.id, TGT_OFFICE, TGT_USER);
      expect(rejected.status).toBe('rejected');
      // John's own records: his relations to Mary (KR-1) and Emily (KR-3), and the entries naming Mary in his account IA-1,
      // policy P-1001 and case PC-1 (the entries naming Robert Hale and Linda Park were dropped at once, Susan's linked)
      const why = (ref: string) => `waited for ${ref}, which the rejected bundle does not bring`;
      expect(rejected.dropped).toEqual([
        { ref: 'key_relation/KR-1', reason: why('contact/C-1102') },
        { ref: 'key_relation/KR-3', reason: why('contact/C-1103') },
        { ref: 'account/IA-1#parties/1', reason: why('contact/C-1102') },
        { ref: 'policy/P-1001#parties/2', reason: why('contact/C-1102') },
        { ref: 'case/PC-1#parties/2', reason: why('contact/C-1102') },
      ]);
      expect(await inboxOf(t, TGT_OFFICE, TGT_USER)).toEqual([]);
      // I13: the reject changed what John's accept left (its inbox entry and the five entries that waited), so that accept is refused an undo
      const after = await dumpOf(t);
      await expect(undoImport(t, receiptFile, TGT_OFFICE, TGT_USER)).rejects.toThrow('6 records of this import changed after it; nothing was undone');
      expect(await dumpOf(t)).toEqual(after);
    });

    it('I13, L8, I2: a partial accept undone gives the target back as it was and its contacts back to the inbox; the entry is then rejected with nothing waiting', async () => {
      const t = await target();
      const before = await dumpOf(t);
      const { entry, receiptFile } = await johnAccepted(t);
      expect(await dumpOf(t)).not.toEqual(before);
      const undone = await undoImport(t, receiptFile, TGT_OFFICE, TGT_USER);
      expect(undone.reverted.contacts).toBe(1);
      expect(await dumpOf(t)).toEqual(before);
      const listed = await inboxOf(t, TGT_OFFICE, TGT_USER);
      expect(listed.map((e) => e.id)).toEqual([entry.id]);
      expect(listed[0]!.contacts.filter((c) => c.accepted)).toEqual([]);
      const rejected = await rejectFromInbox(t, entry.id, TGT_OFFICE, TGT_USER);
      expect(rejected.dropped).toEqual([]);
      expect(await inboxOf(t, TGT_OFFICE, TGT_USER)).toEqual([]);
      expect(await dumpOf(t)).toEqual(before);
    });

    it('I6: a relation whose other contact comes in a later bundle of the session waits, and is rebuilt when that bundle is accepted', async () => {
      const t = await target();
      const session = 'contract-session';
      const first = await exportSample(source, { selection: { mode: 'contacts', contacts: ['C-1101'] }, session });
      const second = await exportSample(source, { selection: { mode: 'contacts', contacts: ['C-1102'] }, session });
      const mary = await importFile(t, second, TGT_OFFICE, TGT_USER, { receiptFile: outFile('mary.json') });
      expect(mary.outcomes.find((o) => o.ref === 'key_relation/KR-1')).toEqual({
        ref: 'key_relation/KR-1',
        outcome: 'pending',
        reason: 'waiting for a later bundle of the session: contact/C-1101 (John Smith): no such contact in the target office',
      });
      const john = await importFile(t, first, TGT_OFFICE, TGT_USER, { receiptFile: outFile('john.json') });
      expect(john.outcomes.filter((o) => o.ref === 'key_relation/KR-1').map((o) => o.outcome)).toContain('created');
      // KR-1: John -> Mary, spouse, between the contacts the two bundles made
      const dumped = await dumpOf(t);
      const contacts = dumped['contacts.csv']!.split('\n');
      const idOf = (name: string) => contacts.find((l) => l.includes(`,T-SPRING,individual,${name},`) && l.includes('Smith'))!.split(',')[0];
      expect(dumped['key_relations.csv']).toContain(`,T-SPRING,${idOf('John')},${idOf('Mary')},spouse,married 1996`);
    });
  });
}
