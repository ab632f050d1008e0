// @ts-nocheck
// The transfer log: every export, import, undo and finalize this installation
// recorded, filtered by office and bundle.
import type { LogEntry, Store } from '../store/port.js';

export type { LogEntry };

export async function transferLog(store: Pick<Store, 'offices' | 'audit'>, filter: { office?: string; bundle?: string }): Promise<LogEntry[]> {
  const officeId = filter.office === undefined ? undefined : (await store.offices.requireOffice(filter.office)).id;
  return store.audit.transfers({ officeId, bundleId: filter.bundle });
}
