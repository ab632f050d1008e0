// Read-only listings a user needs to find their way around an installation.
import type { Db } from '../store/sqlite/db.js';
import { requireOffice } from '../store/sqlite/offices.js';
import { requireSet } from './sets.js';

export const LISTABLE = ['offices', 'users', 'sets', 'contacts'] as const;
export type Listable = (typeof LISTABLE)[number];

export interface ListQuery {
  what: Listable;
  office?: string;
  set?: string;
}

export type Row = Record<string, string | number | null>;

const NAME = `CASE c.kind WHEN 'business' THEN c.business_name
  ELSE trim(coalesce(c.first_name, '') || ' ' || c.last_name) END`;

export function list(db: Db, q: ListQuery): Row[] {
  const office = q.office ? requireOffice(db, q.office) : undefined;
  const officeFilter = office ? 'WHERE office_id = ?' : '';
  const args = office ? [office.id] : [];
  switch (q.what) {
    case 'offices':
      return db
        .prepare(`SELECT id, name, kind, region, parent_id FROM offices ${office ? 'WHERE id = ?' : ''} ORDER BY id`)
        .all(...args) as Row[];
    case 'users':
      return db
        .prepare(`SELECT id, office_id, username, full_name, rights FROM users ${officeFilter} ORDER BY office_id, username`)
        .all(...args) as Row[];
    case 'sets':
      return db
        .prepare(
          `SELECT s.id, s.office_id, s.name, s.owner_user_id,
             (SELECT count(*) FROM set_members m WHERE m.set_id = s.id) AS members
           FROM sets s ${office ? 'WHERE s.office_id = ?' : ''} ORDER BY s.office_id, s.name`,
        )
        .all(...args) as Row[];
    case 'contacts': {
      const where: string[] = [];
      const params: string[] = [];
      if (office) {
        where.push('c.office_id = ?');
        params.push(office.id);
      }
      if (q.set) {
        const set = requireSet(db, office ?? requireOffice(db, setOffice(db, q.set)), q.set);
        where.push('c.id IN (SELECT contact_id FROM set_members WHERE set_id = ?)');
        params.push(set.id);
      }
      return db
        .prepare(
          `SELECT c.id, c.office_id, c.kind, ${NAME} AS name, c.birth_date, c.is_advisor, c.primary_advisor_id
           FROM contacts c ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY c.office_id, c.id`,
        )
        .all(...params) as Row[];
    }
  }
}

/** The office of a set named without --office: only unambiguous when one office has it. */
function setOffice(db: Db, set: string): string {
  const offices = db.prepare(`SELECT DISTINCT office_id FROM sets WHERE name = ? OR id = ?`).pluck().all(set, set) as string[];
  return offices.length === 1 ? offices[0]! : `(give --office: set ${set} is in ${offices.length} offices)`;
}
