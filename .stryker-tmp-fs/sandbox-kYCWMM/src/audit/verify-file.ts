// @ts-nocheck
// verify as a user runs it: the file must exist, the signature is always
// checked (V5), and required to be by the public key file named with --trust;
// a retention archive verifies too.
import fs from 'node:fs';
import { inputName, type BundleInput } from '../bundle/byte-source.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { readPublicKey } from '../trust/index.js';
import { verifyBundle, type VerifyResult } from './verify.js';
import type { OnProgress } from '../shared/progress.js';

/** V1 (and M2 for a retention archive): verify the bundle or archive at `file`, with the signature checked against `trust` (a PEM file) when given. */
export async function verifyFile(file: BundleInput, opts: { trust?: string; onProgress?: OnProgress } = {}): Promise<VerifyResult> {
  if (!fs.existsSync(inputName(file))) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no file ${inputName(file)}`, { hint: 'name the bundle file that export wrote' });
  }
  const trust = opts.trust ? readPublicKey(opts.trust) : undefined;
  return verifyBundle(file, { trust, accept: 'any', onProgress: opts.onProgress });
}
