// @ts-nocheck
// P1 for `inbox add`: the contacts of a bundle stream into the installation;
// the heap does not grow with the bundle. A synthetic source yields many
// contacts with long names and watches the heap while it is read.
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { BundleHeader } from '../../src/bundle/records.js';
import { addToInbox, listInbox, userAddress } from '../../src/import/inbox.js';
import type { BundleSource } from '../../src/import/accept.js';
import { installation, rows, TARGET, TGT_OFFICE, TGT_USER } from '../fixtures/import/helpers.js';

const N = 150_000;

function syntheticSource(dir: string, onRead: () => void): BundleSource {
  const file = path.join(dir, 'synthetic.zip');
  fs.writeFileSync(file, 'not read: addToInbox only copies the file');
  const header = {
    bundle_id: '00000000-0000-4000-8000-00000000p1p1',
    session_id: 's',
    source: { installation_id: 'I', office_id: 'O', office_name: 'Synthetic' },
    target: { office: TGT_OFFICE, user: TGT_USER },
  } as unknown as BundleHeader;
  const pad = 'x'.repeat(400);
  return {
    file,
    header,
    tagmanifestSha256: 'f'.repeat(64),
    async *records(type) {
      if (type !== 'contacts') return;
      for (let i = 0; i < N; i++) {
        if (i % 5000 === 0) onRead();
        yield {
          ref: `contact/C-${String(i).padStart(7, '0')}`,
          kind: 'individual',
          // a flat string of its own per contact (a template literal would share `pad` as a rope)
          first_name: Buffer.from(`First${i}${pad}`).toString(),
          last_name: `Last${i}`,
          tax_id: `123-45-${String(i % 10000).padStart(4, '0')}`,
        };
      }
    },
    document: async () => Buffer.alloc(0),
    close: async () => {},
  };
}

// The heap is measured after a full collection each time, so the figure is what
// inbox add keeps alive, not garbage a collection has not reached yet (which
// made the bound fail at random).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('P1: inbox add streams its contacts', () => {
  it(`P1: adding a bundle of ${N.toLocaleString('en')} contacts (about 60 MB of names) keeps the heap flat and lists every contact`, async () => {
    const tgt = await installation(TARGET);
    const a = await userAddress(tgt.store.offices, TGT_OFFICE, TGT_USER);
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    const src = syntheticSource(tgt.dir, () => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    });
    const { entry, added } = await addToInbox(tgt.store, src, a);
    expect(added).toBe(true);
    // holding every contact would keep N x ~450 bytes of names alone (over 60 MB) alive
    expect(peak).toBeLessThan(40 * 1024 * 1024);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM inbox_contacts WHERE inbox_id = ?`, entry.id)).toEqual([{ n: N }]);
    const first = rows(tgt.db, `SELECT ref, kind, name, tax_id_masked FROM inbox_contacts WHERE inbox_id = ? ORDER BY ref LIMIT 1`, entry.id)[0];
    expect(first).toMatchObject({ ref: 'contact/C-0000000', kind: 'individual', tax_id_masked: '***-**-0000' });
    expect(await listInbox(tgt.store.imports, a)).toHaveLength(1);
  }, 60_000);
});
