// @ts-nocheck
// I13: `import undo RECEIPT` reverses one accept from its change log: rows it
// created go, rows it merged get their before-image back. It refuses when a
// later change touched any of those rows, or when later records refer to them.
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { countsInWords } from '../domain/model/record-words.js';
import { userAddress } from './inbox.js';
import { readReceipt, type ImportReceipt } from './receipt.js';
import type { ImportStore, KeptAccept, Store } from '../store/port.js';
import { receiptSignatures } from '../trust/index.js';
import crypto from 'node:crypto';

export interface UndoResult {
  accept_id: string;
  bundle_id: string;
  already_undone: boolean;
  reverted: Record<string, number>;
  /** T5: the signed undo notice written beside a signed receipt */
  undo_notice?: string;
}

export async function undoImport(
  { imports, offices, trust }: Pick<Store, 'imports' | 'offices' | 'trust'>,
  receiptFile: string,
  officeRef: string,
  userRef: string,
  now = new Date(),
): Promise<UndoResult> {
  const receipt = readReceipt(receiptFile);
  const a = await userAddress(offices, officeRef, userRef);
  const acc = await imports.accept(receipt.accept_id);
  if (!acc) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `this installation has no accept ${receipt.accept_id} (bundle ${receipt.bundle_id})`, {
      hint: 'undo in the installation that imported the bundle (--db)',
    });
  }
  if (acc.office_id !== a.office.id) {
    throw new OfficeportError(ErrorCode.REFUSED, `accept ${acc.accept_id} imported into office ${acc.office_id}, not ${a.office.name}`);
  }
  const result: UndoResult = { accept_id: acc.accept_id, bundle_id: acc.bundle_id, already_undone: acc.undone, reverted: {} };
  const withNotice = (r: UndoResult) => noticeOfUndo({ imports, offices, trust }, receipt, receiptFile, acc, a, now, r);
  if (result.already_undone) return withNotice(result);
  const done = await imports.undo(acc.accept_id, now.toISOString(), {
    bundleId: acc.bundle_id,
    officeId: a.office.id,
    userId: a.user.id,
    summary: (reverted) => `undo of import ${acc.accept_id}: ${countsInWords(reverted)}`,
  });
  if (done.kind === 'changed') {
    throw new OfficeportError(ErrorCode.REFUSED, `${done.touched} record${done.touched > 1 ? 's' : ''} of this import changed after it; nothing was undone`, {
      problems: done.problems,
      hint: 'undo the later changes first (for a later import: officeport import undo ITS_RECEIPT)',
    });
  }
  if (done.kind === 'referenced') {
    throw new OfficeportError(
      ErrorCode.REFUSED,
      `${done.count} later record${done.count > 1 ? 's refer' : ' refers'} to records of this import; nothing was undone`,
      {
        problems: done.problems,
        hint: 'remove or undo those later records first',
      },
    );
  }
  result.reverted = done.reverted;
  return withNotice(result);
}

/** T5: the undo of a signed receipt is told to the source in a notice signed the same way, beside the receipt. */
async function noticeOfUndo(
  { imports, offices, trust }: Pick<Store, 'imports' | 'offices' | 'trust'>,
  receipt: ImportReceipt,
  receiptFile: string,
  acc: KeptAccept,
  a: { office: { id: string }; user: { id: string } },
  now: Date,
  r: UndoResult,
): Promise<UndoResult> {
  if (!receipt.signed_with) return r;
  const key = await receiptSignatures.officeSigningKey(trust, a.office.id);
  const notice = {
    bundle_id: acc.bundle_id,
    accept_id: acc.accept_id,
    receipt_sha256: receiptSha256(imports, acc.accept_id, receiptFile),
    target: { installation_id: await offices.installationId(), office_id: a.office.id, user_id: a.user.id },
    undone_at: now.toISOString(),
  };
  return { ...r, undo_notice: receiptSignatures.writeUndoNotice(receiptFile, notice, key) };
}

/** The receipt's bytes as the import wrote them (kept in the installation), else as the file holds them. */
function receiptSha256(imports: ImportStore, acceptId: string, file: string): string {
  const h = crypto.createHash('sha256');
  let any = false;
  for (const piece of imports.keptReceipt(acceptId)) {
    h.update(piece);
    any = true;
  }
  return any ? h.digest('hex') : receiptSignatures.sha256OfFile(file);
}
