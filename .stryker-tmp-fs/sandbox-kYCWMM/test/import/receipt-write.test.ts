// @ts-nocheck
// I10: the receipt file, written in chunks, is byte for byte what one write per
// outcome gave, on both sides of the chunk size and with multi-byte text.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/domain/reconcile.js';
import { writeReceiptTemp, type ReceiptHead, type ReceiptOutcome } from '../../src/import/receipt.js';
import { tmpDir } from '../helpers/cli.js';

const dir = tmpDir('officeport-receipt-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const head: ReceiptHead = {
  receipt_version: 1,
  accept_id: 'A-1',
  bundle_id: 'B-1',
  tagmanifest_sha256: 'f'.repeat(64),
  session_id: 'S-1',
  source: { installation_id: 'I-S', office_id: 'O-1', office_name: 'North Ägency' },
  target: { installation_id: 'I-T', office_id: 'O-T', user_id: 'U-1' },
  accepted_at: '2026-11-22T05:00:00.000Z',
};

/** The receipt as it was written before (one write per outcome). */
function expected(outcomes: ReceiptOutcome[]): string {
  const headJson = JSON.stringify(head, null, 2);
  let s = `${headJson.slice(0, -2)},\n  "outcomes": [`;
  outcomes.forEach((o, i) => (s += `${i === 0 ? '' : ','}\n    ${JSON.stringify(o)}`));
  return `${s}${outcomes.length === 0 ? '' : '\n  '}]\n}\n`;
}

function outcomes(n: number): ReceiptOutcome[] {
  const kinds: Outcome[] = ['created', 'merged', 'linked', 'pending', 'dropped'];
  return Array.from({ length: n }, (_, i) => {
    const o: ReceiptOutcome = { ref: `contact/C-${i}`, target_id: `IMP-CNT-${i}`, outcome: kinds[i % 5]! };
    if (i % 7 === 0) o.reason = `naïve “reason” ${'é'.repeat(i % 50)} 😀`;
    return o;
  });
}

describe('I10: receipt file', () => {
  for (const n of [0, 1, 3, 30_000]) {
    it(`I10: ${n} outcomes are written exactly as before, as JSON that reads back`, () => {
      const list = outcomes(n);
      const file = path.join(dir, `receipt-${n}.json`);
      const tmp = writeReceiptTemp(file, head, list);
      const text = fs.readFileSync(tmp, 'utf8');
      if (n === 30_000) expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20);
      expect(text).toBe(expected(list));
      expect(JSON.parse(text).outcomes).toEqual(list);
      fs.rmSync(tmp);
    });
  }
});
