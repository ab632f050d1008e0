// @ts-nocheck
// Looking at and tidying the catalogue before a migration: the blank search
// (R2), the resource report (R3), and renaming local records (R4, R8).
import { KIND_LABEL, type CatalogueKind } from '../domain/realign-rules.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { requireRights } from '../shared/rights.js';
import type { CatalogueSearchRow, Office, OfficeLookups, RealignStore, ReportCarrier } from '../store/port.js';

/** The resource office whose catalogue an office sees: itself if it is one, else its resource parent. */
export async function resourceOfficeOf(offices: OfficeLookups, office: Office): Promise<Office | undefined> {
  if (office.kind === 'resource') return office;
  const parent = office.parent_id ? await offices.office(office.parent_id) : undefined;
  return parent?.kind === 'resource' ? parent : undefined;
}

export async function searchCatalogue(
  store: RealignStore,
  officeRef: string,
  kind: CatalogueKind,
  name?: string,
): Promise<{ office: Office; rows: CatalogueSearchRow[] }> {
  const office = await store.requireOffice(officeRef);
  const resource = await resourceOfficeOf(store, office);
  const rows = await store.search(kind, office.id, resource && resource.id !== office.id ? resource.id : null, name);
  return { office, rows: rows.map((r) => ({ ...r, readonly: r.office_id !== office.id || office.kind === 'resource' })) };
}

export interface CarriersProductsReport {
  title: string;
  office: string;
  resource_office: string;
  carriers: ReportCarrier[];
}

export const REPORT_TITLE = 'Carriers and Products Only, No Riders - Detail';

export async function carriersProductsReport(store: RealignStore, officeRef: string): Promise<CarriersProductsReport> {
  const office = await store.requireOffice(officeRef);
  const resource = await resourceOfficeOf(store, office);
  if (!resource) {
    throw new OfficeportError(ErrorCode.REFUSED, `office ${office.name} has no resource office, so there is no resource catalogue to report`, {
      hint: 'name an agency office whose parent is a resource office, or the resource office itself',
    });
  }
  return { title: REPORT_TITLE, office: office.name, resource_office: resource.name, carriers: await store.carriersAndProducts(resource.id) };
}

export interface RenameResult {
  kind: CatalogueKind;
  id: string;
  from: string;
  to: string;
  /** the realignment journal entry that undoes it; null when the name was already that */
  journal_id: number | null;
}

/**
 * R8: rename a local record, by an admin of its office; resource records are
 * read-only (R4). Journaled like a migration (R10), so that `realign undo`
 * restores the old name and a later undo of a migration sees the rename.
 */
export async function renameRecord(
  store: RealignStore,
  officeRef: string,
  userRef: string,
  kind: CatalogueKind,
  id: string,
  newName: string,
): Promise<RenameResult> {
  const office = await store.requireOffice(officeRef);
  const user = await store.requireUser(office, userRef);
  requireRights(user, office, ['admin'], `rename a ${KIND_LABEL[kind]}`);
  const label = KIND_LABEL[kind];
  if (newName.trim() === '' || newName !== newName.trim()) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `the new ${label} name ${JSON.stringify(newName)} is empty or starts or ends with a space`, {
      hint: 'give the exact name, as the resource catalogue spells it',
    });
  }
  return store.change(async (s) => {
    const rec = await s.record(kind, id);
    if (!rec)
      throw new OfficeportError(ErrorCode.NOT_FOUND, `no ${label} ${id}`, {
        hint: `list them with: officeport search ${kind.replace('_', '-')}s --office ${office.id}`,
      });
    const owner = await s.office(rec.office_id);
    if (owner?.kind === 'resource') {
      throw new OfficeportError(ErrorCode.REFUSED, `${label} ${id} belongs to the resource office ${owner.name} and is read-only`, {
        hint: 'only local records of an agency office can be renamed',
      });
    }
    if (rec.office_id !== office.id) {
      throw new OfficeportError(ErrorCode.REFUSED, `${label} ${id} belongs to office ${owner?.name ?? rec.office_id}, not to ${office.name}`);
    }
    // names stay unique: carriers and service providers per office, products and riders per carrier
    const taken = await s.nameHolder(kind, rec, newName);
    if (taken) {
      throw new OfficeportError(
        ErrorCode.CONFLICT,
        `${taken} already bears the name ${JSON.stringify(newName)}; ${label} names must be unique ${kind === 'product' || kind === 'rider' ? 'per carrier' : 'per office'}`,
        {
          hint: `rename ${taken} first, or pick another name`,
        },
      );
    }
    if (rec.name === newName) return { kind, id, from: rec.name, to: newName, journal_id: null };
    const head = {
      office_id: office.id,
      user_id: user.id,
      kind: 'rename',
      local_id: id,
      resource_id: '',
      summary: { renamed: kind, from: rec.name, to: newName },
    };
    const journal_id = await s.rename(head, kind, id, newName);
    return { kind, id, from: rec.name, to: newName, journal_id };
  });
}
