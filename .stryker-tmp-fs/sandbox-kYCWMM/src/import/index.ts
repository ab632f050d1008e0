// @ts-nocheck
// Import: receiving a bundle in the target office (I1-I13, L5-L8, L12).
// importFile (inbox.ts), in order:
//   1. open the bundle and verify it while staging its records (accept.ts
//      openVerified; the store stages them), check it is addressed to this office and user;
//   2. put it in the inbox (inbox.ts), unless it is already there;
//   3. plan: match each contact (domain/matching, domain/reconcile), decide
//      party lists, key relations, carriers, set-based (plan.ts; the store plans each type, ImportStore.planType)
//      or from a reviewed plan file (plan-file.ts);
//   4. apply the plan in one transaction (the store: ImportStore.applyPlan) and write the sealed
//      receipt (receipt.ts).
// The inbox steps one at a time: addFileToInbox, inboxOf, acceptInbox,
// rejectFromInbox. undoImport (undo.ts) reverses one accept;
// reissueReceipt (reissue.ts) writes a lost receipt again.
export { importFile, acceptInbox, addFileToInbox, inboxOf, rejectFromInbox, type AcceptRequest, type InboxListing } from './inbox.js';
export type { AcceptResult } from './accept.js';
export { isAmbiguous } from './receipt.js';
export { undoImport, type UndoResult } from './undo.js';
export { reissueReceipt, type ReissueResult } from './reissue.js';
