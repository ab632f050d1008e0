// @ts-nocheck
// The pure half of finalize: the receipt's shape, what it confirms, how it must
// answer the export ledger, and that the plan covers every reference to a contact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_PREFIXES,
  ReceiptScanner,
  FINALIZE_PLAN,
  MOVABLE_PREFIXES,
  checkOutcomeShape,
  checkReceiptShape,
  confirmedRefs,
  countOutcome,
  receiptMismatches,
  removalTables,
  summarize,
  totalRemoved,
  touchedTables,
  type FinalizeCounts,
  type Outcome,
  type FinalizeReceipt,
  type Step,
} from '../../src/domain/finalize-rules.js';
import { readSchema, type SchemaName } from '../../src/bundle/schemas.js';
import { TABLES, TABLE_NAMES } from '../../src/domain/model/tables.js';

const HASH = 'a'.repeat(64);
function receipt(over: Partial<FinalizeReceipt> = {}): FinalizeReceipt {
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
    expect(receiptMismatches(receipt({ source: { installation_id: 'I-2', office_id: 'O-1' } }), ctx)).toEqual([expect.stringContaining('installation I-2')]);
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

  it("P1: finalize's receipt scanner reads in chunks (memory stays flat): outcomes one by one, the head whole, at any chunk boundary", () => {
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

  it("P1: the receipt scanner's chunked reading agrees with JSON.parse on generated receipts (property)", () => {
    const outcome = fc.record({ ref: fc.string(), outcome: fc.constantFrom('created', 'pending'), reason: fc.option(fc.string(), { nil: undefined }) });
    fc.assert(
      fc.property(
        fc.record({ accept_id: fc.string(), outcomes: fc.array(outcome, { maxLength: 8 }), note: fc.jsonValue() }),
        fc.array(fc.nat(400), { maxLength: 6 }),
        (v, cuts) => {
          const text = JSON.stringify(v);
          const r = scanAll(text, cuts);
          expect(r.outcomes).toEqual(JSON.parse(text).outcomes);
          expect(r.head).toEqual({ ...JSON.parse(text), outcomes: [] });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('P1: the receipt scanner rejects a receipt cut short or with a non-object outcome as not JSON', () => {
    expect(() => scanAll('{"outcomes":[{"ref":"contact/C-1"}', [])).toThrow(SyntaxError);
    expect(() => scanAll('{"outcomes":["contact/C-1"]}', [])).toThrow(/object per outcome/);
    expect(scanAll('{"receipt_version":1}', []).saw).toBe(false);
  });
  it('P1: the receipt scanner says where a receipt was cut short, and names a bare value where an outcome belongs', () => {
    for (const cut of ['{"outcomes":[{"ref":"contact/C-1"}', '{"outcomes":[', '{"outcomes":[{"ref":"contact/C-1"},']) {
      expect(() => scanAll(cut, []), cut).toThrow(new SyntaxError('the receipt ends inside "outcomes"'));
    }
    expect(() => scanAll('{"outcomes":[{"ref":"a"}, 7]}', [])).toThrow(new SyntaxError('unexpected "7" in "outcomes": expected an object per outcome'));
    expect(() => scanAll('{"outcomes":[null]}', [])).toThrow(new SyntaxError('unexpected "n" in "outcomes": expected an object per outcome'));
  });
  it('P1: the receipt scanner agrees with JSON.parse where the text is unusual: an empty first key, arrays as outcomes, a string "outcomes" as a value, other arrays around', () => {
    const texts = [
      '{"":1,"outcomes":[{"ref":"a"}]}',
      '{"outcomes":[[1,[2]],{"ref":"b"}],"after":[{"x":[3]}]}',
      '{"label":"outcomes","list":[{"ref":"not this"}],"outcomes":[{"ref":"c"}]}',
      '{"a":{"outcomes":[{"ref":"nested"}]},"outcomes":[]}',
      '{"outcomes" : [ { "ref" : "d" } , { } ] , "n" : [ "outcomes" , [ ] ] }',
    ];
    for (const text of texts) {
      for (let cut = 0; cut <= text.length; cut++) {
        const r = scanAll(text, [cut, cut + 3]);
        expect(r.outcomes, text).toEqual(JSON.parse(text).outcomes);
        expect(r.head, text).toEqual({ ...JSON.parse(text), outcomes: [] });
        expect(r.saw).toBe(true);
      }
    }
  });
  it('M1: names a session mismatch, every mismatch at once, and the office by id where the receipt gives no name', () => {
    const session = receiptMismatches(receipt({ session_id: 'S-2' }), ctx);
    expect(session).toEqual([expect.stringContaining('export session S-2, the bundle was exported in session S-1')]);
    const all = receiptMismatches(receipt({ source: { installation_id: 'I-2', office_id: 'O-2' }, tagmanifest_sha256: 'b'.repeat(64), session_id: 'S-2' }), {
      ...ctx,
      ledger: { ...ctx.ledger, office_id: 'O-9' },
    });
    expect(all).toEqual([
      'the receipt answers a bundle of installation I-2, but this installation is I-1',
      'the receipt answers a bundle of office O-2 (O-2), not North (O-1)',
      'bundle B-1 was exported by office O-9, not North (O-1)',
      `the receipt's tagmanifest hash ${'b'.repeat(64)} differs from the exported bundle's ${HASH}`,
      'the receipt names export session S-2, the bundle was exported in session S-1',
    ]);
    // no ledger row: nothing else of the ledger can be compared
    expect(receiptMismatches(receipt({ source: { installation_id: 'I-1', office_id: 'O-2', office_name: 'South' } }), { ...ctx, ledger: undefined })).toEqual([
      'the receipt answers a bundle of office South (O-2), not North (O-1)',
      "this installation's export ledger has no bundle B-1",
    ]);
  });

  it('M3: the outcome tally counts each record ref under its outcome and leaves party entries aside', () => {
    const n: Record<Outcome, number> = { created: 0, merged: 0, linked: 0, pending: 0, dropped: 0 };
    for (const o of [
      { ref: 'contact/C-1', outcome: 'created' },
      { ref: 'contact/C-2', outcome: 'created' },
      { ref: 'contact/C-3', outcome: 'pending' },
      { ref: 'policy/P-1', outcome: 'dropped' },
      { ref: 'policy/P-1#parties/0', outcome: 'dropped' },
      { ref: 'policy/P-2#parties/1', outcome: 'linked' },
      { ref: 'carrier/K-1', outcome: 'merged' },
    ] as const)
      countOutcome(n, o);
    expect(n).toEqual({ created: 2, merged: 1, linked: 0, pending: 1, dropped: 1 });
  });

  it('M2: riders and party entries travel inside their policy, case or account record, so they count as travelled with a travelled parent; positions (records of their own) and commissions (never exported) do not', () => {
    const parts = FINALIZE_PLAN.filter((s): s is Extract<Step, { op: 'with_parent' }> => s.op === 'with_parent');
    // hand-written from the bundle format: what each record carries inside it
    expect(Object.fromEntries(parts.map((s) => [`${s.table}.${s.column}`, s.withParent]))).toEqual({
      'positions.account_id': false,
      'policy_riders.policy_id': true,
      'policy_parties.policy_id': true,
      'case_parties.case_id': true,
      'account_parties.account_id': true,
      'commissions.policy_id': false,
      'commissions.case_id': false,
    });
    // and by a second route: the parent's record schema holds the part as a list (riders, parties)
    for (const s of parts) {
      const field = s.table.split('_').at(-1)!;
      const props = readSchema(s.parent as SchemaName).properties as Record<string, { type?: string }>;
      expect(props[field]?.type === 'array', `${s.table} inside ${s.parent}`).toBe(s.withParent);
    }
  });

  it('M1: its cases attached to commissions leave with a moved contact (only those), before the parts of removed records are selected', () => {
    const i = FINALIZE_PLAN.findIndex((s) => s.op === 'with_contact' && s.table === 'pending_cases');
    expect(FINALIZE_PLAN[i]).toEqual({
      op: 'with_contact',
      table: 'pending_cases',
      columns: ['primary_contact_id'],
      onlyIfNamedBy: { table: 'commissions', column: 'case_id' },
    });
    const firstPart = FINALIZE_PLAN.findIndex((s) => s.op === 'with_parent');
    expect(i).toBeLessThan(firstPart);
    // the other removals with a contact take every row naming it
    expect(FINALIZE_PLAN.filter((s) => s.op === 'with_contact' && s.onlyIfNamedBy).length).toBe(1);
  });

  it('M1, M3: the plan removes from each table once, in plan order, and only detaches from tables whose rows all stay', () => {
    const plan: Step[] = [
      { op: 'travelled', table: 'contacts', prefix: 'contact', owner: { column: 'id' } },
      { op: 'with_contact', table: 'leads', columns: ['contact_id'] },
      { op: 'with_contact', table: 'contacts', columns: ['referred_by_id'] },
      { op: 'detach', table: 'appointments', column: 'advisor_id' },
      { op: 'detach', table: 'contacts', column: 'primary_advisor_id' },
      { op: 'with_parent', table: 'positions', column: 'account_id', parent: 'investment_accounts', withParent: false },
      { op: 'detach', table: 'agent_contracts', column: 'advisor_id' },
    ];
    expect(removalTables(plan)).toEqual(['contacts', 'leads', 'positions']);
    expect(touchedTables(plan)).toEqual(['contacts', 'leads', 'appointments', 'positions', 'agent_contracts']);
    // the real plan: every removal table once; detach-only tables touched, never removed from
    const removed = removalTables();
    expect(new Set(removed).size).toBe(removed.length);
    expect(removed.slice(0, 10)).toEqual(Object.values(MOVABLE_PREFIXES));
    const touched = touchedTables();
    expect(new Set(touched).size).toBe(touched.length);
    expect(touched.filter((t) => !removed.includes(t))).toEqual(['agent_contracts', 'appointments']);
  });

  const counts = (over: Partial<FinalizeCounts> = {}): FinalizeCounts => ({ travelled: {}, not_travelled: {}, detached: {}, documents: 0, ...over });

  it('M1: the transfer log line counts moved contacts, all removed rows, those that did not travel, and the cut references', () => {
    const c = counts({
      travelled: { contacts: 3, policies: 4 },
      not_travelled: { leads: 5, commissions: 2 },
      detached: { 'contacts.referred_by_id': 6, 'policies.primary_contact_id': 1 },
      documents: 9,
    });
    expect(totalRemoved(c)).toBe(14);
    expect(summarize(c)).toBe('removed 3 moved contacts, 14 rows in all (7 that did not travel, archived); 7 references of staying records cut');
    expect(summarize(counts({ travelled: { contacts: 1 }, detached: { 'contacts.referred_by_id': 1 } }))).toBe(
      'removed 1 moved contact, 1 rows in all (0 that did not travel, archived); 1 reference of staying records cut',
    );
    // nothing of the contacts table: no moved contact
    expect(summarize(counts({ not_travelled: { leads: 2 } }))).toBe(
      'removed 0 moved contacts, 2 rows in all (2 that did not travel, archived); 0 references of staying records cut',
    );
    expect(totalRemoved(counts())).toBe(0);
  });

  it('L2: the dry run says what would be removed and cut', () => {
    expect(summarize(counts({ travelled: { contacts: 2 }, not_travelled: { leads: 1 }, detached: { 'contacts.referred_by_id': 2 } }), false)).toBe(
      'would remove 2 moved contacts, 3 rows in all (1 that did not travel, archived); 2 references of staying records would be cut',
    );
  });
  it('S1: a malformed receipt head names each bad field by its pointer and says what was expected', () => {
    expect(checkReceiptShape(null)).toEqual([{ pointer: '', message: 'expected a JSON object (a receipt written by officeport import)' }]);
    expect(checkReceiptShape('x')).toHaveLength(1);
    const p = checkReceiptShape({ receipt_version: 2, accept_id: '', bundle_id: 7, tagmanifest_sha256: 'A'.repeat(64), source: [], outcomes: {} });
    expect(p).toEqual([
      { pointer: '/receipt_version', message: 'expected 1, got 2' },
      { pointer: '/accept_id', message: 'expected a non-empty string' },
      { pointer: '/bundle_id', message: 'expected a non-empty string' },
      { pointer: '/session_id', message: 'expected a non-empty string' },
      { pointer: '/tagmanifest_sha256', message: 'expected 64 lower-case hex characters' },
      { pointer: '/source', message: 'expected an object' },
      { pointer: '/outcomes', message: 'expected an array' },
    ]);
    expect(checkReceiptShape({ ...receipt(), source: { installation_id: 1 } }).map((x) => [x.pointer, x.message])).toEqual([
      ['/source/installation_id', 'expected a string'],
      ['/source/office_id', 'expected a string'],
    ]);
    expect(checkReceiptShape({ ...receipt(), source: null }).map((x) => x.pointer)).toEqual(['/source']);
    for (const h of ['a'.repeat(63), 'a'.repeat(65), `x${'a'.repeat(64)}`, `${'a'.repeat(64)}\n`, 7]) {
      expect(
        checkReceiptShape({ ...receipt(), tagmanifest_sha256: h }).map((x) => x.pointer),
        String(h),
      ).toEqual(['/tagmanifest_sha256']);
    }
    expect(checkReceiptShape({ ...receipt(), tagmanifest_sha256: '0123456789abcdef'.repeat(4) })).toEqual([]);
  });

  it('S1: a malformed outcome is named at its index; a receipt with many bad outcomes lists the first 50 problems or so, not all', () => {
    expect(checkOutcomeShape('contact/C-1', 3)).toEqual([{ pointer: '/outcomes/3', message: 'expected an object' }]);
    expect(checkOutcomeShape([], 0)).toEqual([{ pointer: '/outcomes/0', message: 'expected an object' }]);
    expect(checkOutcomeShape({ ref: 7, outcome: 'moved' }, 2)).toEqual([
      { pointer: '/outcomes/2/ref', message: 'expected a bundle ref like "contact/C-1001", got 7' },
      { pointer: '/outcomes/2/outcome', message: 'expected one of created, merged, linked, pending, dropped, got "moved"' },
    ]);
    for (const ref of ['contact/', '/C-1', 'Contact/C-1', 'contact C-1', 'xcontact/C-1'.slice(1) + '\n']) {
      expect(
        checkOutcomeShape({ ref, outcome: 'created' }, 0).map((x) => x.pointer),
        ref,
      ).toEqual(['/outcomes/0/ref']);
    }
    for (const outcome of ['created', 'merged', 'linked', 'pending', 'dropped']) expect(checkOutcomeShape({ ref: 'census/E-1', outcome }, 0)).toEqual([]);
    const many = checkReceiptShape({ ...receipt(), outcomes: Array.from({ length: 100 }, () => ({ ref: 1, outcome: 'x' })) });
    expect(many).toHaveLength(50);
    expect(many.at(-1)!.pointer).toBe('/outcomes/24/outcome');
    // a head problem counts towards the cap too
    expect(checkReceiptShape({ ...receipt(), session_id: '', outcomes: Array.from({ length: 100 }, () => ({ ref: 1, outcome: 'x' })) })).toHaveLength(51);
  });

  it('M3: a confirmed ref needs a client record prefix and an id: catalogue, unknown or malformed refs are not records', () => {
    const conf = (ref: string) => [...confirmedRefs({ outcomes: [{ ref, outcome: 'created' }] })];
    expect(conf('census/E-1')).toEqual([{ prefix: 'census', id: 'E-1' }]);
    expect(conf('key_relation/K/1')).toEqual([{ prefix: 'key_relation', id: 'K/1' }]);
    for (const bad of ['contact/', 'contacts/C-1', 'constructor/x', '__proto__/x', 'C-1', 'Contact/C-1', 'contact/C-1#x']) expect(conf(bad), bad).toEqual([]);
  });
  it('M1: each kind of client record is confirmed in its own table, owned through a column that names a contact (positions through their account)', () => {
    const travelled = FINALIZE_PLAN.filter((s): s is Extract<Step, { op: 'travelled' }> => s.op === 'travelled');
    expect(travelled.map((s) => [s.prefix, s.table])).toEqual(Object.entries(MOVABLE_PREFIXES));
    const refOf = (t: string, c: string) => TABLES[t as keyof typeof TABLES].columns.find((x) => x.name === c)?.ref;
    for (const s of travelled) {
      if (s.prefix === 'contact') expect(s.owner).toEqual({ column: 'id' });
      else if (s.owner.via) {
        expect(refOf(s.table, s.owner.column), s.table).toBe(s.owner.via.table);
        expect(refOf(s.owner.via.table, s.owner.via.column), s.table).toBe('contacts');
      } else expect(refOf(s.table, s.owner.column), s.table).toBe('contacts');
    }
    // the owner is the record's own contact: its primary contact where it has one
    expect(travelled.filter((s) => ['policies', 'pending_cases', 'investment_accounts'].includes(s.table)).map((s) => s.owner.column)).toEqual([
      'primary_contact_id',
      'primary_contact_id',
      'primary_contact_id',
    ]);
    expect(travelled.find((s) => s.table === 'key_relations')!.owner.column).toBe('contact_id');
    expect(travelled.find((s) => s.table === 'employee_census')!.owner.column).toBe('business_id');
    expect(travelled.find((s) => s.table === 'positions')!.owner).toEqual({
      column: 'account_id',
      via: { table: 'investment_accounts', column: 'primary_contact_id' },
    });
  });
});
