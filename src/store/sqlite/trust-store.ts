// What the trust feature keeps in the installation: its secret (L4).
import type { TrustStore } from '../port.js';
import type { Db } from './db.js';

/** The installation's secret (made by the schema migration); never leaves the installation. */
export function installationSecret(db: Db): Buffer {
  const s = db.prepare(`SELECT secret FROM installation_secret WHERE id = 1`).pluck().get() as Buffer | undefined;
  if (!s || s.length < 32) throw new Error('the installation has no secret (schema migration missing)');
  return s;
}

export class SqliteTrustStore implements TrustStore {
  constructor(private readonly db: Db) {}

  async installationSecret(): Promise<Buffer> {
    return installationSecret(this.db);
  }
}
