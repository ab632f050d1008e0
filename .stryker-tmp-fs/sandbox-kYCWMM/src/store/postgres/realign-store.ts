// @ts-nocheck
// The catalogue and the realignment journal as the realign feature sees them
// (R1-R12), as ../sqlite/realign-store.ts. The journal follows rows by rowid
// (row-journal.ts, realign-journal.ts); that stays here: the port names entries
// by id and records by kind and id. A change is one write transaction: it takes
// the installation's writer lock first, so a realign and an import never
// interleave (S5).
import { KIND_TABLE, type CatalogueKind, type CatalogueRecord, type RecordChange, type Switch } from '../../domain/realign-rules.js';
import type { CatalogueSearchRow, RealignEntry, RealignEntryHead, RealignLookups, RealignSession, RealignStore, ReportCarrier } from '../port.js';
import * as cat from './catalogue.js';
import { PgOfficeLookups } from './offices-store.js';
import { inTransactionAsync } from './transaction.js';
import { entriesHoldingRows, getEntry, imagePages, laterEntriesTouching, markUndone, startEntry, type StoredEntry } from './realign-journal.js';
import { differences, restoreConflicts, restoreRows, type RowDifference } from './row-journal.js';

const ENTRY = `SELECT id, at, office_id, user_id, kind, local_id, resource_id, summary, undone_at FROM realign_journal`;

function entryOf(r: Omit<RealignEntry, 'summary'> & { summary: string }): RealignEntry {
  return { ...r, summary: JSON.parse(r.summary) as unknown };
}

class PgRealignLookups extends PgOfficeLookups implements RealignLookups {
  async records(kind: CatalogueKind, officeId: string): Promise<CatalogueRecord[]> {
    return cat.listRecords(this.db, kind, officeId);
  }
  async allRecords(officeId: string): Promise<CatalogueRecord[]> {
    return cat.listAllKinds(this.db, officeId);
  }
  async record(kind: CatalogueKind, id: string): Promise<CatalogueRecord | undefined> {
    return cat.getRecord(this.db, kind, id);
  }
  async findRecords(kind: CatalogueKind, officeId: string, ref: string): Promise<CatalogueRecord[]> {
    return cat.findRecords(this.db, kind, officeId, ref);
  }
  async childrenOf(carrierId: string, officeId: string): Promise<CatalogueRecord[]> {
    return cat.childrenOf(this.db, carrierId, officeId);
  }
  async referenceCounts(records: readonly Pick<CatalogueRecord, 'kind' | 'id'>[]): Promise<Record<string, number>> {
    return cat.referenceCounts(this.db, records);
  }
  async totalReferences(records: readonly Pick<CatalogueRecord, 'kind' | 'id'>[]): Promise<number[]> {
    return records.map((r) => cat.totalReferences(this.db, r));
  }

  async nameHolder(kind: CatalogueKind, rec: CatalogueRecord, name: string): Promise<string | undefined> {
    const scope = kind === 'product' || kind === 'rider' ? 'carrier_id' : 'office_id';
    const value = scope === 'carrier_id' ? rec.carrier_id : rec.office_id;
    const row = this.db
      .prepare(`SELECT id FROM ${KIND_TABLE[kind]} WHERE "${scope}" = ? AND office_id = ? AND name = ? AND id <> ?`)
      .get(value, rec.office_id, name, rec.id) as { id: string } | undefined;
    return row?.id;
  }

  async entry(id: number): Promise<RealignEntry | undefined> {
    const r = this.db.prepare(`${ENTRY} WHERE id = ?`).get(id) as (Omit<RealignEntry, 'summary'> & { summary: string }) | undefined;
    return r && entryOf(r);
  }

  async entriesHoldingRecords(officeId: string, records: readonly Pick<CatalogueRecord, 'kind' | 'id'>[]): Promise<number[]> {
    const refs = records.flatMap((r) => cat.recordRowRef(this.db, r.kind, r.id));
    return entriesHoldingRows(this.db, officeId, refs);
  }
}

class PgRealignSession extends PgRealignLookups implements RealignSession {
  async migrate(head: RealignEntryHead, switches: readonly Switch[], records: readonly RecordChange[]): Promise<number> {
    const journal = startEntry(this.db, head);
    for (const s of switches) journal.captureWhere(s.table, `"${s.column}" = ?`, [s.from]);
    for (const r of records) journal.captureWhere(KIND_TABLE[r.kind], 'id = ?', [r.id]);
    for (const s of switches) cat.applySwitch(this.db, s);
    for (const r of records) cat.applyRecordChange(this.db, r);
    journal.finish();
    return journal.id;
  }

  async purge(head: RealignEntryHead, records: readonly Pick<CatalogueRecord, 'kind' | 'id'>[]): Promise<number> {
    const journal = startEntry(this.db, head);
    for (const r of records) journal.captureWhere(KIND_TABLE[r.kind], 'id = ?', [r.id]);
    for (const r of records) cat.deleteRecord(this.db, r);
    journal.finish();
    return journal.id;
  }

  async rename(head: RealignEntryHead, kind: CatalogueKind, id: string, name: string): Promise<number> {
    const journal = startEntry(this.db, head);
    journal.captureWhere(KIND_TABLE[kind], 'id = ?', [id]);
    this.db.prepare(`UPDATE ${KIND_TABLE[kind]} SET name = ? WHERE id = ?`).run(name, id);
    journal.finish();
    return journal.id;
  }

  private stored(id: number): StoredEntry {
    const e = getEntry(this.db, id);
    if (!e) throw new Error(`no realignment journal entry ${id}`);
    return e;
  }

  /** The after-images checked against the rows now, then the before-images of present rows against ids held by other rows, a page at a time. */
  async changesSince(id: number, shown: number): Promise<{ count: number; shown: string[] }> {
    const e = this.stored(id);
    const out = { count: 0, shown: [] as string[] };
    const add = (ds: RowDifference[]) => {
      out.count += ds.length;
      out.shown.push(...ds.slice(0, Math.max(0, shown - out.shown.length)).map((d) => d.message));
    };
    for (const page of imagePages(this.db, e, 'after')) add(differences(this.db, page));
    for (const page of imagePages(this.db, e, 'before', 'present')) add(restoreConflicts(this.db, page));
    return out;
  }

  async laterEntriesTouching(id: number): Promise<number[]> {
    return laterEntriesTouching(this.db, this.stored(id));
  }

  async restore(id: number): Promise<number> {
    const e = this.stored(id);
    let rows = 0;
    // Rows the entry added go first, so that a row it deleted can take its id back.
    for (const only of ['absent', 'present'] as const) {
      for (const page of imagePages(this.db, e, 'before', only)) {
        restoreRows(this.db, page);
        rows += page.length;
      }
    }
    markUndone(this.db, id);
    return rows;
  }
}

export class PgRealignStore extends PgRealignLookups implements RealignStore {
  change<T>(change: (s: RealignSession) => Promise<T>): Promise<T> {
    return inTransactionAsync(this.db, () => change(new PgRealignSession(this.db)), 'write');
  }

  async journal(officeId: string): Promise<RealignEntry[]> {
    const rows = this.db.prepare(`${ENTRY} WHERE office_id = ? ORDER BY id`).all(officeId) as (Omit<RealignEntry, 'summary'> & { summary: string })[];
    return rows.map(entryOf);
  }

  async search(kind: CatalogueKind, officeId: string, resourceId: string | null, name?: string): Promise<CatalogueSearchRow[]> {
    return cat.searchRecords(this.db, kind, officeId, resourceId, name);
  }

  async carriersAndProducts(resourceId: string): Promise<ReportCarrier[]> {
    return cat.carriersAndProducts(this.db, resourceId);
  }
}
