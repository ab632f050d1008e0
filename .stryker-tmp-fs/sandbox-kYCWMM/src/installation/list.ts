// @ts-nocheck
// Read-only listings a user needs to find their way around an installation.
import type { ListRow, SetsStore } from '../store/port.js';
import { requireSet } from './sets.js';

export const LISTABLE = ['offices', 'users', 'sets', 'contacts'] as const;
export type Listable = (typeof LISTABLE)[number];

export interface ListQuery {
  what: Listable;
  office?: string;
  set?: string;
}

export async function list(sets: SetsStore, q: ListQuery): Promise<ListRow[]> {
  const office = q.office ? await sets.requireOffice(q.office) : undefined;
  switch (q.what) {
    case 'offices':
    case 'users':
    case 'sets':
      return sets.list(q.what, office?.id);
    case 'contacts': {
      const set = q.set ? await requireSet(sets, office ?? (await sets.requireOffice(await setOffice(sets, q.set))), q.set) : undefined;
      return sets.listContacts({ officeId: office?.id, setId: set?.id });
    }
  }
}

/** The office of a set named without --office: only unambiguous when one office has it. */
async function setOffice(sets: SetsStore, set: string): Promise<string> {
  const offices = await sets.officesHolding(set);
  return offices.length === 1 ? offices[0]! : `(give --office: set ${set} is in ${offices.length} offices)`;
}
