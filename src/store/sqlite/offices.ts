// Offices, users and rights: the lookups every use case starts with.
import { ErrorCode, OfficeportError } from '../../shared/errors.js';
import type { Db } from './db.js';

import type { Office, User } from '../port.js';

export type { Office, User };

export function installationId(db: Db): string {
  const row = db.prepare(`SELECT id FROM installation LIMIT 1`).get() as { id: string } | undefined;
  if (!row) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, 'this installation is empty (no installation row)', {
      hint: 'load one first: officeport load DIR',
    });
  }
  return row.id;
}

/** An office by id or by name. */
export function findOffice(db: Db, ref: string): Office | undefined {
  return (db.prepare(`SELECT * FROM offices WHERE id = ?`).get(ref) ?? db.prepare(`SELECT * FROM offices WHERE name = ?`).get(ref)) as Office | undefined;
}

export function requireOffice(db: Db, ref: string): Office {
  const o = findOffice(db, ref);
  if (!o) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no office ${JSON.stringify(ref)} in this installation`, {
      hint: 'see the offices with: officeport list offices',
    });
  }
  return o;
}

/** A user of an office by id or username. */
export function findUser(db: Db, officeId: string, ref: string): User | undefined {
  return (db.prepare(`SELECT * FROM users WHERE office_id = ? AND id = ?`).get(officeId, ref) ??
    db.prepare(`SELECT * FROM users WHERE office_id = ? AND username = ?`).get(officeId, ref)) as User | undefined;
}

export function requireUser(db: Db, office: Office, ref: string): User {
  const u = findUser(db, office.id, ref);
  if (!u) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no user ${JSON.stringify(ref)} in office ${office.name}`, {
      hint: `see the users with: officeport list users --office ${office.id}`,
    });
  }
  return u;
}

// The rights rules live in src/shared/rights.ts; here for the features that still import them from the store.
export { rightsOf, hasRight, requireRights, formatRights } from '../../shared/rights.js';
