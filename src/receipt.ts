// I10: the receipt of one accept. A finalize in the source office reads it, so
// its shape is a contract: {receipt_version:1, accept_id, bundle_id,
// tagmanifest_sha256, session_id, source, target, accepted_at, outcomes[]}.
// Outcomes stream from the plan to the file, so a large accept never holds
// them all in memory.
import fs from 'node:fs';
import path from 'node:path';
import type { Outcome } from './domain/reconcile.js';
import { ErrorCode, OfficeportError } from './errors.js';
import type { Db } from './store/db.js';
import { pages, type PlanRow } from './store/import-store.js';

export interface ReceiptOutcome {
  ref: string;
  target_id?: string;
  outcome: Outcome;
  reason?: string;
  conflicts?: { field: string; target: string; incoming: string }[];
  /** for party entries (I4): the record, list and role */
  record?: string;
  list?: string;
  role?: string;
  contact?: string;
  /** for ambiguous contacts (I3): the candidate target ids */
  candidates?: string[];
}

export interface ReceiptHead {
  receipt_version: 1;
  accept_id: string;
  bundle_id: string;
  tagmanifest_sha256: string;
  session_id: string;
  source: { installation_id: string; office_id: string; office_name: string };
  target: { installation_id: string; office_id: string; user_id: string };
  accepted_at: string;
}

export interface Receipt extends ReceiptHead {
  outcomes: ReceiptOutcome[];
}

/** Outcomes of the planned (and, after apply, applied) accept, in plan order; stubs are not records of the target. */
export function* planOutcomes(db: Db, onlyNotable = false): Generator<ReceiptOutcome> {
  const target = db.prepare(`SELECT target_id FROM temp.imp_refs WHERE ref = ?`).pluck();
  // notable: what a long listing keeps (not created or linked, or ambiguous)
  const notable = onlyNotable ? `AND (p.outcome NOT IN ('created', 'linked') OR json_extract(p.detail, '$.ambiguous') IS NOT NULL)` : '';
  const sql = `SELECT * FROM (SELECT p.*, coalesce(p.target_id, t.target_id) AS resolved FROM temp.imp_plan p
    LEFT JOIN temp.imp_refs t ON t.ref = p.ref WHERE p.type != 'stubs' ${notable})`;
  for (const p of pages<PlanRow & { resolved: string | null }>(db, sql)) {
    const d = JSON.parse(p.detail) as Record<string, unknown>;
    const party = p.type === 'party';
    let id = p.resolved ?? undefined;
    if (!id && party && p.outcome === 'linked') id = target.get(d.contact as string) as string | undefined;
    // keys in the order of the receipt contract: ref, target_id, outcome, ...
    const o = (id ? { ref: p.ref, target_id: id } : { ref: p.ref }) as ReceiptOutcome;
    o.outcome = p.outcome as Outcome;
    if (party) {
      Object.assign(o, { record: d.record, list: d.list, contact: d.contact });
      if (d.role) o.role = d.role as string;
    }
    if (typeof d.reason === 'string') o.reason = d.reason;
    if (Array.isArray(d.conflicts) && d.conflicts.length > 0) o.conflicts = d.conflicts as ReceiptOutcome['conflicts'];
    if (Array.isArray(d.ambiguous)) o.candidates = d.ambiguous as string[];
    yield o;
  }
}

export type OutcomeCounts = Record<Outcome, number>;

/** Outcome counts of the plan, counted by SQLite (stubs are not records of the target). */
export function countPlanned(db: Db): OutcomeCounts {
  const c: OutcomeCounts = { created: 0, merged: 0, linked: 0, pending: 0, dropped: 0 };
  const rows = db.prepare(`SELECT outcome, count(*) AS n FROM temp.imp_plan WHERE type != 'stubs' GROUP BY outcome`).all() as { outcome: Outcome; n: number }[];
  for (const r of rows) c[r.outcome] += r.n;
  return c;
}

export function countOutcomes(outcomes: Iterable<ReceiptOutcome>): OutcomeCounts {
  const c: OutcomeCounts = { created: 0, merged: 0, linked: 0, pending: 0, dropped: 0 };
  for (const o of outcomes) c[o.outcome]++;
  return c;
}

/**
 * I10: without --receipt, the receipt goes beside the installation, never into
 * whatever folder the command ran in: <db>.receipts/receipt-<bundle>-<accept>.json
 * (one file per accept, so accepting a bundle in parts keeps every receipt).
 */
export function defaultReceiptFile(db: Db, bundleId: string, acceptId: string): string {
  const base = db.memory || !db.name ? path.resolve('officeport.db') : path.resolve(db.name);
  const dir = `${base}.receipts`;
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `receipt-${bundleId}-${acceptId}.json`);
}

/** Writes the receipt to a temporary file beside `file`; the caller renames it once the accept committed. */
export function writeReceiptTemp(file: string, head: ReceiptHead, outcomes: Iterable<ReceiptOutcome>): string {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    const headJson = JSON.stringify(head, null, 2);
    fs.writeSync(fd, `${headJson.slice(0, -2)},\n  "outcomes": [`);
    let first = true;
    for (const o of outcomes) {
      fs.writeSync(fd, `${first ? '' : ','}\n    ${JSON.stringify(o)}`);
      first = false;
    }
    fs.writeSync(fd, `${first ? '' : '\n  '}]\n}\n`);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  return tmp;
}

export function readReceipt(file: string): Receipt {
  let r: Receipt;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8')) as Receipt;
  } catch (e) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `cannot read receipt ${file}: ${(e as Error).message}`, {
      hint: 'give the receipt JSON that import or inbox accept wrote',
    });
  }
  if (r?.receipt_version !== 1 || typeof r.accept_id !== 'string' || typeof r.bundle_id !== 'string') {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not an officeport receipt (expected receipt_version 1 with accept_id and bundle_id)`);
  }
  return r;
}
