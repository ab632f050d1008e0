// @ts-nocheck
// Opening the installation for a command, and closing it whatever happens.
import { openStore, resolveDbPath } from '../src/store/open.js';
import type { Store } from '../src/store/port.js';
import type { GlobalArgs } from './output.js';

/** The installation the running command opened (or tried to), so an error of the environment can name it (L10). */
export let currentInstallation: string | undefined;

/** Opens the installation the command names as a store, runs `fn` on it, and closes it whatever happens. */
export async function withStore<T>(args: GlobalArgs, fn: (store: Store) => T | Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  currentInstallation = resolveDbPath(args.db);
  const store = openStore(currentInstallation, opts);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
