// Opening the installation for a command, and closing it whatever happens.
import { openInstallation, resolveDbPath, type Db } from '../src/store/db.js';
import type { GlobalArgs } from './output.js';

export async function withDb<T>(args: GlobalArgs, fn: (db: Db) => T | Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  const db = openInstallation(resolveDbPath(args.db), opts);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}
