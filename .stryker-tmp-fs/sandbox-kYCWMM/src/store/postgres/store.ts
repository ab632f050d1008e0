// @ts-nocheck
// The PostgreSQL adapter of the store port (G2): one database on a server,
// opened by src/store/open.ts from a postgres:// address. Each feature's part of
// the port is a class of its own file here, named as its SQLite twin in
// ../sqlite/; this file puts them together.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { InstallationHome, Store } from '../port.js';
import { shownAddress, type Db } from './db.js';
import { PgExportStore } from './export-store.js';
import { PgInstallationStore } from './installation-store.js';
import { PgAuditStore } from './audit-store.js';
import { PgOfficesStore, PgSetsStore } from './offices-store.js';
import { PgTrustStore } from './trust-store.js';
import { PgFinalizeStore } from './finalize-store.js';
import { PgRealignStore } from './realign-store.js';
import { PgTraceStore } from './trace-store.js';
import { PgImportStore } from './import-port.js';

/**
 * An installation on a server has no folder of its own. The files an import
 * writes by default (receipts) go to a folder of this user's, one per
 * installation address: $OFFICEPORT_HOME, else $XDG_STATE_HOME/officeport, else
 * ~/.local/state/officeport. The inbox copies live in the database (G2:
 * import-port.ts keepInboxCopy); inboxDir is only a name no output may take.
 */
export function pgHomeOf(url: string): InstallationHome {
  const base = process.env.OFFICEPORT_HOME ?? path.join(process.env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'), 'officeport');
  const u = new URL(url);
  const key = `${u.hostname}_${u.port || '5432'}_${decodeURIComponent(u.pathname.slice(1)) || 'postgres'}`.replace(/[^A-Za-z0-9_.-]/g, '_');
  const beside = path.join(base, `${key}-${crypto.hash('sha256', url.replace(/:[^:@/]*@/, '@'), 'hex').slice(0, 8)}`);
  return {
    label: shownAddress(url),
    inboxDir: `${beside}.inbox`,
    receiptsDir: `${beside}.receipts`,
    files: [],
  };
}

export function pgStore(db: Db, url: string): Store {
  return {
    home: pgHomeOf(url),
    installation: new PgInstallationStore(db),
    export: new PgExportStore(db, url),
    offices: new PgOfficesStore(db),
    sets: new PgSetsStore(db),
    realign: new PgRealignStore(db),
    audit: new PgAuditStore(db),
    trust: new PgTrustStore(db),
    finalize: new PgFinalizeStore(db),
    imports: new PgImportStore(db),
    trace: new PgTraceStore(db),
    close: () => db.close(),
  };
}
