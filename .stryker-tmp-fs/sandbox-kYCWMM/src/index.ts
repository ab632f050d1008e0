// @ts-nocheck
// The library entry of the package ("exports" in package.json): what cli/
// calls, for programs that move clients without the command line. Each
// feature's face (its index.ts), the opening of an installation, and the
// error a caller can act on. docs/api.md documents every name exported here
// (test/package/api-docs.test.ts holds the two together).
export * from './export/index.js';
export * from './import/index.js';
export * from './finalize/index.js';
export * from './realign/index.js';
export * from './audit/index.js';
export * from './installation/index.js';
// trust: the keys, address cards and signatures a library user calls; the envelope
// plumbing the commands use to open an encrypted bundle (withBundle, officeKeySource, ...)
// stays behind the commands
export {
  writeKeyPair,
  readPublicKey,
  receiptKeyFor,
  writeAddressCard,
  readCard,
  envelopeAddress,
  isAgeFile,
  receiptSignatures,
  type AddressOptions,
  type AddressResult,
  type AddressCard,
  type EnvelopeAddress,
  type SignedWith,
  type SignerCard,
  type SigningKey,
  type UndoNotice,
} from './trust/index.js';
export { openStore, resolveDbPath } from './store/open.js';
export type { Store } from './store/port.js';
export { OfficeportError, ErrorCode, type Problem } from './shared/errors.js';
export { VERSION } from './shared/version.js';
