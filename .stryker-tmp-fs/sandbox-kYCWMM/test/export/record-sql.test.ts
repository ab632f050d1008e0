// @ts-nocheck
// The export has SQLite write most records' columns as JSON text (recordSql in
// src/export/records.ts). It must give exactly the text JSON.stringify gives for
// recordBuilder's record (B3: fields in schema order, refs from *_id columns, no
// empty values, text escaped as JSON.stringify escapes it), and a row holding a
// value that is not text must still come out as the JavaScript builder makes it.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildParty, emptyCounts, emptyExclusions, RECORD_TYPES, recordBuilder, SPECS, type BundleHeader } from '../../src/bundle/records.js';
import type { Row } from '../../src/domain/model/row.js';
import { recordLines, type RecordShape } from '../../src/export/records.js';
import { recordRows, recordSql, type TypeQuery } from '../../src/store/sqlite/export-store.js';
import type { ExportRecordReader, RecordReading } from '../../src/store/port.js';

const text = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('a"b\\c', 'é\n\t\u0000\u001f\u007f', '\u2028\u2029', '😀', "it's", '0', ' '),
);

function tableFor(db: Database.Database, type: (typeof RECORD_TYPES)[number]): string[] {
  const cols = ['id', ...SPECS[type].fields.map((f) => f.column ?? f.name)];
  db.exec(`DROP TABLE IF EXISTS t; CREATE TABLE t (${cols.map((c) => `"${c}" TEXT`).join(', ')})`);
  return cols;
}

describe('recordSql', () => {
  for (const type of RECORD_TYPES) {
    it(`B3: ${type} columns written as JSON by SQLite are the JSON text of recordBuilder's record, for any text row`, () => {
      const db = new Database(':memory:');
      const cols = tableFor(db, type);
      const insert = db.prepare(`INSERT INTO t VALUES (${cols.map(() => '?').join(', ')})`);
      const read = db.prepare(`SELECT ${recordSql(type)} AS j FROM t t`).pluck();
      const build = recordBuilder(type);
      const row = fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), ...cols.slice(1).map(() => text));
      fc.assert(
        fc.property(row, (values) => {
          db.exec('DELETE FROM t');
          insert.run(...values);
          const stored = db.prepare('SELECT * FROM t').get() as Row; // as the export reads it back
          expect((read.get() as string) + '}').toBe(JSON.stringify(build(stored)));
        }),
        { numRuns: 150 },
      );
      db.close();
    });
  }

  it('B3: a row with a value that is not text gets NULL from SQLite, and recordLines builds it in JavaScript', async () => {
    const db = new Database(':memory:');
    const type = 'policies';
    const cols = tableFor(db, type);
    const insert = db.prepare(`INSERT INTO t VALUES (${cols.map(() => '?').join(', ')})`);
    insert.run('P1', ...cols.slice(1).map((c) => (c === 'policy_number' ? Buffer.from('ab') : `${c}-v`)));
    insert.run('P2', ...cols.slice(1).map((c) => `${c} "q"`));
    expect(
      db
        .prepare(`SELECT ${recordSql(type)} FROM t t ORDER BY id`)
        .pluck()
        .all()[0],
    ).toBeNull();
    db.exec(`ALTER TABLE t RENAME TO policies`);
    const parties = [buildParty('C1', 'advisor', 'agent', null)];
    const q: TypeQuery = { from: 'FROM policies t', order: 't.id' };
    // the rows of `q` as a store's reader gives them, in one batch
    const reader: ExportRecordReader = {
      hasRecords: async () => true,
      records: async function* (t, reading: RecordReading) {
        yield [...recordRows(db, t, q, reading)];
      },
    };
    const build: RecordShape['build'] = (r) => ({ riders: [], parties: r.row.id === 'P2' ? parties : [] });
    const header = { counts: emptyCounts(), exclusions: emptyExclusions() } as BundleHeader;
    const lines = async (shape: RecordShape) => {
      let out = '';
      for await (const chunk of recordLines(reader, type, shape, header)) out += chunk;
      return out;
    };
    const plain = await lines({ reading: {}, build });
    const viaSql = await lines({ reading: { json: {} }, build });
    expect(viaSql).toBe(plain);
    expect(plain.split('\n')[1]).toContain('"parties":[{"contact":"contact/C1"');
    expect(header.counts.policies).toBe(4);
    db.close();
  });
});
