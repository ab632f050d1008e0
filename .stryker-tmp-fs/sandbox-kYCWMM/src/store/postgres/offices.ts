// @ts-nocheck
// Offices, users and rights: the lookups every use case starts with (as ../sqlite/offices.ts).
import { notFoundMessage, resolveName } from '../../domain/names.js';
import { ErrorCode, OfficeportError } from '../../shared/errors.js';
import { columnsOf, type Db } from './db.js';

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

/** An office by id or by name, else the one whose name is equal but for case (U3). */
export function findOffice(db: Db, ref: string): Office | undefined {
  const exact = (db.prepare(`SELECT ${columnsOf('offices')} FROM offices WHERE id = ?`).get(ref) ??
    db.prepare(`SELECT ${columnsOf('offices')} FROM offices WHERE name = ?`).get(ref)) as Office | undefined;
  return exact ?? resolveName(ref, db.prepare(`SELECT ${columnsOf('offices')} FROM offices`).all() as Office[], (o) => [o.id, o.name]);
}

export function requireOffice(db: Db, ref: string): Office {
  const o = findOffice(db, ref);
  if (!o) {
    const names = db.prepare(`SELECT name FROM offices UNION ALL SELECT id FROM offices`).pluck().all() as string[];
    throw new OfficeportError(ErrorCode.NOT_FOUND, notFoundMessage('office', ref, 'in this installation', names), {
      hint: 'see the offices with: officeport list offices',
    });
  }
  return o;
}

/** A user of an office by id or username, else the one whose username is equal but for case (U3). */
export function findUser(db: Db, officeId: string, ref: string): User | undefined {
  const exact = (db.prepare(`SELECT ${columnsOf('users')} FROM users WHERE office_id = ? AND id = ?`).get(officeId, ref) ??
    db.prepare(`SELECT ${columnsOf('users')} FROM users WHERE office_id = ? AND username = ?`).get(officeId, ref)) as User | undefined;
  return (
    exact ?? resolveName(ref, db.prepare(`SELECT ${columnsOf('users')} FROM users WHERE office_id = ?`).all(officeId) as User[], (u) => [u.id, u.username])
  );
}

export function requireUser(db: Db, office: Office, ref: string): User {
  const u = findUser(db, office.id, ref);
  if (!u) {
    const names = db.prepare(`SELECT username FROM users WHERE office_id = ?`).pluck().all(office.id) as string[];
    throw new OfficeportError(ErrorCode.NOT_FOUND, notFoundMessage('user', ref, `in office ${office.name}`, names), {
      hint: `see the users with: officeport list users --office ${office.id}`,
    });
  }
  return u;
}

// The rights rules live in src/shared/rights.ts; here for the features that still import them from the store.
export { rightsOf, hasRight, requireRights, formatRights } from '../../shared/rights.js';

/** A set of an office by name or id, else the one whose name is equal but for case (U3). */
export function findSet<T extends { id: string; name: string }>(db: Db, officeId: string, ref: string): T | undefined {
  const exact = db.prepare(`SELECT ${columnsOf('sets')} FROM sets WHERE office_id = ? AND (name = ? OR id = ?)`).get(officeId, ref, ref) as T | undefined;
  return exact ?? resolveName(ref, db.prepare(`SELECT ${columnsOf('sets')} FROM sets WHERE office_id = ?`).all(officeId) as T[], (s) => [s.name, s.id]);
}

/** The names of an office's sets, for a "did you mean" (U3). */
export function setNames(db: Db, officeId: string): string[] {
  return db.prepare(`SELECT name FROM sets WHERE office_id = ? ORDER BY name`).pluck().all(officeId) as string[];
}
