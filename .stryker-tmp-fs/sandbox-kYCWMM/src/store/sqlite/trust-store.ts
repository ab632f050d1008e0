// @ts-nocheck
// What the trust feature keeps in the installation: its secret (L4), the
// offices' keys (T1) and the card each bundle was encrypted to (T2).
import type { AddressCard, OfficeKeys, TrustStore } from '../port.js';
import { makeOfficeKeys } from '../office-keys.js';
import type { Db } from './db.js';

/** The installation's secret (made by the schema migration); never leaves the installation. */
export function installationSecret(db: Db): Buffer {
  const s = db.prepare(`SELECT secret FROM installation_secret WHERE id = 1`).pluck().get() as Buffer | undefined;
  if (!s || s.length < 32) throw new Error('the installation has no secret (schema migration missing)');
  return s;
}

const KEY_COLUMNS = 'office_id, ed25519_public_pem, ed25519_private_pem, age_identity, age_recipient, fingerprint';

export class SqliteTrustStore implements TrustStore {
  constructor(private readonly db: Db) {}

  async installationSecret(): Promise<Buffer> {
    return installationSecret(this.db);
  }

  private keysOf(officeId: string): OfficeKeys | undefined {
    return this.db.prepare(`SELECT ${KEY_COLUMNS} FROM office_keys WHERE office_id = ?`).get(officeId) as OfficeKeys | undefined;
  }

  async officeKeys(officeId: string): Promise<OfficeKeys> {
    const kept = this.keysOf(officeId);
    if (kept) return kept;
    if (!this.db.prepare(`SELECT 1 FROM offices WHERE id = ?`).get(officeId)) {
      throw new Error(`no office ${officeId} in the installation: its keys cannot be made`);
    }
    const k = await makeOfficeKeys(officeId);
    // another command may have made them meanwhile: the first ones kept stand
    this.db
      .prepare(`INSERT OR IGNORE INTO office_keys (${KEY_COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(k.office_id, k.ed25519_public_pem, k.ed25519_private_pem, k.age_identity, k.age_recipient, k.fingerprint, new Date().toISOString());
    return this.keysOf(officeId)!;
  }

  async findOfficeByRecipient(recipient: string): Promise<string | undefined> {
    return this.db.prepare(`SELECT office_id FROM office_keys WHERE age_recipient = ?`).pluck().get(recipient) as string | undefined;
  }

  async officeAgeIdentities(): Promise<{ office_id: string; age_identity: string }[]> {
    return this.db.prepare(`SELECT office_id, age_identity FROM office_keys ORDER BY office_id`).all() as { office_id: string; age_identity: string }[];
  }

  async cardOfBundle(bundleId: string): Promise<AddressCard | undefined> {
    const card = this.db.prepare(`SELECT card FROM export_ledger WHERE bundle_id = ?`).pluck().get(bundleId) as string | null | undefined;
    return card ? (JSON.parse(card) as AddressCard) : undefined;
  }
}
