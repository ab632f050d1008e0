// @ts-nocheck
// inspect (V2) through the real binary on a fixture bundle: header, counts,
// exclusions with reasons, catalogue by origin, stubs, documents; no tax id shown.
import { beforeAll, describe, expect, it } from 'vitest';
import { maskTaxId } from '../../src/domain/matching.js';
import path from 'node:path';
import { ROOT, run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';
import { BUNDLE_ID, CREATED_AT, exportWith, loadedDb } from '../fixtures/export/kit.js';

let zip: string;

beforeAll(() => {
  const r = exportWith(loadedDb(), ['--bundle-id', BUNDLE_ID, '--created-at', CREATED_AT]);
  expect(r.code, r.stderr).toBe(0);
  zip = r.out;
});

const TAX_IDS = ['111-22-3333', '111223333', '222-33-4444', '12-3456789', '333-44-5555', '444-55-6666', '444556666'];

describe('inspect', () => {
  it('V2: --json holds header, counts, exclusions with reasons, catalogue by origin, stubs and documents', () => {
    const r = run(['inspect', zip, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.verification.valid).toBe(true);
    expect(j.header).toMatchObject({
      bundle_id: BUNDLE_ID,
      created_at: CREATED_AT,
      source: { office_name: 'Fixture Agency' },
      target: { office: 'TG', user: 'imp' },
    });
    expect(j.header.stub_salt).toBeUndefined();
    expect(j.counts).toMatchObject({ contacts: 3, stubs: 3, policies: 2, documents: 1 });
    expect(j.exclusions).toContainEqual({
      rule: 'other_contact_stays',
      what: 'key_relations',
      count: 3,
      reason: expect.stringMatching(/other contact is not exported/),
    });
    expect(j.exclusions).toContainEqual(expect.objectContaining({ rule: 'never_exported', what: 'cases_attached_to_commissions', count: 1 }));
    expect(j.exclusions.every((e: { count: number }) => e.count > 0)).toBe(true);
    expect(j.catalogue.carriers).toEqual({
      source_office: [{ ref: 'carrier/CR-L', name: 'Local Carrier' }],
      parent_office: [{ ref: 'carrier/CR-R', name: 'Res Carrier' }],
    });
    expect(j.catalogue.products.parent_office).toEqual([{ ref: 'product/PR-R', name: 'Res Term', carrier: 'carrier/CR-R' }]);
    expect(j.stubs.total).toBe(3);
    expect(j.stubs.shown).toContainEqual({ ref: 'contact/E1', kind: 'individual', name: 'Eve Employee', birth_date: '1990-09-10', tax_id: 'salted hash' });
    expect(j.contacts.shown).toContainEqual(expect.objectContaining({ ref: 'contact/A1', tax_id: '***-**-3333' }));
    expect(j.documents).toEqual({ count: 1, bytes: 29 });
  });

  it('V2: the text view names each section and shows no tax id', () => {
    const r = run(['inspect', zip]);
    expect(r.code, r.stderr).toBe(0);
    for (const s of ['bundle ' + BUNDLE_ID, 'not exported', 'parent_office', 'source_office', 'stubs', 'documents: 1 files, 29 bytes', '***-**-3333'])
      expect(r.stdout).toContain(s);
    for (const t of TAX_IDS) expect(r.stdout + r.stderr).not.toContain(t);
    expect(run(['inspect', zip, '--json']).stdout).not.toMatch(new RegExp(TAX_IDS.join('|')));
  });

  it('V2: tax ids are masked to the last four digits; an id of four digits or fewer shows none', () => {
    expect(maskTaxId('123-45-6789')).toBe('***-**-6789');
    expect(maskTaxId('12345')).toBe('***-**-2345');
    expect(maskTaxId('1234')).toBe('***-**-****');
    expect(maskTaxId('12')).toBe('***-**-****');
    expect(maskTaxId('')).toBe('');
    for (const id of ['123-45-6789', '12']) expect(maskTaxId(maskTaxId(id))).toBe(maskTaxId(id));
  });

  it("V6: the binary shows a business contact's EIN masked as an EIN, a person's SSN as an SSN", () => {
    const dir = tmpDir();
    const db = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const out = path.join(dir, 'move.zip');
    const e = run(
      ['export', '--db', db, '--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield'].concat([
        '--to-office',
        'Springfield Agency',
        '--to-user',
        'dana',
        '--out',
        out,
      ]),
    );
    expect(e.code, e.stderr).toBe(0);
    const r = run(['inspect', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/contact\/C-1201 +business +Smith Family Bakery LLC +\*\*-\*\*\*6789\n/);
    expect(r.stdout).toMatch(/contact\/C-1101 +individual +John Andrew Smith +1970-03-14 +\*\*\*-\*\*-6789\n/);
    expect(r.stdout).not.toContain('12-3456789');
    const j = JSON.parse(run(['inspect', out, '--json']).stdout);
    expect(j.contacts.shown).toContainEqual(expect.objectContaining({ ref: 'contact/C-1201', tax_id: '**-***6789' }));
  });

  it('V2: a file that is not a bundle is refused with exit 1', () => {
    const r = run(['inspect', path.join(ROOT, 'package.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be inspected|not a zip|zip/i);
  });
});
