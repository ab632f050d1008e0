// @ts-nocheck
// The SQLite adapter of the store port: one installation file, opened by
// src/store/open.ts. Each feature's part of the port is a class of its own file
// here; this file puts them together.
import path from 'node:path';
import type { InstallationHome, Store } from '../port.js';
import type { Db } from './db.js';
import { SqliteExportStore } from './export-store.js';
import { SqliteInstallationStore } from './installation-store.js';
import { SqliteAuditStore } from './audit-store.js';
import { SqliteOfficesStore, SqliteSetsStore } from './offices-store.js';
import { SqliteTrustStore } from './trust-store.js';
import { SqliteRealignStore } from './realign-store.js';
import { SqliteFinalizeStore } from './finalize-store.js';
import { SqliteImportStore } from './import-port.js';
import { SqliteTraceStore } from './trace-store.js';

/** The store of an installation already opened (tests and the bench share the handle with it). */
export function storeOf(db: Db): Store {
  return sqliteStore(db, db.name);
}

/** The installation's home: the files beside the database file that belong to it. */
export function homeOf(file: string): InstallationHome {
  const abs = path.resolve(file);
  // an installation in memory keeps its inbox and receipts where the default installation file would
  const beside = file === ':memory:' || file === '' ? path.resolve('officeport.db') : abs;
  return {
    label: file,
    inboxDir: `${beside}.inbox`,
    receiptsDir: `${beside}.receipts`,
    files: [abs, `${abs}-wal`, `${abs}-shm`, `${abs}-journal`],
  };
}

export function sqliteStore(db: Db, file: string): Store {
  const home = homeOf(file);
  return {
    home,
    installation: new SqliteInstallationStore(db),
    export: new SqliteExportStore(db, file),
    offices: new SqliteOfficesStore(db),
    sets: new SqliteSetsStore(db),
    realign: new SqliteRealignStore(db),
    audit: new SqliteAuditStore(db),
    trust: new SqliteTrustStore(db),
    finalize: new SqliteFinalizeStore(db),
    imports: new SqliteImportStore(db, home.inboxDir),
    trace: new SqliteTraceStore(db),
    close: () => db.close(),
  };
}
