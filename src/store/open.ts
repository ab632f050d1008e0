// Opening an installation: the one place that chooses the store's adapter.
import { openInstallation, type Db } from './sqlite/db.js';
import { homeOf, sqliteStore } from './sqlite/store.js';
import type { ExportReaderToken, ExportWorkerReader, InstallationHome, Store } from './port.js';
import { openSqliteExportReader } from './sqlite/export-store.js';

export { openInstallation, resolveDbPath, type Db } from './sqlite/db.js';

/** The store of an installation already opened (while features move onto the port, they share the handle). */
export function storeOf(db: Db): Store {
  return sqliteStore(db, db.name);
}

/** The home of the installation at `file`, without opening it: for a command that checks its outputs before it opens the installation, or never opens it. */
export function homeAt(file: string): InstallationHome {
  return homeOf(file);
}

/** Opens the installation at `file` as a store. */
export function openStore(file: string, opts: { create?: boolean; readonly?: boolean } = {}): Store {
  return storeOf(openInstallation(file, opts));
}
export { SCHEMA_VERSION } from './sqlite/schema.js';

/** Opens, on another thread, a reader of the export selection a token names (ExportSelection.workerToken). */
export function openExportReader(token: ExportReaderToken): ExportWorkerReader {
  if (token.adapter === 'sqlite') return openSqliteExportReader(token);
  throw new Error(`no store adapter ${JSON.stringify(token.adapter)}`);
}
/** A private scratch index for verify's reference check (no installation). */
export { openScratchRefIndex } from './sqlite/scratch-ref-index.js';
