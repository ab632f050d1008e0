// Looking at and tidying the catalogue before a migration: the blank search
// (R2), the resource report (R3), and renaming local records (R4, R8).
import { KIND_LABEL, KIND_TABLE, type CatalogueKind, type CatalogueRecord } from '../domain/realign-rules.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import * as cat from '../store/sqlite/catalogue.js';
import { inTransaction, type Db } from '../store/sqlite/db.js';
import { findOffice, requireOffice, requireRights, requireUser, type Office } from '../store/sqlite/offices.js';
import { startEntry } from '../store/sqlite/realign-journal.js';

/** The resource office whose catalogue an office sees: itself if it is one, else its resource parent. */
export function resourceOfficeOf(db: Db, office: Office): Office | undefined {
  if (office.kind === 'resource') return office;
  const parent = office.parent_id ? findOffice(db, office.parent_id) : undefined;
  return parent?.kind === 'resource' ? parent : undefined;
}

export function searchCatalogue(db: Db, officeRef: string, kind: CatalogueKind, name?: string): { office: Office; rows: cat.SearchRow[] } {
  const office = requireOffice(db, officeRef);
  const resource = resourceOfficeOf(db, office);
  const rows = cat.searchRecords(db, kind, office.id, resource && resource.id !== office.id ? resource.id : null, name);
  return { office, rows: rows.map((r) => ({ ...r, readonly: r.office_id !== office.id || office.kind === 'resource' })) };
}

export interface CarriersProductsReport {
  title: string;
  office: string;
  resource_office: string;
  carriers: cat.ReportCarrier[];
}

export const REPORT_TITLE = 'Carriers and Products Only, No Riders - Detail';

export function carriersProductsReport(db: Db, officeRef: string): CarriersProductsReport {
  const office = requireOffice(db, officeRef);
  const resource = resourceOfficeOf(db, office);
  if (!resource) {
    throw new OfficeportError(ErrorCode.REFUSED, `office ${office.name} has no resource office, so there is no resource catalogue to report`, {
      hint: 'name an agency office whose parent is a resource office, or the resource office itself',
    });
  }
  return { title: REPORT_TITLE, office: office.name, resource_office: resource.name, carriers: cat.carriersAndProducts(db, resource.id) };
}

export interface RenameResult {
  kind: CatalogueKind;
  id: string;
  from: string;
  to: string;
  /** the realignment journal entry that undoes it; null when the name was already that */
  journal_id: number | null;
}

/** Names that must stay unique: carriers and service providers per office, products and riders per carrier. */
function nameTaken(db: Db, kind: CatalogueKind, rec: CatalogueRecord, name: string): string | undefined {
  const scope = kind === 'product' || kind === 'rider' ? 'carrier_id' : 'office_id';
  const value = scope === 'carrier_id' ? rec.carrier_id : rec.office_id;
  const row = db.prepare(`SELECT id FROM ${KIND_TABLE[kind]} WHERE "${scope}" = ? AND office_id = ? AND name = ? AND id <> ?`).get(value, rec.office_id, name, rec.id) as
    | { id: string }
    | undefined;
  return row?.id;
}

/**
 * R8: rename a local record, by an admin of its office; resource records are
 * read-only (R4). Journaled like a migration (R10), so that `realign undo`
 * restores the old name and a later undo of a migration sees the rename.
 */
export function renameRecord(db: Db, officeRef: string, userRef: string, kind: CatalogueKind, id: string, newName: string): RenameResult {
  const office = requireOffice(db, officeRef);
  const user = requireUser(db, office, userRef);
  requireRights(user, office, ['admin'], `rename a ${KIND_LABEL[kind]}`);
  const label = KIND_LABEL[kind];
  if (newName.trim() === '' || newName !== newName.trim()) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `the new ${label} name ${JSON.stringify(newName)} is empty or starts or ends with a space`, {
      hint: 'give the exact name, as the resource catalogue spells it',
    });
  }
  return inTransaction(db, () => {
    const rec = cat.getRecord(db, kind, id);
    if (!rec) throw new OfficeportError(ErrorCode.NOT_FOUND, `no ${label} ${id}`, { hint: `list them with: officeport search ${kind.replace('_', '-')}s --office ${office.id}` });
    const owner = findOffice(db, rec.office_id);
    if (owner?.kind === 'resource') {
      throw new OfficeportError(ErrorCode.REFUSED, `${label} ${id} belongs to the resource office ${owner.name} and is read-only`, {
        hint: 'only local records of an agency office can be renamed',
      });
    }
    if (rec.office_id !== office.id) {
      throw new OfficeportError(ErrorCode.REFUSED, `${label} ${id} belongs to office ${owner?.name ?? rec.office_id}, not to ${office.name}`);
    }
    const taken = nameTaken(db, kind, rec, newName);
    if (taken) {
      throw new OfficeportError(ErrorCode.CONFLICT, `${taken} already bears the name ${JSON.stringify(newName)}; ${label} names must be unique ${kind === 'product' || kind === 'rider' ? 'per carrier' : 'per office'}`, {
        hint: `rename ${taken} first, or pick another name`,
      });
    }
    if (rec.name === newName) return { kind, id, from: rec.name, to: newName, journal_id: null };
    const journal = startEntry(db, { office_id: office.id, user_id: user.id, kind: 'rename', local_id: id, resource_id: '', summary: { renamed: kind, from: rec.name, to: newName } });
    journal.captureWhere(KIND_TABLE[kind], 'id = ?', [id]);
    db.prepare(`UPDATE ${KIND_TABLE[kind]} SET name = ? WHERE id = ?`).run(newName, id);
    journal.finish();
    return { kind, id, from: rec.name, to: newName, journal_id: journal.id };
  });
}
