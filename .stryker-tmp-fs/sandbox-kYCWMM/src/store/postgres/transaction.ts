// @ts-nocheck
// The adapter's transactions, in the style of ../sqlite/transaction.ts: begin,
// run the work, commit when it returns (or resolves), roll back when it throws
// (or rejects), rethrow. Work that writes the installation first takes the
// installation's writer lock (a transaction-scoped advisory lock), so that
// writers queue up front as SQLite's BEGIN IMMEDIATE makes them (S5, G4); it is
// released by the commit or the rollback. Nested work is a savepoint.
import type { PgConnection } from './connection.js';

export type TransactionKind = 'write' | 'scratch' | 'look';

/** The advisory lock key every officeport writer of an installation takes ("op" in ASCII). */
export const WRITER_LOCK = 0x6f70;

function start(db: PgConnection, kind: TransactionKind): void {
  const outer = !db.inTransaction;
  db.begin();
  if (outer && kind === 'write') db.exec(`SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
}

/** Runs synchronous `fn` in one transaction. */
export function inTransaction<T>(db: PgConnection, fn: () => T, kind: Exclude<TransactionKind, 'look'> = 'write'): T {
  start(db, kind);
  let r: T;
  try {
    r = fn();
  } catch (e) {
    db.rollback();
    throw e;
  }
  db.commit();
  return r;
}

/** Runs async `fn` in one transaction; nothing else may use the connection until it settles. */
export async function inTransactionAsync<T>(db: PgConnection, fn: () => Promise<T>, kind: TransactionKind = 'write'): Promise<T> {
  start(db, kind);
  let r: T;
  try {
    r = await fn();
  } catch (e) {
    db.rollback();
    throw e;
  }
  if (kind === 'look') db.rollback();
  else db.commit();
  return r;
}
