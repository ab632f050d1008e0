// @ts-nocheck
// The export builds every record with recordBuilder (src/bundle/records.ts), a
// function compiled per record type. It must give exactly what buildRecord gives
// (B3: fields in schema order, refs from *_id columns, no empty values, extras
// after the columns), as JSON text, for any row.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildParty, buildRecord, NESTED_FIELDS, RECORD_TYPES, recordBuilder, SPECS } from '../../src/bundle/records.js';
import type { Row } from '../../src/domain/model/row.js';

const cell = fc.oneof(fc.constant(null), fc.constant(''), fc.constant(undefined), fc.string({ maxLength: 6 }), fc.constantFrom('a"b', 'é\n', '0'));

describe('recordBuilder', () => {
  for (const type of RECORD_TYPES) {
    it(`B3: ${type} records from the compiled builder are the JSON text of buildRecord, for any row and extras`, () => {
      const spec = SPECS[type];
      const columns = ['id', ...spec.fields.map((f) => f.column ?? f.name), 'office_id', 'custom'];
      const row = fc.record(Object.fromEntries(columns.map((c) => [c, cell])), { requiredKeys: ['id'] });
      // Extras: some fields given by the caller (origin, tax_id_hash, a ref field given as is), and the nested lists.
      const fieldNames = spec.fields.map((f) => f.name);
      const extra = fc.record(
        {
          ...Object.fromEntries(fieldNames.slice(0, 3).map((n) => [n, cell])),
          ...Object.fromEntries(
            NESTED_FIELDS[type].map((k) => [k, fc.oneof(fc.constant([]), fc.constant(undefined), fc.constant([buildParty('c1', 'advisor', 'r', null)]))]),
          ),
        },
        { requiredKeys: [] },
      );
      const build = recordBuilder(type);
      fc.assert(
        fc.property(row, extra, (r, x) => {
          expect(JSON.stringify(build(r as Row, x))).toBe(JSON.stringify(buildRecord(type, r as Row, x)));
        }),
        { numRuns: 200 },
      );
      // Without extras, as most types are built.
      const plain = { id: 'X-1', ...Object.fromEntries(columns.slice(1).map((c) => [c, 'v'])) } as Row;
      expect(JSON.stringify(build(plain))).toBe(JSON.stringify(buildRecord(type, plain)));
    });
  }
});
