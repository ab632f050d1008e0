// @ts-nocheck
// The adapter's transactions, one style: begin, run the work, commit when it
// returns (or resolves), roll back when it throws (or rejects), and rethrow.
// Work that writes the installation begins IMMEDIATE, so that writers queue up
// front (S5). Synchronous work goes through better-sqlite3's db.transaction
// (which nests as a savepoint); async work, which db.transaction refuses, is
// bracketed by hand with the same statements.
import type { Db } from './db.js';

/**
 * - 'write': BEGIN IMMEDIATE: the work writes the installation.
 * - 'scratch': BEGIN (deferred): the work writes only TEMP tables (staged rows,
 *   a dry run's plan), so it takes no write lock and never waits for a writer.
 * - 'look' (async only): BEGIN, always rolled back: one consistent view for a
 *   preview, whatever it wrote to TEMP tables discarded.
 */
export type TransactionKind = 'write' | 'scratch' | 'look';

/** Runs synchronous `fn` in one transaction. */
export function inTransaction<T>(db: Db, fn: () => T, kind: Exclude<TransactionKind, 'look'> = 'write'): T {
  const tx = db.transaction(fn);
  return kind === 'write' ? tx.immediate() : tx.deferred();
}

/** Runs async `fn` in one transaction; nothing else may use the connection until it settles. */
export async function inTransactionAsync<T>(db: Db, fn: () => Promise<T>, kind: TransactionKind = 'write'): Promise<T> {
  db.exec(kind === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
  try {
    const r = await fn();
    db.exec(kind === 'look' ? 'ROLLBACK' : 'COMMIT');
    return r;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}
