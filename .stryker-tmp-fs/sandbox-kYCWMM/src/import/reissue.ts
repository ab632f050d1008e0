// @ts-nocheck
// L5: `import receipt BUNDLE --out FILE` issues an accept's receipt again, byte
// for byte (same accept id, outcomes and seal), from what the installation kept
// of it in the accept's transaction (ImportStore.keepReceipt).
import fs from 'node:fs';
import path from 'node:path';
import { openBag } from '../bundle/bag-reader.js';
import type { BundleHeader } from '../bundle/records.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import type { ImportStore, KeptReceipt, Store } from '../store/port.js';
import { requireRights } from '../shared/rights.js';
import { checkOutputPath, writeOutputWith } from '../shared/output-file.js';
import { receiptSignatures } from '../trust/index.js';

export interface ReissueRequest {
  /** the bundle file, or its id */
  bundle: string;
  office: string;
  user: string;
  out: string;
  /** which accept, when the bundle was accepted in parts */
  accept?: string;
}

export interface ReissueResult {
  bundle_id: string;
  accept_id: string;
  accepted_at: string;
  out: string;
  bytes: number;
  /** T4: the signature written beside the receipt, when the import signed it */
  signature?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function reissueReceipt(store: Store, req: ReissueRequest): Promise<ReissueResult> {
  const office = await store.offices.requireOffice(req.office);
  const user = await store.offices.requireUser(office, req.user);
  requireRights(user, office, ['data_import'], 'issue an import receipt again');
  const { imports } = store;
  const bundleId = await bundleIdOf(req.bundle);
  const accept = pickAccept(await imports.acceptsOf(bundleId, office.id), bundleId, office.name, req.accept);
  const out = path.resolve(req.out);
  const output = { option: '--out', home: store.home };
  checkOutputPath(out, output); // L1: before any work, never over a file or an installation
  // T4: a receipt the import signed is issued with its signature (RECEIPT.sig beside it)
  const signed = receiptSignatures.receiptSignedWith(firstPiece(imports, accept.accept_id));
  if (signed) checkOutputPath(receiptSignatures.signatureFileOf(out), output);
  let bytes = 0;
  writeOutputWith(out, output, (write) => {
    let any = false;
    for (const piece of imports.keptReceipt(accept.accept_id)) {
      write(piece);
      bytes += piece.length;
      any = true;
    }
    if (!any) bytes = writeLegacy(imports, write, accept);
  });
  // Ed25519 signatures are deterministic: the same signature as the import wrote, in the form the receipt names
  // (a receipt of the release before this one is signed over its whole bytes again)
  const signature = signed
    ? receiptSignatures.signFileBeside(
        out,
        'import receipt',
        await receiptSignatures.officeSigningKey(store.trust, office.id),
        output,
        receiptSignatures.formOf(signed),
      )
    : undefined;
  return { bundle_id: bundleId, accept_id: accept.accept_id, accepted_at: accept.accepted_at, out, bytes, signature };
}

/** The first piece of the kept receipt, which holds its head ('' when none was kept). */
function firstPiece(imports: ImportStore, acceptId: string): string {
  for (const piece of imports.keptReceipt(acceptId)) return piece.toString('utf8');
  return '';
}

/** An accept of an earlier version kept its whole receipt text only up to 50,000 outcomes, in import_accepts. */
function writeLegacy(imports: ImportStore, write: (data: Buffer) => void, accept: KeptReceipt): number {
  const text = imports.legacyReceipt(accept.accept_id);
  if (text.includes('"outcomes_omitted"')) {
    throw new OfficeportError(
      ErrorCode.NOT_FOUND,
      `import ${accept.accept_id} was made by an earlier officeport that kept only a summary of this large receipt; it cannot be issued again`,
      {
        hint: accept.file ? `its receipt was written to ${accept.file}` : undefined,
      },
    );
  }
  const b = Buffer.from(text, 'utf8');
  write(b);
  return b.length;
}

async function bundleIdOf(bundle: string): Promise<string> {
  if (UUID.test(bundle) && !fs.existsSync(bundle)) return bundle.toLowerCase();
  if (!fs.existsSync(bundle)) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no bundle at ${bundle}`, { hint: 'name the bundle file that was imported, or its bundle id' });
  }
  const { bag, problems } = await openBag(bundle);
  if (!bag) throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${bundle} cannot be opened as a bundle`, { problems });
  try {
    return (JSON.parse(await bag.readTagFile('officeport.json')) as BundleHeader).bundle_id;
  } finally {
    await bag.close();
  }
}

function pickAccept(all: KeptReceipt[], bundleId: string, officeName: string, wanted?: string): KeptReceipt {
  if (all.length === 0) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `office ${officeName} has no import of bundle ${bundleId}`, {
      hint: 'check the office (--office) and the installation (--db) the bundle was imported into',
    });
  }
  const pick = wanted ? all.find((r) => r.accept_id === wanted) : undefined;
  if (wanted && !pick) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `bundle ${bundleId} has no import ${wanted} in ${officeName}`, {
      hint: `its imports: ${all.map((r) => r.accept_id).join(', ')}`,
    });
  }
  const live = all.filter((r) => !r.undone);
  const chosen = pick ?? (live.length === 1 ? live[0] : undefined);
  if (!chosen) {
    if (live.length === 0) {
      throw new OfficeportError(
        ErrorCode.REFUSED,
        `every import of bundle ${bundleId} in ${officeName} was undone; a receipt of an undone import is not issued`,
        {
          hint: 'import the bundle again for a new receipt',
        },
      );
    }
    throw new OfficeportError(ErrorCode.USAGE, `bundle ${bundleId} was accepted in ${live.length} parts in ${officeName}; name the one with --accept`, {
      hint: `its imports: ${live.map((r) => `${r.accept_id} (${r.accepted_at})`).join(', ')}`,
    });
  }
  if (chosen.undone) {
    throw new OfficeportError(ErrorCode.REFUSED, `import ${chosen.accept_id} of bundle ${bundleId} was undone; a receipt of an undone import is not issued`, {
      hint: 'import the bundle again for a new receipt',
    });
  }
  return chosen;
}
