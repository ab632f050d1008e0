// @ts-nocheck
// Offices, users, rights and sets as the installation feature and the lookups
// of every command see them (D6, D7), and the listings of `officeport list`;
// as ../sqlite/offices-store.ts, with a round trip per statement rather than per id.
import type { ContactSet, ListRow, Office, OfficeLookups, OfficesStore, RightsSession, SetMember, SetsSession, SetsStore, User } from '../port.js';
import { columnsOf, type Db } from './db.js';
import { newId } from './ids.js';
import { inTransactionAsync } from './transaction.js';
import { findOffice, findSet, findUser, installationId, requireOffice, requireUser, setNames } from './offices.js';

export class PgOfficeLookups implements OfficeLookups {
  constructor(protected readonly db: Db) {}

  async office(ref: string): Promise<Office | undefined> {
    return findOffice(this.db, ref);
  }
  async requireOffice(ref: string): Promise<Office> {
    return requireOffice(this.db, ref);
  }
  async user(officeId: string, ref: string): Promise<User | undefined> {
    return findUser(this.db, officeId, ref);
  }
  async requireUser(office: Office, ref: string): Promise<User> {
    return requireUser(this.db, office, ref);
  }
  async users(officeId: string): Promise<User[]> {
    return this.db.prepare(`SELECT ${columnsOf('users')} FROM users WHERE office_id = ? ORDER BY username`).all(officeId) as User[];
  }
}

class PgRightsSession extends PgOfficeLookups implements RightsSession {
  async setRights(userId: string, rights: string | null): Promise<void> {
    this.db.prepare(`UPDATE users SET rights = ? WHERE id = ?`).run(rights, userId);
  }
}

export class PgOfficesStore extends PgOfficeLookups implements OfficesStore {
  async installationId(): Promise<string> {
    return installationId(this.db);
  }

  changeRights<T>(change: (s: RightsSession) => Promise<T>): Promise<T> {
    return inTransactionAsync(this.db, () => change(new PgRightsSession(this.db)));
  }
}

// ---------------------------------------------------------------- sets

/** A contact's display name: the business name, or first and last name. */
const NAME = `CASE c.kind WHEN 'business' THEN c.business_name
  ELSE trim(coalesce(c.first_name, '') || ' ' || c.last_name) END`;

class PgSetLookups extends PgOfficeLookups {
  async set(officeId: string, ref: string): Promise<ContactSet | undefined> {
    return findSet<ContactSet>(this.db, officeId, ref);
  }

  async setNames(officeId: string): Promise<string[]> {
    return setNames(this.db, officeId);
  }

  async contactOffices(ids: readonly string[]): Promise<Map<string, string>> {
    const found = this.db
      .prepare(`SELECT id, office_id FROM contacts WHERE id = ANY(?::text[])`)
      .raw()
      .all([[...new Set(ids)]]) as [string, string][];
    const officeOf = new Map(found);
    // in the order of the ids asked for, as the SQLite twin's lookups one by one
    const out = new Map<string, string>();
    for (const id of ids) {
      const o = officeOf.get(id);
      if (o !== undefined && !out.has(id)) out.set(id, o);
    }
    return out;
  }

  async book(officeId: string, advisorId: string): Promise<string[]> {
    return this.db.prepare(`SELECT id FROM contacts WHERE office_id = ? AND primary_advisor_id = ? ORDER BY id`).pluck().all(officeId, advisorId) as string[];
  }
}

class PgSetsSession extends PgSetLookups implements SetsSession {
  async create(set: Omit<ContactSet, 'id'>): Promise<string> {
    const id = newId(this.db, 'sets', 'SET-');
    this.db.prepare(`INSERT INTO sets (id, office_id, name, owner_user_id) VALUES (?, ?, ?, ?)`).run(id, set.office_id, set.name, set.owner_user_id);
    return id;
  }

  async addMembers(setId: string, contactIds: readonly string[]): Promise<number> {
    // each id once, in the order given (its first place), unless the set holds it already
    return this.db
      .prepare(
        `INSERT INTO set_members (set_id, contact_id)
         SELECT ?, u.id FROM (SELECT x AS id, min(i) AS i FROM unnest(?::text[]) WITH ORDINALITY AS a(x, i) GROUP BY x) u
         WHERE NOT EXISTS (SELECT 1 FROM set_members m WHERE m.set_id = ? AND m.contact_id = u.id)
         ORDER BY u.i`,
      )
      .run([setId, [...contactIds], setId]).changes;
  }

  async removeMembers(setId: string, contactIds: readonly string[]): Promise<number> {
    return this.db.prepare(`DELETE FROM set_members WHERE set_id = ? AND contact_id = ANY(?::text[])`).run([setId, [...contactIds]]).changes;
  }

  async delete(setId: string): Promise<number> {
    const removed = this.db.prepare(`DELETE FROM set_members WHERE set_id = ?`).run(setId).changes;
    this.db.prepare(`DELETE FROM sets WHERE id = ?`).run(setId);
    return removed;
  }

  async count(setId: string): Promise<number> {
    return this.db.prepare(`SELECT count(*) FROM set_members WHERE set_id = ?`).pluck().get(setId) as number;
  }
}

export class PgSetsStore extends PgSetLookups implements SetsStore {
  change<T>(change: (s: SetsSession) => Promise<T>): Promise<T> {
    return inTransactionAsync(this.db, () => change(new PgSetsSession(this.db)));
  }

  async members(setId: string): Promise<SetMember[]> {
    return this.db
      .prepare(`SELECT c.id, c.kind, ${NAME} AS name FROM set_members m JOIN contacts c ON c.id = m.contact_id WHERE m.set_id = ? ORDER BY c.id`)
      .all(setId) as SetMember[];
  }

  async officesHolding(ref: string): Promise<string[]> {
    return this.db.prepare(`SELECT DISTINCT office_id FROM sets WHERE name = ? OR id = ?`).pluck().all(ref, ref) as string[];
  }

  async list(what: 'offices' | 'users' | 'sets', officeId?: string): Promise<ListRow[]> {
    const args = officeId !== undefined ? [officeId] : [];
    const only = (column: string) => (officeId !== undefined ? `WHERE ${column} = ?` : '');
    switch (what) {
      case 'offices':
        return this.db.prepare(`SELECT id, name, kind, region, parent_id FROM offices ${only('id')} ORDER BY id`).all(...args) as ListRow[];
      case 'users':
        return this.db
          .prepare(`SELECT id, office_id, username, full_name, rights FROM users ${only('office_id')} ORDER BY office_id, username`)
          .all(...args) as ListRow[];
      case 'sets':
        return this.db
          .prepare(
            `SELECT s.id, s.office_id, s.name, s.owner_user_id,
               (SELECT count(*) FROM set_members m WHERE m.set_id = s.id) AS members
             FROM sets s ${only('s.office_id')} ORDER BY s.office_id, s.name`,
          )
          .all(...args) as ListRow[];
    }
  }

  async listContacts(filter: { officeId?: string; setId?: string }): Promise<ListRow[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.officeId !== undefined) {
      where.push('c.office_id = ?');
      params.push(filter.officeId);
    }
    if (filter.setId !== undefined) {
      where.push('c.id IN (SELECT contact_id FROM set_members WHERE set_id = ?)');
      params.push(filter.setId);
    }
    return this.db
      .prepare(
        // origin (U4): the office and bundle an import created the contact from (empty for a native contact)
        `SELECT c.id, c.office_id, c.kind, ${NAME} AS name, c.birth_date, c.is_advisor, c.primary_advisor_id,
                CASE WHEN c.origin_bundle_id IS NOT NULL
                     THEN coalesce(i.source_office || ', ', '') || 'bundle ' || c.origin_bundle_id END AS origin
         FROM contacts c
         LEFT JOIN (SELECT bundle_id, office_id, min(source_office) AS source_office FROM inbox GROUP BY bundle_id, office_id) i
           ON i.bundle_id = c.origin_bundle_id AND i.office_id = c.office_id
         ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY c.office_id, c.id`,
      )
      .all(...params) as ListRow[];
  }
}
