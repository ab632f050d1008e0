// The transfer log: every export, import, undo and finalize this installation
// recorded, filtered by office and bundle.
import { requireOffice } from '../store/sqlite/offices.js';
import { listTransfers, type LogEntry } from '../store/sqlite/transfer-log.js';
import type { Db } from '../store/sqlite/db.js';

export type { LogEntry };

export function transferLog(db: Db, filter: { office?: string; bundle?: string }): LogEntry[] {
  const officeId = filter.office === undefined ? undefined : requireOffice(db, filter.office).id;
  return listTransfers(db, { officeId, bundleId: filter.bundle });
}
