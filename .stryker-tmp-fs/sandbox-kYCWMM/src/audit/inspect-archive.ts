// @ts-nocheck
// inspect of a retention archive (M2, B11): what finalize removed from the
// source office, per table, the receipt it came from and the bundle it
// finalized. The archive is verified first (as `verify` does) and the outcome
// reported with it.
import { HEADER_FILE, openBag } from '../bundle/bag-reader.js';
import type { Problem } from '../shared/errors.js';
import { verifyBundle } from './verify.js';
import { RETENTION_FORMAT } from './verify-retention.js';

export interface ArchiveReport {
  file: string;
  kind: 'retention';
  verification: { valid: boolean; problems: Problem[] };
  /** officeport.json of the archive but its counts and removed (given below) */
  header: Record<string, unknown>;
  /** removed rows per table: travelled (now in the target) and not travelled (nowhere else now) */
  removed: { table: string; travelled: number; not_travelled: number }[];
  /** references of staying rows set to empty, per "table.column" */
  detached: Record<string, number>;
  /** letter documents kept in the archive */
  documents: number;
  /** lines per record file of the archive (its header's counts) */
  files: Record<string, number>;
}

/** Whether `file` is a zip whose bag header says it is a retention archive; false for anything else (inspect then reports it as a bundle would be). */
export async function isRetentionArchive(file: string): Promise<boolean> {
  const { bag } = await openBag(file);
  if (!bag) return false;
  try {
    const header = JSON.parse(await bag.readTagFile(HEADER_FILE)) as { format?: unknown } | null;
    return header?.format === RETENTION_FORMAT;
  } catch {
    return false;
  } finally {
    await bag.close();
  }
}

type Removed = { travelled?: Record<string, number>; not_travelled?: Record<string, number>; detached?: Record<string, number>; documents?: number };

/** The archive's summary, after verifying it like `verify` does. */
export async function inspectArchive(file: string): Promise<ArchiveReport> {
  const verified = await verifyBundle(file, { accept: 'any' });
  const { bag } = await openBag(file);
  let raw: Record<string, unknown> = {};
  if (bag) {
    try {
      raw = JSON.parse(await bag.readTagFile(HEADER_FILE)) as Record<string, unknown>;
    } catch {
      // verify reported it
    } finally {
      await bag.close();
    }
  }
  const { counts, removed, ...header } = (verified.retention as unknown as Record<string, unknown> | undefined) ?? raw;
  const r = (removed ?? {}) as Removed;
  const tables = [...new Set([...Object.keys(r.travelled ?? {}), ...Object.keys(r.not_travelled ?? {})])].sort();
  return {
    file,
    kind: 'retention',
    verification: { valid: verified.valid, problems: verified.problems },
    header,
    removed: tables.map((table) => ({ table, travelled: r.travelled?.[table] ?? 0, not_travelled: r.not_travelled?.[table] ?? 0 })),
    detached: r.detached ?? {},
    documents: r.documents ?? 0,
    files: (counts ?? {}) as Record<string, number>,
  };
}
