// export (X1-X12): check rights, pick the contacts, decide what travels with
// them into TEMP tables, stream every record file out of SQLite into the bag
// under a private temporary name, record the complete bundle in the export
// ledger, and only then give it its name at --out (L6).
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptyCounts, emptyExclusions, FORMAT, FORMAT_VERSION, type BundleHeader, type Counts } from '../bundle/records.js';
import { writeBag, type PayloadFile, type WriteBagResult } from '../bundle/bag-writer.js';
import { readPrivateKey } from '../bundle/signing.js';
import { saltForBundle } from '../domain/export-rules.js';
import { isValidTimestamp } from '../domain/values.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { HeldRefs } from './held-refs.js';
import { payloadFiles } from './records.js';
import { faultPoint } from '../shared/fault.js';
import { receiptKeyOf } from '../trust/receipt-seal.js';
import { RecordWorker, useWorker } from './parallel.js';
import { attachSelection, detachSelection, sel, selectExport, type Selection } from './select.js';
import { checkOutputPath, makeScratchDir, publishFile, tempBeside, type OutputOptions } from '../shared/output-file.js';
import { inTransaction, type Db } from '../store/sqlite/db.js';
import { findOffice, findUser, installationId, requireOffice, requireRights, requireUser, type Office } from '../store/sqlite/offices.js';
import { VERSION } from '../shared/version.js';

export type { Selection } from './select.js';

export interface ExportOptions {
  office: string;
  user: string;
  selection: Selection;
  toOffice: string;
  toUser: string;
  out: string;
  session?: string;
  signKeyFile?: string;
  bundleId?: string;
  createdAt?: string;
  /** --force: replace an existing file at --out (never an installation file) */
  force?: boolean;
  /** records written so far (progress bars) */
  onRecords?: (n: number) => void;
}

export interface ExportResult {
  bundle_id: string;
  session_id: string;
  created_at: string;
  out: string;
  tagmanifest_sha256: string;
  payload_oxum: string;
  counts: Counts;
  exclusions: BundleHeader['exclusions'];
  signed: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function exportBundle(db: Db, opts: ExportOptions): Promise<ExportResult> {
  checkOutputPath(opts.out, outputOf(db, opts)); // L1: before any work
  const header = prepareHeader(db, opts);
  const signingKey = opts.signKeyFile ? readPrivateKey(opts.signKeyFile) : undefined;
  // The chosen ids and the worker's record files live in a private scratch folder, removed at the
  // end, or by the next export if this one is killed (L11).
  const dir = makeScratchDir(os.tmpdir(), 'officeport-export');
  const threads: { worker?: RecordWorker } = {};
  try {
    attachSelection(db, dir);
    const scope = selectExport(db, header, opts.selection, (contacts) => {
      // The worker starts on the files that need only the chosen contacts while the selection goes on.
      if (useWorker(db.name, contacts)) threads.worker = new RecordWorker(db.name, dir, header);
    });
    threads.worker?.go(scope);
    const payload = payloadFiles(db, scope, header, opts.onRecords, threads.worker?.files(header, opts.onRecords));
    const written = await writeAndRecord(db, header, opts, payload, signingKey);
    return {
      bundle_id: header.bundle_id,
      session_id: header.session_id,
      created_at: header.created_at,
      out: opts.out,
      tagmanifest_sha256: written.tagmanifestSha256,
      payload_oxum: written.payloadOxum,
      counts: header.counts,
      exclusions: header.exclusions,
      signed: Boolean(signingKey),
    };
  } finally {
    await threads.worker?.close();
    detachSelection(db);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the bag under a private temporary name; a new bundle goes into the
 * ledger (X11, X12) before it appears at --out (L6), a known id must give the
 * same bundle (B6).
 */
async function writeAndRecord(
  db: Db,
  header: BundleHeader,
  opts: ExportOptions,
  payload: AsyncIterable<PayloadFile>,
  signingKey: KeyObject | undefined,
): Promise<WriteBagResult> {
  // B6: exporting again with a bundle id the ledger knows must give the very same
  // bundle; it is written aside and compared before it may replace anything at --out.
  const known = db.prepare(`SELECT tagmanifest_sha256 FROM export_ledger WHERE bundle_id = ?`).pluck().get(header.bundle_id) as
    | string
    | undefined;
  // L6: the bag goes to a private temporary name (0600, removed by the next run if this one is killed),
  // then into the ledger, and only then to --out.
  const outFile = tempBeside(opts.out);
  const held = new HeldRefs();
  let written: WriteBagResult;
  try {
    written = await writeBag({
      outFile,
      output: { mode: 0o600 },
      rootName: `officeport-bundle-${header.bundle_id}`,
      createdAt: new Date(header.created_at),
      bagInfo: {
        'External-Identifier': header.bundle_id,
        'Source-Organization': header.source.installation_name,
      },
      payload: known === undefined ? held.watch(payload) : payload,
      tagFiles: () => [{ path: 'officeport.json', content: JSON.stringify(header, null, 2) + '\n' }],
      signingKey,
    });
  } catch (e) {
    fs.rmSync(outFile, { force: true });
    throw e;
  }
  if (known !== undefined) {
    if (known !== written.tagmanifestSha256) {
      fs.rmSync(outFile, { force: true });
      throw new OfficeportError(ErrorCode.CONFLICT, `this installation already exported a different bundle with id ${header.bundle_id}`, {
        hint: 'a bundle id names one export: the same id, data, session and time give the same bundle; leave --bundle-id out for a new one',
      });
    }
    publishOrRemove(outFile, opts.out, outputOf(db, opts));
    return written;
  }
  faultPoint('export-bag-written');
  try {
    recordInLedger(db, header, opts.out, written.tagmanifestSha256, held);
  } catch (e) {
    // X12: a bundle the ledger does not know never reaches --out.
    fs.rmSync(outFile, { force: true });
    throw e;
  }
  // A kill right here leaves a ledger row whose bundle never reached --out: no one
  // holds it (its key is only in the private temporary file), so no receipt can
  // answer it; an export again with the same --bundle-id and time renames the very bundle.
  try {
    faultPoint('export-ledger-committed');
    publishFile(outFile, opts.out, outputOf(db, opts));
  } catch (e) {
    // L6: the ledger must not claim a bundle that never appeared: the row goes again.
    fs.rmSync(outFile, { force: true });
    forgetExport(db, header);
    throw e;
  }
  return written;
}

function publishOrRemove(tmp: string, dest: string, output: OutputOptions): void {
  try {
    publishFile(tmp, dest, output);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function outputOf(db: Db, opts: ExportOptions): OutputOptions {
  return { force: opts.force, option: '--out', installation: db.name };
}

/** X1 and B2/B6: who exports to whom, and the bundle's id, session, time and salt. Nothing is written. */
function prepareHeader(db: Db, opts: ExportOptions): BundleHeader {
  const office = requireOffice(db, opts.office);
  const user = requireUser(db, office, opts.user);
  requireRights(user, office, ['data_export', 'export_contacts_to_office'], 'export contacts to another office');
  checkTarget(db, office, opts.toOffice, opts.toUser);
  const bundleId = bundleIdOf(opts.bundleId);
  installationId(db);
  const inst = db.prepare(`SELECT id, name FROM installation LIMIT 1`).get() as { id: string; name: string };
  const selection = opts.selection.mode === 'set' ? { mode: 'set' as const, set: opts.selection.set } : { mode: opts.selection.mode };
  return {
    format: FORMAT,
    format_version: FORMAT_VERSION,
    bundle_id: bundleId,
    session_id: opts.session ?? bundleId,
    created_at: creationTime(opts.createdAt),
    tool_version: VERSION,
    source: {
      installation_id: inst.id,
      installation_name: inst.name,
      office_id: office.id,
      office_name: office.name,
      user_id: user.id,
      username: user.username,
    },
    target: { office: opts.toOffice, user: opts.toUser },
    selection,
    counts: emptyCounts(),
    exclusions: emptyExclusions(),
    stub_salt: opts.bundleId ? saltForBundle(bundleId) : crypto.randomBytes(32).toString('hex'),
    receipt_key: receiptKeyOf(db, bundleId),
  };
}

/** X1: a target office of this installation must have the receiving user, holding data_import. */
function checkTarget(db: Db, source: Office, toOffice: string, toUser: string): void {
  const target = findOffice(db, toOffice);
  if (!target) return; // another installation: its importer checks (I1)
  if (target.id === source.id) {
    throw new OfficeportError(ErrorCode.REFUSED, `the target office ${target.name} is the source office`, {
      hint: 'name the office the contacts move to with --to-office',
    });
  }
  const tu = findUser(db, target.id, toUser);
  if (!tu) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no user ${JSON.stringify(toUser)} in the target office ${target.name}`, {
      hint: `name a user of ${target.name} who will receive the contacts (--to-user)`,
    });
  }
  requireRights(tu, target, ['data_import'], 'receive the exported contacts');
}

/** B6: --bundle-id fixes the id; otherwise a fresh UUID. */
function bundleIdOf(flag?: string): string {
  const id = (flag ?? crypto.randomUUID()).toLowerCase();
  if (!UUID.test(id)) {
    throw new OfficeportError(ErrorCode.USAGE, `--bundle-id must be a UUID, got ${JSON.stringify(flag)}`, {
      hint: 'e.g. --bundle-id 7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f, or leave it out for a fresh one',
    });
  }
  return id;
}

/** B6: --created-at, else SOURCE_DATE_EPOCH, else now; written in UTC. */
export function creationTime(flag?: string, env = process.env.SOURCE_DATE_EPOCH, now = new Date()): string {
  let d: Date;
  if (flag !== undefined) {
    if (!isValidTimestamp(flag)) {
      throw new OfficeportError(ErrorCode.USAGE, `--created-at must be an ISO 8601 time with zone, got ${JSON.stringify(flag)}`, {
        hint: 'e.g. --created-at 2025-04-01T09:30:00Z',
      });
    }
    d = new Date(flag);
  } else if (env !== undefined && env !== '') {
    if (!/^\d+$/.test(env)) {
      throw new OfficeportError(ErrorCode.USAGE, `SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(env)}`);
    }
    d = new Date(Number(env) * 1000);
  } else d = now;
  // Whole seconds, as the format's examples show (and as zip dates keep them).
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** X11, L4: the complete bundle, its receipt key and the refs it held; in one transaction, and nothing else. */
function recordInLedger(db: Db, h: BundleHeader, out: string, tagmanifest: string, held: HeldRefs): void {
  inTransaction(db, () => {
    db.prepare(
      `INSERT INTO export_ledger (bundle_id, session_id, office_id, user_id, target_office, target_user, created_at,
         tagmanifest_sha256, file, counts, receipt_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(h.bundle_id, h.session_id, h.source.office_id, h.source.user_id, h.target.office, h.target.user, h.created_at, tagmanifest, out, JSON.stringify(h.counts), h.receipt_key ?? null);
    held.record(db, h.bundle_id);
    db.prepare(
      `INSERT OR IGNORE INTO export_session_contacts (session_id, office_id, contact_id, bundle_id)
       SELECT ?, ?, id, ? FROM ${sel('x_contacts')}`,
    ).run(h.session_id, h.source.office_id, h.bundle_id);
    const message = `exported ${h.counts.contacts} contacts to ${h.target.office} (${h.target.user}) as ${out}`;
    db.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary) VALUES (?, 'export', ?, ?, ?, ?)`).run(
      new Date().toISOString(),
      h.bundle_id,
      h.source.office_id,
      h.source.user_id,
      JSON.stringify({ message, counts: h.counts, exclusions: h.exclusions }),
    );
  });
}

/** L6: a bundle that could not be put at --out was never exported: its ledger rows go, in one transaction. */
function forgetExport(db: Db, h: BundleHeader): void {
  inTransaction(db, () => {
    db.prepare(`DELETE FROM export_ledger WHERE bundle_id = ?`).run(h.bundle_id);
    db.prepare(`DELETE FROM export_bundle_refs WHERE bundle_id = ?`).run(h.bundle_id);
    db.prepare(`DELETE FROM export_session_contacts WHERE bundle_id = ?`).run(h.bundle_id);
    db.prepare(`DELETE FROM transfer_log WHERE action = 'export' AND bundle_id = ?`).run(h.bundle_id);
  });
}
