// @ts-nocheck
// D7: sets are made where the move starts, from contact ids, an advisor's
// whole book, or a CSV file of ids.
import fs from 'node:fs';
import Papa from 'papaparse';
import { notFoundMessage } from '../domain/names.js';
import { ErrorCode, OfficeportError, type Problem } from '../shared/errors.js';
import type { ContactSet, Office, SetLookups, SetMember, SetsStore } from '../store/port.js';

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

export async function requireSet(sets: SetLookups, office: Office, name: string): Promise<ContactSet> {
  const s = await sets.set(office.id, name);
  if (!s) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, notFoundMessage('set', name, `in office ${office.name}`, await sets.setNames(office.id)), {
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
export async function resolveMembers(sets: SetLookups, office: Office, src: MemberSource): Promise<string[]> {
  const problems: Problem[] = [];
  const ids: string[] = [];
  const file = src.fromFile ? readIdFile(src.fromFile) : undefined;
  const named = [...(src.contacts ?? []), ...(file?.ids ?? []), ...(src.primaryAdvisor ? [src.primaryAdvisor] : [])];
  const officeOf = await sets.contactOffices(named);
  const problemWith = (id: string): string | null => {
    const o = officeOf.get(id);
    if (o === undefined) return `no contact ${JSON.stringify(id)}`;
    return o === office.id ? null : `contact ${id} belongs to another office (${o})`;
  };
  const take = (id: string, where: Omit<Problem, 'message'> = {}) => {
    const message = problemWith(id);
    if (message) problems.push({ ...where, message });
    else ids.push(id);
  };
  for (const id of src.contacts ?? []) take(id);
  if (file) file.ids.forEach((id, i) => take(id, { file: src.fromFile, line: file.lines[i], column: 1 }));
  if (src.primaryAdvisor) {
    const message = problemWith(src.primaryAdvisor);
    if (message) problems.push({ message: `primary advisor: ${message}` });
    ids.push(...(await sets.book(office.id, src.primaryAdvisor)));
  }
  if (problems.length > 0) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${problems.length} member id(s) are not contacts of office ${office.name}`, {
      problems,
      hint: `see the contacts with: officeport list contacts --office ${office.id}`,
    });
  }
  return [...new Set(ids)];
}

export function createSet(sets: SetsStore, req: { office: string; name: string; owner?: string } & MemberSource): Promise<SetSummary> {
  return sets.change(async (s) => {
    const office = await s.requireOffice(req.office);
    if (await s.set(office.id, req.name)) {
      throw new OfficeportError(ErrorCode.CONFLICT, `office ${office.name} already has a set ${JSON.stringify(req.name)}`, {
        hint: `add members with: officeport set add ${JSON.stringify(req.name)} --office ${office.id} --contact ID`,
      });
    }
    const owner = req.owner ? (await s.requireUser(office, req.owner)).id : null;
    const ids = await resolveMembers(s, office, req);
    const id = await s.create({ office_id: office.id, name: req.name, owner_user_id: owner });
    const added = await s.addMembers(id, ids);
    return { id, name: req.name, office: office.name, members: await s.count(id), added };
  });
}

export function addToSet(sets: SetsStore, req: { office: string; name: string } & MemberSource): Promise<SetSummary> {
  return sets.change(async (s) => {
    const office = await s.requireOffice(req.office);
    const set = await requireSet(s, office, req.name);
    const added = await s.addMembers(set.id, await resolveMembers(s, office, req));
    return { id: set.id, name: set.name, office: office.name, members: await s.count(set.id), added };
  });
}

export function removeFromSet(sets: SetsStore, req: { office: string; name: string } & MemberSource): Promise<SetSummary> {
  return sets.change(async (s) => {
    const office = await s.requireOffice(req.office);
    const set = await requireSet(s, office, req.name);
    const removed = await s.removeMembers(set.id, await resolveMembers(s, office, req));
    return { id: set.id, name: set.name, office: office.name, members: await s.count(set.id), removed };
  });
}

export function deleteSet(sets: SetsStore, req: { office: string; name: string }): Promise<SetSummary> {
  return sets.change(async (s) => {
    const office = await s.requireOffice(req.office);
    const set = await requireSet(s, office, req.name);
    const removed = await s.delete(set.id);
    return { id: set.id, name: set.name, office: office.name, members: 0, removed };
  });
}

export type { SetMember };

export async function showSet(sets: SetsStore, req: { office: string; name: string }): Promise<SetSummary & { contacts: SetMember[] }> {
  const office = await sets.requireOffice(req.office);
  const set = await requireSet(sets, office, req.name);
  const contacts = await sets.members(set.id);
  return { id: set.id, name: set.name, office: office.name, members: contacts.length, contacts };
}
