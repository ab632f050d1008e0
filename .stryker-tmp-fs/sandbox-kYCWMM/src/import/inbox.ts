// @ts-nocheck
// I2 "Show Contact List": bundles staged in the installation until their
// contacts are accepted or the bundle is rejected. `import FILE` is add plus
// accept-all; its dry run plans against the target without writing (I12).
import fs from 'node:fs';
import { comparePlans, type CarrierMode, type PlannedDecision } from '../domain/reconcile.js';
import { displayName, maskTaxId } from '../domain/matching.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import type { OnProgress } from '../shared/progress.js';
import { checkOutputPath, writeOutputWith } from '../shared/output-file.js';
import {
  acceptStaged,
  alreadyImported,
  checkAddressed,
  normaliseContactRefs,
  openVerified,
  type AcceptResult,
  type Addressee,
  type BundleSource,
} from './accept.js';
import { choicesOf, plannedDecisions, type PlanFile } from './plan.js';
import type { BundleInput } from '../bundle/byte-source.js';
import { withBundle, type KeySources } from '../trust/index.js';
import type { ImportStore, InboxEntry, InstallationHome, OfficeLookups, Store } from '../store/port.js';

export type InboxRow = InboxEntry;

/** A bundle kept by the store as staged in the inbox, its contacts listed by the store, ready to be registered. */
export interface PreparedEntry {
  file: string;
}

/**
 * Keeps a copy of the bundle in the installation (the store's choice: a file
 * beside it, or the database) and lists its contacts in a TEMP table, a batch at
 * a time (P1: a bundle of 1,000,000 contacts is never held in memory; TEMP writes
 * do not block other writers).
 */
async function prepareEntry({ imports }: Pick<Store, 'imports'>, src: BundleSource): Promise<PreparedEntry> {
  // T3: an encrypted bundle is kept as received, never its plaintext
  const name = `${src.header.bundle_id}.zip${src.encrypted ? '.age' : ''}`;
  const file = await imports.keepInboxCopy(name, fs.createReadStream(src.file));
  if (src.staged) {
    // the contacts verify staged: the store lists them from the staged records
    await imports.prepareInboxFromStaged();
    return { file };
  }
  await imports.prepareInbox(contactBatches(src));
  return { file };
}

/** The bundle's contacts as the inbox lists them, 1000 at a time. */
async function* contactBatches(src: BundleSource): AsyncIterable<{ ref: string; kind: string; name: string; tax: string | null }[]> {
  let batch: { ref: string; kind: string; name: string; tax: string | null }[] = [];
  for await (const c of src.records('contacts')) {
    batch.push({
      ref: c.ref,
      kind: c.kind as string,
      name: displayName(c as never),
      tax: maskTaxId(c.tax_id as string | undefined, c.kind as string | undefined) || null,
    });
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  yield batch;
}

/** L1, before any work: --receipt and --plan-out name files that may be written. */
function checkAcceptOutputs(home: InstallationHome, req: AcceptRequest): void {
  const o = { force: req.force, home };
  if (req.planOut) checkOutputPath(req.planOut, { ...o, option: '--plan-out' });
  if (req.receiptFile && !req.dryRun && !req.planOut) checkOutputPath(req.receiptFile, { ...o, option: '--receipt' });
}

/** The inbox entry of a prepared bundle, as the store registers it. */
function newEntry(src: BundleSource, a: Addressee, p: PreparedEntry, now: Date) {
  const h = src.header;
  return {
    bundle_id: h.bundle_id,
    office_id: a.office.id,
    user_id: a.user.id,
    session_id: h.session_id,
    source_installation: h.source.installation_id,
    source_office: h.source.office_name,
    tagmanifest_sha256: src.tagmanifestSha256,
    added_at: now.toISOString(),
    file: p.file,
  };
}

/** I2: stage a verified, correctly addressed bundle; the same bundle twice is the same entry. */
export async function addToInbox(store: Store, src: BundleSource, a: Addressee, now = new Date()): Promise<{ entry: InboxRow; added: boolean }> {
  const { imports } = store;
  const existing = await imports.inboxEntryOf(src.header.bundle_id, a.office.id);
  if (existing) return { entry: existing, added: false };
  const prepared = await prepareEntry(store, src);
  try {
    // Another command may have staged it meanwhile (S5): then that entry
    const r = await imports.addInboxEntry(newEntry(src, a, prepared, now));
    return { entry: r.row, added: r.added };
  } catch (e) {
    await imports.dropInboxCopy(prepared.file);
    throw e;
  } finally {
    await imports.dropPreparedInbox();
  }
}

export interface InboxListing {
  id: string;
  bundle_id: string;
  source_office: string;
  added_at: string;
  status: string;
  contacts: { ref: string; kind: string; name: string; tax_id: string | null; accepted: boolean }[];
}

/** I2: the pending bundles of this user, with their contacts (tax ids masked). */
export async function listInbox(imports: ImportStore, a: Addressee): Promise<InboxListing[]> {
  return (await imports.inboxOf(a.office.id, a.user.id)).map((r) => ({
    id: r.id,
    bundle_id: r.bundle_id,
    source_office: r.source_office,
    added_at: r.added_at,
    status: r.status,
    contacts: r.contacts,
  }));
}

export async function requireEntry(imports: ImportStore, id: string, a: Addressee): Promise<InboxRow> {
  // "IN-000001", its number "1", or the bundle id
  const byNumber = /^\d+$/.test(id) ? `IN-${id.padStart(6, '0')}` : id;
  const r = await imports.inboxEntryNamed(id, byNumber);
  if (!r || r.office_id !== a.office.id || r.user_id !== a.user.id) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no inbox entry ${JSON.stringify(id)} for ${a.user.username} in ${a.office.name}`, {
      hint: `see the pending bundles with: officeport inbox list --office ${a.office.id} --user ${a.user.username}`,
    });
  }
  if (r.status === 'rejected') throw new OfficeportError(ErrorCode.REFUSED, `inbox entry ${r.id} was rejected`);
  return r;
}

export interface AcceptRequest {
  contacts?: string[];
  carriers?: CarrierMode;
  onAmbiguous?: 'create' | 'fail';
  receiptFile?: string;
  planFile?: string;
  trust?: string;
  dryRun?: boolean;
  planOut?: string;
  /** --force: --receipt and --plan-out may replace an existing file (never an installation file) */
  force?: boolean;
  /** records staged so far, of those the header declares (U6) */
  onProgress?: OnProgress;
}

function readPlanFile(file: string): PlanFile {
  try {
    const p = JSON.parse(fs.readFileSync(file, 'utf8')) as PlanFile;
    if (p.plan_version !== 1 || !Array.isArray(p.decisions)) throw new Error('not an officeport plan (plan_version 1 with decisions)');
    return p;
  } catch (e) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `cannot read plan ${file}: ${(e as Error).message}`, {
      hint: 'make one with: officeport import FILE --dry-run --plan-out PLAN.json',
    });
  }
}

/** Every selected ref must be a contact of the bundle (its staged contacts, or read from it). */
async function knownContacts(imports: ImportStore, src: BundleSource, refs: string[] | undefined): Promise<void> {
  if (!refs) return;
  const all = new Set<string>();
  if (src.staged) {
    for (const ref of await imports.stagedContacts(refs)) all.add(ref);
  } else {
    for await (const c of src.records('contacts')) if (refs.includes(c.ref)) all.add(c.ref);
  }
  const unknown = refs.filter((r) => !all.has(r));
  if (unknown.length) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `not a contact of bundle ${src.header.bundle_id}: ${unknown.join(', ')}`, {
      hint: 'see its contacts with: officeport inbox list (or officeport inspect FILE)',
    });
  }
}

/** Stage, plan and (unless dry) apply one accept of an opened bundle. */
export async function runAccept(
  store: Store,
  src: BundleSource,
  a: Addressee,
  inboxId: string | undefined,
  req: AcceptRequest,
  register?: () => string,
): Promise<AcceptResult> {
  const plan = req.planFile ? readPlanFile(req.planFile) : undefined;
  if (plan && (plan.bundle_id !== src.header.bundle_id || plan.tagmanifest_sha256 !== src.tagmanifestSha256 || plan.office_id !== a.office.id)) {
    throw new OfficeportError(
      ErrorCode.REFUSED,
      `plan ${req.planFile} was made for bundle ${plan.bundle_id} in office ${plan.office_id}, not for this bundle and office`,
    );
  }
  const selected = plan ? plan.contacts : normaliseContactRefs(req.contacts);
  if (!src.staged) throw new Error('runAccept needs a bundle opened with openVerified(file, { stageInto: store.imports })');
  const { imports } = store;
  await knownContacts(imports, src, selected);
  const now = await imports.selectStaged({ inboxId, selected }, (sha) => src.document(sha));
  try {
    if (now === 0) return await alreadyImported(store, src, a);
    const check = plan ? () => checkPlan(imports, plan, req.planFile!) : undefined;
    const carriers = plan?.carriers ?? req.carriers ?? 'link';
    const result = await acceptStaged(
      store,
      src,
      a,
      {
        carriers,
        onAmbiguous: req.onAmbiguous,
        choices: plan ? choicesOf(plan) : undefined,
        dryRun: req.dryRun,
        receiptFile: req.receiptFile,
        force: req.force,
        inboxId,
        register,
      },
      check,
    );
    if (req.planOut) await writePlanFile(store, req.planOut, src, a, carriers, selected, req.force);
    return result;
  } finally {
    await imports.dropStaging();
  }
}

function checkPlan(imports: ImportStore, plan: PlanFile, file: string): void {
  const diffs = comparePlans(plan.decisions as PlannedDecision[], [...plannedDecisions(imports)] as PlannedDecision[]);
  if (diffs.length === 0) return;
  throw new OfficeportError(ErrorCode.CONFLICT, `the target changed since plan ${file} was made; nothing was imported`, {
    problems: diffs.map((message) => ({ file, message })),
    hint: 'make a new plan with --dry-run --plan-out, review it, and apply that one',
  });
}

async function writePlanFile(
  { home, imports }: Pick<Store, 'home' | 'imports'>,
  file: string,
  src: BundleSource,
  a: Addressee,
  carriers: CarrierMode,
  selected: string[] | undefined,
  force?: boolean,
): Promise<void> {
  const contacts = selected ?? (await imports.nowContacts());
  const head = {
    plan_version: 1,
    bundle_id: src.header.bundle_id,
    tagmanifest_sha256: src.tagmanifestSha256,
    office_id: a.office.id,
    user_id: a.user.id,
    carriers,
    contacts,
  };
  writeOutputWith(file, { force, option: '--plan-out', home }, (write) => {
    write(`${JSON.stringify(head, null, 2).slice(0, -2)},\n  "decisions": [`);
    let first = true;
    for (const d of plannedDecisions(imports)) {
      write(`${first ? '' : ','}\n    ${JSON.stringify(d)}`);
      first = false;
    }
    write(`${first ? '' : '\n  '}]\n}\n`);
  });
}

/** `import FILE`: I1 checks, then add plus accept (or only a dry run, which writes nothing to the installation). */
export async function importFile(
  store: Store,
  file: BundleInput,
  officeRef: string,
  userRef: string,
  req: AcceptRequest,
): Promise<AcceptResult & { inbox_id?: string }> {
  checkAcceptOutputs(store.home, req);
  const { imports } = store;
  const src = await openVerified(file, { trust: req.trust, stageInto: imports, onProgress: req.onProgress });
  try {
    const a = await checkAddressed(store.offices, src.header, officeRef, userRef);
    const staged = await imports.inboxEntryOf(src.header.bundle_id, a.office.id);
    if (req.dryRun || staged) return { ...(await runAccept(store, src, a, staged?.id, req)), inbox_id: staged?.id };
    // import is add plus accept in one transaction: a refused or killed import leaves nothing staged
    const prepared = await prepareEntry(store, src);
    let inboxId: string | undefined;
    const register = () => (inboxId = imports.registerInboxEntry(newEntry(src, a, prepared, new Date())).row.id);
    try {
      return { ...(await runAccept(store, src, a, undefined, req, register)), inbox_id: inboxId };
    } catch (e) {
      if (!(await imports.inboxEntryOf(src.header.bundle_id, a.office.id))) await imports.dropInboxCopy(prepared.file);
      throw e;
    } finally {
      await imports.dropPreparedInbox();
    }
  } finally {
    await src.close();
  }
}

/** `inbox accept ID`: the staged copy is verified again before it is used. */
export async function acceptInbox(
  store: Store,
  id: string,
  officeRef: string,
  userRef: string,
  req: AcceptRequest,
  keys: KeySources = {},
): Promise<AcceptResult & { inbox_id: string }> {
  checkAcceptOutputs(store.home, req);
  const entry = await requireEntry(store.imports, id, await userAddress(store.offices, officeRef, userRef));
  // T3: the staged copy of an encrypted bundle is encrypted too; it is opened as when it was added
  return store.imports.withInboxCopy(entry.file, (file) => withBundle(file, keys, (input) => acceptEntry(store, entry, input, officeRef, userRef, req)));
}

async function acceptEntry(
  store: Store,
  entry: InboxRow,
  input: BundleInput,
  officeRef: string,
  userRef: string,
  req: AcceptRequest,
): Promise<AcceptResult & { inbox_id: string }> {
  const src = await openVerified(input, { trust: req.trust, stageInto: store.imports, onProgress: req.onProgress });
  try {
    if (src.tagmanifestSha256 !== entry.tagmanifest_sha256) {
      throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `the staged copy of ${entry.bundle_id} changed since it was added (${entry.file})`, {
        hint: 'reject it and add the bundle again',
      });
    }
    const a = await checkAddressed(store.offices, src.header, officeRef, userRef);
    return { ...(await runAccept(store, src, a, entry.id, req)), inbox_id: entry.id };
  } finally {
    await src.close();
  }
}

/** The office and user of an inbox command, who must hold data_import. */
export function userAddress(offices: OfficeLookups, officeRef: string, userRef: string): Promise<Addressee> {
  return checkAddressed(offices, { target: { office: officeRef, user: userRef } } as never, officeRef, userRef);
}

export interface RejectResult extends InboxRow {
  /** L8: entries that waited for a contact of the bundle not accepted, dropped with it */
  dropped: { ref: string; reason: string }[];
}

/** I2: reject a staged bundle; its copy is removed. L8: what waited for its contacts not accepted is dropped and reported. */
export async function rejectInbox(imports: ImportStore, id: string, a: Addressee): Promise<RejectResult> {
  const entry = await requireEntry(imports, id, a);
  const accepted = await imports.acceptedContactCount(entry.id);
  const dropped = (await imports.rejectInboxEntry(entry)).map((w) => ({
    ref: (JSON.parse(w.record) as { ref: string }).ref,
    reason: `waited for ${w.contact}, which the rejected bundle does not bring`,
  }));
  if (accepted === 0) await imports.dropInboxCopy(entry.file);
  return { ...entry, status: 'rejected', dropped };
}

/** I2: verify a bundle file, check it is addressed to this office and user, and stage it in the inbox. */
export async function addFileToInbox(
  store: Store,
  file: BundleInput,
  officeRef: string,
  userRef: string,
  trust?: string,
): Promise<{ entry: InboxRow; added: boolean }> {
  const src = await openVerified(file, trust);
  try {
    return await addToInbox(store, src, await checkAddressed(store.offices, src.header, officeRef, userRef));
  } finally {
    await src.close();
  }
}

/** I2: the pending bundles of this office's user. */
export async function inboxOf(store: Store, officeRef: string, userRef: string): Promise<InboxListing[]> {
  return listInbox(store.imports, await userAddress(store.offices, officeRef, userRef));
}

/** I2: reject a staged bundle of this office's user. */
export async function rejectFromInbox(store: Store, id: string, officeRef: string, userRef: string): Promise<RejectResult> {
  return rejectInbox(store.imports, id, await userAddress(store.offices, officeRef, userRef));
}
