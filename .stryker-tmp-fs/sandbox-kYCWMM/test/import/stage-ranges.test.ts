// @ts-nocheck
// I1, I2: staging keeps the seq range of each record type, and the planner
// reads a type's records through it; a type staged in several runs (files or
// chunks interleaved with other types) is still read whole and in seq order.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStaging, stagedOfType } from '../../src/store/sqlite/import-stage.js';
import { openInstallation } from '../../src/store/sqlite/db.js';
import { dropStaging } from '../../src/store/sqlite/import-store.js';
import { tmpDir } from '../helpers/cli.js';

const dir = tmpDir('officeport-stage-ranges-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ ref: `${prefix}/${i}`, text: JSON.stringify({ ref: `${prefix}/${i}` }) }));

describe('I2: staged records of one type', () => {
  it('I2: a type staged in several runs between other types is read whole, in seq order, and nothing of another type', () => {
    const db = openInstallation(path.join(dir, 'a.db'), { create: true });
    try {
      const s = startStaging(db);
      // 120 lines: two statements of 50 and 20 single inserts, around other types
      s.hook('contacts', lines('contact/A', 120));
      s.hook('policies', lines('policy/P', 7));
      s.hook('contacts', lines('contact/B', 3));
      s.hook('letters', lines('letter/L', 51));
      s.finish(true);
      const read = (type: string) =>
        db
          .prepare(`SELECT r.ref FROM temp.imp_records r WHERE ${stagedOfType('$type')} ORDER BY r.seq`)
          .pluck()
          .all({ type });
      const all = (type: string) => db.prepare(`SELECT ref FROM temp.imp_records WHERE type = ? ORDER BY seq`).pluck().all(type);
      for (const type of ['contacts', 'policies', 'letters', 'stubs']) expect(read(type)).toEqual(all(type));
      expect(read('contacts')).toHaveLength(123);
      expect(read('stubs')).toEqual([]);
    } finally {
      dropStaging(db);
      db.close();
    }
  });

  it('I1: an invalid bundle leaves neither records nor ranges', () => {
    const db = openInstallation(path.join(dir, 'b.db'), { create: true });
    try {
      const s = startStaging(db);
      s.hook('contacts', lines('contact/A', 10));
      s.finish(false);
      const tables = db.prepare(`SELECT name FROM sqlite_temp_master WHERE type = 'table' AND name IN ('imp_records', 'imp_type_range')`).pluck().all();
      expect(tables).toEqual([]);
    } finally {
      db.close();
    }
  });
});
