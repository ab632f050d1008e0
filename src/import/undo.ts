// I13: `import undo RECEIPT` reverses one accept from its change log: rows it
// created go, rows it merged get their before-image back. It refuses when a
// later change touched any of those rows, or when later records refer to them.
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { userAddress } from './inbox.js';
import { readReceipt } from './receipt.js';
import { inTransaction, type Db } from '../store/sqlite/db.js';
import { changesDesc, isIntact, revertChange } from '../store/sqlite/import-changes.js';

export interface UndoResult {
  accept_id: string;
  bundle_id: string;
  already_undone: boolean;
  reverted: Record<string, number>;
}

interface AcceptRow {
  accept_id: string;
  bundle_id: string;
  office_id: string;
  undone_at: string | null;
}

export function undoImport(db: Db, receiptFile: string, officeRef: string, userRef: string, now = new Date()): UndoResult {
  const receipt = readReceipt(receiptFile);
  const a = userAddress(db, officeRef, userRef);
  const acc = db.prepare(`SELECT * FROM import_accepts WHERE accept_id = ?`).get(receipt.accept_id) as AcceptRow | undefined;
  if (!acc) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `this installation has no accept ${receipt.accept_id} (bundle ${receipt.bundle_id})`, {
      hint: 'undo in the installation that imported the bundle (--db)',
    });
  }
  if (acc.office_id !== a.office.id) {
    throw new OfficeportError(ErrorCode.REFUSED, `accept ${acc.accept_id} imported into office ${acc.office_id}, not ${a.office.name}`);
  }
  const result: UndoResult = { accept_id: acc.accept_id, bundle_id: acc.bundle_id, already_undone: acc.undone_at !== null, reverted: {} };
  if (result.already_undone) return result;
  inTransaction(db, () => {
    // Two passes over the change log, page by page (its whole is ~540,000 changes at 100,000 contacts): first
    // whether every row is still as the accept left it, then the reverts, last change first.
    let touched = 0;
    const problems: { file: string; message: string }[] = [];
    for (const c of changesDesc(db, acc.accept_id)) {
      if (isIntact(db, c)) continue;
      touched++;
      if (problems.length < 200) problems.push({ file: c.tbl, message: `${describeKey(c.key)} changed since the import` });
    }
    if (touched > 0) {
      throw new OfficeportError(ErrorCode.REFUSED, `${touched} record${touched > 1 ? 's' : ''} of this import changed after it; nothing was undone`, {
        problems,
        hint: 'undo the later changes first (for a later import: officeport import undo ITS_RECEIPT)',
      });
    }
    for (const c of changesDesc(db, acc.accept_id)) {
      revertChange(db, c);
      result.reverted[c.tbl] = (result.reverted[c.tbl] ?? 0) + 1;
    }
    const dangling = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
    if (dangling.length > 0) {
      throw new OfficeportError(ErrorCode.REFUSED, `${dangling.length} later record${dangling.length > 1 ? 's refer' : ' refers'} to records of this import; nothing was undone`, {
        problems: dangling.slice(0, 200).map((d) => ({ file: d.table, message: `row ${d.rowid} refers to ${d.parent} this import created` })),
        hint: 'remove or undo those later records first',
      });
    }
    db.prepare(`UPDATE import_accepts SET undone_at = ? WHERE accept_id = ?`).run(now.toISOString(), acc.accept_id);
    db.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary, receipt) VALUES (?, 'undo', ?, ?, ?, ?, NULL)`).run(
      now.toISOString(), acc.bundle_id, a.office.id, a.user.id, `undo of import ${acc.accept_id}: ${Object.entries(result.reverted).map(([t, n]) => `${n} ${t}`).join(', ')}`,
    );
  });
  return result;
}

function describeKey(key: string): string {
  const k = JSON.parse(key) as Record<string, unknown>;
  return Object.entries(k).map(([c, v]) => `${c}=${String(v)}`).join(' ');
}
