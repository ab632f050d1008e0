// @ts-nocheck
// Opening an installation: the one place that chooses the store's adapter.
// The library entry (src/index.ts) re-exports from here, so nothing declared
// here names the SQLite handle: the package's types must not need
// @types/better-sqlite3 (the handle-level storeOf is in sqlite/store.ts).
import { openInstallation } from './sqlite/db.js';
import { homeOf, storeOf } from './sqlite/store.js';
import type { ExportReaderToken, ExportWorkerReader, InstallationHome, Store } from './port.js';
import { openSqliteExportReader } from './sqlite/export-store.js';
import { isPostgresAddress, openPgInstallation } from './postgres/db.js';
import { pgHomeOf, pgStore } from './postgres/store.js';
import { openPgExportReader } from './postgres/export-store.js';

export const DEFAULT_DB = 'officeport.db';

/** The installation a command uses: the file or postgres:// address named, else $OFFICEPORT_DB, else officeport.db. */
export function resolveDbPath(flag?: string): string {
  return flag ?? process.env.OFFICEPORT_DB ?? DEFAULT_DB;
}

/** The home of the installation at `file`, without opening it: for a command that checks its outputs before it opens the installation, or never opens it. */
export function homeAt(file: string): InstallationHome {
  return isPostgresAddress(file) ? pgHomeOf(file) : homeOf(file);
}

/** Opens the installation at `file` (a SQLite file, or a postgres://USER@HOST:PORT/DB address: G2) as a store. */
export function openStore(file: string, opts: { create?: boolean; readonly?: boolean } = {}): Store {
  if (isPostgresAddress(file)) return pgStore(openPgInstallation(file, opts), file);
  return storeOf(openInstallation(file, opts));
}
export { isPostgresAddress };
export { SCHEMA_VERSION } from './sqlite/schema.js';

/** Opens, on another thread, a reader of the export selection a token names (ExportSelection.workerToken). */
export function openExportReader(token: ExportReaderToken): ExportWorkerReader {
  if (token.adapter === 'sqlite') return openSqliteExportReader(token);
  if (token.adapter === 'postgres') return openPgExportReader(token);
  throw new Error(`no store adapter ${JSON.stringify(token.adapter)}`);
}
/** A private scratch index for verify's reference check (no installation). */
export { openScratchRefIndex } from './sqlite/scratch-ref-index.js';
