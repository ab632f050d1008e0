// @ts-nocheck
// Trust between installations: the keys that sign bundles and seal receipts,
// address cards (T1) and the age envelope of bundles addressed by card (T2),
// and the Ed25519 signatures of receipts and undo notices (receipt-signature.ts).
export { writeKeyPair, readPublicKey } from '../bundle/signing.js';
export { receiptKeyFor } from './receipt-seal.js';
export { writeAddressCard, type AddressOptions, type AddressResult } from './address.js';
export { readCard, type AddressCard } from './card.js';
export { envelopeAddress, isAgeFile, type EnvelopeAddress } from './envelope.js';
// T4, T5: one name for the library (receiptSignatures.signFile, ...), the features call it through this face
export * as receiptSignatures from './receipt-signature.js';
export type { SignatureForm, SignedWith, SignerCard, SigningKey, UndoNotice } from './receipt-signature.js';
export {
  addressedTo,
  installationKeyHolders,
  officeKeySource,
  openEnvelope,
  readIdentityFile,
  startsAsAge,
  withBundle,
  // the same name as envelope.ts's type (both branches added one)
  type EnvelopeAddress as EnvelopeReadAddress,
  type EnvelopeKeys,
  type KeyHolder,
  type KeySources,
} from './envelope-read.js';
