// @ts-nocheck
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
import type { Decision, Presence } from '../domain/export-rules.js';
import type { Absence, Absent, CensusDecision, EntryDecision, Presence as ContactPresence, RelationDecision } from '../domain/reconcile.js';
import type { RecordType } from '../domain/model/records.js';
import type { Row } from '../domain/model/row.js';
import type { CatalogueKind, CatalogueRecord, RecordChange, Switch } from '../domain/realign-rules.js';
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

// ---------------------------------------------------------------- offices, users and rights

/** An office (by id or name). */
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

/** The lookups every command starts with. The require forms refuse with a not-found error that names the way to list them. */
export interface OfficeLookups {
  /** an office by id, else by name */
  office(ref: string): Promise<Office | undefined>;
  requireOffice(ref: string): Promise<Office>;
  /** a user of an office by id, else by username */
  user(officeId: string, ref: string): Promise<User | undefined>;
  requireUser(office: Office, ref: string): Promise<User>;
  /** the users of an office, by username */
  users(officeId: string): Promise<User[]>;
}

/** One change of users' rights, inside one write transaction (D6). */
export interface RightsSession extends OfficeLookups {
  /** stores a user's rights cell (null: no rights) */
  setRights(userId: string, rights: string | null): Promise<void>;
}

export interface OfficesStore extends OfficeLookups {
  /** this installation's id; refuses an empty installation (no installation row) with a not-found error that says how to load one */
  installationId(): Promise<string>;
  /** Runs `change` in one write transaction; commits when it returns, rolls back when it throws. */
  changeRights<T>(change: (s: RightsSession) => Promise<T>): Promise<T>;
}

// ---------------------------------------------------------------- sets and listings

/** A set of contacts of an office (D7). */
export interface ContactSet {
  id: string;
  office_id: string;
  name: string;
  owner_user_id: string | null;
}

/** A member of a set as `set show` lists it. */
export interface SetMember {
  id: string;
  kind: string;
  name: string;
}

/** A row of a listing: its columns by name. */
export type ListRow = Record<string, string | number | null>;

export interface SetLookups extends OfficeLookups {
  /** a set of an office by name, else by id, else by its name equal but for case */
  set(officeId: string, ref: string): Promise<ContactSet | undefined>;
  /** the names of an office's sets */
  setNames(officeId: string): Promise<string[]>;
  /** the office of each of these contacts that exists (absent ids are not keys) */
  contactOffices(ids: readonly string[]): Promise<Map<string, string>>;
  /** the contacts of an office whose primary advisor is `advisorId`, by id */
  book(officeId: string, advisorId: string): Promise<string[]>;
}

/** One change of sets, inside one write transaction. */
export interface SetsSession extends SetLookups {
  /** a new empty set with a fresh id; returns the id */
  create(set: Omit<ContactSet, 'id'>): Promise<string>;
  /** adds the contacts that are not members yet, in order; returns how many were added */
  addMembers(setId: string, contactIds: readonly string[]): Promise<number>;
  /** removes these contacts from the set; returns how many were members */
  removeMembers(setId: string, contactIds: readonly string[]): Promise<number>;
  /** deletes the set and its memberships; returns how many memberships went */
  delete(setId: string): Promise<number>;
  /** how many members the set has */
  count(setId: string): Promise<number>;
}

export interface SetsStore extends SetLookups {
  /** Runs `change` in one write transaction; commits when it returns, rolls back when it throws. */
  change<T>(change: (s: SetsSession) => Promise<T>): Promise<T>;
  /** the members of a set, by contact id, with their display name */
  members(setId: string): Promise<SetMember[]>;
  /** the offices holding a set of this name or id */
  officesHolding(ref: string): Promise<string[]>;
  /** what `list` shows: offices (by id), users (by office, username), sets (by office, name, with their member count), contacts (by office, id) */
  list(what: 'offices' | 'users' | 'sets', officeId?: string): Promise<ListRow[]>;
  listContacts(filter: { officeId?: string; setId?: string }): Promise<ListRow[]>;
}

// ---------------------------------------------------------------- realign

/** A catalogue record as the blank search shows it (R2): with its office's and carrier's names. */
export interface CatalogueSearchRow extends CatalogueRecord {
  office_name: string;
  readonly: boolean;
  carrier_name: string | null;
}

/** A carrier of the resource report (R3) with its products. */
export interface ReportCarrier {
  id: string;
  name: string;
  naic_code: string | null;
  phone: string | null;
  email: string | null;
  street: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  products: { id: string; name: string; line_of_business: string | null; active: string | null }[];
}

/** What a realignment journal entry says about itself (R10). */
export interface RealignEntryHead {
  office_id: string;
  user_id: string;
  /** carrier, product, rider, service_provider, purge or rename */
  kind: string;
  local_id: string;
  resource_id: string;
  summary: unknown;
}

/** A journal entry as `realign log` lists it. */
export interface RealignEntry extends RealignEntryHead {
  id: number;
  at: string;
  undone_at: string | null;
}

/** The catalogue and the journal as a realignment reads them. */
export interface RealignLookups extends OfficeLookups {
  /** records of one kind held by one office, by name then id */
  records(kind: CatalogueKind, officeId: string): Promise<CatalogueRecord[]>;
  /** records of every kind held by one office: carriers, products, riders, service providers, each by name then id */
  allRecords(officeId: string): Promise<CatalogueRecord[]>;
  record(kind: CatalogueKind, id: string): Promise<CatalogueRecord | undefined>;
  /** a record of an office by id, or else every record of it with exactly this name (by id) */
  findRecords(kind: CatalogueKind, officeId: string, ref: string): Promise<CatalogueRecord[]>;
  /** the products then the riders of one office whose carrier is `carrierId`, each by id */
  childrenOf(carrierId: string, officeId: string): Promise<CatalogueRecord[]>;
  /** how many rows of office content name each record, per reference (keyed by refKey) */
  referenceCounts(records: readonly Pick<CatalogueRecord, 'kind' | 'id'>[]): Promise<Record<string, number>>;
  /** how many rows of office content name each record, all references together, in the order of `records` */
  totalReferences(records: readonly Pick<CatalogueRecord, 'kind' | 'id'>[]): Promise<number[]>;
  /** the record of `kind` whose name `name` would collide with `rec`'s new name: same carrier (products, riders) or same office */
  nameHolder(kind: CatalogueKind, rec: CatalogueRecord, name: string): Promise<string | undefined>;
  /** a journal entry by id */
  entry(id: number): Promise<RealignEntry | undefined>;
  /** the live entries of an office whose after-images hold any of these records, by id */
  entriesHoldingRecords(officeId: string, records: readonly Pick<CatalogueRecord, 'kind' | 'id'>[]): Promise<number[]>;
}

/** One realignment, inside one write transaction: each change is journaled with the rows before and after it. */
export interface RealignSession extends RealignLookups {
  /** R5, R6, R10: applies the switches then the record changes, journaled; returns the entry's id */
  migrate(head: RealignEntryHead, switches: readonly Switch[], records: readonly RecordChange[]): Promise<number>;
  /** R11: deletes the records, journaled; returns the entry's id */
  purge(head: RealignEntryHead, records: readonly Pick<CatalogueRecord, 'kind' | 'id'>[]): Promise<number>;
  /** R8: renames a record, journaled; returns the entry's id */
  rename(head: RealignEntryHead, kind: CatalogueKind, id: string, name: string): Promise<number>;
  /** the rows of entry `id` that no longer look as it left them, or whose id another row holds now: how many, and the first `shown` described */
  changesSince(id: number, shown: number): Promise<{ count: number; shown: string[] }>;
  /** live later entries of the same office that changed any row entry `id` changed, newest first */
  laterEntriesTouching(id: number): Promise<number[]>;
  /** puts back the rows of entry `id` as they were before it and marks it undone; returns the rows restored */
  restore(id: number): Promise<number>;
}

export interface RealignStore extends RealignLookups {
  /** Runs `change` in one write transaction; commits when it returns, rolls back when it throws. */
  change<T>(change: (s: RealignSession) => Promise<T>): Promise<T>;
  /** the journal of an office, by id */
  journal(officeId: string): Promise<RealignEntry[]>;
  /** R2: the records of an office and of its resource office (when given) whose name contains `name` (any when absent), by name then id */
  search(kind: CatalogueKind, officeId: string, resourceId: string | null, name?: string): Promise<CatalogueSearchRow[]>;
  /** R3: the carriers of a resource office with their products, by name then id */
  carriersAndProducts(resourceId: string): Promise<ReportCarrier[]>;
}

// ---------------------------------------------------------------- audit: the transfer log

/** One line of `officeport log`: an export from the ledger, or an import, accept, undo, finalize ... from the transfer log. */
export interface LogEntry {
  /** ISO time of the action (for exports: the bundle's creation time) */
  at: string;
  /** export, import, accept, finalize, undo, ... as the writer named it */
  action: string;
  bundle_id: string | null;
  office_id: string | null;
  office_name: string | null;
  user_id: string | null;
  username: string | null;
  /** for exports: the office and user the bundle is addressed to */
  target: { office: string; user: string } | null;
  /** numbers the action reports: records per type, or outcomes per kind */
  counts: Record<string, number>;
  /** a one-line description when the writer gave one */
  summary: string | null;
  /** for exports: when the move was finalized in the source office */
  finalized_at: string | null;
  source: 'export_ledger' | 'transfer_log';
  /** transfer_log sequence number (insertion order), null for ledger rows */
  seq: number | null;
}

export interface AuditStore {
  /** the transfers of the installation in time order, of one office and/or one bundle when given */
  transfers(filter: { officeId?: string; bundleId?: string }): Promise<LogEntry[]>;
}

// ---------------------------------------------------------------- trust

/** An office's own keys (T1): made on first use and kept in the installation; the private halves never leave it but through an administrator's identity file. */
export interface OfficeKeys {
  office_id: string;
  /** Ed25519 key pair (receipts and notices are signed with it), PEM: SubjectPublicKeyInfo and PKCS#8 */
  ed25519_public_pem: string;
  ed25519_private_pem: string;
  /** the X25519 identity bundles addressed to the office are encrypted to, in the age format: AGE-SECRET-KEY-1... */
  age_identity: string;
  /** its recipient, in the age format: age1... */
  age_recipient: string;
  /** hex SHA-256 of the Ed25519 public key's SubjectPublicKeyInfo DER */
  fingerprint: string;
}

/** The address card of an office (T1): what a source needs to address, encrypt and later check a receipt. */
export interface AddressCard {
  format: 'officeport-address-card';
  format_version: 1;
  installation: { id: string; name: string };
  office: { id: string; name: string };
  user: { id: string; username: string };
  /** the office's Ed25519 public key, PEM (SubjectPublicKeyInfo) */
  ed25519_public_key: string;
  /** hex SHA-256 of that key's SubjectPublicKeyInfo DER */
  fingerprint: string;
  /** the office's X25519 recipient in the age format (age1...) */
  age_recipient: string;
}

export interface TrustStore {
  /** the installation's secret (receipt keys derive from it); it never leaves the installation */
  installationSecret(): Promise<Buffer>;
  /** the office's keys, made and kept on first use (two calls at once get the same keys); refuses an office the installation does not hold */
  officeKeys(officeId: string): Promise<OfficeKeys>;
  /** the office of this installation whose age recipient this is, if its keys were made */
  findOfficeByRecipient(recipient: string): Promise<string | undefined>;
  /** the age identities of the offices whose keys were made, by office id (none is made) */
  officeAgeIdentities(): Promise<{ office_id: string; age_identity: string }[]>;
  /** the card a bundle was exported to (`export --to`), as the export ledger recorded it; undefined for a bundle exported by name or unknown */
  cardOfBundle(bundleId: string): Promise<AddressCard | undefined>;
}

// ---------------------------------------------------------------- verify's scratch reference index

/** A place in a bundle as verify numbers it (file index and line, packed by the caller), and what it names. */
export interface ScratchRefPlace {
  ref: string;
  loc: number;
  pointer: string;
}

/**
 * Where verify's reference check (bundle/ref-index.ts) spills the refs of a
 * bundle too large to keep in memory: private and temporary, no installation
 * involved (src/store/open.ts, openScratchRefIndex). Synchronous, unlike the
 * installation's port: it is fed once per record line, on verify's hot path,
 * and is always local scratch space. Duplicate and dangling answers come in
 * `loc` order, at most `limit`.
 */
export interface ScratchRefIndex {
  /** a record defines `ref` at `loc` */
  def(ref: string, loc: number): void;
  /** the record at `loc` refers to `ref` at `pointer` */
  use(ref: string, loc: number, pointer: string): void;
  /** the letter at `loc` names the document at `path` */
  doc(path: string, loc: number): void;
  /** every definition after the first of its ref, with the first one's loc */
  duplicates(limit: number): { ref: string; loc: number; first: number }[];
  /** uses whose ref no record defines, by loc then pointer */
  dangling(limit: number): ScratchRefPlace[];
  /** letters whose document path is not among `present` (pointer empty) */
  missingDocuments(present: readonly string[], limit: number): ScratchRefPlace[];
  close(): void;
}

// ---------------------------------------------------------------- export

/** Which contacts an export takes (X2). */
export type ContactSelection = { mode: 'set'; set: string } | { mode: 'all' } | { mode: 'contacts'; contacts: string[] };

/** The chosen contacts: how many, the set they came from, the named ids that are not contacts of the office. */
/** not found: the names of the office's sets, for a "did you mean" (U3) */
export type ContactChoice = { found: false; names: string[] } | { found: true; count: number; set?: { id: string; name: string }; missing: string[] };

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
  row: Row;
  parties?: Row[];
  riders?: Row[];
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
  /** the address card the bundle was encrypted to (T2), kept so that finalize can check the receipt's signature; absent or null for an export by name */
  card?: AddressCard | null;
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
  /** how many records the record files of the complete selection hold, all types together (the total a progress bar shows) */
  countRecords(): Promise<number>;
  /** how another thread opens a reader of this selection; undefined when it cannot */
  workerToken(): ExportReaderToken | undefined;
  /** X11, L4: the bundle, the refs it held, the exported contacts for the session and the log line, in one transaction */
  recordExport(entry: ExportEntry, held: readonly HeldRefPack[]): Promise<void>;
}

export interface ExportStore {
  /** the installation's id and name; undefined when it is empty */
  installation(): Promise<{ id: string; name: string } | undefined>;
  /** the parent of an office by id: null for none, undefined for no such office */
  parentOf(officeId: string): Promise<string | null | undefined>;
  /** B6: the tagmanifest sha256 of a bundle the ledger holds under this id */
  exportedTagmanifest(bundleId: string): Promise<string | undefined>;
  /** Runs `work` on a fresh selection kept in the private folder `dir`; the selection ends when it returns or throws. */
  select<T>(dir: string, work: (s: ExportSelection) => Promise<T>): Promise<T>;
  /** L6: a bundle that never reached its file was never exported: its ledger rows go, in one transaction */
  forgetExport(bundleId: string): Promise<void>;
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

// ---------------------------------------------------------------- import

/** An inbox entry: a bundle staged in the installation until its contacts are accepted or it is rejected. */
export interface InboxEntry {
  id: string;
  bundle_id: string;
  office_id: string;
  user_id: string;
  session_id: string;
  source_installation: string;
  source_office: string;
  tagmanifest_sha256: string;
  added_at: string;
  status: string;
  /** where the store keeps the verified copy (ImportStore.keepInboxCopy's answer): a file of the inbox folder, or a name in the database */
  file: string;
}

/** A contact of an inbox entry as the listing shows it (tax id masked). */
export interface InboxContact {
  ref: string;
  kind: string;
  name: string;
  tax_id: string | null;
  accepted: boolean;
}

/** The fields of a new inbox entry; the store gives it its id. */
export interface NewInboxEntry {
  bundle_id: string;
  office_id: string;
  user_id: string;
  session_id: string;
  source_installation: string;
  source_office: string;
  tagmanifest_sha256: string;
  added_at: string;
  file: string;
}

/** The matching keys of a staged contact or stub, computed by the import's rules when it is staged. */
export interface StagedKeys {
  /** the tax id's digits ('' without one) */
  taxDigits: string;
  /** the identity key ('' when the names do not make one) */
  identity: string;
  /** the tax id as the inbox shows it ('' without one) */
  maskedTax: string;
}

/** One record line of the bundle as it is staged: its ref and JSON text, with the matching keys of a contact or stub. */
export interface StagedLine {
  ref: string;
  text: string;
  keys?: StagedKeys;
}

/** A staging of a bundle's record lines, filled during the verify pass (a hook called with batches of lines, synchronously). */
export interface ImportStaging {
  hook(type: string, lines: readonly StagedLine[]): void;
  /** keeps the staged lines (valid bundle) or drops them */
  finish(valid: boolean): void;
}

/** A staged contact's part in one accept: accepted now, by an earlier accept of the entry, or still pending. */
export type ContactState = 'now' | 'done' | 'later';

/** Which staged contacts take part in one accept. */
export interface AcceptSelection {
  /** the inbox entry whose contacts accepted earlier are 'done' */
  inboxId?: string;
  /** the contacts of this accept (all when undefined); the others are 'later' */
  selected?: string[];
}

/** A decision of the plan (one record, party entry or waiting entry), in plan order. */
export interface PlanRow {
  seq: number;
  ref: string;
  type: string;
  outcome: string;
  target_id: string | null;
  detail: string;
}

/** A plan row with the receipt's target id: the plan's, else what the apply made of the ref. */
export interface PlanOutcomeRow {
  ref: string;
  type: string;
  outcome: string;
  detail: string;
  target_id: string | null;
}

/** An entry an earlier accept left waiting for a contact. */
export interface WaitingEntry {
  id: number;
  kind: 'key_relations' | 'party' | 'employee_census';
  record: string;
  contact_ref: string;
  related_ref: string;
}

/** L8: a waiting party entry as the store keeps it: the entry, the record it belongs to and that record's type. */
export interface WaitingParty {
  ref: string;
  record: string;
  owner_type: 'policies' | 'pending_cases' | 'investment_accounts';
  contact: string;
  list: string;
  role?: string;
  share_percent?: string;
}

/** What applying a plan needs of the accept. */
export interface ApplyScope {
  acceptId: string;
  /** the inbox entry whose contacts this accept takes, if any */
  inboxId?: string;
  officeId: string;
  sourceInstallation: string;
  sessionId: string;
  bundleId: string;
}

/** The target and the staged plan as the per-record rules read them, one lookup at a time (synchronous: they run inside the plan). */
export interface PlanLookups {
  contactsByTax(digits: string, kind: string): string[];
  contactsByHash(hash: string, kind: string): string[];
  contactsByIdentity(key: string): { id: string; taxKey: string }[];
  /** what an earlier import made of this source record in this office, if it still exists */
  mapped(sourceInstallation: string, ref: string, officeId: string, table: TableName): string | undefined;
  contact(id: string, officeId: string): Record<string, string | null | undefined> | undefined;
  row(table: string, id: string): Record<string, string | null | undefined> | undefined;
  catalogueByName(table: TableName, officeId: string | null, name: string, carrierId?: string): string | undefined;
  withinCarrier(table: 'products' | 'riders', carrierId: string, name: string): string | undefined;
  plan(ref: string): PlanRow | undefined;
  record(ref: string, type: string): Record<string, unknown> | undefined;
  bundleContactState(ref: string): string | undefined;
  addPlan(ref: string, type: string, outcome: string, targetId: string | undefined, detail: object): void;
  refTarget(ref: string): string | undefined;
  setRef(ref: string, targetId: string): void;
}

/** What planning one type set-based needs of the accept. */
export interface PlanScope {
  officeId: string;
  sourceInstallation: string;
  /** plan-file choices for ambiguous contacts, by ref */
  choices: Map<string, string>;
  /** set once the presence of the planned contacts and stubs is known (once per plan) */
  presenceReady?: boolean;
}

/** One decision made by the rules (outcome, target and detail of a plan row). */
export interface PlanDecision {
  outcome: string;
  target_id?: string;
  detail: object;
}

/** The per-record rules the set-based planner calls for the few records that need them. */
export interface PlanRules<Rec, Match> {
  /** what an incoming contact matches on its own; `target` is the one target contact it names, if any */
  matchContact(rec: Rec): { match: Match; target: string | null };
  /** the decision for a contact, given its match and the other incoming contacts matching the same target */
  decideContact(rec: Rec, match: Match, rivals: string[]): PlanDecision;
  decideStub(rec: Rec): PlanDecision;
  /** plans a catalogue record at its first use (it adds its own plan rows) */
  planCatalogue(ref: string, type: 'carriers' | 'products' | 'riders' | 'service_providers'): void;
  // The rules below decide a class of rows at a time: per-row text (a ref, a list, a role, a target id) comes in as a
  // placeholder and stays one in the answer, for the store to fill row by row.
  /** how an absent contact stands, in words */
  absent(ref: string, a: Absence): Absent;
  /** a record an earlier import already brought */
  imported(target_id: string): { outcome: 'linked'; target_id: string; reason: string };
  /** a party entry of a created record, given its contact's presence */
  party(p: ContactPresence, list: string, role: string | undefined): EntryDecision;
  /** a key relation, given the presence of its two contacts */
  relation(a: ContactPresence, b: ContactPresence): RelationDecision;
  /** a census row, given the presence of its business and its employee */
  census(business: ContactPresence, employee: ContactPresence): CensusDecision;
}

/** Outcome counts of a plan, per plan row type. */
export type PlanTypeCounts = { type: string; outcome: string; n: number }[];

/** An accept of a bundle as the installation keeps it, with where its receipt went. */
export interface KeptReceipt {
  accept_id: string;
  accepted_at: string;
  /** where the accept wrote its receipt */
  file: string | null;
  undone: boolean;
}

export interface KeptAccept extends KeptReceipt {
  bundle_id: string;
  office_id: string;
}

/** The accept's record: what import_accepts and the transfer log keep. */
export interface AcceptRecord {
  accept_id: string;
  inbox_id: string;
  bundle_id: string;
  office_id: string;
  user_id: string;
  at: string;
  receipt: string;
  receipt_file: string;
  summary: string;
}

export type UndoOutcome =
  | { kind: 'changed'; touched: number; problems: { file: string; message: string }[] }
  | { kind: 'referenced'; count: number; problems: { file: string; message: string }[] }
  | { kind: 'undone'; reverted: Record<string, number> };

/**
 * Import: the staged bundle of one accept (kept by the store between calls, per
 * connection), its plan, and the inbox and accepts of the installation.
 *
 * Async at the edge: the calls the import makes once per command (the inbox,
 * staging and selection, accepts, receipts, undo) return promises.
 * Synchronous inside the accept: the planner, the apply and the receipt run in
 * ONE write transaction (inWriteTransaction / inStagingTransaction take a
 * synchronous function), and the planner's lookups and callbacks (lookups(),
 * PlanLookups.addPlan, PlanRules ...) run once or more per staged record, from
 * inside the adapter's set-based plan: an awaited call per row there would let
 * other work interleave inside the transaction and cost a microtask per row on
 * the hottest path of the bench, for nothing the embedded adapter needs. A
 * server adapter implements them over rows it fetched in batches. The
 * staging hook is synchronous for the same reason (it is called from the
 * verify pass with batches of lines).
 */
export interface ImportStore {
  // the inbox
  /** the live (not rejected) entry of a bundle in an office, newest first */
  inboxEntryOf(bundleId: string, officeId: string): Promise<InboxEntry | undefined>;
  /** the entry named by its id, its id written in full ("IN-000001" for "1"), or its bundle id, newest first */
  inboxEntryNamed(id: string, fullId: string): Promise<InboxEntry | undefined>;
  /** lists the contacts of a new entry from the staged records (names and masked tax ids as the rules give them) */
  prepareInboxFromStaged(): Promise<void>;
  /** lists the contacts of a new entry, given in batches */
  prepareInbox(contacts: AsyncIterable<{ ref: string; kind: string; name: string; tax: string | null }[]>): Promise<void>;
  dropPreparedInbox(): Promise<void>;
  /**
   * G2: keeps the bundle file as received (an encrypted one stays encrypted), read in
   * `chunks` and never held whole (P1), under the installation's own name for it (a
   * stale copy of that name is replaced); returns what the entry records as its file
   */
  keepInboxCopy(name: string, chunks: AsyncIterable<Buffer>): Promise<string>;
  /** runs `fn` on a private file holding the kept copy (removed after, if written for it) */
  withInboxCopy<T>(file: string, fn: (path: string) => Promise<T>): Promise<T>;
  /** removes a kept copy (none: nothing) */
  dropInboxCopy(file: string): Promise<void>;
  /** registers the prepared entry unless another one of the bundle is there (then that one); inside the accept's write transaction (synchronous) */
  registerInboxEntry(e: NewInboxEntry): { row: InboxEntry; added: boolean };
  /** registerInboxEntry in a write transaction of its own */
  addInboxEntry(e: NewInboxEntry): Promise<{ row: InboxEntry; added: boolean }>;
  /** pending and partially accepted entries of a user, oldest first, with their contacts */
  inboxOf(officeId: string, userId: string): Promise<(InboxEntry & { contacts: InboxContact[] })[]>;
  acceptedContactCount(inboxId: string): Promise<number>;
  /** marks the entry rejected and drops the waiting entries that waited for its contacts not accepted; returns them */
  rejectInboxEntry(e: InboxEntry): Promise<{ record: string; contact: string }[]>;

  // staging
  /** a staging for the verify pass (its hook is synchronous: see above) */
  startStaging(): ImportStaging;
  /** drops every staged table of this connection */
  dropStaging(): Promise<void>;
  /** which of these refs are staged contacts */
  stagedContacts(refs: string[]): Promise<string[]>;
  /** keeps the staged records of the selected contacts and fetches their letter documents; returns the number of contacts accepted now */
  selectStaged(sel: AcceptSelection, document: (sha256: string) => Promise<Buffer>): Promise<number>;
  /** contact refs accepted now, in ref order */
  nowContacts(): Promise<string[]>;
  /** a letter document fetched by selectStaged */
  stagedDocument(sha256: string): Buffer | undefined;

  // planning: synchronous, inside the accept's transaction (see above)
  /** the target office's contacts indexed for matching, once per accept */
  indexTargetContacts(officeId: string, salt: string | undefined): void;
  lookups(): PlanLookups;
  /** whether any record of this type is staged */
  hasStaged(type: string): boolean;
  /** plans every staged record of one type, set-based; the rules decide the records that need them */
  planType<Rec, Match>(scope: PlanScope, type: string, tableOf: Readonly<Record<string, TableName>>, rules: PlanRules<Rec, Match>): void;
  /** entries earlier accepts of this source left waiting in this office, oldest first */
  waitingEntries(officeId: string, sourceInstallation: string): WaitingEntry[];
  /** contacts planned ambiguous without a choice */
  unsettledAmbiguous(): { ref: string; detail: string }[];
  /** the plan rows in order */
  planRows(): Iterable<PlanRow>;
  /** the plan's outcomes in order (stubs left out); only the notable ones (not created or linked, or ambiguous) when asked */
  planOutcomes(onlyNotable: boolean): Iterable<PlanOutcomeRow>;
  planTypeCounts(): PlanTypeCounts;

  // the accept: synchronous, inside its one write transaction (see above)
  /** runs `fn` in one write transaction (synchronous: plan, apply and receipt run inside it); a refused constraint rejects as StoreConstraintError */
  inWriteTransaction<T>(fn: () => T): T;
  /** runs `fn` in one transaction that writes only the staged tables (a dry run's plan) */
  inStagingTransaction<T>(fn: () => T): T;
  /** applies the plan through the accept's change log (I13), and marks the inbox entry's contacts taken; inside the write transaction */
  applyPlan(scope: ApplyScope, tableOf: Readonly<Record<string, TableName>>): void;
  /** selected contacts (accepted now) that another accept of the entry took meanwhile */
  takenMeanwhile(inboxId: string): { taken: number; now: number };
  /** keeps the receipt's bytes piece by piece (a sink for the receipt writer) */
  keepReceipt(acceptId: string): (text: string) => void;
  recordAccept(r: AcceptRecord): void;

  // accepts and receipts
  /** the accepts of a bundle in an office, oldest first */
  acceptsOf(bundleId: string, officeId: string): Promise<KeptReceipt[]>;
  accept(acceptId: string): Promise<KeptAccept | undefined>;
  /** the kept receipt's bytes, piece by piece (none for accepts made before receipts were kept); synchronous, as the output file writer that takes them (src/shared/output-file.ts writeOutputWith) */
  keptReceipt(acceptId: string): Iterable<Buffer>;
  /** the receipt text an accept of an earlier version kept whole; synchronous, as keptReceipt */
  legacyReceipt(acceptId: string): string;
  /** reverses an accept from its change log in one transaction, unless something changed or refers to its rows since */
  undo(
    acceptId: string,
    now: string,
    log: { bundleId: string; officeId: string; userId: string; summary: (reverted: Record<string, number>) => string },
  ): Promise<UndoOutcome>;
}

// ---------------------------------------------------------------- trace

/** What `trace` asks about one contact: its id here, and the ref bundles name it by. */
export interface TraceQuery {
  /** the contact's id in this installation (for an export: the id it left with; for an import: the target id) */
  contactId: string;
  /** the ref bundles carry for it: `contact/<id>` (what an import received) */
  ref: string;
  /** only imports from this source installation (its id) */
  fromInstallation?: string;
}

/** A contact as this installation holds it now. */
export interface TraceContact {
  id: string;
  office_id: string;
  office_name: string | null;
  kind: string;
  name: string;
  /** the ref and bundle an import created it from (empty for a native contact) */
  origin_ref: string | null;
  origin_bundle_id: string | null;
}

/** A finalize of an exported bundle, from the transfer log, with its undo when there was one. */
export interface TraceFinalize {
  at: string;
  office_id: string | null;
  user_id: string | null;
  /** the import (in the target installation) whose receipt it finalized */
  accept_id: string | null;
  /** the receipt's target: installation, office and user ids */
  target: { installation_id: string | null; office_id: string | null; user_id: string | null } | null;
  /** where finalize wrote the retention archive, as recorded */
  archive: string | null;
  archive_id: string | null;
  /** when `finalize undo` put back what it removed (null: it stands) */
  undone_at: string | null;
}

/** A bundle this installation exported that held the contact, from the export ledger. */
export interface TraceExport {
  bundle_id: string;
  session_id: string;
  created_at: string;
  office_id: string;
  office_name: string | null;
  user_id: string;
  username: string | null;
  /** the office and user the bundle is addressed to, as given at export */
  target_office: string;
  target_user: string;
  /** the bundle file as given at export */
  file: string | null;
  /** true: the contact travelled in it; false: the bundle only named it (a stub for an advisor or party its records refer to) */
  moved: boolean;
  /** when a finalize of it stands (null: none, or every one was undone) */
  finalized_at: string | null;
  /** its finalizes, oldest first, undone ones included */
  finalizes: TraceFinalize[];
}

/** What one import made of the contact: from the accept's receipt, the import map and the accepts. */
export interface TraceImport {
  /** null for a mapping older than the kept accepts (from the import map alone) */
  accept_id: string | null;
  bundle_id: string;
  office_id: string;
  office_name: string | null;
  user_id: string | null;
  accepted_at: string | null;
  source_installation: string;
  source_office_id: string | null;
  source_office_name: string | null;
  /** the ref the bundle carried */
  source_ref: string;
  /** the contact the import created, merged into or linked to */
  target_id: string | null;
  /** created, merged, linked, ambiguous, ... as the receipt says */
  outcome: string;
  /** where the import wrote its receipt */
  receipt_file: string | null;
  /** when `import undo` reversed it (null: it stands) */
  undone_at: string | null;
  /** whether the import map still maps the ref to target_id from this bundle */
  mapped_now: boolean;
}

/** The contact staged in the inbox and not accepted (yet). */
export interface TraceStaged {
  inbox_id: string;
  bundle_id: string;
  office_id: string;
  source_installation: string;
  source_office: string;
  added_at: string;
  status: string;
}

/** Everything the installation knows of one contact. */
export interface TraceFacts {
  /** the contacts held now among the one asked about and those imports made of it */
  contacts: TraceContact[];
  /** bundles that held it, oldest first */
  exports: TraceExport[];
  /** imports that brought it (by its ref) or that created, merged into or linked to it (by its id), oldest first */
  imports: TraceImport[];
  /** inbox entries holding it, not accepted */
  staged: TraceStaged[];
}

export interface TraceStore {
  /** everything the export ledger, transfer log, import map, accepts and inbox record of one contact, in one read */
  contact(q: TraceQuery): Promise<TraceFacts>;
}

// ---------------------------------------------------------------- the whole store

export interface Store {
  readonly home: InstallationHome;
  readonly installation: InstallationStore;
  readonly export: ExportStore;
  readonly offices: OfficesStore;
  readonly sets: SetsStore;
  readonly realign: RealignStore;
  readonly audit: AuditStore;
  readonly trust: TrustStore;
  readonly finalize: FinalizeStore;
  readonly imports: ImportStore;
  readonly trace: TraceStore;
  close(): void;
}
