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
import { openExportReader } from '../../src/store/open.js';
import { storeOf } from '../../src/store/sqlite/store.js';
import type { ExportRecordReader } from '../../src/store/port.js';
import { tmpDir } from '../helpers/cli.js';
import { installation, SOURCE, type Installation } from '../fixtures/import/helpers.js';

let made: Installation[] = [];
afterEach(() => {
  for (const i of made) {
    i.db.close();
    fs.rmSync(i.dir, { recursive: true, force: true });
  }
  made = [];
});

async function rowsOf(reader: ExportRecordReader, type: RecordType, header: BundleHeader): Promise<unknown[]> {
  const shape = recordShapes({ officeId: header.source.office_id, ancestors: [] }, header)[type];
  const out: unknown[] = [];
  for await (const batch of reader.records(type, shape.reading)) out.push(...batch);
  return out;
}

describe('export store', () => {
  it('P2: a reader opened from the selection token reads the rows the selection reads, contacts first, the rest after selectionComplete', async () => {
    const inst = await installation(SOURCE);
    made.push(inst);
    const store = storeOf(inst.db);
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
      const reader = openExportReader(token!);
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
        // U6: the total a progress bar shows is the records the files will hold
        expect(await selection.countRecords()).toBe(seen);
      } finally {
        reader.close();
      }
    });
    // the selection's scratch databases are detached: the folder can go while the installation stays open
    fs.rmSync(scratch, { recursive: true, force: true });
    expect((inst.db.pragma('database_list') as { name: string }[]).map((d) => d.name).filter((n) => n !== 'main' && n !== 'temp')).toEqual([]);
  });
});
