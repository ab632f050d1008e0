// Completing a move in the source office (M1-M4). The story: read the receipt,
// check it answers a bundle this office exported, then under one write lock
// select what the receipt confirms arrived and what belonged to the moved
// contacts, write all of it to a retention archive, and only then remove it
// and cut the references of staying records, in the same transaction.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import {
  FINALIZE_PLAN,
  checkReceiptShape,
  ReceiptScanner,
  checkOutcomeShape,
  confirmedRef,
  countOutcome,
  receiptMismatches,
  summarize,
  totalRemoved,
  type FinalizeCounts,
  type Outcome,
  type Receipt,
  type ReceiptOutcome,
  type ShapeProblem,
  type Step,
} from './domain/finalize-rules.js';
import { BugError, ErrorCode, OfficeportError } from './errors.js';
import { writeBag } from './bundle/bag-writer.js';
import { VERSION } from './version.js';
import type { Db } from './store/db.js';
import {
  anyFinalize,
  applyRemovals,
  danglingReferences,
  dropTempTables,
  findFinalize,
  isRecordedArchive,
  createFinalizeTables,
  logFinalize,
  markFinalized,
  acceptState,
  readLedger,
  refsNotHeld,
  selectRemovals,
  spoolArchiveRows,
} from './store/finalize-store.js';
import { checkSeal } from './receipt-seal.js';
import { installationId, requireOffice, requireRights, requireUser, type Office, type User } from './store/offices.js';

/** M1: finalize removes client data from the office, which is what the export right (X1) governs. */
export const FINALIZE_RIGHT = 'data_export' as const;

export interface FinalizeRequest {
  receiptFile: string;
  office: string;
  user: string;
  /** retention archive path; default retention-<bundle id>.zip beside the receipt */
  archive?: string;
  dryRun?: boolean;
  /** the finalize time (tests); default now */
  now?: Date;
}

export interface FinalizeResult {
  status: 'finalized' | 'already_finalized' | 'dry_run';
  bundle_id: string;
  accept_id: string;
  office: { id: string; name: string };
  /** the retention archive written by this run, or by the run that finalized this receipt */
  archive: string | null;
  finalized_at: string | null;
  /** refs of the receipt per outcome: pending and dropped ones stay (M3) */
  outcomes: Record<Outcome, number>;
  counts: FinalizeCounts | null;
  summary: string;
}

/** The receipt without its outcomes (they are streamed from the file, twice: check, then load). */
type ReceiptHead = Omit<Receipt, 'outcomes'>;

interface Checked {
  receipt: ReceiptHead;
  outcomes: Record<Outcome, number>;
  sha256: string;
  office: Office;
  user: User;
  installation: { id: string; name: string };
  /** L4: the export kept the refs the bundle held (bundles exported before did not) */
  heldKnown: boolean;
}

export async function finalizeReceipt(db: Db, req: FinalizeRequest): Promise<FinalizeResult> {
  const c = checkReceipt(db, req);
  const at = (req.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  db.exec(req.dryRun ? 'BEGIN' : 'BEGIN IMMEDIATE');
  let written = false;
  let archive = '';
  try {
    const done = findFinalize(db, c.receipt.bundle_id, c.receipt.accept_id);
    if (done) {
      db.exec('ROLLBACK');
      return result(c, 'already_finalized', null, done.archive, done.at, 'already finalized: this receipt changed nothing');
    }
    const later = anyFinalize(db, c.receipt.bundle_id);
    archive = path.resolve(req.archive ?? defaultArchivePath(req.receiptFile, c.receipt, later));
    const add = createFinalizeTables(db, FINALIZE_PLAN);
    const again = scanReceipt(req.receiptFile, (o) => {
      const ref = confirmedRef(o as ReceiptOutcome);
      if (ref) add(ref);
    });
    if (again.sha256 !== c.sha256) {
      throw new OfficeportError(ErrorCode.CONFLICT, `${req.receiptFile} changed while finalize read it; nothing was changed`, {
        hint: 'run finalize again once the receipt file is complete',
      });
    }
    if (c.heldKnown) refuseRefsNotHeld(db, req.receiptFile, c.receipt.bundle_id);
    const counts = selectRemovals(db, FINALIZE_PLAN, { officeId: c.office.id, sessionId: c.receipt.session_id });
    if (req.dryRun) {
      dropTempTables(db, FINALIZE_PLAN);
      db.exec('ROLLBACK');
      return result(c, 'dry_run', counts, null, null, `dry run: ${summarize(counts, false)}`);
    }
    refuseToOverwrite(archive, isRecordedArchive(db, archive));
    written = true;
    await writeRetentionArchive(db, FINALIZE_PLAN, {
      file: archive,
      createdAt: at,
      receipt: c.receipt,
      receiptSha256: c.sha256,
      installation: c.installation,
      office: c.office,
      user: c.user,
      counts,
    });
    const summary = removeAndLog(db, c, counts, archive, at);
    db.exec('COMMIT');
    return result(c, 'finalized', counts, archive, at, summary);
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    // The archive belongs to a finalize that did not happen; nothing half-done is left.
    if (written) fs.rmSync(archive, { force: true });
    throw e;
  }
}

/** The removal itself, the ledger mark and the log line, inside the transaction, after the archive is in place. */
function removeAndLog(db: Db, c: Checked, counts: FinalizeCounts, archive: string, at: string): string {
  applyRemovals(db, FINALIZE_PLAN);
  refuseDangling(db);
  markFinalized(db, c.receipt.bundle_id, at);
  const summary = summarize(counts);
  const removed = totalRemoved(counts);
  logFinalize(db, {
    at,
    bundleId: c.receipt.bundle_id,
    officeId: c.office.id,
    userId: c.user.id,
    summary: {
      summary,
      accept_id: c.receipt.accept_id,
      receipt_sha256: c.sha256,
      archive,
      counts: { moved_contacts: counts.travelled.contacts ?? 0, removed_rows: removed, archived_rows: removed },
    },
    receipt: JSON.stringify({ ...c.receipt, outcome_counts: c.outcomes }),
  });
  dropTempTables(db, FINALIZE_PLAN);
  return summary;
}

function result(
  c: Checked,
  status: FinalizeResult['status'],
  counts: FinalizeCounts | null,
  archive: string | null,
  finalizedAt: string | null,
  summary: string,
): FinalizeResult {
  return {
    status,
    bundle_id: c.receipt.bundle_id,
    accept_id: c.receipt.accept_id,
    office: { id: c.office.id, name: c.office.name },
    archive,
    finalized_at: finalizedAt,
    outcomes: c.outcomes,
    counts,
    summary,
  };
}

/** M1: everything that can refuse, before any transaction. */
function checkReceipt(db: Db, req: FinalizeRequest): Checked {
  const { receipt, outcomes, sha256 } = readReceipt(req.receiptFile);
  const office = requireOffice(db, req.office);
  const user = requireUser(db, office, req.user);
  requireRights(user, office, [FINALIZE_RIGHT], 'finalize a move out of the office');
  const inst = { id: installationId(db), name: installationName(db) };
  const ledger = readLedger(db, receipt.bundle_id);
  const mismatches = receiptMismatches(receipt, {
    installationId: inst.id,
    office: { id: office.id, name: office.name },
    ledger,
  });
  if (mismatches.length > 0) {
    throw new OfficeportError(
      ErrorCode.MISADDRESSED,
      `${req.receiptFile} does not answer a bundle that office ${office.name} of this installation exported; nothing was changed`,
      {
        problems: mismatches.map((message) => ({ file: path.basename(req.receiptFile), message })),
        hint: 'finalize a receipt in the installation and office that exported its bundle (--db, --office), with the receipt the import wrote for that bundle',
      },
    );
  }
  const key = ledger?.receipt_key ?? undefined;
  if (key) refuseUnsealed(req.receiptFile, key);
  if (receipt.target.installation_id === inst.id) refuseUndone(db, req.receiptFile, receipt);
  return { receipt, outcomes, sha256, office, user, installation: inst, heldKnown: Boolean(key) };
}

/**
 * L4: a bundle this version exported carries a receipt key, so its receipt must
 * bear a matching seal; a bundle of an earlier version had none, and its receipt
 * is taken on the other checks alone.
 */
function refuseUnsealed(file: string, key: string): void {
  const seal = checkSeal(file, key);
  if (seal === 'sealed') return;
  const what = seal === 'missing' ? 'has no seal' : 'does not match its seal: it was changed after the import wrote it';
  throw new OfficeportError(ErrorCode.REFUSED, `${file} ${what}; nothing was changed`, {
    hint: 'finalize only with the receipt exactly as the import wrote it; if it was lost or changed, the target can write it again: officeport import receipt BUNDLE --office O --user U --out FILE',
  });
}

/** L4: inside one installation, the import the receipt answers must still stand. */
function refuseUndone(db: Db, file: string, r: ReceiptHead): void {
  const state = acceptState(db, r.accept_id);
  if (state === 'live') return;
  const what = state === 'undone' ? `import ${r.accept_id} of this receipt was undone in office ${r.target.office_id ?? '?'}` : `this installation has no import ${r.accept_id}, which the receipt answers`;
  throw new OfficeportError(ErrorCode.REFUSED, `${what}; the contacts did not stay in the target, so nothing is removed here; nothing was changed`, {
    hint: 'import the bundle again in the target and finalize with the new receipt',
  });
}

/** L4: the receipt confirms only records the bundle held. Runs in the finalize transaction, after the refs are loaded. */
function refuseRefsNotHeld(db: Db, file: string, bundleId: string): void {
  const { refs, total } = refsNotHeld(db, bundleId);
  if (total === 0) return;
  throw new OfficeportError(ErrorCode.REFUSED, `${file} names ${total} record${total === 1 ? '' : 's'} that bundle ${bundleId} did not hold; nothing was changed`, {
    problems: refs.map((ref) => ({ file: path.basename(file), message: `${ref}: not in the bundle` })),
    hint: 'finalize only with the receipt exactly as the import wrote it',
  });
}

const NOT_A_RECEIPT = 'name the receipt JSON that officeport import wrote (--receipt FILE)';

/** Streams the receipt file through the scanner; returns its head and sha256. */
function scanReceipt(file: string, each: (o: unknown, index: number) => void): { head: unknown; sha256: string; sawOutcomes: boolean } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `cannot read receipt ${file}: ${(e as Error).message}`, { hint: NOT_A_RECEIPT });
  }
  const scanner = new ReceiptScanner();
  const hash = crypto.createHash('sha256');
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.alloc(1 << 20);
  let index = 0;
  try {
    for (let n = fs.readSync(fd, buf); n > 0; n = fs.readSync(fd, buf)) {
      hash.update(buf.subarray(0, n));
      for (const o of scanner.push(decoder.write(buf.subarray(0, n)))) each(o, index++);
    }
    for (const o of scanner.push(decoder.end())) each(o, index++);
    return { head: scanner.end(), sha256: hash.digest('hex'), sawOutcomes: scanner.sawOutcomes };
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not JSON: ${e.message}`, { hint: NOT_A_RECEIPT });
  } finally {
    fs.closeSync(fd);
  }
}

/** M1: the receipt's shape, head and outcomes, checked in one streaming pass. */
function readReceipt(file: string): { receipt: ReceiptHead; outcomes: Record<Outcome, number>; sha256: string } {
  const outcomes: Record<Outcome, number> = { created: 0, merged: 0, linked: 0, pending: 0, dropped: 0 };
  const problems: ShapeProblem[] = [];
  const { head, sha256, sawOutcomes } = scanReceipt(file, (o, i) => {
    const p = checkOutcomeShape(o, i);
    if (p.length === 0) countOutcome(outcomes, o as ReceiptOutcome);
    else if (problems.length < 50) problems.push(...p);
  });
  const headProblems = checkReceiptShape(sawOutcomes && head && typeof head === 'object' ? { ...head, outcomes: [] } : head);
  problems.unshift(...headProblems);
  if (problems.length > 0) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not an officeport receipt; nothing was changed`, {
      problems: problems.map((p) => ({ file: path.basename(file), pointer: p.pointer, message: p.message })),
      hint: NOT_A_RECEIPT,
    });
  }
  const { outcomes: _none, ...rest } = head as Receipt;
  return { receipt: rest, outcomes, sha256 };
}

function installationName(db: Db): string {
  return (db.prepare(`SELECT name FROM installation LIMIT 1`).get() as { name: string } | undefined)?.name ?? '';
}

/** retention-<bundle id>.zip beside the receipt; a later receipt of the same bundle (another accept) adds its accept id. */
export function defaultArchivePath(receiptFile: string, r: Pick<Receipt, 'bundle_id' | 'accept_id'>, later = false): string {
  const safe = (x: string) => x.replace(/[^A-Za-z0-9._-]/g, '_');
  const name = `retention-${safe(r.bundle_id)}${later ? `-${safe(r.accept_id)}` : ''}.zip`;
  return path.join(path.dirname(receiptFile), name);
}

/**
 * The archive of a committed finalize is never overwritten; any other file at
 * the path (a leftover of a run killed before its commit) is replaced.
 */
function refuseToOverwrite(archive: string, committed: boolean): void {
  if (!committed || !fs.existsSync(archive)) return;
  throw new OfficeportError(ErrorCode.REFUSED, `${archive} already exists; finalize never overwrites a retention archive`, {
    hint: 'name a new file with --archive FILE',
  });
}

function refuseDangling(db: Db): void {
  const d = danglingReferences(db);
  if (d.length === 0) return;
  const what = d.map((x) => `${x.n} ${x.table} row(s) naming a removed ${x.parent} row`).join(', ');
  throw new BugError(`finalize would leave ${what}; nothing was changed`);
}

// ---------------------------------------------------------------- M2: the retention archive

interface ArchiveInput {
  file: string;
  createdAt: string;
  receipt: ReceiptHead;
  receiptSha256: string;
  installation: { id: string; name: string };
  office: Office;
  user: User;
  counts: FinalizeCounts;
}

/** M2: the removed rows, spooled to a temporary folder, bagged by writeBag. Layout: docs/retention-archive.md. */
async function writeRetentionArchive(db: Db, plan: readonly Step[], a: ArchiveInput): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(path.dirname(a.file), '.retention-rows-'));
  try {
    const { files, lines } = spoolArchiveRows(db, plan, tmp);
    const archiveId = crypto.randomUUID();
    const header = retentionHeader(a, archiveId, lines);
    await writeBag({
      outFile: a.file,
      rootName: `officeport-retention-${a.receipt.bundle_id.replace(/[^A-Za-z0-9._-]/g, '_')}`,
      createdAt: new Date(a.createdAt),
      bagInfo: {
        'External-Identifier': archiveId,
        'Source-Organization': a.installation.name.replace(/[\r\n]+/g, ' '),
        'Internal-Sender-Identifier': a.receipt.bundle_id,
      },
      payload: files.map((f) => ({
        path: f.path,
        source: () => fs.createReadStream(f.local),
      })),
      tagFiles: () => [{ path: 'officeport.json', content: JSON.stringify(header, null, 2) + '\n' }],
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function retentionHeader(a: ArchiveInput, archiveId: string, lines: Record<string, number>): object {
  return {
    format: 'officeport-retention',
    format_version: '1.0',
    archive_id: archiveId,
    bundle_id: a.receipt.bundle_id,
    session_id: a.receipt.session_id,
    accept_id: a.receipt.accept_id,
    tagmanifest_sha256: a.receipt.tagmanifest_sha256,
    receipt_sha256: a.receiptSha256,
    created_at: a.createdAt,
    tool_version: VERSION,
    source: {
      installation_id: a.installation.id,
      installation_name: a.installation.name,
      office_id: a.office.id,
      office_name: a.office.name,
      user_id: a.user.id,
      username: a.user.username,
    },
    counts: lines,
    removed: a.counts,
  };
}
