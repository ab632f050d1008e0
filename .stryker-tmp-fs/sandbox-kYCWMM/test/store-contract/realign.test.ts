// @ts-nocheck
// The store contract for realignment (R5, R8, R10, R11): what src/realign asks
// of any adapter through RealignStore and RealignSession. A journaled change
// can be checked against the rows now and restored exactly.
import { afterEach, describe, expect, it } from 'vitest';
import { refKey } from '../../src/domain/realign-rules.js';
import type { RealignEntryHead, Store } from '../../src/store/port.js';
import { ADAPTERS } from './adapters.js';
import { fill, rowsOf } from './fixture.js';

const head = (kind: string, summary: unknown = {}): RealignEntryHead => ({
  office_id: 'O-A',
  user_id: 'U-2',
  kind,
  local_id: 'CAR-L',
  resource_id: 'CAR-R',
  summary,
});

const SWITCH = { table: 'policies', column: 'carrier_id', from: 'CAR-L', to: 'CAR-R', count: 2 };
const RETIRE = { kind: 'carrier' as const, id: 'CAR-L', name: 'Acme Life', why: 'matched' as const, set: { name: 'X_Acme Life' } };

for (const adapter of ADAPTERS) {
  describe(`store contract, realign (${adapter.name})`, () => {
    let store: Store | undefined;
    afterEach(() => store?.close());

    async function filled(): Promise<Store> {
      store = adapter.create();
      await fill(store);
      return store;
    }

    it('R2, R5: the catalogue of an office, records by id or exact name, and the rows that refer to them', async () => {
      const s = await filled();
      expect((await s.realign.records('carrier', 'O-A')).map((r) => r.id)).toEqual(['CAR-L']);
      expect((await s.realign.allRecords('O-R')).map((r) => [r.kind, r.id])).toEqual([['carrier', 'CAR-R']]);
      expect((await s.realign.findRecords('carrier', 'O-A', 'Acme Life')).map((r) => r.id)).toEqual(['CAR-L']);
      expect((await s.realign.findRecords('carrier', 'O-A', 'CAR-L')).map((r) => r.id)).toEqual(['CAR-L']);
      expect(await s.realign.findRecords('carrier', 'O-A', 'CAR-R')).toEqual([]);
      expect((await s.realign.record('carrier', 'CAR-R'))?.office_id).toBe('O-R');
      expect(
        await s.realign.totalReferences([
          { kind: 'carrier', id: 'CAR-L' },
          { kind: 'carrier', id: 'CAR-R' },
        ]),
      ).toEqual([2, 0]);
      const counts = await s.realign.referenceCounts([{ kind: 'carrier', id: 'CAR-L' }]);
      expect(counts[refKey({ table: 'policies', column: 'carrier_id' }, 'CAR-L')]).toBe(2);
      expect(counts[refKey({ table: 'pending_cases', column: 'carrier_id' }, 'CAR-L')]).toBe(0);
      const search = await s.realign.search('carrier', 'O-A', 'O-R');
      expect(search.map((r) => [r.id, r.office_name, r.readonly])).toEqual([
        ['CAR-L', 'Agency', false],
        ['CAR-R', 'Resource', true],
      ]);
      expect((await s.realign.carriersAndProducts('O-R')).map((c) => [c.id, c.products])).toEqual([['CAR-R', []]]);
    });

    it('R10: a journaled migration is listed, unchanged since, and restored exactly; undone once', async () => {
      const s = await filled();
      const policies = await rowsOf(s, 'policies', ['id', 'carrier_id']);
      const carriers = await rowsOf(s, 'carriers', ['id', 'name']);
      const id = await s.realign.change((t) => t.migrate(head('carrier', { local: 'Acme Life' }), [SWITCH], [RETIRE]));
      expect(await rowsOf(s, 'policies', ['id', 'carrier_id'])).toEqual([
        ['P-1', 'CAR-R'],
        ['P-2', 'CAR-R'],
      ]);
      expect((await s.realign.record('carrier', 'CAR-L'))?.name).toBe('X_Acme Life');
      const entry = await s.realign.entry(id);
      expect(entry).toMatchObject({
        id,
        office_id: 'O-A',
        user_id: 'U-2',
        kind: 'carrier',
        local_id: 'CAR-L',
        resource_id: 'CAR-R',
        summary: { local: 'Acme Life' },
        undone_at: null,
      });
      expect((await s.realign.journal('O-A')).map((e) => e.id)).toEqual([id]);
      expect(await s.realign.journal('O-R')).toEqual([]);
      expect(await s.realign.entriesHoldingRecords('O-A', [{ kind: 'carrier', id: 'CAR-L' }])).toEqual([id]);
      const rows = await s.realign.change(async (t) => {
        expect(await t.changesSince(id, 20)).toEqual({ count: 0, shown: [] });
        expect(await t.laterEntriesTouching(id)).toEqual([]);
        return t.restore(id);
      });
      expect(rows).toBe(3);
      expect(await rowsOf(s, 'policies', ['id', 'carrier_id'])).toEqual(policies);
      expect(await rowsOf(s, 'carriers', ['id', 'name'])).toEqual(carriers);
      expect((await s.realign.entry(id))?.undone_at).toEqual(expect.any(String));
    });

    it('R8, R10: a later rename of the same record is a change since, named as the later entry; the first shown are limited', async () => {
      const s = await filled();
      const first = await s.realign.change((t) => t.migrate(head('carrier'), [SWITCH], [RETIRE]));
      expect(await s.realign.nameHolder('carrier', (await s.realign.record('carrier', 'CAR-L'))!, 'X_Acme Life')).toBeUndefined();
      const second = await s.realign.change((t) => t.rename(head('rename'), 'carrier', 'CAR-L', 'Renamed'));
      expect((await s.realign.record('carrier', 'CAR-L'))?.name).toBe('Renamed');
      await s.realign.change(async (t) => {
        const changed = await t.changesSince(first, 0);
        expect(changed.count).toBe(1);
        expect(changed.shown).toEqual([]);
        expect((await t.changesSince(first, 20)).shown).toHaveLength(1);
        expect(await t.laterEntriesTouching(first)).toEqual([second]);
      });
    });

    it('R11: a journaled purge deletes the records and its restore puts them back; a change that throws leaves nothing', async () => {
      const s = await filled();
      const carriers = await rowsOf(s, 'carriers', ['id', 'office_id', 'name']);
      await expect(
        s.realign.change(async (t) => {
          await t.purge(head('purge'), [{ kind: 'carrier', id: 'CAR-R' }]);
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect(await rowsOf(s, 'carriers', ['id', 'office_id', 'name'])).toEqual(carriers);
      expect(await s.realign.journal('O-A')).toEqual([]);
      const id = await s.realign.change((t) => t.purge(head('purge'), [{ kind: 'carrier', id: 'CAR-R' }]));
      expect(await s.realign.record('carrier', 'CAR-R')).toBeUndefined();
      expect(await s.realign.change((t) => t.restore(id))).toBe(1);
      expect(await rowsOf(s, 'carriers', ['id', 'office_id', 'name'])).toEqual(carriers);
    });
  });
}
