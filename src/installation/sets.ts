// D7: sets are made where the move starts, from contact ids, an advisor's
// whole book, or a CSV file of ids.
import fs from 'node:fs';
import Papa from 'papaparse';
import { ErrorCode, OfficeportError, type Problem } from '../shared/errors.js';
import { inTransaction, newId, type Db } from '../store/sqlite/db.js';
import { requireOffice, requireUser, type Office } from '../store/sqlite/offices.js';

export interface MemberSource {
  contacts?: readonly string[];
  primaryAdvisor?: string;
  fromFile?: string;
}

export interface SetSummary {
  id: string;
  name: string;
  office: string;
  members: number;
  added?: number;
  removed?: number;
}

interface SetRow {
  id: string;
  office_id: string;
  name: string;
  owner_user_id: string | null;
}

function findSet(db: Db, office: Office, name: string): SetRow | undefined {
  return (db.prepare(`SELECT * FROM sets WHERE office_id = ? AND (name = ? OR id = ?)`).get(office.id, name, name) ??
    undefined) as SetRow | undefined;
}

export function requireSet(db: Db, office: Office, name: string): SetRow {
  const s = findSet(db, office, name);
  if (!s) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no set ${JSON.stringify(name)} in office ${office.name}`, {
      hint: `see the sets with: officeport list sets --office ${office.id}`,
    });
  }
  return s;
}

/** Read contact ids from a CSV with a `contact_id` or `id` column. */
export function readIdFile(file: string): { ids: string[]; lines: number[] } {
  if (!fs.existsSync(file)) throw new OfficeportError(ErrorCode.NOT_FOUND, `no file ${file}`);
  const parsed = Papa.parse<string[]>(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), {
    delimiter: ',',
    skipEmptyLines: true,
  });
  const header = (parsed.data[0] ?? []).map((h) => h.trim());
  const col = header.indexOf('contact_id') >= 0 ? header.indexOf('contact_id') : header.indexOf('id');
  if (col < 0) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file}:1:1: expected a header with a contact_id (or id) column`, {
      hint: 'write one contact id per row under a header line "contact_id"',
    });
  }
  const ids: string[] = [];
  const lines: number[] = [];
  parsed.data.slice(1).forEach((row, i) => {
    const v = (row[col] ?? '').trim();
    if (v) {
      ids.push(v);
      lines.push(i + 2);
    }
  });
  return { ids, lines };
}

/** Resolve the member ids a command names; every id must be a contact of the office. */
export function resolveMembers(db: Db, office: Office, src: MemberSource): string[] {
  const problems: Problem[] = [];
  const ids: string[] = [];
  const officeOf = db.prepare(`SELECT office_id FROM contacts WHERE id = ?`).pluck();
  const problemWith = (id: string): string | null => {
    const o = officeOf.get(id) as string | undefined;
    if (o === undefined) return `no contact ${JSON.stringify(id)}`;
    return o === office.id ? null : `contact ${id} belongs to another office (${o})`;
  };
  const take = (id: string, where: Omit<Problem, 'message'> = {}) => {
    const message = problemWith(id);
    if (message) problems.push({ ...where, message });
    else ids.push(id);
  };
  for (const id of src.contacts ?? []) take(id);
  if (src.fromFile) {
    const f = readIdFile(src.fromFile);
    f.ids.forEach((id, i) => take(id, { file: src.fromFile, line: f.lines[i], column: 1 }));
  }
  if (src.primaryAdvisor) {
    const message = problemWith(src.primaryAdvisor);
    if (message) problems.push({ message: `primary advisor: ${message}` });
    const book = db
      .prepare(`SELECT id FROM contacts WHERE office_id = ? AND primary_advisor_id = ? ORDER BY id`)
      .pluck()
      .all(office.id, src.primaryAdvisor) as string[];
    ids.push(...book);
  }
  if (problems.length > 0) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${problems.length} member id(s) are not contacts of office ${office.name}`, {
      problems,
      hint: `see the contacts with: officeport list contacts --office ${office.id}`,
    });
  }
  return [...new Set(ids)];
}

function countMembers(db: Db, setId: string): number {
  return db.prepare(`SELECT count(*) FROM set_members WHERE set_id = ?`).pluck().get(setId) as number;
}

function addMembers(db: Db, setId: string, ids: readonly string[]): number {
  const exists = db.prepare(`SELECT 1 FROM set_members WHERE set_id = ? AND contact_id = ?`);
  const insert = db.prepare(`INSERT INTO set_members (set_id, contact_id) VALUES (?, ?)`);
  let n = 0;
  for (const id of ids) {
    if (!exists.get(setId, id)) {
      insert.run(setId, id);
      n++;
    }
  }
  return n;
}

export function createSet(db: Db, req: { office: string; name: string; owner?: string } & MemberSource): SetSummary {
  return inTransaction(db, () => {
    const office = requireOffice(db, req.office);
    if (findSet(db, office, req.name)) {
      throw new OfficeportError(ErrorCode.CONFLICT, `office ${office.name} already has a set ${JSON.stringify(req.name)}`, {
        hint: `add members with: officeport set add ${JSON.stringify(req.name)} --office ${office.id} --contact ID`,
      });
    }
    const owner = req.owner ? requireUser(db, office, req.owner).id : null;
    const ids = resolveMembers(db, office, req);
    const id = newId(db, 'sets', 'SET-');
    db.prepare(`INSERT INTO sets (id, office_id, name, owner_user_id) VALUES (?, ?, ?, ?)`).run(id, office.id, req.name, owner);
    const added = addMembers(db, id, ids);
    return { id, name: req.name, office: office.name, members: countMembers(db, id), added };
  });
}

export function addToSet(db: Db, req: { office: string; name: string } & MemberSource): SetSummary {
  return inTransaction(db, () => {
    const office = requireOffice(db, req.office);
    const set = requireSet(db, office, req.name);
    const added = addMembers(db, set.id, resolveMembers(db, office, req));
    return { id: set.id, name: set.name, office: office.name, members: countMembers(db, set.id), added };
  });
}

export function removeFromSet(db: Db, req: { office: string; name: string } & MemberSource): SetSummary {
  return inTransaction(db, () => {
    const office = requireOffice(db, req.office);
    const set = requireSet(db, office, req.name);
    const del = db.prepare(`DELETE FROM set_members WHERE set_id = ? AND contact_id = ?`);
    let removed = 0;
    for (const id of resolveMembers(db, office, req)) removed += del.run(set.id, id).changes;
    return { id: set.id, name: set.name, office: office.name, members: countMembers(db, set.id), removed };
  });
}

export function deleteSet(db: Db, req: { office: string; name: string }): SetSummary {
  return inTransaction(db, () => {
    const office = requireOffice(db, req.office);
    const set = requireSet(db, office, req.name);
    const removed = db.prepare(`DELETE FROM set_members WHERE set_id = ?`).run(set.id).changes;
    db.prepare(`DELETE FROM sets WHERE id = ?`).run(set.id);
    return { id: set.id, name: set.name, office: office.name, members: 0, removed };
  });
}

export interface SetMember {
  id: string;
  kind: string;
  name: string;
}

export function showSet(db: Db, req: { office: string; name: string }): SetSummary & { contacts: SetMember[] } {
  const office = requireOffice(db, req.office);
  const set = requireSet(db, office, req.name);
  const contacts = db
    .prepare(
      `SELECT c.id, c.kind, CASE c.kind WHEN 'business' THEN c.business_name
         ELSE trim(coalesce(c.first_name, '') || ' ' || c.last_name) END AS name
       FROM set_members m JOIN contacts c ON c.id = m.contact_id WHERE m.set_id = ? ORDER BY c.id`,
    )
    .all(set.id) as SetMember[];
  return { id: set.id, name: set.name, office: office.name, members: contacts.length, contacts };
}
