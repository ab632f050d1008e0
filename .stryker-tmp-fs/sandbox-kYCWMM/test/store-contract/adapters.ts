// @ts-nocheck
// The adapters the store contract runs against: each test file of
// test/store-contract/ runs once per adapter (`for (const adapter of ADAPTERS)`),
// unchanged, so that a second adapter passes exactly what the first one does.
// This is the one file of the suite that knows an adapter's insides: a new
// adapter adds its entry here and nothing else.
import path from 'node:path';
import { openExportReader, openScratchRefIndex } from '../../src/store/open.js';
import { openInstallation, type Db } from '../../src/store/sqlite/db.js';
import { storeOf } from '../../src/store/sqlite/store.js';
import type { ExportReaderToken, ExportWorkerReader, ScratchRefIndex, Store } from '../../src/store/port.js';
import { tmpDir } from '../helpers/cli.js';
import { openStore } from '../../src/store/open.js';
import { pgAddress, skipWithoutPostgres } from '../helpers/pg.js';
import { openPgInstallation } from '../../src/store/postgres/db.js';
import { selectionTables } from '../../src/store/postgres/export-store.js';

export interface Adapter {
  name: string;
  /** a new, empty installation */
  create(): Store;
  /** how another thread opens a reader of an export selection from its token (ExportSelection.workerToken) */
  openExportReader(token: ExportReaderToken): ExportWorkerReader;
  /** a new, empty scratch reference index (verify's spill space) */
  openScratchRefIndex(): ScratchRefIndex;
  /** what the store still holds open of export selections that have ended (must be nothing) */
  selectionLeftovers(store: Store): Promise<string[]>;
}

/** The SQLite handle behind each store sqlite.create() made, for what only SQLite can answer. */
const handles = new WeakMap<Store, Db>();

const SQLITE: Adapter = {
  name: 'sqlite',
  create: () => {
    const db = openInstallation(path.join(tmpDir('officeport-contract-'), 'installation.db'), { create: true });
    const store = storeOf(db);
    handles.set(store, db);
    return store;
  },
  openExportReader,
  openScratchRefIndex,
  // the selection's scratch databases are attached to the installation's connection while it runs
  selectionLeftovers: async (store) =>
    (handles.get(store)!.pragma('database_list') as { name: string }[]).map((d) => d.name).filter((n) => n !== 'main' && n !== 'temp'),
};

/** The address of each store postgres.create() made. */
const addresses = new WeakMap<Store, string>();

/** G3: the PostgreSQL adapter, on the test run's throwaway server (test/helpers/pg.ts): a new database per store. */
const POSTGRES: Adapter = {
  name: 'postgres',
  create: () => {
    const url = pgAddress('contract');
    const store = openStore(url, { create: true });
    addresses.set(store, url);
    return store;
  },
  openExportReader,
  openScratchRefIndex,
  // the selection's tables (op_sel_...) are ordinary tables of the installation while it runs
  selectionLeftovers: async (store) => {
    const db = openPgInstallation(addresses.get(store)!);
    try {
      return selectionTables(db).map((t) => t.name);
    } finally {
      db.close();
    }
  },
};

// G3: the contract runs on both wherever a PostgreSQL server is at hand (npm test
// starts one when the server programs are installed); in CI a missing one is a failure.
const withoutPostgres = skipWithoutPostgres('G3');
export const ADAPTERS: readonly Adapter[] = [SQLITE, ...(withoutPostgres ? [] : [POSTGRES])];
