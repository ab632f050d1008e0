// @ts-nocheck
// How any adapter makes an office's keys (T1): an Ed25519 key pair for
// signatures and an X25519 identity in the age format for encryption. No SQL:
// the adapter keeps what this returns.
import crypto from 'node:crypto';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import type { OfficeKeys } from './port.js';

/** hex SHA-256 of an Ed25519 public key's SubjectPublicKeyInfo DER (what cards and bundles call its fingerprint) */
export function keyFingerprint(publicPem: string): string {
  const der = crypto.createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('hex');
}

/** Fresh keys for an office. */
export async function makeOfficeKeys(officeId: string): Promise<OfficeKeys> {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const ed25519_public_pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const ed25519_private_pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const age_identity = await generateX25519Identity();
  const age_recipient = await identityToRecipient(age_identity);
  return { office_id: officeId, ed25519_public_pem, ed25519_private_pem, age_identity, age_recipient, fingerprint: keyFingerprint(ed25519_public_pem) };
}
