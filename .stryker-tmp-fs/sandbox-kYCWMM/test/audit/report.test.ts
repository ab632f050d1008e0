// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { dryRunFromOutcomes, renderHtmlReport, type AuditReport } from '../../src/audit/html-report.js';

const EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>';

function report(over: Partial<AuditReport> = {}): AuditReport {
  return {
    file: 'move.zip',
    generatedAt: '2025-04-02T10:00:00Z',
    header: {
      format_version: '1.0',
      bundle_id: 'b-1',
      session_id: 's-1',
      created_at: '2025-04-01T09:30:00Z',
      tool_version: '0.1.0',
      source: { installation_name: 'Lakeside', office_name: 'North Agency', office_id: 'O-NORTH', username: 'alice' },
      target: { office: 'Springfield Agency', user: 'dana' },
      selection: { mode: 'set', set: 'Move to Springfield' },
      counts: { contacts: 7, policies: 5, stubs: 2, documents: 3 },
    },
    exclusions: [
      { rule: 'never_exported', what: 'leads', count: 4, reason: 'leads are never exported' },
      { rule: 'never_exported', what: 'email_messages', count: 2, reason: 'e-mail messages are never exported, only letters' },
      { rule: 'other_contact_stays', what: 'key_relations', count: 1, reason: 'key relations whose other contact is not exported stay behind' },
    ],
    verification: { valid: true, problems: [] },
    contacts: [{ ref: 'contact/C-1', kind: 'individual', name: 'John Smith', birth_date: '1970-03-14', tax_id: '123-45-6789' }],
    catalogue: [
      { type: 'carriers', ref: 'carrier/CA-1', name: 'Summit Mutual Life', origin: 'parent_office' },
      { type: 'products', ref: 'product/PR-1', name: 'Term 20', origin: 'source_office', carrier: 'carrier/CA-1' },
    ],
    stubs: [{ ref: 'contact/C-9', kind: 'individual', name: 'Robert Hale', has_tax_id_hash: true }],
    documents: [{ path: `data/documents/${'a'.repeat(64)}`, name: 'review.txt', size: 274, letter: 'letter/L-1' }],
    ...over,
  };
}

describe('HTML audit report (renderer)', () => {
  it('V3: bundle text cannot inject markup: a contact named <script> is shown as text', () => {
    const r = report({
      contacts: [{ ref: 'contact/C-1', name: EVIL, tax_id: EVIL }],
      header: { ...report().header, bundle_id: EVIL, selection: { mode: 'set', set: EVIL } },
      exclusions: [{ rule: EVIL, what: EVIL, count: 1, reason: EVIL }],
      catalogue: [{ type: 'carriers', ref: EVIL, name: EVIL, origin: EVIL }],
      stubs: [{ ref: EVIL, name: EVIL }],
      documents: [{ path: EVIL, name: EVIL }],
      verification: { valid: false, problems: [EVIL] },
      dryRun: {
        office: EVIL,
        user: EVIL,
        outcomes: { [EVIL]: 1 },
        conflicts: [{ ref: EVIL, field: EVIL, incoming: EVIL, kept: EVIL }],
        dropped: [{ record: EVIL, reason: EVIL }],
        pending: [{ record: EVIL, reason: EVIL }],
        ambiguous: [{ ref: EVIL, candidates: [EVIL] }],
      },
    });
    const html = renderHtmlReport(r);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('V3: self-contained: no external URL, link, script or font; a CSP forbids fetching anything', () => {
    const html = renderHtmlReport(report());
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<(script|link|iframe|object|embed|img)\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|@font-face|url\(/i);
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg'])); // the SVG namespace name, never fetched
    expect(html).toContain('@media print');
  });

  it('V3: counts are drawn as an SVG bar chart with the numbers written out', () => {
    const html = renderHtmlReport(report());
    const chart = html.slice(html.indexOf('<section id="counts">'), html.indexOf('</section>', html.indexOf('<section id="counts">')));
    expect(chart).toContain('<svg');
    expect((chart.match(/<rect /g) ?? []).length).toBe(4);
    expect(chart).toContain('>Policies</text>');
    expect(chart).toMatch(/class="val">7</);
  });

  it('V3: exclusions are listed with a plain-language reason, grouped by why they stay behind', () => {
    const html = renderHtmlReport(report());
    expect(html).toContain('leads are never exported');
    expect(html).toContain('<figcaption>Records left behind by reason</figcaption>');
    expect(html).toContain('never exported: 2 kinds of data');
    expect(html).toMatch(/<td>key relations<\/td><td class="num">1<\/td>/);
  });

  it('V3: tax ids are masked to their last four digits', () => {
    const html = renderHtmlReport(
      report({
        dryRun: {
          office: 'Springfield Agency',
          user: 'dana',
          outcomes: { merged: 1 },
          conflicts: [{ ref: 'contact/C-1', field: 'tax_id', incoming: '987-65-4321', kept: '111-22-3333' }],
          dropped: [],
          pending: [],
          ambiguous: [],
        },
      }),
    );
    expect(html).toContain('***-**-6789');
    expect(html).not.toContain('123-45-6789');
    expect(html).not.toContain('987-65-4321');
    expect(html).toContain('***-**-4321');
    expect(html).not.toContain('111-22-3333');
  });

  it('V3: long lists are capped and say how many more there are', () => {
    const contacts = Array.from({ length: 1000 }, (_, i) => ({ ref: `contact/C-${i}`, name: `Person ${i}` }));
    const html = renderHtmlReport(report({ contacts, contactTotal: 100_000, rowCap: 50 }));
    const section = html.slice(html.indexOf('<section id="contacts">'), html.indexOf('</section>', html.indexOf('<section id="contacts">')));
    expect((section.match(/<tr>/g) ?? []).length).toBe(51); // header + 50
    expect(section).toContain('data-more="99950"');
    expect(section).toContain('99,950 more not listed (100,000 in all)');
  });

  it('V3: the dry run lists every conflict, dropped entry, pending relation and ambiguous match', () => {
    const html = renderHtmlReport(
      report({
        dryRun: {
          office: 'Springfield Agency',
          user: 'dana',
          outcomes: { created: 5, merged: 2, dropped: 1, pending: 1 },
          conflicts: [{ ref: 'contact/C-1102', target_id: 'TC-5', field: 'phone', incoming: '217-555-0112', kept: '217-555-9999' }],
          dropped: [
            { record: 'policy/P-1', list: 'advisor', role: 'writing_agent', contact: 'contact/C-1001', reason: 'contact not present in the target office' },
          ],
          pending: [{ record: 'key_relation/KR-3', reason: 'contact/C-1400 in a later bundle of the session' }],
          ambiguous: [{ ref: 'contact/C-1105', name: 'Pat Lee', candidates: ['TC-7', 'TC-8'] }],
        },
      }),
    );
    const dry = html.slice(html.indexOf('<section id="dry-run">'));
    for (const s of [
      '217-555-9999',
      'writing_agent',
      'contact not present in the target office',
      'key_relation/KR-3',
      'TC-7, TC-8',
      'Merge conflicts (1)',
      'Ambiguous matches (1)',
    ]) {
      expect(dry).toContain(s);
    }
    expect(dry).toContain('<svg');
    expect(dry).toContain('Dropped entries (1)');
    expect(renderHtmlReport(report())).not.toContain('id="dry-run"');
  });

  it("V6: a merge conflict's tax ids are masked by the contact's kind: nine bare digits of a business as an EIN, of a person as an SSN", () => {
    const outcomes = [
      {
        ref: 'contact/B-1',
        outcome: 'merged',
        target_id: 'TB-1',
        conflicts: [{ field: 'tax_id', target: '987654321', incoming: '12-3456789', kind: 'business' }],
      },
      {
        ref: 'contact/C-1',
        outcome: 'merged',
        target_id: 'TC-1',
        conflicts: [{ field: 'tax_id', target: '111223333', incoming: '987-65-4321', kind: 'individual' }],
      },
    ];
    const d = dryRunFromOutcomes('Springfield Agency', 'dana', outcomes);
    expect(d.conflicts.map((c) => c.kind)).toEqual(['business', 'individual']);
    const html = renderHtmlReport(report({ dryRun: d }));
    expect(html).toContain('<td>**-***4321</td>');
    expect(html).toContain('<td>**-***6789</td>');
    expect(html).toContain('<td>***-**-3333</td>');
    expect(html).toContain('<td>***-**-4321</td>');
    for (const clear of ['987654321', '3456789', '111223333', '987-65-4321']) expect(html).not.toContain(clear);
  });

  it('V3: the dry-run section is built from receipt-style decisions with exact totals beyond the cap', () => {
    const outcomes = [
      { ref: 'contact/C-1', outcome: 'merged', target_id: 'TC-1', conflicts: [{ field: 'phone', target: '1', incoming: '2' }] },
      { ref: 'contact/C-2', outcome: 'created', candidates: ['TC-7', 'TC-8'] },
      ...Array.from({ length: 5 }, (_, i) => ({
        ref: `party/${i}`,
        outcome: 'dropped',
        record: `policy/P-${i}`,
        list: 'advisor',
        contact: 'contact/C-9',
        reason: 'not in target',
      })),
      { ref: 'key_relation/KR-1', outcome: 'pending', reason: 'contact/C-5 arrives later' },
    ];
    const d = dryRunFromOutcomes('Springfield Agency', 'dana', outcomes, 3);
    expect(d.outcomes).toEqual({ merged: 1, created: 1, dropped: 5, pending: 1 });
    expect(d.dropped).toHaveLength(3);
    expect(d.totals).toEqual({ conflicts: 1, dropped: 5, pending: 1, ambiguous: 1 });
    const html = renderHtmlReport(report({ dryRun: d, rowCap: 3 }));
    expect(html).toContain('Dropped entries (5)');
    expect(html).toContain('data-more="2"');
    expect(html).toContain('TC-7, TC-8');
  });
});
