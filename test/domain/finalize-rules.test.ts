// The pure half of finalize: the receipt's shape, what it confirms, how it must
// answer the export ledger, and that the plan covers every reference to a contact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_PREFIXES,
  ReceiptScanner,
  FINALIZE_PLAN,
  checkReceiptShape,
  confirmedRefs,
  receiptMismatches,
  removalTables,
  type Receipt,
} from '../../src/domain/finalize-rules.js';
import { TABLES, TABLE_NAMES } from '../../src/domain/model/tables.js';

const HASH = 'a'.repeat(64);
function receipt(over: Partial<Receipt> = {}): Receipt {
  return {
    receipt_version: 1,
    accept_id: 'ACC-1',
    bundle_id: 'B-1',
    tagmanifest_sha256: HASH,
    session_id: 'S-1',
    source: { installation_id: 'I-1', office_id: 'O-1', office_name: 'North' },
    target: {},
    outcomes: [],
    ...over,
  };
}
const ctx = {
  installationId: 'I-1',
  office: { id: 'O-1', name: 'North' },
  ledger: { bundle_id: 'B-1', session_id: 'S-1', office_id: 'O-1', tagmanifest_sha256: HASH, finalized_at: null },
};

describe('finalize rules', () => {
  it('M1: a receipt answering a bundle this office exported has no mismatch', () => {
    expect(receiptMismatches(receipt(), ctx)).toEqual([]);
  });

  it('M1: names each mismatch: installation, office, unknown bundle, tagmanifest hash', () => {
    expect(receiptMismatches(receipt({ source: { installation_id: 'I-2', office_id: 'O-1' } }), ctx)).toEqual([
      expect.stringContaining('installation I-2'),
    ]);
    expect(receiptMismatches(receipt({ source: { installation_id: 'I-1', office_id: 'O-2' } }), ctx)[0]).toContain('office O-2');
    expect(receiptMismatches(receipt(), { ...ctx, ledger: { ...ctx.ledger, office_id: 'O-9' } })[0]).toContain('exported by office O-9');
    expect(receiptMismatches(receipt(), { ...ctx, ledger: undefined })[0]).toContain('no bundle B-1');
    const wrong = receiptMismatches(receipt({ tagmanifest_sha256: 'b'.repeat(64) }), ctx);
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toContain('tagmanifest hash');
  });

  it('M1: a malformed receipt is described by JSON pointers', () => {
    expect(checkReceiptShape([])).toEqual([{ pointer: '', message: expect.stringContaining('JSON object') }]);
    const p = checkReceiptShape({ ...receipt(), tagmanifest_sha256: 'xyz', outcomes: [{ ref: 'C-1', outcome: 'moved' }] });
    expect(p.map((x) => x.pointer)).toEqual(['/tagmanifest_sha256', '/outcomes/0/ref', '/outcomes/0/outcome']);
    expect(checkReceiptShape(receipt({ outcomes: [{ ref: 'contact/C-1', outcome: 'created' }] }))).toEqual([]);
  });

  it('M3: only created, merged and linked client refs are confirmed; pending, dropped, catalogue refs and party entries are not', () => {
    const r = receipt({
      outcomes: [
        { ref: 'contact/C-1', outcome: 'created' },
        { ref: 'contact/C-2', outcome: 'merged' },
        { ref: 'contact/C-3', outcome: 'pending' },
        { ref: 'policy/P-1', outcome: 'linked' },
        { ref: 'policy/P-2', outcome: 'dropped', reason: 'x' },
        { ref: 'note/N-1', outcome: 'created' },
        { ref: 'policy/P-3#parties/0', outcome: 'linked' },
        ...CATALOGUE_PREFIXES.map((p) => ({ ref: `${p}/X-1`, outcome: 'created' as const })),
      ],
    });
    expect([...confirmedRefs(r)]).toEqual([
      { prefix: 'contact', id: 'C-1' },
      { prefix: 'contact', id: 'C-2' },
      { prefix: 'policy', id: 'P-1' },
      { prefix: 'note', id: 'N-1' },
    ]);
  });

  it('M1: every column naming a contact is either removed with the contact or detached (no dangling reference)', () => {
    const removedWith = new Set<string>();
    const detached = new Set<string>();
    for (const s of FINALIZE_PLAN) {
      if (s.op === 'with_contact') for (const c of s.columns) if (!s.onlyIfNamedBy) removedWith.add(`${s.table}.${c}`);
      if (s.op === 'detach') detached.add(`${s.table}.${s.column}`);
    }
    const missing: string[] = [];
    for (const t of TABLE_NAMES) {
      for (const c of TABLES[t].columns) {
        if (c.ref !== 'contacts') continue;
        const key = `${t}.${c.name}`;
        if (!removedWith.has(key) && !detached.has(key)) missing.push(key);
        if (c.required && detached.has(key)) missing.push(`${key} (required, cannot be set to NULL)`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('M1: every removed parent takes its required children along (positions, riders, party lists, commissions)', () => {
    const removed = new Set(removalTables());
    const missing: string[] = [];
    for (const t of TABLE_NAMES) {
      for (const c of TABLES[t].columns) {
        if (!c.ref || c.ref === 'contacts' || !removed.has(c.ref)) continue;
        const covered = FINALIZE_PLAN.some((s) => s.op === 'with_parent' && s.table === t && s.column === c.name && s.parent === c.ref);
        if (!covered) missing.push(`${t}.${c.name} -> ${c.ref}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('M1: catalogue tables are never removed by finalize', () => {
    for (const t of ['carriers', 'products', 'riders', 'service_providers', 'offices', 'users', 'sets']) {
      expect(removalTables()).not.toContain(t);
    }
  });

  const scanAll = (text: string, cuts: number[]) => {
    const sc = new ReceiptScanner();
    const outcomes: unknown[] = [];
    let from = 0;
    for (const cut of [...cuts.filter((c) => c < text.length)].sort((a, b) => a - b)) {
      outcomes.push(...sc.push(text.slice(from, cut)));
      from = cut;
    }
    outcomes.push(...sc.push(text.slice(from)));
    return { head: sc.end(), outcomes, saw: sc.sawOutcomes };
  };

  it('P1: finalize\'s receipt scanner reads in chunks (memory stays flat): outcomes one by one, the head whole, at any chunk boundary', () => {
    const value = {
      receipt_version: 1,
      source: { office_name: 'North "A" [x] {y}', outcomes: ['not', 'these'] },
      outcomes: [
        { ref: 'contact/C-1', outcome: 'created', reason: 'a \\ "quoted" ] } , [ {' },
        { ref: 'policy/P-1#parties/0', outcome: 'dropped', conflicts: [{ field: 'x', target: '[', incoming: '}' }] },
      ],
      accepted_at: '2025-01-01T00:00:00Z',
    };
    for (const text of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
      for (let cut = 0; cut <= text.length; cut++) {
        const r = scanAll(text, [cut]);
        expect(r.outcomes).toEqual(value.outcomes);
        expect(r.head).toEqual({ ...value, outcomes: [] });
        expect(r.saw).toBe(true);
      }
    }
  });

  it('P1: the receipt scanner\'s chunked reading agrees with JSON.parse on generated receipts (property)', () => {
    const outcome = fc.record({ ref: fc.string(), outcome: fc.constantFrom('created', 'pending'), reason: fc.option(fc.string(), { nil: undefined }) });
    fc.assert(
      fc.property(fc.record({ accept_id: fc.string(), outcomes: fc.array(outcome, { maxLength: 8 }), note: fc.jsonValue() }), fc.array(fc.nat(400), { maxLength: 6 }), (v, cuts) => {
        const text = JSON.stringify(v);
        const r = scanAll(text, cuts);
        expect(r.outcomes).toEqual(JSON.parse(text).outcomes);
        expect(r.head).toEqual({ ...JSON.parse(text), outcomes: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('P1: the receipt scanner rejects a receipt cut short or with a non-object outcome as not JSON', () => {
    expect(() => scanAll('{"outcomes":[{"ref":"contact/C-1"}', [])).toThrow(SyntaxError);
    expect(() => scanAll('{"outcomes":["contact/C-1"]}', [])).toThrow(/object per outcome/);
    expect(scanAll('{"receipt_version":1}', []).saw).toBe(false);
  });
});
