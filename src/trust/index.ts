// Trust between installations: the keys that sign bundles and seal receipts.
export { writeKeyPair, readPublicKey } from '../bundle/signing.js';
export { receiptKeyFor } from './receipt-seal.js';
export {
  addressedTo,
  officeKeySource,
  openEnvelope,
  readIdentityFile,
  startsAsAge,
  withBundle,
  type EnvelopeAddress,
  type EnvelopeKeys,
  type KeySources,
} from './envelope-read.js';
