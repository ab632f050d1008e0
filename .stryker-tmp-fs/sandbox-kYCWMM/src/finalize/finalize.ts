// @ts-nocheck
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
  type FinalizeReceipt,
  type ReceiptOutcome,
  type ShapeProblem,
  type ConfirmedRef,
} from '../domain/finalize-rules.js';
import { displayName } from '../domain/matching.js';
import { BugError, ErrorCode, OfficeportError } from '../shared/errors.js';
import { faultPoint } from '../shared/fault.js';
import type { OnProgress } from '../shared/progress.js';
import { requireFileKind } from '../shared/file-kind.js';
import { HEADER_FILE, openBag } from '../bundle/bag-reader.js';
import { checkOutputPath, refuseInstallationFile } from '../shared/output-file.js';
import type { FinalizeActor, FinalizeRecords, FinalizeSelection, FinalizeSession, Store } from '../store/port.js';
import { checkSeal } from '../trust/receipt-seal.js';
import { receiptSignatures, type SignatureForm, type SignedWith } from '../trust/index.js';
import { writeRetentionArchive, type WrittenArchive } from './retention.js';

/** M1: finalize removes client data from the office, which is what the export right (X1) governs. */
export const FINALIZE_RIGHT = 'data_export' as const;

export interface FinalizeRequest {
  receiptFile: string;
  office: string;
  user: string;
  /** retention archive path; default retention-<bundle id>.zip beside the receipt */
  archive?: string;
  /** --force: the archive may replace an existing file (never an installation file, never a finalize's archive) */
  force?: boolean;
  dryRun?: boolean;
  /** L2: remove without asking */
  yes?: boolean;
  /** L2: asked, with what would go, before anything is written; false changes nothing */
  confirm?: (p: FinalizePreview) => Promise<boolean>;
  /** the finalize time (tests); default now */
  now?: Date;
  /** rows written to the retention archive so far, of the rows the finalize removes (U6) */
  onProgress?: OnProgress;
  /** T5: a signed notice that the target undid the import (else RECEIPT.undone.json beside the receipt is looked for) */
  undone?: string;
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
  /** dry run: the moved contacts that would go */
  contacts?: MovedContact[];
  /** dry run: the retention archive a real run would write */
  would_archive?: string;
  /**
   * T4: the receipt of a bundle sent to an address card verified under the
   * card's key: through its SHA-256 statement, or (a receipt the release
   * before this one signed) over its whole bytes
   */
  receipt_signature?: SignatureForm;
}

/** L2: what a person is asked to confirm. */
export interface FinalizePreview {
  bundle_id: string;
  office: { id: string; name: string };
  /** moved contacts that would go */
  contacts: number;
  /** rows that would go in all (contacts included) */
  records: number;
  /** references of staying records that would be cut */
  references: number;
  counts: FinalizeCounts;
  archive: string;
}

export interface MovedContact {
  id: string;
  name: string;
}

/** The receipt without its outcomes (they are streamed from the file, twice: check, then load). */
type ReceiptHead = Omit<FinalizeReceipt, 'outcomes'>;

interface Checked {
  receipt: ReceiptHead;
  outcomes: Record<Outcome, number>;
  sha256: string;
  office: FinalizeActor['office'];
  user: FinalizeActor['user'];
  installation: { id: string; name: string };
  /** L4: the export kept the refs the bundle held (bundles exported before did not) */
  heldKnown: boolean;
  /** T4: how the receipt's signature verified, when the bundle was sent to an address card */
  signature?: SignatureForm;
}

export async function finalizeReceipt(store: Store, req: FinalizeRequest): Promise<FinalizeResult> {
  const c = await checkReceipt(store, req);
  if (req.archive && !req.dryRun) await checkArchivePath(store, store.finalize, path.resolve(req.archive), c.receipt, req.force); // L1: before any work
  let expected: Selection | undefined;
  // L2: unless told --yes, what would go is computed first (read only) and shown or asked about before anything is written.
  if (req.dryRun || !req.yes) {
    const p = await previewFinalize(store, c, req);
    if (!p.preview || req.dryRun) return p.result;
    await askFirst(p.preview, req);
    expected = { counts: p.preview.counts, digest: p.digest! };
  }
  return removeConfirmed(store, c, req, expected);
}

/** L2: what finalize would remove, in a read transaction that is rolled back: nothing is written. */
function previewFinalize(store: Store, c: Checked, req: FinalizeRequest): Promise<{ result: FinalizeResult; preview?: FinalizePreview; digest?: string }> {
  return store.finalize.preview(async (s) => {
    const done = await s.standingFinalize(c.receipt.bundle_id, c.receipt.accept_id);
    if (done) {
      return { result: resultOf(c, 'already_finalized', null, done.archive, done.at, 'already finalized: this receipt changed nothing') };
    }
    const archive = await archivePath(s, c, req);
    const counts = await selectFromReceipt(s, c, req);
    const contacts = req.dryRun ? (await s.movedContacts()).map((r) => ({ id: r.id, name: displayName(r) })) : undefined;
    const digest = req.dryRun ? undefined : await s.selectionDigest();
    const result = { ...resultOf(c, 'dry_run', counts, null, null, `dry run: ${summarize(counts, false)}`), contacts, would_archive: archive };
    return { result, preview: previewOf(c, counts, archive), digest };
  });
}

function previewOf(c: Checked, counts: FinalizeCounts, archive: string): FinalizePreview {
  return {
    bundle_id: c.receipt.bundle_id,
    office: { id: c.office.id, name: c.office.name },
    contacts: counts.travelled.contacts ?? 0,
    records: totalRemoved(counts),
    references: Object.values(counts.detached).reduce((a, b) => a + b, 0),
    counts,
    archive,
  };
}

/** L2: without --yes, finalize goes on only when a person answered yes on a terminal. */
async function askFirst(p: FinalizePreview, req: FinalizeRequest): Promise<void> {
  const what = `${p.contacts} moved contact${p.contacts === 1 ? '' : 's'} and ${p.records} record${p.records === 1 ? '' : 's'} in all from ${p.office.name}`;
  if (!req.confirm) {
    throw new OfficeportError(ErrorCode.REFUSED, `finalize would remove ${what}, and there is no terminal to ask whether to go on; nothing was changed`, {
      hint: 'pass --yes to remove them, or --dry-run to list what would go',
    });
  }
  if (!(await req.confirm(p))) {
    throw new OfficeportError(ErrorCode.REFUSED, `finalize was not confirmed; nothing was changed (it would remove ${what})`, {
      hint: 'answer yes to remove them, or run finalize with --dry-run to list what would go',
    });
  }
}

/** Selects what the receipt removes into the TEMP tables (inside the caller's transaction); the receipt is read again and must not have changed. */
async function selectFromReceipt(s: FinalizeSelection, c: Checked, req: FinalizeRequest): Promise<FinalizeCounts> {
  await s.startSelection(FINALIZE_PLAN);
  let batch: ConfirmedRef[] = [];
  const again = await scanReceipt(
    req.receiptFile,
    (o) => {
      const ref = confirmedRef(o as ReceiptOutcome);
      if (ref) batch.push(ref);
    },
    async () => {
      // after each chunk of the file: the refs it confirmed go to the store
      if (batch.length === 0) return;
      const refs = batch;
      batch = [];
      await s.addConfirmed(refs);
    },
  );
  if (again.sha256 !== c.sha256) {
    throw new OfficeportError(ErrorCode.CONFLICT, `${req.receiptFile} changed while finalize read it; nothing was changed`, {
      hint: 'run finalize again once the receipt file is complete',
    });
  }
  if (c.heldKnown) await refuseRefsNotHeld(s, req.receiptFile, c.receipt.bundle_id); // L4: only what the bundle held
  return s.select({ officeId: c.office.id, sessionId: c.receipt.session_id });
}

async function archivePath(s: FinalizeRecords, c: Checked, req: FinalizeRequest): Promise<string> {
  if (req.archive) return path.resolve(req.archive);
  return path.resolve(defaultArchivePath(req.receiptFile, c.receipt, await s.countFinalizes(c.receipt.bundle_id, c.receipt.accept_id)));
}

/** What a person confirmed (L2): the counts shown and a digest of the very rows. */
interface Selection {
  counts: FinalizeCounts;
  digest: string;
}

/** The real run: archive, then remove, in one write transaction; when a person confirmed, only exactly what they confirmed. */
async function removeConfirmed(store: Store, c: Checked, req: FinalizeRequest, expected: Selection | undefined): Promise<FinalizeResult> {
  // The log and the ledger keep the time to the millisecond, so that `log` puts a finalize after an
  // import of the same second (I10); the archive's bag keeps whole seconds, as zip dates do.
  const at = (req.now ?? new Date()).toISOString();
  let written = false;
  let archive = '';
  try {
    return await store.finalize.finalize(async (s) => {
      const done = await s.standingFinalize(c.receipt.bundle_id, c.receipt.accept_id);
      if (done) return resultOf(c, 'already_finalized', null, done.archive, done.at, 'already finalized: this receipt changed nothing');
      archive = await archivePath(s, c, req);
      const counts = await selectFromReceipt(s, c, req);
      if (expected && (!sameCounts(counts, expected.counts) || (await s.selectionDigest()) !== expected.digest)) {
        throw new OfficeportError(
          ErrorCode.CONFLICT,
          `the office changed while finalize waited for the answer (${summarize(counts, false)} now); nothing was changed`,
          {
            hint: 'run finalize again and answer for what it lists then',
          },
        );
      }
      const replace = await checkArchivePath(store, s, archive, c.receipt, req.force);
      const bag = await writeRetentionArchive(s, FINALIZE_PLAN, {
        file: archive,
        output: { force: replace, option: '--archive', installation: store.home.label },
        createdAt: at.replace(/\.\d{3}Z$/, 'Z'),
        receipt: c.receipt,
        receiptSha256: c.sha256,
        installation: c.installation,
        office: c.office,
        user: c.user,
        counts,
        onRows: rowsDone(req.onProgress, totalRemoved(counts)),
      });
      written = true; // only now: a file that appeared at the path meanwhile is not ours to remove
      const summary = await removeAndLog(s, c, counts, { file: archive, id: bag.archiveId, tagmanifestSha256: bag.tagmanifestSha256 }, at);
      faultPoint('finalize-before-commit'); // S3 tests: rows removed, ledger marked, archive written; not committed yet
      return resultOf(c, 'finalized', counts, archive, at, summary);
    });
  } catch (e) {
    // The archive belongs to a finalize that did not happen (the store rolled back); nothing half-done is left.
    if (written) fs.rmSync(archive, { force: true });
    throw e;
  }
}

/** U6: the rows archived so far as a running count of the rows the plan removes; undefined without onProgress. */
function rowsDone(onProgress: OnProgress | undefined, total: number): ((n: number) => void) | undefined {
  if (!onProgress) return undefined;
  let done = 0;
  onProgress(0, total);
  return (n) => onProgress((done += n), total);
}

/** Both sides are counted by the same store in the plan's table order, so their keys come in the same order when their rows agree. */
function sameCounts(a: FinalizeCounts, b: FinalizeCounts): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The removal itself, the ledger mark and the log line, inside the transaction, after the archive is in place. */
async function removeAndLog(s: FinalizeSession, c: Checked, counts: FinalizeCounts, archive: WrittenArchive, at: string): Promise<string> {
  await s.remove();
  faultPoint('finalize-rows-removed'); // S3 tests: some rows are gone inside the open transaction
  await refuseDangling(s);
  await s.markFinalized(c.receipt.bundle_id, at);
  const summary = summarize(counts);
  const removed = totalRemoved(counts);
  await s.logFinalize({
    at,
    bundleId: c.receipt.bundle_id,
    officeId: c.office.id,
    userId: c.user.id,
    summary: {
      summary,
      accept_id: c.receipt.accept_id,
      receipt_sha256: c.sha256,
      archive: archive.file,
      // L3: which archive undoes this finalize (its id and the hash of its tag manifest)
      archive_id: archive.id,
      archive_tagmanifest_sha256: archive.tagmanifestSha256,
      counts: { moved_contacts: counts.travelled.contacts ?? 0, removed_rows: removed, archived_rows: removed },
    },
    receipt: JSON.stringify({ ...c.receipt, outcome_counts: c.outcomes }),
  });
  return summary;
}

function resultOf(
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
    ...(c.signature ? { receipt_signature: c.signature } : {}),
  };
}

/** M1: everything that can refuse, before any transaction. */
async function checkReceipt(store: Store, req: FinalizeRequest): Promise<Checked> {
  const { receipt, outcomes, sha256 } = await readReceipt(req.receiptFile);
  // U3: where the receipt belongs is checked before the user's rights, so that a
  // finalize in the wrong office is not answered by granting a right there.
  const named = await store.offices.requireOffice(req.office);
  const inst = await store.finalize.installation();
  const ledger = await store.finalize.ledger(receipt.bundle_id);
  const mismatches = receiptMismatches(receipt, {
    installationId: inst.id,
    office: { id: named.id, name: named.name },
    ledger,
  });
  if (mismatches.length > 0) {
    throw new OfficeportError(
      ErrorCode.MISADDRESSED,
      `${req.receiptFile} does not answer a bundle that office ${named.name} of this installation exported; nothing was changed`,
      {
        problems: mismatches.map((message) => ({ file: path.basename(req.receiptFile), message })),
        hint: misaddressedHint(receipt, inst.id, ledger?.office_id),
      },
    );
  }
  const { office, user } = await store.finalize.actor(named.id, req.user, [FINALIZE_RIGHT], 'finalize a move out of the office');
  const key = ledger?.receipt_key ?? undefined;
  if (key) refuseUnsealed(req.receiptFile, key);
  const signature = await refuseUntrusted(store, req, receipt, sha256);
  if (receipt.target.installation_id === inst.id) await refuseUndone(store.finalize, req.receiptFile, receipt);
  return { receipt, outcomes, sha256, office, user, installation: inst, heldKnown: Boolean(key), ...(signature ? { signature } : {}) };
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
    hint: 'finalize only with the receipt exactly as the import wrote it; if it was lost or changed, the target can write it again: officeport import receipt BUNDLE --db TARGET --office O --user U --out FILE',
  });
}

/**
 * T4, T5: the receipt of a bundle exported to an address card must be signed by
 * the key on that card, and its import not undone by a signed notice. The
 * receipts of bundles exported by name are taken as before. Returns how the
 * signature verified (its statement, or the whole receipt as the release
 * before this one signed it); undefined for a bundle exported by name.
 */
async function refuseUntrusted(store: Store, req: FinalizeRequest, receipt: ReceiptHead, sha256: string): Promise<SignatureForm | undefined> {
  const card = await store.trust.cardOfBundle(receipt.bundle_id);
  if (!card) {
    if (req.undone) {
      throw new OfficeportError(
        ErrorCode.USAGE,
        `--undone names a signed undo notice, which only the receipts of bundles exported to an address card have; bundle ${receipt.bundle_id} was exported by office and user name`,
        { hint: 'finalize without --undone' },
      );
    }
    return undefined;
  }
  const form = receiptSignatures.requireSignedReceipt(req.receiptFile, receipt.bundle_id, card, receipt.signed_with as SignedWith | undefined, sha256);
  receiptSignatures.requireNotUndone(req.receiptFile, receipt, card, req.undone);
  return form;
}

/** L4: inside one installation, the import the receipt answers must still stand. */
async function refuseUndone(records: FinalizeRecords, file: string, r: ReceiptHead): Promise<void> {
  const state = await records.acceptState(r.accept_id);
  if (state === 'live') return;
  const what =
    state === 'undone'
      ? `import ${r.accept_id} of this receipt was undone in office ${r.target.office_id ?? '?'}`
      : `this installation has no import ${r.accept_id}, which the receipt answers`;
  throw new OfficeportError(ErrorCode.REFUSED, `${what}; the contacts did not stay in the target, so nothing is removed here; nothing was changed`, {
    hint: 'import the bundle again in the target and finalize with the new receipt',
  });
}

/** L4: the receipt confirms only records the bundle held. Runs in the finalize transaction, after the refs are loaded. */
async function refuseRefsNotHeld(s: FinalizeSelection, file: string, bundleId: string): Promise<void> {
  const { refs, total } = await s.refsNotHeld(bundleId, 20);
  if (total === 0) return;
  throw new OfficeportError(
    ErrorCode.REFUSED,
    `${file} names ${total} record${total === 1 ? '' : 's'} that bundle ${bundleId} did not hold; nothing was changed`,
    {
      problems: refs.map((ref) => ({ file: path.basename(file), message: `${ref}: not in the bundle` })),
      hint: 'finalize only with the receipt exactly as the import wrote it',
    },
  );
}

/** Where the receipt's bundle came from: the office to finalize in (and, from another installation, that installation). */
function misaddressedHint(receipt: ReceiptHead, installationId: string, ledgerOffice: string | undefined): string {
  const office = ledgerOffice ?? receipt.source.office_id;
  const name = receipt.source.office_name && office === receipt.source.office_id ? ` (${receipt.source.office_name})` : '';
  if (receipt.source.installation_id !== installationId) {
    return `the bundle came from office ${office}${name} of installation ${receipt.source.installation_id}: finalize there, naming that installation with --db and --office ${office}`;
  }
  return `the bundle came from office ${office}${name}: finalize there, with --office ${office} and a user of that office`;
}

const NOT_A_RECEIPT = 'name the receipt JSON that the import wrote: officeport finalize RECEIPT --office ... --user ...';

/** Streams the receipt file through the scanner; returns its head and sha256. */
async function scanReceipt(
  file: string,
  each: (o: unknown, index: number) => void,
  afterChunk: () => Promise<void> = async () => {},
): Promise<{ head: unknown; sha256: string; sawOutcomes: boolean }> {
  requireFileKind(file, 'receipt', 'finalize');
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
      await afterChunk();
    }
    for (const o of scanner.push(decoder.end())) each(o, index++);
    await afterChunk();
    return { head: scanner.end(), sha256: hash.digest('hex'), sawOutcomes: scanner.sawOutcomes };
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not JSON: ${e.message}`, { hint: NOT_A_RECEIPT });
  } finally {
    fs.closeSync(fd);
  }
}

/** M1: the receipt's shape, head and outcomes, checked in one streaming pass. */
async function readReceipt(file: string): Promise<{ receipt: ReceiptHead; outcomes: Record<Outcome, number>; sha256: string }> {
  const outcomes: Record<Outcome, number> = { created: 0, merged: 0, linked: 0, pending: 0, dropped: 0 };
  const problems: ShapeProblem[] = [];
  const { head, sha256, sawOutcomes } = await scanReceipt(file, (o, i) => {
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
  const { outcomes: _none, ...rest } = head as FinalizeReceipt;
  return { receipt: rest, outcomes, sha256 };
}

/**
 * retention-<bundle id>.zip beside the receipt; a later receipt of the same
 * bundle (another accept) adds its accept id, and a finalize of a receipt
 * whose earlier finalize was undone (L3) a number, so no archive is replaced.
 */
export function defaultArchivePath(
  receiptFile: string,
  r: Pick<FinalizeReceipt, 'bundle_id' | 'accept_id'>,
  earlier: { bundle: number; receipt: number } = { bundle: 0, receipt: 0 },
): string {
  const safe = (x: string) => x.replace(/[^A-Za-z0-9._-]/g, '_');
  const accept = earlier.bundle > 0 ? `-${safe(r.accept_id)}` : '';
  const again = earlier.receipt > 0 ? `-${earlier.receipt + 1}` : '';
  const name = `retention-${safe(r.bundle_id)}${accept}${again}.zip`;
  return path.join(path.dirname(receiptFile), name);
}

/**
 * L1: the archive of a committed finalize is never overwritten, not even with
 * --force (it is the only copy of what finalize removed); an archive this very
 * receipt's finalize left when it was killed before its commit is replaced;
 * any other file only with --force. Returns whether the path may be replaced.
 */
async function checkArchivePath(store: Store, records: FinalizeRecords, archive: string, receipt: ReceiptHead, force?: boolean): Promise<boolean> {
  const output = { force, option: '--archive', installation: store.home.label };
  if (!fs.existsSync(archive)) {
    checkOutputPath(archive, output);
    return Boolean(force);
  }
  if (await records.isRecordedArchive(archive)) {
    throw new OfficeportError(ErrorCode.REFUSED, `${archive} already exists; finalize never overwrites a retention archive`, {
      hint: 'name a new file with --archive FILE',
    });
  }
  if (await isUnfinishedArchiveOf(archive, receipt)) {
    refuseInstallationFile(archive, output);
    return true;
  }
  checkOutputPath(archive, output);
  return Boolean(force);
}

/** A retention archive of this receipt that no committed finalize recorded: what a killed run left. */
async function isUnfinishedArchiveOf(file: string, receipt: ReceiptHead): Promise<boolean> {
  const { bag } = await openBag(file).catch(() => ({ bag: undefined }));
  if (!bag) return false;
  try {
    const h = JSON.parse(await bag.readTagFile(HEADER_FILE)) as { format?: string; bundle_id?: string; accept_id?: string };
    return h.format === 'officeport-retention' && h.bundle_id === receipt.bundle_id && h.accept_id === receipt.accept_id;
  } catch {
    return false;
  } finally {
    await bag.close();
  }
}

async function refuseDangling(s: FinalizeSession): Promise<void> {
  const d = await s.danglingReferences();
  if (d.length === 0) return;
  const what = d.map((x) => `${x.n} ${x.table} row(s) naming a removed ${x.parent} row`).join(', ');
  throw new BugError(`finalize would leave ${what}; nothing was changed`);
}
