// @ts-nocheck
// D6: rights are granted and revoked by an administrator of the office.
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { formatRights, hasRight, rightsOf } from '../shared/rights.js';
import type { OfficesStore, User } from '../store/port.js';
import { RIGHTS, type Right } from '../domain/model/tables.js';

export interface RightsChange {
  office: string;
  user: string;
  before: Right[];
  after: Right[];
  changed: boolean;
}

export function parseRights(names: readonly string[]): Right[] {
  const bad = names.filter((n) => !(RIGHTS as readonly string[]).includes(n));
  if (bad.length > 0) {
    throw new OfficeportError(ErrorCode.USAGE, `unknown right ${JSON.stringify(bad[0])}`, {
      hint: `rights are: ${RIGHTS.join(', ')}`,
    });
  }
  return names as Right[];
}

export function changeRights(
  offices: OfficesStore,
  req: { office: string; user: string; admin: string; rights: readonly string[]; grant: boolean },
): Promise<RightsChange> {
  const rights = parseRights(req.rights);
  return offices.changeRights(async (s) => {
    const office = await s.requireOffice(req.office);
    const admin = await s.requireUser(office, req.admin);
    if (!hasRight(admin, 'admin')) {
      throw new OfficeportError(ErrorCode.RIGHTS, `${admin.username} is not an administrator of office ${office.name}`, {
        hint: 'rights are granted by a user holding admin in the same office (--as ADMIN)',
      });
    }
    const user = await s.requireUser(office, req.user);
    const before = rightsOf(user);
    const next = new Set<string>(before);
    for (const r of rights) {
      if (req.grant) next.add(r);
      else next.delete(r);
    }
    const cell = formatRights(next);
    const after = rightsOf({ rights: cell });
    const changed = (user.rights ?? null) !== cell;
    if (changed) await s.setRights(user.id, cell);
    return { office: office.name, user: user.username, before, after, changed };
  });
}

export interface UserRights {
  id: string;
  username: string;
  full_name: string | null;
  rights: Right[];
}

export async function showRights(offices: OfficesStore, officeRef: string, userRef?: string): Promise<{ office: string; users: UserRights[] }> {
  const office = await offices.requireOffice(officeRef);
  const users: User[] = userRef ? [await offices.requireUser(office, userRef)] : await offices.users(office.id);
  return {
    office: office.name,
    users: users.map((u) => ({ id: u.id, username: u.username, full_name: u.full_name, rights: rightsOf(u) })),
  };
}
