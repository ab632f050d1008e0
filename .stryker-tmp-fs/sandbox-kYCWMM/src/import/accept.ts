// @ts-nocheck
// Import in the target office (I1-I12): verify and check the address, stage the
// bundle's records in TEMP tables, plan every decision, then either show the
// plan (dry run) or apply it in one transaction and write the receipt.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openBag } from '../bundle/bag-reader.js';
import { readPublicKey } from '../bundle/signing.js';
import type { BundleHeader, RecordType } from '../bundle/records.js';
import { type CarrierMode } from '../domain/reconcile.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { planStaged, TABLE_OF, type PlanContext } from './plan.js';
import { publishFile } from '../shared/output-file.js';
import { receiptSignatures } from '../trust/index.js';
import {
  defaultReceiptFile,
  planCounts,
  planOutcomes,
  writeReceiptTemp,
  type OutcomeCounts,
  type PlanCounts,
  type ReceiptHead,
  type ReceiptOutcome,
} from './receipt.js';
import type { ContactState, ImportStore, InstallationHome, KeptReceipt, Office, OfficeLookups, StagedLine, Store, User } from '../store/port.js';
import { identityKey, maskTaxId, taxDigits } from '../domain/matching.js';
import { StoreConstraintError } from '../store/errors.js';
import { faultPoint } from '../shared/fault.js';
import { requireRights } from '../shared/rights.js';
import { requireFileKind } from '../shared/file-kind.js';
import { verifyBundle } from '../audit/verify.js';
import { inputName, type BundleInput } from '../bundle/byte-source.js';
import type { OnProgress } from '../shared/progress.js';

/** A verified bundle, read record by record. */
export interface BundleSource {
  /** the file as received (an encrypted bundle stays encrypted: the inbox keeps this copy) */
  file: string;
  /** it is an age-encrypted bundle */
  encrypted?: boolean;
  header: BundleHeader;
  tagmanifestSha256: string;
  records(type: RecordType): AsyncIterable<Record<string, unknown> & { ref: string }>;
  document(sha256: string): Promise<Buffer>;
  close(): Promise<void>;
  /** its records are staged in the installation (openVerified with stageInto), until an accept selects from them */
  staged?: boolean;
}

export interface OpenOptions {
  trust?: string;
  /** stage the bundle's records into this installation during the verify pass (ImportStore.startStaging) */
  stageInto?: ImportStore;
  /** records checked so far, of those the header declares (U6) */
  onProgress?: OnProgress;
}

/** Record types whose lines are staged with their matching keys (I3, I4) and, for contacts, the tax id the inbox shows. */
const KEYED: ReadonlySet<string> = new Set(['contacts', 'stubs']);

const text = (s: unknown): string | undefined => (typeof s === 'string' && s !== '' ? s : undefined);

/** A contact or stub line with its matching keys, computed here once (the store keeps them beside the line). */
function withKeys(l: { ref: string; text: string }): StagedLine {
  const rec = JSON.parse(l.text) as Record<string, unknown>;
  const tax = text(rec.tax_id);
  return { ref: l.ref, text: l.text, keys: { taxDigits: taxDigits(tax), identity: identityKey(rec as never), maskedTax: maskTaxId(tax, text(rec.kind)) } };
}

/** I1: the bundle must verify (V1) before anything else looks at it; with stageInto its records are staged by the same pass. */
export async function openVerified(input: BundleInput, trustOrOptions?: string | OpenOptions): Promise<BundleSource> {
  const o: OpenOptions = typeof trustOrOptions === 'string' ? { trust: trustOrOptions } : (trustOrOptions ?? {});
  const file = inputName(input);
  if (!fs.existsSync(file)) throw new OfficeportError(ErrorCode.NOT_FOUND, `no bundle at ${file}`);
  if (typeof input === 'string') requireFileKind(file, 'bundle', 'import');
  const imports = o.stageInto;
  const staging = imports?.startStaging();
  let valid = false;
  try {
    const v = await verifyBundle(input, {
      trust: o.trust ? readPublicKey(o.trust) : undefined,
      onProgress: o.onProgress,
      onRecordLines: staging && ((type, lines) => staging.hook(type, KEYED.has(type) ? lines.map(withKeys) : lines)),
    });
    valid = v.valid;
    if (!v.valid) {
      throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${file} does not verify; nothing was imported`, {
        problems: v.problems,
        hint: `see every problem with: officeport verify ${file}`,
      });
    }
  } finally {
    staging?.finish(valid);
  }
  const { bag, problems } = await openBag(input);
  if (!bag) {
    await imports?.dropStaging();
    throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${file} cannot be opened`, { problems });
  }
  const header = JSON.parse(await bag.readTagFile('officeport.json')) as BundleHeader;
  return {
    file,
    encrypted: typeof input !== 'string',
    header,
    tagmanifestSha256: bag.tagmanifestSha256,
    staged: staging !== undefined,
    async *records(type) {
      const p = `data/records/${type}.ndjson`;
      if (!bag.paths.includes(p)) return;
      for await (const l of bag.lines(p)) if (l.text.trim()) yield JSON.parse(l.text);
    },
    async document(sha256) {
      const chunks: Buffer[] = [];
      for await (const c of bag.stream(`data/documents/${sha256}`)) chunks.push(c);
      return Buffer.concat(chunks);
    },
    async close() {
      await imports?.dropStaging();
      await bag.close();
    },
  };
}

export interface Addressee {
  office: Office;
  user: User;
}

/** I1: addressed to this office and user, who holds data_import. */
export async function checkAddressed(offices: OfficeLookups, header: BundleHeader, officeRef: string, userRef: string): Promise<Addressee> {
  const office = await offices.requireOffice(officeRef);
  const user = await offices.requireUser(office, userRef);
  if (header.target.office !== office.id && header.target.office !== office.name) {
    throw new OfficeportError(
      ErrorCode.MISADDRESSED,
      `bundle ${header.bundle_id} is addressed to office ${JSON.stringify(header.target.office)}, not to ${office.name} (${office.id})`,
      {
        hint: `import it in the office it names, or ask ${header.source.office_name} to export again to ${office.name}`,
      },
    );
  }
  if (header.target.user !== user.id && header.target.user !== user.username) {
    throw new OfficeportError(
      ErrorCode.MISADDRESSED,
      `bundle ${header.bundle_id} is addressed to user ${JSON.stringify(header.target.user)}, not to ${user.username} (${user.id})`,
      {
        hint: `the user it names must import it: --user ${header.target.user}`,
      },
    );
  }
  requireRights(user, office, ['data_import'], 'import contacts');
  return { office, user };
}

/** Contact refs as given on the command line: "contact/C-1" or "C-1". */
export function normaliseContactRefs(refs: readonly string[] | undefined): string[] | undefined {
  if (!refs || refs.length === 0) return undefined;
  return refs.map((r) => (r.startsWith('contact/') ? r : `contact/${r}`));
}

export type { ContactState };

export interface AcceptOptions {
  carriers?: CarrierMode;
  onAmbiguous?: 'create' | 'fail';
  choices?: Map<string, string>;
  dryRun?: boolean;
  receiptFile?: string;
  /** --force: the receipt may replace an existing file at receiptFile (never an installation file) */
  force?: boolean;
  inboxId?: string;
  /** registers the inbox entry inside the accept's transaction (import = add + accept) and returns its id */
  register?: () => string;
  now?: Date;
}

export interface AcceptResult {
  dry_run: boolean;
  already_imported: boolean;
  head: ReceiptHead;
  counts: OutcomeCounts;
  outcomes: ReceiptOutcome[];
  outcomes_total: number;
  /** outcomes per record type (contacts, policies, ..., party entries) */
  by_type: Record<string, Partial<OutcomeCounts>>;
  receipt_file?: string;
  /** T4: the receipt's signature beside it, when the bundle was sent to an address card */
  receipt_signature?: string;
  /** when already imported: the receipts of the accepts that took the bundle (L5) */
  receipts?: KeptReceipt[];
}

/** L7: another accept took the selected contacts after they were selected; seen inside the write transaction. */
class TakenMeanwhile extends Error {}

const MAX_LISTED = 5000;

function planContext(imports: ImportStore, src: BundleSource, a: Addressee, carriers: CarrierMode, choices: Map<string, string>): PlanContext {
  return {
    imports,
    q: imports.lookups(),
    officeId: a.office.id,
    parentOfficeId: a.office.parent_id,
    sourceInstallation: src.header.source.installation_id,
    sessionId: src.header.session_id,
    bundleId: src.header.bundle_id,
    salt: src.header.stub_salt,
    carriers,
    choices,
  };
}

function refuseAmbiguous(imports: ImportStore): void {
  const rows = imports.unsettledAmbiguous();
  if (rows.length === 0) return;
  throw new OfficeportError(
    ErrorCode.REFUSED,
    `${rows.length} incoming contact${rows.length > 1 ? 's match' : ' matches'} ambiguously (several target contacts, or one that another incoming contact matches too); nothing was imported (--on-ambiguous fail)`,
    {
      problems: rows.map((r) => ({ message: `${r.ref}: candidates ${(JSON.parse(r.detail) as { ambiguous: string[] }).ambiguous.join(', ')}` })),
      hint: 'settle them in a plan: officeport import FILE --dry-run --plan-out plan.json, set "choice", then --plan plan.json',
    },
  );
}

/** Plans (and unless dry, applies) one accept of the staged records. */
export async function acceptStaged(store: Store, src: BundleSource, a: Addressee, opts: AcceptOptions, check?: () => void): Promise<AcceptResult> {
  const h = src.header;
  const installationId = await store.offices.installationId();
  const head: ReceiptHead = {
    receipt_version: 1,
    accept_id: crypto.randomUUID(),
    bundle_id: h.bundle_id,
    tagmanifest_sha256: src.tagmanifestSha256,
    session_id: h.session_id,
    source: { installation_id: h.source.installation_id, office_id: h.source.office_id, office_name: h.source.office_name },
    target: { installation_id: installationId, office_id: a.office.id, user_id: a.user.id },
    accepted_at: (opts.now ?? new Date()).toISOString(),
  };
  // T4: a bundle sent to an address card is answered with a receipt signed by this office's key
  const signer = addressedToCard(h) ? await receiptSignatures.officeSigningKey(store.trust, a.office.id) : undefined;
  if (signer) head.signed_with = receiptSignatures.signedWith(signer);
  const { imports } = store;
  const ctx = planContext(imports, src, a, opts.carriers ?? 'link', opts.choices ?? new Map());
  const plan = () => {
    imports.indexTargetContacts(a.office.id, h.stub_salt);
    planStaged(ctx);
    if (opts.onAmbiguous === 'fail') refuseAmbiguous(imports);
    check?.();
  };
  if (opts.dryRun) {
    imports.inStagingTransaction(plan);
    return summarise(imports, head, true);
  }
  let tmp: string | undefined;
  let signature: Buffer | undefined;
  let counts: PlanCounts | undefined;
  const receiptFile = path.resolve(opts.receiptFile ?? defaultReceiptFile(store.home, h.bundle_id, head.accept_id));
  try {
    imports.inWriteTransaction(() => {
      // L7: whether the contacts are still to accept is decided under the write lock
      const inboxId = opts.register ? opts.register() : opts.inboxId;
      refuseTakenMeanwhile(imports, inboxId);
      plan();
      imports.applyPlan(
        {
          acceptId: head.accept_id,
          inboxId,
          officeId: ctx.officeId,
          sourceInstallation: ctx.sourceInstallation,
          sessionId: ctx.sessionId,
          bundleId: ctx.bundleId,
        },
        TABLE_OF,
      );
      tmp = writeReceiptTemp(receiptFile, head, planOutcomes(imports), h.receipt_key, imports.keepReceipt(head.accept_id));
      if (signer) signature = receiptSignatures.signFile(tmp, 'import receipt', signer.ed25519_private_pem);
      counts = planCounts(imports); // once, for the log and the summary (each counted the plan before)
      recordAccept(imports, head, inboxId ?? '', tmp, receiptFile, counts.counts);
      faultPoint('import-before-commit');
    });
  } catch (e) {
    if (tmp) fs.rmSync(tmp, { force: true });
    if (e instanceof TakenMeanwhile) return alreadyImported(store, src, a);
    throw asImportError(e, h.bundle_id);
  }
  faultPoint('import-committed');
  const placed = publishReceipt(store.home, tmp!, receiptFile, head, opts.force, signature);
  const signed = signature ? { receipt_signature: receiptSignatures.signatureFileOf(path.resolve(placed)) } : {};
  return { ...summarise(imports, head, false, counts), receipt_file: path.resolve(placed), ...signed };
}

/**
 * L1: the accept has committed; a file that appeared at --receipt meanwhile is
 * not replaced, so the receipt goes to its default place beside the installation
 * and the user is told where.
 */
function publishReceipt(home: InstallationHome, tmp: string, file: string, head: ReceiptHead, force?: boolean, signature?: Buffer): string {
  try {
    publishFile(tmp, file, { force, option: '--receipt', home });
    if (signature) publishReceiptSignature(home, file, head, signature, force);
    return file;
  } catch (e) {
    if (!(e instanceof OfficeportError)) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    const instead = defaultReceiptFile(home, head.bundle_id, head.accept_id);
    publishFile(tmp, instead);
    if (signature) publishReceiptSignature(home, instead, head, signature);
    throw new OfficeportError(
      ErrorCode.REFUSED,
      `the import is done (accept ${head.accept_id}), but ${e.message}; its receipt was written to ${instead} instead`,
      {
        hint: `give ${instead} to the source office for finalize`,
      },
    );
  }
}

/** T2: the header of a bundle exported to an address card names the card (`addressed_to`). */
function addressedToCard(h: BundleHeader): boolean {
  return Boolean((h as BundleHeader & { addressed_to?: unknown }).addressed_to);
}

/** T4: RECEIPT.sig beside the receipt; the import has committed, so a refusal says where the receipt is and how to have both again. */
function publishReceiptSignature(home: InstallationHome, file: string, head: ReceiptHead, signature: Buffer, force?: boolean): void {
  try {
    receiptSignatures.publishSignature(file, signature, { force, option: '--receipt', home });
  } catch (e) {
    if (!(e instanceof OfficeportError)) throw e;
    throw new OfficeportError(
      ErrorCode.REFUSED,
      `the import is done (accept ${head.accept_id}) and its receipt is at ${file}, but its signature could not be written beside it: ${e.message}`,
      {
        hint: `move that file away and write the receipt and its signature again: officeport import receipt ${head.bundle_id} --office ${head.target.office_id} --user ${head.target.user_id} --out FILE`,
      },
    );
  }
}

/** A constraint the installation enforces (a unique name, a trigger) becomes a clear refusal, never a raw SQLite message. */
function asImportError(e: unknown, bundleId: string): unknown {
  if (!(e instanceof StoreConstraintError)) return e;
  return new OfficeportError(
    ErrorCode.CONFLICT,
    `bundle ${bundleId} could not be imported: the installation refused a write (${(e as Error).message}); nothing was imported`,
    {
      hint: 'the target holds data that conflicts with the bundle: see the plan with --dry-run --plan-out plan.json, fix the target record named above, and import again',
    },
  );
}

/** L7: contacts selected for this accept that another accept (of another process) took since they were selected. */
function refuseTakenMeanwhile(imports: ImportStore, inboxId: string | undefined): void {
  if (!inboxId) return;
  const { taken, now } = imports.takenMeanwhile(inboxId);
  if (taken === 0) return;
  if (taken === now) throw new TakenMeanwhile();
  throw new OfficeportError(
    ErrorCode.CONFLICT,
    `another import accepted ${taken} of the ${now} selected contacts while this one was being prepared; nothing was imported`,
    {
      hint: 'run the command again: it accepts what is left',
    },
  );
}

/** I10: the accept in import_accepts (for undo) and the transfer log (for everyone). */
function recordAccept(imports: ImportStore, head: ReceiptHead, inboxId: string, receiptTmp: string, receiptFile: string, counts: OutcomeCounts): void {
  const total = Object.values(counts).reduce((x, y) => x + y, 0);
  // The whole receipt goes into the log unless it is too large to hold in memory; the file always has it.
  const receipt = total <= 50_000 ? fs.readFileSync(receiptTmp, 'utf8') : JSON.stringify({ ...head, outcomes_omitted: total, counts });
  const summary = `import ${head.bundle_id} from ${head.source.office_name}: ${Object.entries(counts)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')}`;
  imports.recordAccept({
    accept_id: head.accept_id,
    inbox_id: inboxId,
    bundle_id: head.bundle_id,
    office_id: head.target.office_id,
    user_id: head.target.user_id,
    at: head.accepted_at,
    receipt,
    receipt_file: receiptFile,
    summary,
  });
}

function summarise(imports: ImportStore, head: ReceiptHead, dry: boolean, planned = planCounts(imports)): AcceptResult {
  const { counts } = planned;
  const total = Object.values(counts).reduce((x, y) => x + y, 0);
  const outcomes: ReceiptOutcome[] = [];
  for (const o of planOutcomes(imports, total > MAX_LISTED)) {
    if (total <= MAX_LISTED || (o.outcome !== 'created' && o.outcome !== 'linked') || o.candidates) outcomes.push(o);
    if (outcomes.length >= MAX_LISTED) break;
  }
  const by_type: Record<string, Partial<OutcomeCounts>> = {};
  for (const g of planned.byType) {
    const t = g.type === 'pending_relation' ? 'key_relations' : g.type === 'pending_census' ? 'employee_census' : g.type === 'party' ? 'party entries' : g.type;
    const row = (by_type[t] ??= {});
    row[g.outcome] = (row[g.outcome] ?? 0) + g.n;
  }
  return { dry_run: dry, already_imported: false, head, counts, outcomes, outcomes_total: total, by_type };
}

/** I9: nothing of the selection is left to accept. */
export async function alreadyImported(store: Pick<Store, 'imports' | 'offices'>, src: BundleSource, a: Addressee): Promise<AcceptResult> {
  const r = summariseEmpty(src, a, await store.offices.installationId());
  return { ...r, already_imported: true, receipts: await store.imports.acceptsOf(src.header.bundle_id, a.office.id) };
}

function summariseEmpty(src: BundleSource, a: Addressee, installationId: string): AcceptResult {
  const h = src.header;
  return {
    dry_run: false,
    already_imported: false,
    counts: { created: 0, merged: 0, linked: 0, pending: 0, dropped: 0 },
    outcomes: [],
    outcomes_total: 0,
    by_type: {},
    head: {
      receipt_version: 1,
      accept_id: '',
      bundle_id: h.bundle_id,
      tagmanifest_sha256: src.tagmanifestSha256,
      session_id: h.session_id,
      source: { installation_id: h.source.installation_id, office_id: h.source.office_id, office_name: h.source.office_name },
      target: { installation_id: installationId, office_id: a.office.id, user_id: a.user.id },
      accepted_at: '',
    },
  };
}
