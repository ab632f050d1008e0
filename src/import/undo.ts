// I13: `import undo RECEIPT` reverses one accept from its change log: rows it
// created go, rows it merged get their before-image back. It refuses when a
// later change touched any of those rows, or when later records refer to them.
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { countsInWords } from '../domain/model/record-words.js';
import { userAddress } from './inbox.js';
import { readReceipt } from './receipt.js';
import type { Store } from '../store/port.js';

export interface UndoResult {
  accept_id: string;
  bundle_id: string;
  already_undone: boolean;
  reverted: Record<string, number>;
}

export async function undoImport(
  { imports, offices }: Pick<Store, 'imports' | 'offices'>,
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
  if (result.already_undone) return result;
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
  return result;
}
