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
import type { TableName } from '../domain/model/tables.js';
import type { Decision, Presence } from '../domain/export-rules.js';
import type { RecordType } from '../domain/model/records.js';

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

// ---------------------------------------------------------------- export

/** An office as the export finds it (by id or name). */
export interface Office {
  id: string;
  name: string;
  parent_id: string | null;
  kind: 'agency' | 'resource';
  region: string | null;
}

/** A user of an office (by id or username); `rights` is the stored `;`-joined list. */
export interface User {
  id: string;
  office_id: string;
  username: string;
  full_name: string | null;
  rights: string | null;
}

/** A row's columns by name, as text (null: empty). */
export type StoredRow = Readonly<Record<string, string | null | undefined>>;

/** Which contacts an export takes (X2). */
export type ContactSelection = { mode: 'set'; set: string } | { mode: 'all' } | { mode: 'contacts'; contacts: string[] };

/** The chosen contacts: how many, the set they came from, the named ids that are not contacts of the office. */
export type ContactChoice =
  | { found: false }
  | { found: true; count: number; set?: { id: string; name: string }; missing: string[] };

/**
 * The export rules, put to classes of candidate rows rather than to each row:
 * the store groups candidates by the few features a rule reads and asks once
 * per class (X3, X5, X6).
 */
export interface SelectionRules {
  /** X3: a pending case of an exported contact, attached to commissions or not */
  pendingCase(k: { attached: boolean }): Decision;
  /** X5: a letter of an exported contact: its kind, whether a recipient is named and whether it is the contact */
  letter(k: { kind: string | null; named: boolean; toContact: boolean }): Decision;
  /** X6: a key relation of an exported contact: where each end stands, whether the related contact is named */
  relation(k: { a: Presence; b: Presence; named: boolean }): Decision;
}

/** What the rest of the selection left out or found, for the feature to count and check. */
export interface SelectionOutcome {
  /** classes a rule kept out, with how many rows each */
  refused: { decision: Decision; count: number }[];
  /** X10: what exported contacts have that never travels */
  neverExported: { leads: number; set_memberships: number; event_invitations: number; proposals: number; commissions: number };
  /** X9: the catalogue records that travel, with their owning office, by table then id */
  catalogue: { table: 'carriers' | 'products' | 'riders' | 'service_providers'; id: string; office_id: string }[];
}

/**
 * How the records of one type are read. `json`: the store may write the
 * record's column fields as JSON text itself (RecordRow.json) and then gives in
 * `row` only the id, `cols` as they are, `flags` as whether they hold a value
 * ("1"/"0"-like), and the type's extra columns; `bare`: nothing of the row is
 * needed. Without `json` every row comes whole.
 */
export interface RecordReading {
  json?: { cols?: string[]; flags?: string[]; bare?: boolean };
}

/**
 * One record as read: `json` is the start of its line (`{"ref":...` and its
 * column fields, no closing brace) when the store wrote it, else the row is
 * whole. Letters carry `doc_sha256` and `doc_size` of their document; accounts,
 * cases and policies their `parties` rows, policies their `riders` rows (rider
 * ids set, ordered by rider then amount), each list in stored order.
 */
export interface RecordRow {
  json: string | undefined;
  row: StoredRow;
  parties?: StoredRow[];
  riders?: StoredRow[];
}

/** Reads the record files of a selection, in id order, in batches. */
export interface ExportRecordReader {
  /** whether the type has any record in the selection */
  hasRecords(type: RecordType): Promise<boolean>;
  records(type: RecordType, reading: RecordReading): AsyncIterable<readonly RecordRow[]>;
}

/**
 * What another thread needs to open a reader of the same selection
 * (store/open.ts openExportReader): plain data, opaque to the feature.
 */
export type ExportReaderToken = Readonly<Record<string, string>>;

/** A reader opened on another thread: the contacts are readable at once, the rest after selectionComplete(). */
export interface ExportWorkerReader extends ExportRecordReader {
  selectionComplete(): Promise<void>;
  close(): void;
}

/** One export's ledger entry (X11), written with what the bundle held and its log line. */
export interface ExportEntry {
  bundle_id: string;
  session_id: string;
  office_id: string;
  user_id: string;
  target_office: string;
  target_user: string;
  created_at: string;
  tagmanifest_sha256: string;
  file: string;
  counts: unknown;
  receipt_key: string | null;
  /** the transfer log's line: when, and its summary (JSON text) */
  log: { at: string; summary: string };
}

/** The refs a bundle held, as gzip'd packs of newline-joined ids per ref prefix (L4). */
export interface HeldRefPack {
  prefix: string;
  seq: number;
  ids: Buffer;
}

/** One export's selection, kept in scratch space until the export ends. */
export interface ExportSelection extends ExportRecordReader {
  /** X2: chooses the contacts (first, so that a worker may start on them) */
  chooseContacts(officeId: string, selection: ContactSelection): Promise<ContactChoice>;
  /** X3-X10: everything else that travels with the chosen contacts, rules asked per class */
  selectRest(sessionId: string, officeId: string, rules: SelectionRules): Promise<SelectionOutcome>;
  /** the documents of the letters that travel, one per content, by sha256 */
  documents(): AsyncIterable<{ sha256: string; content: Buffer }>;
  /** how another thread opens a reader of this selection; undefined when it cannot */
  workerToken(): ExportReaderToken | undefined;
  /** X11, L4: the bundle, the refs it held, the exported contacts for the session and the log line, in one transaction */
  recordExport(entry: ExportEntry, held: readonly HeldRefPack[]): Promise<void>;
}

export interface ExportStore {
  /** the installation's id and name; undefined when it is empty */
  installation(): Promise<{ id: string; name: string } | undefined>;
  /** the installation's secret (receipt keys derive from it) */
  secret(): Promise<Buffer>;
  /** an office by id, else by name */
  office(ref: string): Promise<Office | undefined>;
  /** the parent of an office by id: null for none, undefined for no such office */
  parentOf(officeId: string): Promise<string | null | undefined>;
  /** a user of an office by id, else by username */
  user(officeId: string, ref: string): Promise<User | undefined>;
  /** B6: the tagmanifest sha256 of a bundle the ledger holds under this id */
  exportedTagmanifest(bundleId: string): Promise<string | undefined>;
  /** Runs `work` on a fresh selection kept in the private folder `dir`; the selection ends when it returns or throws. */
  select<T>(dir: string, work: (s: ExportSelection) => Promise<T>): Promise<T>;
  /** L6: a bundle that never reached its file was never exported: its ledger rows go, in one transaction */
  forgetExport(bundleId: string): Promise<void>;
}

// ---------------------------------------------------------------- the whole store

export interface Store {
  readonly home: InstallationHome;
  readonly installation: InstallationStore;
  readonly export: ExportStore;
  close(): void;
}
