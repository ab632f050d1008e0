// Trust between installations: the keys that sign bundles and seal receipts,
// and the Ed25519 signatures of receipts and undo notices (receipt-signature.ts).
export { writeKeyPair, readPublicKey } from '../bundle/signing.js';
export { receiptKeyFor } from './receipt-seal.js';
export {
  checkFileSignature,
  keyFingerprint,
  officeSigningKey,
  parseUndoNotice,
  publishSignature,
  receiptSignedWith,
  requireNotUndone,
  requireSignedReceipt,
  sha256Hex,
  signBytes,
  signFile,
  signFileBeside,
  signatureFileOf,
  signedWith,
  undoNoticeFileOf,
  undoNoticeText,
  writeUndoNotice,
  verifyBytes,
  type SignedWith,
  type SignerCard,
  type SigningKey,
  type UndoNotice,
} from './receipt-signature.js';
export { addressedTo, openEnvelope, readIdentityFile, startsAsAge, withBundle, type EnvelopeAddress, type EnvelopeKeys, type KeySources } from './envelope-read.js';
