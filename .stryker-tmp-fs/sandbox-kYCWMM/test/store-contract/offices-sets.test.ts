// @ts-nocheck
// The store contract for offices, users, rights and sets (D6, D7) and the
// listings: what src/installation and every command's look-ups ask of any
// adapter through OfficesStore and SetsStore.
import { afterEach, describe, expect, it } from 'vitest';
import { OfficeportError } from '../../src/shared/errors.js';
import type { Store } from '../../src/store/port.js';
import { ADAPTERS } from './adapters.js';
import { fill, rowsOf } from './fixture.js';

for (const adapter of ADAPTERS) {
  describe(`store contract, offices and sets (${adapter.name})`, () => {
    let store: Store | undefined;
    afterEach(() => store?.close());

    async function filled(): Promise<Store> {
      store = adapter.create();
      await fill(store);
      return store;
    }

    it('D6: offices by id or name, users by id or username within their office, users by username', async () => {
      const s = await filled();
      expect((await s.offices.office('O-A'))?.name).toBe('Agency');
      expect((await s.offices.office('Resource'))?.id).toBe('O-R');
      expect(await s.offices.office('nowhere')).toBeUndefined();
      const agency = await s.offices.requireOffice('Agency');
      expect(agency).toEqual({ id: 'O-A', name: 'Agency', parent_id: 'O-R', kind: 'agency', region: 'US' });
      await expect(s.offices.requireOffice('nowhere')).rejects.toBeInstanceOf(OfficeportError);
      expect((await s.offices.user('O-A', 'ann'))?.id).toBe('U-1');
      expect((await s.offices.user('O-A', 'U-2'))?.username).toBe('zed');
      expect(await s.offices.user('O-R', 'ann')).toBeUndefined();
      await expect(s.offices.requireUser(agency, 'nobody')).rejects.toBeInstanceOf(OfficeportError);
      expect((await s.offices.users('O-A')).map((u) => u.username)).toEqual(['ann', 'zed']);
    });

    it('D6: a rights change commits when it returns and leaves nothing when it throws', async () => {
      const s = await filled();
      await s.offices.changeRights(async (r) => r.setRights('U-1', 'data_export;data_import'));
      expect((await s.offices.user('O-A', 'U-1'))?.rights).toBe('data_export;data_import');
      await expect(
        s.offices.changeRights(async (r) => {
          await r.setRights('U-1', null);
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect((await s.offices.user('O-A', 'U-1'))?.rights).toBe('data_export;data_import');
    });

    it('D7: contacts are checked in one call; an advisor has a book; a set is made, filled, emptied and deleted', async () => {
      const s = await filled();
      expect(await s.sets.contactOffices(['C-3', 'C-9', 'C-1', 'C-1'])).toEqual(
        new Map([
          ['C-3', 'O-R'],
          ['C-1', 'O-A'],
        ]),
      );
      expect(await s.sets.book('O-A', 'C-1')).toEqual(['C-2']);
      const id = await s.sets.change(async (t) => {
        const id = await t.create({ office_id: 'O-A', name: 'Move', owner_user_id: 'U-1' });
        expect(await t.addMembers(id, ['C-2', 'C-1', 'C-2'])).toBe(2);
        expect(await t.addMembers(id, ['C-1'])).toBe(0);
        expect(await t.count(id)).toBe(2);
        return id;
      });
      expect(await s.sets.set('O-A', 'Move')).toEqual({ id, office_id: 'O-A', name: 'Move', owner_user_id: 'U-1' });
      expect(await s.sets.set('O-A', id)).toEqual(await s.sets.set('O-A', 'Move'));
      expect(await s.sets.set('O-R', 'Move')).toBeUndefined();
      expect(await s.sets.officesHolding('Move')).toEqual(['O-A']);
      expect(await s.sets.members(id)).toEqual([
        { id: 'C-1', kind: 'individual', name: 'Ada Advisor' },
        { id: 'C-2', kind: 'business', name: 'Two Ltd' },
      ]);
      expect(await s.sets.list('sets', 'O-A')).toEqual([{ id, office_id: 'O-A', name: 'Move', owner_user_id: 'U-1', members: 2 }]);
      expect((await s.sets.listContacts({ setId: id })).map((c) => c.id)).toEqual(['C-1', 'C-2']);
      expect(await s.sets.change((t) => t.removeMembers(id, ['C-1', 'C-3']))).toBe(1);
      expect(await s.sets.change((t) => t.delete(id))).toBe(1);
      expect(await s.sets.set('O-A', 'Move')).toBeUndefined();
      expect(await rowsOf(s, 'set_members', ['set_id'])).toEqual([]);
    });

    it('D7: a set change that throws leaves nothing', async () => {
      const s = await filled();
      await expect(
        s.sets.change(async (t) => {
          await t.addMembers(await t.create({ office_id: 'O-A', name: 'Half', owner_user_id: null }), ['C-1']);
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect(await s.sets.set('O-A', 'Half')).toBeUndefined();
      expect(await rowsOf(s, 'set_members', ['set_id'])).toEqual([]);
    });

    it('listings: offices by id, users by office then username, contacts by office then id, each filtered by office', async () => {
      const s = await filled();
      expect((await s.sets.list('offices')).map((o) => o.id)).toEqual(['O-A', 'O-R']);
      expect((await s.sets.list('offices', 'O-R')).map((o) => o.id)).toEqual(['O-R']);
      expect((await s.sets.list('users', 'O-A')).map((u) => u.username)).toEqual(['ann', 'zed']);
      expect(await s.sets.list('users', 'O-R')).toEqual([]);
      expect((await s.sets.listContacts({})).map((c) => [c.office_id, c.id, c.name])).toEqual([
        ['O-A', 'C-1', 'Ada Advisor'],
        ['O-A', 'C-2', 'Two Ltd'],
        ['O-R', 'C-3', 'Three'],
      ]);
      expect((await s.sets.listContacts({ officeId: 'O-R' })).map((c) => c.id)).toEqual(['C-3']);
    });
  });
}
