// @ts-nocheck
// U4: where did this contact go, where did it come from? One read of what the
// installation recorded of one contact (see TraceStore), plus a look into the
// retention archives its finalizes wrote, when they are still where recorded.
import fs from 'node:fs';
import { HEADER_FILE, openBag } from '../bundle/bag-reader.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import type { Store, TraceContact, TraceExport, TraceFinalize, TraceImport, TraceStaged } from '../store/port.js';

export type { TraceContact, TraceStaged };

export interface TraceRequest {
  /** a contact id of this installation, or the ref bundles carry: `contact/<id>` */
  id: string;
  /** only what came from this source installation (its id) */
  from?: string;
}

/** What a finalize's retention archive says of the contact, when the archive is where finalize recorded it. */
export interface TracedFinalize extends TraceFinalize {
  /** the archive file exists at the recorded path */
  archive_found: boolean;
  /** the archive holds the contact's record (null: not looked into: missing, unreadable, or another archive now) */
  archive_holds_contact: boolean | null;
  /** why the archive could not be read, when it exists but could not */
  archive_problem: string | null;
}

export interface TracedExport extends Omit<TraceExport, 'finalizes'> {
  finalizes: TracedFinalize[];
}

export interface TracedImport extends TraceImport {
  /** the target contact as it is now (null: not in the installation now) */
  target_now: TraceContact | null;
}

/** The `--json` form of `officeport trace`. */
export interface TraceReport {
  /** what was asked, as given */
  query: string;
  contact_id: string;
  ref: string;
  from: string | null;
  /**
   * here: the contact is in this installation now (under this id, or under the
   * id an import gave it); removed: it is not, and a finalize that removed it
   * stands; not_here: neither
   */
  state: 'here' | 'removed' | 'not_here';
  /** the contact with this id now, if any */
  contact: TraceContact | null;
  /** its display name: from the installation, else from a retention archive */
  name: string | null;
  /** bundles it left in, oldest first, with their finalizes */
  went: TracedExport[];
  /** imports that brought it (by its ref) or that created, merged into or linked to it (by its id), oldest first */
  came: TracedImport[];
  /** inbox entries holding it, not accepted */
  waiting: TraceStaged[];
}

/** Splits `contact/C-17` or `C-17` into the contact id and its ref; other refs are refused. */
export function parseTraceId(id: string): { contactId: string; ref: string } {
  const text = id.trim();
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const prefix = text.slice(0, slash);
    const rest = text.slice(slash + 1);
    if (prefix !== 'contact' || rest === '') {
      throw new OfficeportError(ErrorCode.USAGE, `trace follows contacts: "${id}" is not a contact id or a contact ref`, {
        hint: 'give a contact id such as C-1101, or the ref a bundle carries, such as contact/C-1101',
      });
    }
    return { contactId: rest, ref: text };
  }
  if (text === '') throw new OfficeportError(ErrorCode.USAGE, 'trace needs a contact id or a contact ref', { hint: 'for example: officeport trace C-1101' });
  return { contactId: text, ref: `contact/${text}` };
}

export async function traceContact(store: Pick<Store, 'trace' | 'home'>, req: TraceRequest): Promise<TraceReport> {
  const { contactId, ref } = parseTraceId(req.id);
  const facts = await store.trace.contact({ contactId, ref, fromInstallation: req.from });
  const byId = new Map(facts.contacts.map((c) => [c.id, c]));
  const contact = byId.get(contactId) ?? null;
  let archivedName: string | null = null;
  const went: TracedExport[] = [];
  for (const e of facts.exports) {
    const finalizes: TracedFinalize[] = [];
    for (const f of e.finalizes) {
      // finalize never removes a contact the bundle only named: its archive holds nothing of it
      const look = e.moved
        ? await lookIntoArchive(f, contactId)
        : { found: f.archive !== null && fs.existsSync(f.archive), holds: false, problem: null, name: null };
      archivedName ??= look.name;
      finalizes.push({ ...f, archive_found: look.found, archive_holds_contact: look.holds, archive_problem: look.problem });
    }
    went.push({ ...e, finalizes });
  }
  const came = facts.imports.map((i) => ({ ...i, target_now: i.target_id === null ? null : (byId.get(i.target_id) ?? null) }));
  const standingFinalize = went.some((e) => e.moved && e.finalizes.some((f) => f.undone_at === null));
  const here = contact !== null || came.some((i) => i.target_now !== null);
  const state = here ? 'here' : standingFinalize ? 'removed' : 'not_here';
  if (!contact && went.length === 0 && came.length === 0 && facts.staged.length === 0) {
    const from = req.from === undefined ? '' : ` from installation ${req.from}`;
    throw new OfficeportError(
      ErrorCode.NOT_FOUND,
      `this installation (${store.home.label}) knows nothing of ${req.id}${from}: no contact with the id ${contactId}, no bundle that held it, no import of ${ref}`,
      {
        hint:
          req.from === undefined
            ? `give a contact id of this installation (officeport list contacts --db ${store.home.label}) or the ref a bundle carried, such as contact/C-1101; trace answers in the installation that exported or imported it`
            : `check the source installation id (officeport log --db ${store.home.label} shows the imports), or leave out --from`,
      },
    );
  }
  return {
    query: req.id,
    contact_id: contactId,
    ref,
    from: req.from ?? null,
    state,
    contact,
    name: contact?.name ?? came.find((i) => i.target_now !== null)?.target_now?.name ?? archivedName,
    went,
    came,
    waiting: facts.staged,
  };
}

/** Reads the retention archive only when its path was recorded and the file is there: is it that finalize's archive, and does it hold the contact? */
async function lookIntoArchive(
  f: TraceFinalize,
  contactId: string,
): Promise<{ found: boolean; holds: boolean | null; problem: string | null; name: string | null }> {
  if (f.archive === null || !fs.existsSync(f.archive)) return { found: false, holds: null, problem: null, name: null };
  let opened;
  try {
    opened = await openBag(f.archive);
  } catch (e) {
    return { found: true, holds: null, problem: e instanceof Error ? e.message : String(e), name: null };
  }
  const bag = opened.bag;
  if (!bag) return { found: true, holds: null, problem: opened.problems[0]?.message ?? 'not a readable archive', name: null };
  try {
    const header = JSON.parse(await bag.readTagFile(HEADER_FILE)) as { archive_id?: unknown };
    if (f.archive_id !== null && header.archive_id !== f.archive_id) {
      return { found: true, holds: null, problem: 'the file there now is another archive than the one this finalize wrote', name: null };
    }
    const needle = `"id":${JSON.stringify(contactId)}`;
    for (const file of ['data/records/travelled_contacts.ndjson', 'data/records/contacts.ndjson']) {
      if (!bag.paths.includes(file)) continue;
      for await (const { text } of bag.lines(file)) {
        if (!text.includes(needle)) continue;
        const row = JSON.parse(text) as Record<string, unknown>;
        if (row.id !== contactId) continue;
        return { found: true, holds: true, problem: null, name: displayName(row) };
      }
    }
    return { found: true, holds: false, problem: null, name: null };
  } catch (e) {
    return { found: true, holds: null, problem: e instanceof Error ? e.message : String(e), name: null };
  } finally {
    await bag.close();
  }
}

function displayName(row: Record<string, unknown>): string | null {
  const s = (k: string) => (typeof row[k] === 'string' ? (row[k] as string) : '');
  if (row.kind === 'business') return s('business_name') || null;
  return `${s('first_name')} ${s('last_name')}`.trim() || null;
}
