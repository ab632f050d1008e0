// @ts-nocheck
// The export's part of the store port (src/store/port.ts ExportStore): a reader
// another thread opens from the selection's token reads the very rows the
// selection reads itself, the contacts' files at once and the rest once the
// selection is complete; the scratch space goes when the selection ends.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyCounts, emptyExclusions, RECORD_TYPES, type BundleHeader, type RecordType } from '../../src/bundle/records.js';
import { WORKER_EARLY } from '../../src/export/parallel.js';
import { recordShapes } from '../../src/export/records.js';
import { chooseContacts, selectRest } from '../../src/export/select.js';
import type { ExportRecordReader } from '../../src/store/port.js';
import { tmpDir } from '../helpers/cli.js';
import { ADAPTERS } from './adapters.js';
import { SOURCE, Stores } from './samples.js';

async function rowsOf(reader: ExportRecordReader, type: RecordType, header: BundleHeader): Promise<unknown[]> {
  const shape = recordShapes({ officeId: header.source.office_id, ancestors: [] }, header)[type];
  const out: unknown[] = [];
  for await (const batch of reader.records(type, shape.reading)) out.push(...batch);
  return out;
}

for (const adapter of ADAPTERS) {
  describe(`store contract, export (${adapter.name})`, () => {
    const stores = new Stores();
    afterEach(() => stores.closeAll());

    it('P2: a reader opened from the selection token reads the rows the selection reads, contacts first, the rest after selectionComplete', async () => {
      const store = await stores.of(adapter, SOURCE);
      const office = (await store.offices.office('North Agency'))!;
      const header = {
        session_id: 'S',
        source: { office_id: office.id },
        counts: emptyCounts(),
        exclusions: emptyExclusions(),
        stub_salt: '00',
      } as unknown as BundleHeader;
      const scratch = tmpDir('officeport-store-export-');
      await store.export.select(scratch, async (selection) => {
        expect(await chooseContacts(selection, office.id, { mode: 'all' })).toBeGreaterThan(0);
        const token = selection.workerToken();
        expect(token).toBeDefined();
        const reader = adapter.openExportReader(token!);
        try {
          for (const type of WORKER_EARLY) expect(await rowsOf(reader, type, header), type).toEqual(await rowsOf(selection, type, header));
          await selectRest(store.export, selection, header);
          await reader.selectionComplete();
          let seen = 0;
          for (const type of RECORD_TYPES) {
            expect(await reader.hasRecords(type), type).toBe(await selection.hasRecords(type));
            const mine = await rowsOf(selection, type, header);
            expect(await rowsOf(reader, type, header), type).toEqual(mine);
            seen += mine.length;
          }
          expect(seen).toBeGreaterThan(0);
        } finally {
          reader.close();
        }
      });
      // the selection's scratch space is let go: the folder can go while the installation stays open
      fs.rmSync(scratch, { recursive: true, force: true });
      expect(await adapter.selectionLeftovers(store)).toEqual([]);
    });
  });
}
