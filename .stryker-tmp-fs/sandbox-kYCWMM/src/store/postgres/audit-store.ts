// @ts-nocheck
// What the audit feature reads of the installation: the transfer log (as ../sqlite/audit-store.ts).
import type { AuditStore, LogEntry } from '../port.js';
import type { Db } from './db.js';
import { listTransfers } from './transfer-log.js';

export class PgAuditStore implements AuditStore {
  constructor(private readonly db: Db) {}

  async transfers(filter: { officeId?: string; bundleId?: string }): Promise<LogEntry[]> {
    return listTransfers(this.db, filter);
  }
}
