// The store port: what the features ask of an installation, and nothing of how
// it is kept. Interfaces only. Rules for every part of it (../shared/DESIGN.md,
// "Streams and memory"):
// - coarse and feature-shaped: one call does one step of a command ("the rows of
//   this table, in load order", "plan this accept"), so that the synchronous
//   SQLite adapter pays nothing and a server adapter can batch;
// - async at the edge: calls a feature makes return promises or async iterables;
// - no rowid, PRAGMA, SQLite error code, SQL text or database handle in any type:
//   row identity is an explicit key, a refused constraint is a StoreConstraintError
//   (src/store/errors.ts), locations come from the installation's home.
// An adapter (src/store/sqlite/, later src/store/postgres/) implements Store;
// src/store/open.ts is the one place that picks and opens it.
import type { Right, TableName } from '../domain/model/tables.js';
import type { ConfirmedRef, FinalizeCounts, LedgerEntry, Step } from '../domain/finalize-rules.js';

/** Where an installation keeps what is not in its tables, and how messages name it. */
export interface InstallationHome {
  /** how messages name the installation: its database file or server address */
  readonly label: string;
  /** folder of the verified copies of bundles staged in the inbox */
  readonly inboxDir: string;
  /** default folder of the receipts an import writes */
  readonly receiptsDir: string;
  /** files no output may replace: the database and the files beside it that belong to it */
  readonly files: readonly string[];
}

/** A row as text cells in the order of the columns asked for (null: empty). */
export type Cells = (string | null)[];

/** A constraint the store refused, as a feature reports it to the user. */
export interface ConstraintViolation {
  kind: 'duplicate' | 'missing_value' | 'dangling_reference';
  /** the columns the refused constraint covers */
  columns: string[];
}

// ---------------------------------------------------------------- installation

/** One load, inside one write transaction: it commits only if `fill` returns. */
export interface LoadSession {
  /** true when every table and the documents are empty (read under the write lock) */
  isEmpty(): Promise<boolean>;
  /**
   * Inserts rows of one table, given as cells of `columns`, in order; each row
   * gets its load ordinal (1, 2, ... in insertion order within its table).
   * Rows the store refuses are not inserted and come back with their index in
   * `rows` and the violation; any other failure rejects.
   */
  insert(table: TableName, columns: readonly string[], rows: readonly Cells[]): Promise<{ index: number; violation: ConstraintViolation }[]>;
  /** rows of `table` whose `column` names no row of `refTable`: their load ordinal and value, in load order, at most `limit` */
  danglingReferences(table: TableName, column: string, refTable: TableName, limit: number): Promise<{ ordinal: number; value: string }[]>;
  addDocument(doc: { path: string; sha256: string; size: number; content: Buffer }): Promise<void>;
  /** letters whose document is not among the documents: their load ordinal and document path, at most `limit` */
  lettersWithoutDocument(limit: number): Promise<{ ordinal: number; document: string }[]>;
}

export interface InstallationStore {
  /** Runs `fill` in one write transaction; commits when it returns, rolls back when it throws. */
  load<T>(fill: (s: LoadSession) => Promise<T>): Promise<T>;
  /** the rows of a table as cells of `columns`, in load order (the order dump writes) */
  rows(table: TableName, columns: readonly string[]): AsyncIterable<Cells>;
  /** the documents, by path */
  documents(): AsyncIterable<{ path: string; content: Buffer }>;
}

// ---------------------------------------------------------------- finalize

/** The office and user a finalize (or its undo) runs as. */
export interface FinalizeActor {
  office: { id: string; name: string };
  user: { id: string; username: string };
}

/** Reads of the export ledger and the transfer log that finalize makes, in or out of a session. */
export interface FinalizeRecords {
  /** the export ledger entry of a bundle this installation exported */
  ledger(bundleId: string): Promise<LedgerEntry | undefined>;
  /** the state of an import of this installation: standing, undone, or none such */
  acceptState(acceptId: string): Promise<'live' | 'undone' | 'unknown'>;
  /** whether a committed finalize wrote its retention archive at this absolute path */
  isRecordedArchive(file: string): Promise<boolean>;
  /** the earliest finalize of this receipt (bundle and accept) that was not undone */
  standingFinalize(bundleId: string, acceptId: string): Promise<{ at: string; archive: string | null } | undefined>;
  /** finalizes logged so far, undone ones included: of this bundle, and of this receipt */
  countFinalizes(bundleId: string, acceptId: string): Promise<{ bundle: number; receipt: number }>;
}

/** A row finalize removes, every column as stored, with its place in its table (undo puts it back there). */
export interface RemovedRow {
  row: Record<string, string | null>;
  place: number;
}

/** A reference of a staying row to a moved contact, as it was before finalize cut it. */
export interface DetachedReference {
  table: string;
  id: string;
  column: string;
  value: string;
}

/** A letter document finalize removes, with its place among the documents. */
export interface RemovedDocument {
  path: string;
  sha256: string;
  size: number;
  content: Buffer;
  place: number;
}

/**
 * What a receipt removes, selected inside a session: the confirmed refs go in
 * by batches, then the plan selects whole sets of rows; the selection is
 * forgotten when the session ends.
 */
export interface FinalizeSelection extends FinalizeRecords {
  /** starts an empty selection for `plan` (any earlier one is forgotten) */
  startSelection(plan: readonly Step[]): Promise<void>;
  /** adds confirmed refs (duplicates are ignored) */
  addConfirmed(refs: readonly ConfirmedRef[]): Promise<void>;
  /** the confirmed refs the bundle did not hold (by the refs its export kept): the first `limit` as prefix/id, and how many */
  refsNotHeld(bundleId: string, limit: number): Promise<{ refs: string[]; total: number }>;
  /** selects what the plan removes and detaches for the confirmed refs of this export session; returns the counts */
  select(scope: { officeId: string; sessionId: string }): Promise<FinalizeCounts>;
  /** the moved contacts selected, in load order: id and the row's name fields */
  movedContacts(): Promise<{ id: string; kind: string; first_name: string | null; last_name: string | null; business_name: string | null }[]>;
  /** a digest of exactly which rows the selection removes and which contacts move */
  selectionDigest(): Promise<string>;
}

/** A finalize under the write lock: it commits only if the callback returns. */
export interface FinalizeSession extends FinalizeSelection {
  /** the selected rows of a table, travelled or not, in load order, in batches */
  removedRows(table: string, travelled: boolean): AsyncIterable<RemovedRow[]>;
  /** the references the selection cuts, plan step by step, in load order, in batches */
  detachedReferences(): AsyncIterable<DetachedReference[]>;
  /** the documents named by removed letters, by path */
  removedDocuments(): AsyncIterable<RemovedDocument>;
  /** cuts the references, removes the orphaned documents and the selected rows */
  remove(): Promise<void>;
  /** rows left naming a missing row, per table and the table they name */
  danglingReferences(): Promise<{ table: string; parent: string; n: number }[]>;
  /** marks the bundle finalized in the export ledger (an earlier mark stays) */
  markFinalized(bundleId: string, at: string): Promise<void>;
  /** records the finalize in the transfer log */
  logFinalize(e: { at: string; bundleId: string; officeId: string; userId: string; summary: object; receipt: string }): Promise<void>;
}

/** The finalize that wrote a retention archive, as the transfer log records it. */
export interface FinalizeEntry {
  /** the transfer log entry's number */
  seq: number;
  at: string;
  office_id: string | null;
  archive: string | null;
  archive_id: string | null;
  archive_tagmanifest_sha256: string | null;
}

/** Undoing a finalize under the write lock: it commits only if the callback returns. */
export interface FinalizeUndoSession {
  /** the undo of the finalize logged as `finalizeSeq`, if there is one */
  findUndo(finalizeSeq: number): Promise<{ at: string } | undefined>;
  /** puts archived rows of one table back, in order, each at its old place when that is free; per row, why it cannot go back (nothing put in) or undefined */
  restoreRows(table: string, rows: readonly { row: Record<string, unknown>; place: number | undefined }[]): Promise<(string | undefined)[]>;
  /** sets cut references back, in order; per reference, why it cannot or undefined */
  restoreReferences(refs: readonly DetachedReference[]): Promise<(string | undefined)[]>;
  /** puts a document back (at its old place when free) unless the installation holds it: why it cannot, or whether it went in */
  restoreDocument(d: { path: string; sha256: string; size: number; content: Buffer; place?: number }): Promise<string | boolean>;
  danglingReferences(): Promise<{ table: string; parent: string; n: number }[]>;
  /** records the undo in the transfer log */
  logUndo(e: { at: string; bundleId: string; officeId: string; userId: string; summary: object }): Promise<void>;
  /** the bundle counts as finalized while a finalize of it stands: sets the ledger's mark from the transfer log */
  refreshFinalized(bundleId: string): Promise<void>;
}

export interface FinalizeStore extends FinalizeRecords {
  /** the office (id or name) and its user (id or username); refuses an unknown one, or a user lacking `rights` to do `what` */
  actor(office: string, user: string, rights: readonly Right[], what: string): Promise<FinalizeActor>;
  /** this installation's id and name; refuses an empty installation */
  installation(): Promise<{ id: string; name: string }>;
  /** Runs `read` in a read transaction that is always rolled back: nothing is written. */
  preview<T>(read: (s: FinalizeSelection) => Promise<T>): Promise<T>;
  /** Runs `work` in one write transaction; commits when it returns, rolls back when it throws. */
  finalize<T>(work: (s: FinalizeSession) => Promise<T>): Promise<T>;
  /** the finalize of this receipt that wrote the archive: the one that recorded its archive id, else one that recorded none */
  findFinalizeOfArchive(a: { bundleId: string; acceptId: string; receiptSha256: string; archiveId: string }): Promise<FinalizeEntry | undefined>;
  /** Runs `work` in one write transaction; commits when it returns, rolls back when it throws. */
  undo<T>(work: (s: FinalizeUndoSession) => Promise<T>): Promise<T>;
}

// ---------------------------------------------------------------- the whole store

export interface Store {
  readonly home: InstallationHome;
  readonly installation: InstallationStore;
  readonly finalize: FinalizeStore;
  close(): void;
}
