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
  /** the verified copy in the inbox folder */
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
export interface ContactSelection {
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
 * Synchronous where the accept's one write transaction calls it (apply and
 * receipt run inside it).
 */
export interface ImportStore {
  // the inbox
  /** the live (not rejected) entry of a bundle in an office, newest first */
  inboxEntryOf(bundleId: string, officeId: string): InboxEntry | undefined;
  /** the entry named by its id, its id written in full ("IN-000001" for "1"), or its bundle id, newest first */
  inboxEntryNamed(id: string, fullId: string): InboxEntry | undefined;
  /** lists the contacts of a new entry from the staged records (names and masked tax ids as the rules give them) */
  prepareInboxFromStaged(): void;
  /** lists the contacts of a new entry, given in batches */
  prepareInbox(contacts: AsyncIterable<{ ref: string; kind: string; name: string; tax: string | null }[]>): Promise<void>;
  dropPreparedInbox(): void;
  /** registers the prepared entry unless another one of the bundle is there (then that one); inside the caller's transaction */
  registerInboxEntry(e: NewInboxEntry): { row: InboxEntry; added: boolean };
  /** registerInboxEntry in a write transaction of its own */
  addInboxEntry(e: NewInboxEntry): { row: InboxEntry; added: boolean };
  /** pending and partially accepted entries of a user, oldest first, with their contacts */
  inboxOf(officeId: string, userId: string): (InboxEntry & { contacts: InboxContact[] })[];
  acceptedContactCount(inboxId: string): number;
  /** marks the entry rejected and drops the waiting entries that waited for its contacts not accepted; returns them */
  rejectInboxEntry(e: InboxEntry): { record: string; contact: string }[];

  // staging
  startStaging(): ImportStaging;
  /** drops every staged table of this connection */
  dropStaging(): void;
  /** which of these refs are staged contacts */
  stagedContacts(refs: string[]): string[];
  /** keeps the staged records of the selected contacts and fetches their letter documents; returns the number of contacts accepted now */
  selectStaged(sel: ContactSelection, document: (sha256: string) => Promise<Buffer>): Promise<number>;
  /** contact refs accepted now, in ref order */
  nowContacts(): string[];
  /** a letter document fetched by selectStaged */
  stagedDocument(sha256: string): Buffer | undefined;

  // planning
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

  // the accept
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
  acceptsOf(bundleId: string, officeId: string): KeptReceipt[];
  accept(acceptId: string): KeptAccept | undefined;
  /** the kept receipt's bytes, piece by piece (none for accepts made before receipts were kept) */
  keptReceipt(acceptId: string): Iterable<Buffer>;
  /** the receipt text an accept of an earlier version kept whole */
  legacyReceipt(acceptId: string): string;
  /** reverses an accept from its change log in one transaction, unless something changed or refers to its rows since */
  undo(acceptId: string, now: string, log: { bundleId: string; officeId: string; userId: string; summary: (reverted: Record<string, number>) => string }): UndoOutcome;
}

// ---------------------------------------------------------------- the whole store

export interface Store {
  readonly home: InstallationHome;
  readonly installation: InstallationStore;
  readonly imports: ImportStore;
  close(): void;
}
