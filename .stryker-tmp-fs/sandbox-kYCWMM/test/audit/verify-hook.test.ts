// @ts-nocheck
// verify's onRecordLines hook (import stages records while verify reads them):
// every line that parsed and passed its schema, exactly once, in file order.
import { describe, expect, it } from 'vitest';
import { RECORD_TYPES, type RecordType } from '../../src/bundle/records.js';
import { RECORD_LINES_BATCH, verifyBundle } from '../../src/audit/verify.js';
import { bagOf, editLine, goldenParts, grow, linesOf } from '../bundle/verify-kit.js';

type Got = { type: RecordType; lines: { ref: string; text: string }[] }[];

describe('verify: onRecordLines', () => {
  it('V1: delivers every valid line once, in bag and file order, with its ref and exact text', async () => {
    const parts = goldenParts();
    grow(parts, 2500);
    const expected: { type: RecordType; ref: string; text: string }[] = [];
    for (const type of [...RECORD_TYPES].sort())
      for (const text of linesOf(parts, `data/records/${type}.ndjson`)) expected.push({ type, ref: (JSON.parse(text) as { ref: string }).ref, text });
    const got: Got = [];
    const r = await verifyBundle(await bagOf(parts), { onRecordLines: (type, lines) => void got.push({ type, lines: [...lines] }) });
    expect(r.problems).toEqual([]);
    expect(r.valid).toBe(true);
    expect(got.flatMap((b) => b.lines.map((l) => ({ type: b.type, ...l })))).toEqual(expected);
    expect(Math.max(...got.map((b) => b.lines.length))).toBe(RECORD_LINES_BATCH);
    expect(got.filter((b) => b.type === 'contacts').length).toBe(Math.ceil(2503 / RECORD_LINES_BATCH));
  });

  it('V1: lines that are not JSON or break their schema are left out; the result is invalid', async () => {
    const parts = goldenParts();
    grow(parts, 1200);
    editLine(parts, 'data/records/contacts.ndjson', 2, (c) => ({ ...c, birth_date: '04/03/1972' }));
    editLine(parts, 'data/records/contacts.ndjson', 1100, () => '{"ref": "contact/Z001097",');
    const all = linesOf(parts, 'data/records/contacts.ndjson');
    const got: Got = [];
    const r = await verifyBundle(await bagOf(parts), { onRecordLines: (type, lines) => void got.push({ type, lines }) });
    expect(r.valid).toBe(false);
    const contacts = got.filter((b) => b.type === 'contacts').flatMap((b) => b.lines.map((l) => l.text));
    expect(contacts).toEqual(all.filter((_, i) => i !== 1 && i !== 1099));
  });

  it('V1: an async callback is awaited before the next batch is delivered', async () => {
    const parts = goldenParts();
    grow(parts, 3000);
    let busy = false;
    let overlaps = 0;
    let delivered = 0;
    const r = await verifyBundle(await bagOf(parts), {
      onRecordLines: async (_type, lines) => {
        if (busy) overlaps++;
        busy = true;
        await new Promise((res) => setTimeout(res, 2));
        delivered += lines.length;
        busy = false;
      },
    });
    expect(r.valid).toBe(true);
    expect(overlaps).toBe(0);
    expect(delivered).toBe(Object.values(r.counts!).reduce((a, b) => a + b, 0) - r.counts!.documents!);
  });
});
