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

// ---------------------------------------------------------------- the whole store

export interface Store {
  readonly home: InstallationHome;
  readonly installation: InstallationStore;
  close(): void;
}
