// @ts-nocheck
// Finalize: completing a move in the source office (M1-M4, L2-L4, L11).
// finalizeReceipt (finalize.ts), in order:
//   1. read and check the receipt: its seal, the bundle this office exported,
//      the refs that bundle held;
//   2. compute what would go, read only, and ask (or take --yes / --dry-run);
//   3. under the write lock: select again what the receipt confirms arrived,
//      check it is what was confirmed, write the retention archive, then remove
//      and detach in the same transaction.
// undoFinalize (undo.ts) puts back what a finalize removed, from its archive.
export { finalizeReceipt, defaultArchivePath, FINALIZE_RIGHT, type FinalizeRequest, type FinalizeResult, type FinalizePreview } from './finalize.js';
export { undoFinalize, type UndoFinalizeResult } from './undo.js';
