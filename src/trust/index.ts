// Trust between installations: the keys that sign bundles and seal receipts,
// address cards (T1) and the age envelope of bundles addressed by card (T2).
export { writeKeyPair, readPublicKey } from '../bundle/signing.js';
export { receiptKeyFor } from './receipt-seal.js';
export { writeAddressCard, type AddressOptions, type AddressResult } from './address.js';
export { readCard, type AddressCard } from './card.js';
export { envelopeAddress, isAgeFile, type EnvelopeAddress } from './envelope.js';
