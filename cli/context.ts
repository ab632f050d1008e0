// Opening the installation for a command, and closing it whatever happens.
import { openInstallation, resolveDbPath, storeOf, type Db } from '../src/store/open.js';
import type { Store } from '../src/store/port.js';
import type { GlobalArgs } from './output.js';

/** The installation the running command opened (or tried to), so an error of the environment can name it (L10). */
export let currentInstallation: string | undefined;

export async function withDb<T>(args: GlobalArgs, fn: (db: Db) => T | Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  currentInstallation = resolveDbPath(args.db);
  const db = openInstallation(currentInstallation, opts);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/** The installation as the store port sees it, for the features that moved onto the port. */
export async function withStore<T>(args: GlobalArgs, fn: (store: Store) => T | Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  return withDb(args, (db) => fn(storeOf(db)), opts);
}
