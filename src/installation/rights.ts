// D6: rights are granted and revoked by an administrator of the office.
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { inTransaction, type Db } from '../store/sqlite/db.js';
import { formatRights, hasRight, requireOffice, requireUser, rightsOf, type User } from '../store/sqlite/offices.js';
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
  db: Db,
  req: { office: string; user: string; admin: string; rights: readonly string[]; grant: boolean },
): RightsChange {
  const rights = parseRights(req.rights);
  return inTransaction(db, () => {
    const office = requireOffice(db, req.office);
    const admin = requireUser(db, office, req.admin);
    if (!hasRight(admin, 'admin')) {
      throw new OfficeportError(ErrorCode.RIGHTS, `${admin.username} is not an administrator of office ${office.name}`, {
        hint: 'rights are granted by a user holding admin in the same office (--as ADMIN)',
      });
    }
    const user = requireUser(db, office, req.user);
    const before = rightsOf(user);
    const next = new Set<string>(before);
    for (const r of rights) {
      if (req.grant) next.add(r);
      else next.delete(r);
    }
    const cell = formatRights(next);
    const after = rightsOf({ rights: cell });
    const changed = (user.rights ?? null) !== cell;
    if (changed) db.prepare(`UPDATE users SET rights = ? WHERE id = ?`).run(cell, user.id);
    return { office: office.name, user: user.username, before, after, changed };
  });
}

export interface UserRights {
  id: string;
  username: string;
  full_name: string | null;
  rights: Right[];
}

export function showRights(db: Db, officeRef: string, userRef?: string): { office: string; users: UserRights[] } {
  const office = requireOffice(db, officeRef);
  const users: User[] = userRef
    ? [requireUser(db, office, userRef)]
    : (db.prepare(`SELECT * FROM users WHERE office_id = ? ORDER BY username`).all(office.id) as User[]);
  return {
    office: office.name,
    users: users.map((u) => ({ id: u.id, username: u.username, full_name: u.full_name, rights: rightsOf(u) })),
  };
}
