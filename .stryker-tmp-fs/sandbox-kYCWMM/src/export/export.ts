// @ts-nocheck
// export (X1-X12): check rights, pick the contacts, have the store select what
// travels with them, stream every record file out of the store into the bag
// under a private temporary name, record the complete bundle in the export
// ledger, and only then give it its name at --out (L6).
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { emptyCounts, emptyExclusions, FORMAT, FORMAT_VERSION, type BundleHeader, type Counts } from '../bundle/records.js';
import { writeBag, type PayloadFile, type WriteBagResult } from '../bundle/bag-writer.js';
import { carriedSchemaFiles, carriedSchemaMap } from '../bundle/schemas.js';
import { readPrivateKey } from '../bundle/signing.js';
import { saltForBundle } from '../domain/export-rules.js';
import { notFoundMessage } from '../domain/names.js';
import { isValidTimestamp } from '../domain/values.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { HeldRefs } from './held-refs.js';
import { payloadFiles } from './records.js';
import { faultPoint } from '../shared/fault.js';
import type { OnProgress } from '../shared/progress.js';
import { receiptKeyFor } from '../trust/receipt-seal.js';
import { RecordWorker, useWorker } from './parallel.js';
import { chooseContacts, selectRest, type Selection } from './select.js';
import { checkOutputPath, makeScratchDir, publishFile, tempBeside, type OutputOptions } from '../shared/output-file.js';
import { requireRights } from '../shared/rights.js';
import type { AddressCard, ExportSelection, Office, OfficeLookups, Store } from '../store/port.js';
import { readCard } from '../trust/card.js';
import { encryptingStage } from '../trust/envelope.js';
import { VERSION } from '../shared/version.js';

export type { Selection } from './select.js';

export interface ExportOptions {
  office: string;
  user: string;
  selection: Selection;
  /** the target named by typing (an export in clear), or */
  toOffice?: string;
  toUser?: string;
  /** T2: the address card file of the target: the bundle is addressed from it and encrypted to it */
  to?: string;
  out: string;
  session?: string;
  signKeyFile?: string;
  bundleId?: string;
  createdAt?: string;
  /** --force: replace an existing file at --out (never an installation file) */
  force?: boolean;
  /** records written so far, of those the selection holds (U6); counting them costs a query per record type, made only when this is given */
  onProgress?: OnProgress;
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
  /** T2: the card's installation, office and user the bundle is encrypted to; absent for a bundle in clear */
  encrypted_to?: {
    installation: { id: string; name: string };
    office: { id: string; name: string };
    user: { id: string; username: string };
    fingerprint: string;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function exportBundle(store: Store, opts: ExportOptions): Promise<ExportResult> {
  checkOutputPath(opts.out, outputOf(store, opts)); // L1: before any work
  const card = opts.to !== undefined ? readCard(opts.to) : undefined;
  const header = await prepareHeader(store, opts, card);
  const signingKey = opts.signKeyFile ? readPrivateKey(opts.signKeyFile) : undefined;
  // The chosen ids and the worker's record files live in a private scratch folder, removed at the
  // end, or by the next export if this one is killed (L11).
  const dir = makeScratchDir(os.tmpdir(), 'officeport-export');
  try {
    const written = await store.export.select(dir, async (selection) => {
      let worker: RecordWorker | undefined;
      try {
        const contacts = await chooseContacts(selection, header.source.office_id, opts.selection);
        // The worker starts on the files that need only the chosen contacts while the selection goes on.
        const token = selection.workerToken();
        if (token && useWorker(contacts)) worker = new RecordWorker(token, dir, header);
        const scope = await selectRest(store.export, selection, header);
        worker?.go(scope);
        const onRecords = await recordsDone(selection, opts.onProgress);
        const payload = payloadFiles(selection, scope, header, onRecords, worker?.files(header, onRecords));
        return await writeAndRecord(store, selection, header, opts, payload, signingKey, card);
      } finally {
        await worker?.close();
      }
    });
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
      ...(card ? { encrypted_to: { installation: card.installation, office: card.office, user: card.user, fingerprint: card.fingerprint } } : {}),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** U6: the records written so far as a running count of what the selection holds; undefined without onProgress. */
async function recordsDone(selection: ExportSelection, onProgress: OnProgress | undefined): Promise<((n: number) => void) | undefined> {
  if (!onProgress) return undefined;
  const total = await selection.countRecords();
  let done = 0;
  onProgress(0, total);
  return (n) => onProgress((done += n), total);
}

/**
 * Writes the bag under a private temporary name; a new bundle goes into the
 * ledger (X11, X12) before it appears at --out (L6), a known id must give the
 * same bundle (B6).
 */
async function writeAndRecord(
  store: Store,
  selection: ExportSelection,
  header: BundleHeader,
  opts: ExportOptions,
  payload: AsyncIterable<PayloadFile>,
  signingKey: KeyObject | undefined,
  card: AddressCard | undefined,
): Promise<WriteBagResult> {
  // B6: exporting again with a bundle id the ledger knows must give the very same
  // bundle; it is written aside and compared before it may replace anything at --out.
  const known = await store.export.exportedTagmanifest(header.bundle_id);
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
      // B9: the schemas the bundle's records and header validate against travel with them
      tagFiles: () => [{ path: 'officeport.json', content: JSON.stringify(header, null, 2) + '\n' }, ...carriedSchemaFiles()],
      signingKey,
      // T2: the zip is encrypted as it is written; the zip inside is the bundle an export in clear writes
      envelope: card ? await encryptingStage(card) : undefined,
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
    publishOrRemove(outFile, opts.out, outputOf(store, opts));
    return written;
  }
  faultPoint('export-bag-written');
  try {
    await recordInLedger(selection, header, opts.out, written.tagmanifestSha256, held, card);
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
    publishFile(outFile, opts.out, outputOf(store, opts));
  } catch (e) {
    // L6: the ledger must not claim a bundle that never appeared: the row goes again.
    fs.rmSync(outFile, { force: true });
    await store.export.forgetExport(header.bundle_id);
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

function outputOf(store: Store, opts: ExportOptions): OutputOptions {
  // the installation's database file: never an output
  return { force: opts.force, option: '--out', installation: store.home.files[0] };
}

/** X1 and B2/B6: who exports to whom, and the bundle's id, session, time and salt. Nothing is written. */
async function prepareHeader(store: Store, opts: ExportOptions, card: AddressCard | undefined): Promise<BundleHeader> {
  const office = await store.offices.requireOffice(opts.office);
  const user = await store.offices.requireUser(office, opts.user);
  requireRights(user, office, ['data_export', 'export_contacts_to_office'], 'export contacts to another office');
  const inst = await store.export.installation();
  if (!inst) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, 'this installation is empty (no installation row)', {
      hint: 'load one first: officeport load DIR',
    });
  }
  if (card && (opts.toOffice !== undefined || opts.toUser !== undefined)) {
    throw new OfficeportError(ErrorCode.USAGE, '--to names the target by its address card; --to-office and --to-user cannot be given with it', {
      hint: 'leave out --to-office and --to-user: the card names the office and the user',
    });
  }
  const target = card ? { office: card.office.id, user: card.user.id } : { office: opts.toOffice ?? '', user: opts.toUser ?? '' };
  if (!card && (!target.office || !target.user)) {
    throw new OfficeportError(ErrorCode.USAGE, 'name the target: --to CARD, or --to-office and --to-user', {
      hint: 'the receiving office writes its card with: officeport address --office OFFICE --user USER --out CARD',
    });
  }
  // a card of another installation names offices of that installation: its importer checks them (I1)
  if (!card || card.installation.id === inst.id) await checkTarget(store.offices, office, target.office, target.user, Boolean(card));
  if (card && card.installation.id === inst.id && (await store.trust.officeKeys(card.office.id)).fingerprint !== card.fingerprint) {
    throw new OfficeportError(
      ErrorCode.REFUSED,
      `the address card's keys are not those of office ${card.office.name} (${card.office.id}) in this installation`,
      {
        hint: `write the office's card again: officeport address --office ${card.office.id} --user ${card.user.username} --out CARD`,
      },
    );
  }
  const bundleId = bundleIdOf(opts.bundleId);
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
    target,
    selection,
    counts: emptyCounts(),
    exclusions: emptyExclusions(),
    stub_salt: opts.bundleId ? saltForBundle(bundleId) : crypto.randomBytes(32).toString('hex'),
    receipt_key: await receiptKeyFor(store.trust, bundleId),
    schemas: carriedSchemaMap(),
    ...(card
      ? {
          addressed_to: {
            installation_id: card.installation.id,
            office_id: card.office.id,
            user_id: card.user.id,
            ed25519_fingerprint: card.fingerprint,
            age_recipient: card.age_recipient,
          },
        }
      : {}),
  };
}

/** X1: a target office of this installation must have the receiving user, holding data_import. */
async function checkTarget(store: OfficeLookups, source: Office, toOffice: string, toUser: string, byCard: boolean): Promise<void> {
  const target = await store.office(toOffice);
  if (!target && byCard) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `the address card names office ${toOffice} of this installation, which holds no such office`, {
      hint: 'ask the receiving office for a new card: officeport address --office OFFICE --user USER --out CARD',
    });
  }
  if (!target) return; // another installation: its importer checks (I1)
  if (target.id === source.id) {
    throw new OfficeportError(ErrorCode.REFUSED, `the target office ${target.name} is the source office`, {
      hint: 'name the office the contacts move to with --to-office',
    });
  }
  const tu = await store.user(target.id, toUser);
  if (!tu) {
    const names = (await store.users(target.id)).map((u) => u.username);
    throw new OfficeportError(ErrorCode.NOT_FOUND, notFoundMessage('user', toUser, `in the target office ${target.name}`, names), {
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
async function recordInLedger(
  selection: ExportSelection,
  h: BundleHeader,
  out: string,
  tagmanifest: string,
  held: HeldRefs,
  card: AddressCard | undefined,
): Promise<void> {
  const message = `exported ${h.counts.contacts} contacts to ${h.target.office} (${h.target.user}) as ${out}`;
  await selection.recordExport(
    {
      bundle_id: h.bundle_id,
      session_id: h.session_id,
      office_id: h.source.office_id,
      user_id: h.source.user_id,
      target_office: h.target.office,
      target_user: h.target.user,
      created_at: h.created_at,
      tagmanifest_sha256: tagmanifest,
      file: out,
      counts: h.counts,
      receipt_key: h.receipt_key ?? null,
      card: card ?? null,
      log: { at: new Date().toISOString(), summary: JSON.stringify({ message, counts: h.counts, exclusions: h.exclusions }) },
    },
    held.packs(),
  );
}
