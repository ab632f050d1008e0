// Opening an installation: the one place that chooses the store's adapter.
import { openInstallation, type Db } from './sqlite/db.js';
import { sqliteStore } from './sqlite/store.js';
import type { Store } from './port.js';

export { openInstallation, resolveDbPath, type Db } from './sqlite/db.js';

/** The store of an installation already opened (while features move onto the port, they share the handle). */
export function storeOf(db: Db): Store {
  return sqliteStore(db, db.name);
}

/** Opens the installation at `file` as a store. */
export function openStore(file: string, opts: { create?: boolean; readonly?: boolean } = {}): Store {
  return storeOf(openInstallation(file, opts));
}
export { SCHEMA_VERSION } from './sqlite/schema.js';

/** A private scratch index for verify's reference check (no installation). */
export { openScratchRefIndex } from './sqlite/scratch-ref-index.js';
