// @ts-nocheck
// I10: the receipt of one accept. A finalize in the source office reads it, so
// its shape is a contract: {receipt_version:1, accept_id, bundle_id,
// tagmanifest_sha256, session_id, source, target, accepted_at, outcomes[],
// signed_with?, seal} (seal: L4, when the bundle carries a receipt key;
// signed_with: T4, when the bundle was sent to an address card).
// Outcomes stream from the plan to the file, so a large accept never holds
// them all in memory.
import fs from 'node:fs';
import path from 'node:path';
import type { Outcome } from '../domain/reconcile.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { faultPoint } from '../shared/fault.js';
import { requireFileKind } from '../shared/file-kind.js';
import { openTempBeside, sweepLeftovers } from '../shared/output-file.js';
import { Sealer } from '../trust/receipt-seal.js';
import type { SignedWith } from '../trust/index.js';
import type { ImportStore, InstallationHome } from '../store/port.js';

export interface ReceiptOutcome {
  ref: string;
  target_id?: string;
  outcome: Outcome;
  reason?: string;
  conflicts?: { field: string; target: string; incoming: string; kind?: string }[];
  /** for party entries (I4): the record, list and role */
  record?: string;
  list?: string;
  role?: string;
  contact?: string;
  /** for ambiguous contacts (I3): the candidate target ids */
  candidates?: string[];
  /** I12: what the plan file settled an ambiguous match to (a target id, or "new") */
  choice?: string;
}

/** I3, I12: created anew because several target contacts matched, and no plan settled which. */
export function isAmbiguous(o: Pick<ReceiptOutcome, 'candidates' | 'choice'>): boolean {
  return Boolean(o.candidates) && !o.choice;
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
  /** T4: the receipt of a bundle sent to an address card is signed (RECEIPT.sig beside it) with this key */
  signed_with?: SignedWith;
}

export interface ImportReceipt extends ReceiptHead {
  outcomes: ReceiptOutcome[];
}

/** Keys of a plan row's detail that an outcome reports; a detail without any of them needs no parsing. */
const REPORTED = ['"reason"', '"conflicts"', '"ambiguous"'];

/** Outcomes of the planned (and, after apply, applied) accept, in plan order; stubs are not records of the target. */
export function* planOutcomes(imports: ImportStore, onlyNotable = false): Generator<ReceiptOutcome> {
  for (const r of imports.planOutcomes(onlyNotable)) yield outcomeOf(r.ref, r.type, r.outcome as Outcome, r.detail, r.target_id);
}

function outcomeOf(ref: string, type: string, outcome: Outcome, detail: string, id: string | null): ReceiptOutcome {
  const party = type === 'party';
  // keys in the order of the receipt contract: ref, target_id, outcome, ...
  const o = (id ? { ref, target_id: id } : { ref }) as ReceiptOutcome;
  o.outcome = outcome;
  if (!party && !REPORTED.some((k) => detail.includes(k))) return o;
  const d = JSON.parse(detail) as Record<string, unknown>;
  if (party) {
    Object.assign(o, { record: d.record, list: d.list, contact: d.contact });
    if (d.role) o.role = d.role as string;
  }
  if (typeof d.reason === 'string') o.reason = d.reason;
  if (Array.isArray(d.conflicts) && d.conflicts.length > 0) o.conflicts = d.conflicts as ReceiptOutcome['conflicts'];
  if (Array.isArray(d.ambiguous)) o.candidates = d.ambiguous as string[];
  if (typeof d.choice === 'string' && d.choice !== '') o.choice = d.choice;
  return o;
}

export type OutcomeCounts = Record<Outcome, number>;

export interface PlanCounts {
  counts: OutcomeCounts;
  byType: { type: string; outcome: Outcome; n: number }[];
}

/** Outcome counts of the plan in all and per plan row type, from one GROUP BY (stubs are not records of the target). */
export function planCounts(imports: ImportStore): PlanCounts {
  const counts: OutcomeCounts = { created: 0, merged: 0, linked: 0, pending: 0, dropped: 0 };
  const byType = imports.planTypeCounts() as PlanCounts['byType'];
  for (const r of byType) counts[r.outcome] += r.n;
  return { counts, byType };
}

export function countOutcomes(outcomes: Iterable<ReceiptOutcome>): OutcomeCounts {
  const c: OutcomeCounts = { created: 0, merged: 0, linked: 0, pending: 0, dropped: 0 };
  for (const o of outcomes) c[o.outcome]++;
  return c;
}

/**
 * I10: without --receipt, the receipt goes beside the installation, never into
 * whatever folder the command ran in: the installation's receipts folder
 * (<db>.receipts), receipt-<bundle>-<accept>.json
 * (one file per accept, so accepting a bundle in parts keeps every receipt).
 */
export function defaultReceiptFile(home: InstallationHome, bundleId: string, acceptId: string): string {
  const dir = home.receiptsDir;
  fs.mkdirSync(dir, { recursive: true });
  sweepLeftovers(dir); // L11: receipts of killed imports
  return path.join(dir, `receipt-${bundleId}-${acceptId}.json`);
}

/** Where the receipt's bytes go besides the file (L5: the installation keeps them). */
export type ReceiptSink = (text: string) => void;

/**
 * Writes the receipt to a temporary file beside `file`; the caller renames it
 * once the accept committed. With the bundle's receipt key the receipt ends
 * with its seal (L4, receipt-seal.ts); every piece written also goes to `keep`.
 */
export function writeReceiptTemp(file: string, head: ReceiptHead, outcomes: Iterable<ReceiptOutcome>, receiptKey?: string, keep?: ReceiptSink): string {
  const { tmp, fd } = openTempBeside(file); // private (0600) until the accept committed (L11)
  const sealer = receiptKey ? new Sealer(receiptKey) : undefined;
  const put = (text: string) => {
    fs.writeSync(fd, text);
    sealer?.update(text);
    keep?.(text);
  };
  try {
    // One pass over the outcomes, written in chunks of about 1 MB (one write per outcome was 285,000 system calls at 100,000 contacts).
    const headJson = JSON.stringify(head, null, 2);
    let chunk = `${headJson.slice(0, -2)},\n  "outcomes": [`;
    let first = true;
    for (const o of outcomes) {
      chunk += `${first ? '' : ','}\n    ${JSON.stringify(o)}`;
      first = false;
      if (chunk.length >= 1 << 20) {
        put(chunk);
        chunk = '';
      }
    }
    put(`${chunk}${first ? '' : '\n  '}]`);
    const tail = sealer ? sealer.tail() : '\n}\n';
    fs.writeSync(fd, tail);
    keep?.(tail);
    fs.fsyncSync(fd);
    faultPoint('receipt-temp-written'); // L11 tests: the receipt is still at its private temporary name
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  return tmp;
}

export function readReceipt(file: string): ImportReceipt {
  requireFileKind(file, 'receipt', 'import undo');
  let r: ImportReceipt;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8')) as ImportReceipt;
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
