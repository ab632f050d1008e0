// @ts-nocheck
// L5: every accept keeps its receipt's bytes in the installation, gzip'd piece
// by piece as the receipt file is written (inside the accept's transaction), so
// a receipt lost after the import committed can be issued again, byte for byte,
// without holding it whole in memory.
import zlib from 'node:zlib';
import type { Db } from './db.js';
import type { KeptReceipt } from '../port.js';

/** A sink for writeReceiptTemp: one row per piece written. Runs inside the accept's transaction. */
export function keepReceipt(db: Db, acceptId: string): (text: string) => void {
  const ins = db.prepare(`INSERT INTO import_receipts (accept_id, seq, data) VALUES (?, ?, ?)`);
  let seq = 0;
  return (text) => {
    ins.run(acceptId, seq++, zlib.gzipSync(Buffer.from(text, 'utf8'), { level: 1 }));
  };
}

/** The kept receipt's bytes, piece by piece (none for accepts made before receipts were kept). */
export function* keptReceiptPieces(db: Db, acceptId: string): Generator<Buffer> {
  const n = db.prepare(`SELECT count(*) FROM import_receipts WHERE accept_id = ?`).pluck().get(acceptId) as number;
  const piece = db.prepare(`SELECT data FROM import_receipts WHERE accept_id = ? AND seq = ?`).pluck();
  for (let seq = 0; seq < n; seq++) yield zlib.gunzipSync(piece.get(acceptId, seq) as Buffer);
}

export type { KeptReceipt };

/** The accepts of a bundle in an office, oldest first, with where their receipts went. */
export function receiptsOf(db: Db, bundleId: string, officeId: string): KeptReceipt[] {
  const rows = db
    .prepare(`SELECT accept_id, at, receipt_file, undone_at FROM import_accepts WHERE bundle_id = ? AND office_id = ? ORDER BY at, accept_id`)
    .all(bundleId, officeId) as { accept_id: string; at: string; receipt_file: string | null; undone_at: string | null }[];
  return rows.map((r) => ({ accept_id: r.accept_id, accepted_at: r.at, file: r.receipt_file, undone: r.undone_at !== null }));
}
