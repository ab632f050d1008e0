// @ts-nocheck
// Offices, users, rights and sets as the installation feature and the lookups
// of every command see them (D6, D7), and the listings of `officeport list`.
import type { ContactSet, ListRow, Office, OfficeLookups, OfficesStore, RightsSession, SetMember, SetsSession, SetsStore, User } from '../port.js';
import type { Db } from './db.js';
import { newId } from './ids.js';
import { inTransactionAsync } from './transaction.js';
import { findOffice, findSet, findUser, installationId, requireOffice, requireUser, setNames } from './offices.js';

export class SqliteOfficeLookups implements OfficeLookups {
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
    return this.db.prepare(`SELECT * FROM users WHERE office_id = ? ORDER BY username`).all(officeId) as User[];
  }
}

class SqliteRightsSession extends SqliteOfficeLookups implements RightsSession {
  async setRights(userId: string, rights: string | null): Promise<void> {
    this.db.prepare(`UPDATE users SET rights = ? WHERE id = ?`).run(rights, userId);
  }
}

export class SqliteOfficesStore extends SqliteOfficeLookups implements OfficesStore {
  async installationId(): Promise<string> {
    return installationId(this.db);
  }

  changeRights<T>(change: (s: RightsSession) => Promise<T>): Promise<T> {
    return inTransactionAsync(this.db, () => change(new SqliteRightsSession(this.db)));
  }
}

// ---------------------------------------------------------------- sets

/** A contact's display name: the business name, or first and last name. */
const NAME = `CASE c.kind WHEN 'business' THEN c.business_name
  ELSE trim(coalesce(c.first_name, '') || ' ' || c.last_name) END`;

class SqliteSetLookups extends SqliteOfficeLookups {
  async set(officeId: string, ref: string): Promise<ContactSet | undefined> {
    return findSet<ContactSet>(this.db, officeId, ref);
  }

  async setNames(officeId: string): Promise<string[]> {
    return setNames(this.db, officeId);
  }

  async contactOffices(ids: readonly string[]): Promise<Map<string, string>> {
    const officeOf = this.db.prepare(`SELECT office_id FROM contacts WHERE id = ?`).pluck();
    const out = new Map<string, string>();
    for (const id of ids) {
      if (out.has(id)) continue;
      const o = officeOf.get(id) as string | undefined;
      if (o !== undefined) out.set(id, o);
    }
    return out;
  }

  async book(officeId: string, advisorId: string): Promise<string[]> {
    return this.db.prepare(`SELECT id FROM contacts WHERE office_id = ? AND primary_advisor_id = ? ORDER BY id`).pluck().all(officeId, advisorId) as string[];
  }
}

class SqliteSetsSession extends SqliteSetLookups implements SetsSession {
  async create(set: Omit<ContactSet, 'id'>): Promise<string> {
    const id = newId(this.db, 'sets', 'SET-');
    this.db.prepare(`INSERT INTO sets (id, office_id, name, owner_user_id) VALUES (?, ?, ?, ?)`).run(id, set.office_id, set.name, set.owner_user_id);
    return id;
  }

  async addMembers(setId: string, contactIds: readonly string[]): Promise<number> {
    const exists = this.db.prepare(`SELECT 1 FROM set_members WHERE set_id = ? AND contact_id = ?`);
    const insert = this.db.prepare(`INSERT INTO set_members (set_id, contact_id) VALUES (?, ?)`);
    let n = 0;
    for (const id of contactIds) {
      if (!exists.get(setId, id)) {
        insert.run(setId, id);
        n++;
      }
    }
    return n;
  }

  async removeMembers(setId: string, contactIds: readonly string[]): Promise<number> {
    const del = this.db.prepare(`DELETE FROM set_members WHERE set_id = ? AND contact_id = ?`);
    let removed = 0;
    for (const id of contactIds) removed += del.run(setId, id).changes;
    return removed;
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

export class SqliteSetsStore extends SqliteSetLookups implements SetsStore {
  change<T>(change: (s: SetsSession) => Promise<T>): Promise<T> {
    return inTransactionAsync(this.db, () => change(new SqliteSetsSession(this.db)));
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
