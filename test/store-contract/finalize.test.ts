// The store contract for finalize and its undo (src/store/port.ts
// FinalizeStore), asked of any adapter through the finalize feature's own
// functions (src/finalize/index.ts) and the session the port hands out. The
// sample source's set "Move to Springfield" (samples/README.md) is exported
// from the adapter's store and imported into the sample target (the receipt is
// a file: the target is an installation file, whatever the source's adapter);
// the source then finalizes the receipt. A staying contact (Nancy White,
// C-1305) was referred by John Smith and a staying letter of hers is addressed
// to David Nguyen, so that finalize has references to cut. Every expectation
// below is written by hand from the samples, never read back from the code
// under test.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { FINALIZE_PLAN, type Step } from '../../src/domain/finalize-rules.js';
import { BugError } from '../../src/shared/errors.js';
import { finalizeReceipt, undoFinalize } from '../../src/finalize/index.js';
import { importFile } from '../../src/import/index.js';
import type { Store } from '../../src/store/port.js';
import { tmpDir } from '../helpers/cli.js';
import { ADAPTERS } from './adapters.js';
import { dumpOf, exportSample, SOURCE, Stores, TARGET, TGT_OFFICE, TGT_USER } from './samples.js';

const OFFICE = 'North Agency';
const USER = 'alice';
const AT = new Date('2026-02-03T04:05:06Z');

/** The source sample, but Nancy White (stays) was referred by John Smith (moves) and wrote a letter addressed to David Nguyen (moves). */
function sourceWithReferences(): string {
  const dir = path.join(tmpDir('officeport-contract-finalize-src-'), 'source');
  fs.cpSync(SOURCE, dir, { recursive: true });
  const contacts = path.join(dir, 'contacts.csv');
  const before = fs.readFileSync(contacts, 'utf8');
  const after = before.replace(/^(C-1305,.*,false,C-1001,),/m, '$1C-1101,');
  expect(after).not.toBe(before);
  fs.writeFileSync(contacts, after);
  fs.appendFileSync(path.join(dir, 'letters.csv'), 'L-8,O-NORTH,C-1305,C-1104,letter,Thank you,Thank you for the referral.,2025-03-01,\n');
  return dir;
}
const SOURCE_WITH_REFERENCES = sourceWithReferences();

/** M1: the rows that travelled (the receipt confirms them), per table, by id (link tables: parent/contact). */
const TRAVELLED: Record<string, string[]> = {
  contacts: ['C-1101', 'C-1102', 'C-1103', 'C-1104', 'C-1105', 'C-1106', 'C-1201'],
  policies: ['P-1001', 'P-1002', 'P-1003', 'P-1005', 'P-1006', 'P-1007', 'P-1009'],
  pending_cases: ['PC-1', 'PC-2', 'PC-5'],
  investment_accounts: ['IA-1', 'IA-2'],
  positions: ['POS-1', 'POS-2', 'POS-3'],
  key_relations: ['KR-1', 'KR-2', 'KR-3', 'KR-4', 'KR-5'],
  // EC-3 (Tom Baker) was dropped by the import: it did not travel
  employee_census: ['EC-1', 'EC-2'],
  letters: ['L-1', 'L-4', 'L-5', 'L-6'],
  activities: ['A-1', 'A-2', 'A-3', 'A-4'],
  smartpad: ['SP-1', 'SP-2', 'SP-3', 'SP-4'],
};

/** M1: what belonged to the moved contacts and did not travel: it leaves with them. */
const NOT_TRAVELLED: Record<string, string[]> = {
  // X10: PC-3 is attached to commission CM-2, never exported
  pending_cases: ['PC-3'],
  commissions: ['CM-1', 'CM-2', 'CM-3'],
  key_relations: ['KR-6', 'KR-7', 'KR-8'],
  employee_census: ['EC-3'],
  // L-2 went to George (not exported), L-3 and L-7 are e-mails
  letters: ['L-2', 'L-3', 'L-7'],
  leads: ['LD-1', 'LD-2'],
  event_invitations: ['EV-1', 'EV-2'],
  proposals: ['PP-1', 'PP-2'],
};

/** The rows of link tables (no id) that go: travelled with their record, or naming a moved contact. */
const LINKS_TRAVELLED = { policy_riders: 6, policy_parties: 10, case_parties: 7, account_parties: 4 };
const LINKS_NOT_TRAVELLED = { policy_parties: 2, case_parties: 1, account_parties: 1, set_members: 8 };

/** M3: references of staying rows to moved contacts, cut. */
const DETACHED = { 'contacts.referred_by_id': 1, 'letters.recipient_contact_id': 1 };

const count = (ids: Record<string, string[]>, links: Record<string, number>) => {
  const out: Record<string, number> = { ...links };
  for (const [t, v] of Object.entries(ids)) out[t] = v.length;
  return out;
};

type Row = Record<string, string>;
const csv = (dump: Record<string, string>, table: string): Row[] => Papa.parse<Row>(dump[`${table}.csv`] ?? '', { header: true, skipEmptyLines: true }).data;

/** The rows of a table in the archive (data/records/<name>.ndjson), in the archive's order. */
function archived(archive: string, name: string): Row[] {
  const r = spawnSync('unzip', ['-p', archive, `*/data/records/${name}.ndjson`], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);
}

for (const adapter of ADAPTERS) {
  describe(`store contract, finalize (${adapter.name})`, () => {
    const stores = new Stores();
    afterEach(() => stores.closeAll());

    /** A source of this adapter that exported the set, and the receipt of its import into the sample target. */
    async function moved(): Promise<{ source: Store; receiptFile: string; bundleId: string }> {
      const source = await stores.of(adapter, SOURCE_WITH_REFERENCES);
      const bundle = await exportSample(source);
      // the receipt is a file: any installation may write it; the first adapter's (SQLite) does
      const target = await stores.of(ADAPTERS[0]!, TARGET);
      const receiptFile = path.join(tmpDir('officeport-contract-finalize-'), 'receipt.json');
      const r = await importFile(target, bundle, TGT_OFFICE, TGT_USER, { receiptFile });
      return { source, receiptFile, bundleId: r.head.bundle_id };
    }

    it('M1, M3, L2: a finalize after an import removes exactly the rows that travelled and what belonged to the moved contacts, and cuts the references of staying rows', async () => {
      const { source, receiptFile } = await moved();
      const before = await dumpOf(source);
      const archive = path.join(tmpDir('officeport-contract-finalize-'), 'retention.zip');
      const r = await finalizeReceipt(source, { receiptFile, office: OFFICE, user: USER, archive, yes: true, now: AT });
      expect(r.status).toBe('finalized');
      expect(r.counts!.travelled).toEqual(count(TRAVELLED, LINKS_TRAVELLED));
      expect(r.counts!.not_travelled).toEqual(count(NOT_TRAVELLED, LINKS_NOT_TRAVELLED));
      expect(r.counts!.detached).toEqual(DETACHED);
      // the documents of L-1, L-2, L-5 and L-6; no staying letter names them
      expect(r.counts!.documents).toBe(4);

      const after = await dumpOf(source);
      for (const table of new Set([...Object.keys(TRAVELLED), ...Object.keys(NOT_TRAVELLED)])) {
        const gone = csv(before, table)
          .map((x) => x.id!)
          .filter((id) => !csv(after, table).some((x) => x.id === id));
        expect(gone.sort(), table).toEqual([...(TRAVELLED[table] ?? []), ...(NOT_TRAVELLED[table] ?? [])].sort());
      }
      const links = { policy_riders: 6, policy_parties: 12, case_parties: 8, account_parties: 5, set_members: 8 };
      for (const [table, n] of Object.entries(links)) expect(csv(before, table).length - csv(after, table).length, table).toBe(n);
      // the references are cut; the rows stay, their other columns as they were
      const nancy = (d: Record<string, string>) => csv(d, 'contacts').find((c) => c.id === 'C-1305')!;
      expect(nancy(after)).toEqual({ ...nancy(before), referred_by_id: '' });
      const letter = (d: Record<string, string>) => csv(d, 'letters').find((c) => c.id === 'L-8')!;
      expect(letter(after)).toEqual({ ...letter(before), recipient_contact_id: '' });
      // the four documents went; none other did
      const docs = (d: Record<string, string>) => Object.keys(d).filter((f) => f.startsWith('documents/'));
      expect(
        docs(before)
          .filter((f) => !docs(after).includes(f))
          .sort(),
      ).toEqual([
        'documents/bakery-renewal-2025.txt',
        'documents/miller-beneficiary-notice.txt',
        'documents/nguyen-reinstatement-form.txt',
        'documents/smith-john/annual-review-2025.txt',
      ]);
      // a second finalize of the same receipt changes nothing
      expect((await finalizeReceipt(source, { receiptFile, office: OFFICE, user: USER, yes: true })).status).toBe('already_finalized');
      expect(await dumpOf(source)).toEqual(after);
    });

    it('L3, P1: the removed rows come from removedRows in row order, in batches of at most 1000 and none empty, each with its place, and the retention archive keeps that order', async () => {
      const { source, receiptFile, bundleId } = await moved();
      const ledger = (await source.finalize.ledger(bundleId))!;
      let batchSizes: Record<string, number[]> | undefined;
      const seen = await source.finalize
        .finalize(async (s) => {
          await s.startSelection(FINALIZE_PLAN);
          await s.addConfirmed([
            ...TRAVELLED.contacts!.map((id) => ({ prefix: 'contact' as const, id })),
            ...['L-6', 'L-1', 'L-5', 'L-4'].map((id) => ({ prefix: 'letter' as const, id })),
          ]);
          await s.select({ officeId: ledger.office_id, sessionId: ledger.session_id });
          const rows = async (table: string, travelled: boolean) => {
            const out: { id: string; place: number }[] = [];
            for await (const batch of s.removedRows(table, travelled)) out.push(...batch.map((r) => ({ id: r.row.id!, place: r.place })));
            return out;
          };
          const got = { contacts: await rows('contacts', true), letters: await rows('letters', true), others: await rows('letters', false) };
          const sizes = async (table: string, travelled: boolean) => {
            const out: number[] = [];
            for await (const batch of s.removedRows(table, travelled)) out.push(batch.length);
            return out;
          };
          // P1: rows come in batches of at most 1000, none empty: all 7 contacts in one, none for positions (no account travelled)
          batchSizes = { contacts: await sizes('contacts', true), positions: await sizes('positions', true) };
          throw Object.assign(new Error('seen'), { got });
        })
        .catch((e: { got?: Record<string, { id: string; place: number }[]> }) => e.got);
      expect(batchSizes).toEqual({ contacts: [7], positions: [] });
      // load order (the CSV files' order), whatever order the refs were confirmed in
      expect(seen!.contacts.map((r) => r.id)).toEqual(TRAVELLED.contacts);
      expect(seen!.letters.map((r) => r.id)).toEqual(['L-1', 'L-4', 'L-5', 'L-6']);
      // the not confirmed letters of the moved contacts; L-8 (Nancy's) stays
      expect(seen!.others.map((r) => r.id)).toEqual(['L-2', 'L-3', 'L-7']);
      for (const list of Object.values(seen!)) {
        const places = list.map((r) => r.place);
        expect(places).toEqual([...places].sort((a, b) => a - b));
        expect(new Set(places).size).toBe(places.length);
      }
      // nothing of that session stayed: the finalize threw
      expect((await source.finalize.ledger(bundleId))!.finalized_at).toBeNull();

      const archive = path.join(tmpDir('officeport-contract-finalize-'), 'retention.zip');
      await finalizeReceipt(source, { receiptFile, office: OFFICE, user: USER, archive, yes: true, now: AT });
      expect(archived(archive, 'travelled_contacts').map((r) => r.id)).toEqual(TRAVELLED.contacts);
      expect(archived(archive, 'travelled_policies').map((r) => r.id)).toEqual(TRAVELLED.policies);
      expect(archived(archive, 'letters').map((r) => r.id)).toEqual(['L-2', 'L-3', 'L-7']);
      expect(archived(archive, 'commissions').map((r) => r.id)).toEqual(['CM-1', 'CM-2', 'CM-3']);
      expect(archived(archive, 'travelled_policy_riders').map((r) => `${r.policy_id}/${r.rider_id}`)).toEqual([
        'P-1001/RR-1',
        'P-1001/RR-2',
        'P-1002/RL-1',
        'P-1002/RL-2',
        'P-1005/RR-3',
        'P-1007/RL-3',
      ]);
      const places = archived(archive, 'rowids_travelled_contacts').map(Number);
      expect(places).toEqual(seen!.contacts.map((r) => r.place));
    });

    it('L3: finalize undo puts every row, reference and document back: the dump is the one before the finalize', async () => {
      const { source, receiptFile, bundleId } = await moved();
      const before = await dumpOf(source);
      const archive = path.join(tmpDir('officeport-contract-finalize-'), 'retention.zip');
      await finalizeReceipt(source, { receiptFile, office: OFFICE, user: USER, archive, yes: true, now: AT });
      expect(await dumpOf(source)).not.toEqual(before);

      const u = await undoFinalize(source, { archiveFile: archive, office: OFFICE, user: USER, now: AT });
      expect(u.status).toBe('undone');
      expect(u.references).toBe(2);
      expect(u.documents).toBe(4);
      expect(u.restored.contacts).toBe(7);
      expect(await dumpOf(source)).toEqual(before);
      // no finalize stands: the ledger is as before the finalize, and the receipt can be finalized again
      expect((await source.finalize.ledger(bundleId))!.finalized_at).toBeNull();
      expect(await source.finalize.standingFinalize(bundleId, JSON.parse(fs.readFileSync(receiptFile, 'utf8')).accept_id)).toBeUndefined();
      expect((await undoFinalize(source, { archiveFile: archive, office: OFFICE, user: USER })).status).toBe('already_undone');
    });

    it('L3: finalize undo refuses whole when a row made since holds the id of a removed row: it names the row, nothing is put back', async () => {
      const { source, receiptFile } = await moved();
      const archive = path.join(tmpDir('officeport-contract-finalize-'), 'retention.zip');
      await finalizeReceipt(source, { receiptFile, office: OFFICE, user: USER, archive, yes: true, now: AT });
      // a new contact of North Agency under Mary Smith's old id
      await source.installation.load(async (s) => {
        expect(await s.insert('contacts', ['id', 'office_id', 'kind', 'last_name'], [['C-1102', 'O-NORTH', 'individual', 'Newcomer']])).toEqual([]);
      });
      const after = await dumpOf(source);
      const e = (await undoFinalize(source, { archiveFile: archive, office: OFFICE, user: USER, now: AT }).catch((x: unknown) => x)) as {
        message: string;
        problems?: { message: string }[];
      };
      expect(e.message).toContain('1 of the records finalize removed cannot be put back as they were; nothing was changed');
      expect(e.problems!.map((p) => p.message)).toEqual(['contacts C-1102: the id is taken by a row made since']);
      expect(await dumpOf(source)).toEqual(after);
    });

    it('M1: a wrong plan fails loudly as a bug (an unknown table, a detach of rows without ids, a step of no known kind, a selection never started), and nothing is removed', async () => {
      const source = await stores.of(adapter, SOURCE);
      const before = await dumpOf(source);
      const scope = { officeId: 'O-NORTH', sessionId: 'S-NONE' };
      /** a whole finalize of `plan` (undefined: no selection started) that selects, lists what it would cut, and removes */
      const attempt = (plan: readonly Step[] | undefined) =>
        source.finalize.finalize(async (s) => {
          if (plan) await s.startSelection(plan);
          await s.select(scope);
          for await (const batch of s.detachedReferences()) void batch;
          await s.remove();
        });
      const bug = async (plan: readonly Step[] | undefined, message: RegExp) => {
        const e = await attempt(plan).then(
          () => undefined,
          (x: unknown) => x,
        );
        expect(e).toBeInstanceOf(BugError);
        expect((e as Error).message).toMatch(message);
      };
      await bug(
        [...FINALIZE_PLAN, { op: 'with_contact', table: 'no_such_table', columns: ['contact_id'] }],
        /^finalize plan names an unknown table no_such_table$/,
      );
      await bug(
        [...FINALIZE_PLAN, { op: 'detach', table: 'policy_parties', column: 'contact_id' }],
        /^finalize can only detach rows with an id \(policy_parties\)$/,
      );
      await bug([...FINALIZE_PLAN, { op: 'explode', table: 'contacts' } as unknown as Step], /^unhandled finalize step: /);
      await bug(undefined, /^finalize: no selection was started$/);
      expect(await dumpOf(source)).toEqual(before);
    });

    it('M1, S3: a finalize that fails after its rows were removed and its log written leaves nothing: same dump, no finalize recorded', async () => {
      const { source, bundleId, receiptFile } = await moved();
      const before = await dumpOf(source);
      const acceptId = (JSON.parse(fs.readFileSync(receiptFile, 'utf8')) as { accept_id: string }).accept_id;
      const ledger = (await source.finalize.ledger(bundleId))!;
      await expect(
        source.finalize.finalize(async (s) => {
          await s.startSelection(FINALIZE_PLAN);
          await s.addConfirmed(TRAVELLED.contacts!.map((id) => ({ prefix: 'contact' as const, id })));
          await s.select({ officeId: ledger.office_id, sessionId: ledger.session_id });
          await s.remove();
          await s.markFinalized(bundleId, AT.toISOString());
          await s.logFinalize({ at: AT.toISOString(), bundleId, officeId: ledger.office_id, userId: 'U', summary: { accept_id: acceptId }, receipt: '{}' });
          expect(await s.standingFinalize(bundleId, acceptId)).toBeDefined();
          throw new Error('the disk is full');
        }),
      ).rejects.toThrow('the disk is full');
      expect(await dumpOf(source)).toEqual(before);
      expect((await source.finalize.ledger(bundleId))!.finalized_at).toBeNull();
      expect(await source.finalize.standingFinalize(bundleId, acceptId)).toBeUndefined();
      expect(await source.finalize.countFinalizes(bundleId, acceptId)).toEqual({ bundle: 0, receipt: 0 });

      // and the same receipt then finalizes whole
      const archive = path.join(tmpDir('officeport-contract-finalize-'), 'retention.zip');
      const r = await finalizeReceipt(source, { receiptFile, office: OFFICE, user: USER, archive, yes: true, now: AT });
      expect(r.counts!.travelled.contacts).toBe(7);
    });
  });
}
