// @ts-nocheck
// The trust part of the store port (src/store/port.ts TrustStore): an office's
// keys are made on first use and kept (T1), and the export ledger keeps the
// card a bundle was encrypted to (T2).
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { identityToRecipient } from 'age-encryption';
import type { AddressCard, Store } from '../../src/store/port.js';
import { tmpDir } from '../helpers/cli.js';
import { ADAPTERS } from './adapters.js';
import { fill } from './fixture.js';

for (const adapter of ADAPTERS) {
  describe(`store contract, trust (${adapter.name})`, () => {
    let store: Store | undefined;
    afterEach(() => store?.close());

    async function filled(): Promise<Store> {
      store = adapter.create();
      await fill(store);
      return store;
    }

    it("T1: an office's keys are made on first use, kept, and its own: Ed25519 with its fingerprint, an age identity and recipient", async () => {
      const s = await filled();
      const [a, again] = await Promise.all([s.trust.officeKeys('O-A'), s.trust.officeKeys('O-A')]);
      expect(again).toEqual(a);
      expect(await s.trust.officeKeys('O-A')).toEqual(a);
      expect(a.office_id).toBe('O-A');
      const pub = crypto.createPublicKey(a.ed25519_public_pem);
      expect(pub.asymmetricKeyType).toBe('ed25519');
      const der = pub.export({ type: 'spki', format: 'der' });
      expect(a.fingerprint).toBe(crypto.createHash('sha256').update(der).digest('hex'));
      const sig = crypto.sign(null, Buffer.from('x'), a.ed25519_private_pem);
      expect(crypto.verify(null, Buffer.from('x'), pub, sig)).toBe(true);
      expect(a.age_identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
      expect(a.age_recipient).toMatch(/^age1[0-9a-z]+$/);
      expect(await identityToRecipient(a.age_identity)).toBe(a.age_recipient);
      const r = await s.trust.officeKeys('O-R');
      expect(r.fingerprint).not.toBe(a.fingerprint);
      expect(r.age_recipient).not.toBe(a.age_recipient);
      expect(await s.trust.findOfficeByRecipient(a.age_recipient)).toBe('O-A');
      expect(await s.trust.findOfficeByRecipient(r.age_recipient)).toBe('O-R');
      expect(await s.trust.findOfficeByRecipient('age1nobody')).toBeUndefined();
      await expect(s.trust.officeKeys('O-NOWHERE')).rejects.toThrow();
    });

    it('T3: the age identities of the offices whose keys were made are listed by office, and listing makes none', async () => {
      const s = await filled();
      expect(await s.trust.officeAgeIdentities()).toEqual([]);
      const a = await s.trust.officeKeys('O-A');
      expect(await s.trust.officeAgeIdentities()).toEqual([{ office_id: 'O-A', age_identity: a.age_identity }]);
      const r = await s.trust.officeKeys('O-R');
      expect(await s.trust.officeAgeIdentities()).toEqual([
        { office_id: 'O-A', age_identity: a.age_identity },
        { office_id: 'O-R', age_identity: r.age_identity },
      ]);
    });

    it('T2: the export ledger keeps the card a bundle was encrypted to; a bundle exported by name has none', async () => {
      const s = await filled();
      const k = await s.trust.officeKeys('O-A');
      const card: AddressCard = {
        format: 'officeport-address-card',
        format_version: 1,
        installation: { id: 'I-2', name: 'Elsewhere' },
        office: { id: 'O-X', name: 'Target' },
        user: { id: 'U-X', username: 'tess' },
        ed25519_public_key: k.ed25519_public_pem,
        fingerprint: k.fingerprint,
        age_recipient: k.age_recipient,
      };
      const entry = (bundle_id: string, c: AddressCard | null) => ({
        bundle_id,
        session_id: `S-${bundle_id}`,
        office_id: 'O-A',
        user_id: 'U-1',
        target_office: 'Target',
        target_user: 'tess',
        created_at: '2026-01-01T00:00:00Z',
        tagmanifest_sha256: '0'.repeat(64),
        file: `${bundle_id}.zip`,
        counts: {},
        receipt_key: null,
        card: c,
        log: { at: '2026-01-01T00:00:00Z', summary: '{}' },
      });
      for (const [id, c] of [['B-card', card] as const, ['B-name', null] as const]) {
        await s.export.select(tmpDir('officeport-contract-trust-'), async (sel) => {
          await sel.chooseContacts('O-A', { mode: 'contacts', contacts: ['C-1'] });
          await sel.recordExport(entry(id, c), []);
        });
      }
      expect(await s.trust.cardOfBundle('B-card')).toEqual(card);
      expect(await s.trust.cardOfBundle('B-name')).toBeUndefined();
      expect(await s.trust.cardOfBundle('B-none')).toBeUndefined();
    });
  });
}
