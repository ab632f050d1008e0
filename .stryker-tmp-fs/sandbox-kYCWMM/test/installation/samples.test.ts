// @ts-nocheck
// The sample installations (D4) hold the situations the demo and the
// end-to-end tests rely on. These tests pin them, so that an edit to samples/
// that removes a case the README promises fails here first.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { ROOT, run, tmpDir } from '../helpers/cli.js';

type Row = Record<string, string>;
const SRC = path.join(ROOT, 'samples/source');
const TGT = path.join(ROOT, 'samples/target');

function rows(dir: string, file: string): Row[] {
  return Papa.parse<Row>(fs.readFileSync(path.join(dir, `${file}.csv`), 'utf8'), { header: true, skipEmptyLines: true }).data;
}
const digits = (s: string) => s.replace(/\D/g, '');
const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

const contacts = rows(SRC, 'contacts');
const setId = rows(SRC, 'sets').find((s) => s.name === 'Move to Springfield' && s.office_id === 'O-NORTH')!.id;
const moving = new Set(
  rows(SRC, 'set_members')
    .filter((m) => m.set_id === setId)
    .map((m) => m.contact_id),
);
const byId = new Map(contacts.map((c) => [c.id, c]));

describe('sample installations', () => {
  it('D4: both samples load with the real binary, as separate installations', () => {
    const work = tmpDir();
    for (const [dir, name] of [
      [SRC, 's'],
      [TGT, 't'],
    ] as const) {
      const db = path.join(work, `${name}.db`);
      const init = run(['init', '--db', db]);
      expect(init.code, init.stderr).toBe(0);
      const r = run(['load', dir, '--db', db]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(rows(SRC, 'installation')[0]!.id).not.toBe(rows(TGT, 'installation')[0]!.id);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('X1: exporter, importer, admins and a user without rights exist under the README names', () => {
    const users = [...rows(SRC, 'users'), ...rows(TGT, 'users')];
    const rights = (u: string) => (users.find((x) => x.username === u)?.rights ?? '').split(';').filter(Boolean);
    expect(rights('alice')).toEqual(['data_export', 'export_contacts_to_office']);
    expect(rights('dana')).toEqual(['data_import']);
    expect(rights('bob')).toEqual(['data_import']);
    expect(rights('norights')).toEqual([]);
    expect(rights('eve')).toEqual([]);
    for (const a of ['radmin', 'nadmin', 'sadmin', 'madmin', 'rsadmin', 'tadmin']) expect(rights(a), a).toContain('admin');
  });

  it('X2: "Move to Springfield" holds six individuals and a business; "Empty Set" has no members', () => {
    const kinds = [...moving].map((id) => byId.get(id)!.kind).sort();
    expect(kinds).toEqual(['business', 'individual', 'individual', 'individual', 'individual', 'individual', 'individual']);
    const empty = rows(SRC, 'sets').find((s) => s.name === 'Empty Set')!;
    expect(rows(SRC, 'set_members').some((m) => m.set_id === empty.id)).toBe(false);
    expect(contacts.some((c) => c.office_id === 'O-NORTH' && !moving.has(c.id))).toBe(true);
  });

  it('D4: the source sample holds the X3/X4/X8 cases (set members primary on some records, only party entries on others); reads the CSV only', () => {
    const policies = rows(SRC, 'policies');
    expect(policies.filter((p) => moving.has(p.primary_contact_id)).length).toBeGreaterThanOrEqual(5);
    const outsidePolicies = new Set(policies.filter((p) => !moving.has(p.primary_contact_id)).map((p) => p.id));
    expect(rows(SRC, 'policy_parties').some((p) => outsidePolicies.has(p.policy_id) && moving.has(p.contact_id))).toBe(true);
    const moved = new Set(policies.filter((p) => moving.has(p.primary_contact_id)).map((p) => p.id));
    expect(rows(SRC, 'policy_parties').some((p) => moved.has(p.policy_id) && !moving.has(p.contact_id))).toBe(true);
    expect(rows(SRC, 'pending_cases').some((c) => moving.has(c.primary_contact_id))).toBe(true);
    expect(rows(SRC, 'investment_accounts').some((a) => moving.has(a.primary_contact_id))).toBe(true);
    expect([...moving].some((id) => byId.get(id)!.primary_advisor_id)).toBe(true);
  });

  it('D4: the source sample holds the X5/X6/X7 cases (letters of each kind, relations in and out of the set, census employees here, in the target and nowhere); reads the CSV only', () => {
    const letters = rows(SRC, 'letters').filter((l) => l.contact_id === 'C-1101');
    expect(letters.map((l) => [l.kind, l.recipient_contact_id === l.contact_id, Boolean(l.document)])).toEqual([
      ['letter', true, true],
      ['letter', false, true],
      ['email', true, false],
    ]);
    const rel = rows(SRC, 'key_relations');
    expect(rel.some((r) => moving.has(r.contact_id) && moving.has(r.related_contact_id))).toBe(true);
    expect(rel.some((r) => moving.has(r.contact_id) && !moving.has(r.related_contact_id))).toBe(true);
    const employees = rows(SRC, 'employee_census').map((e) => byId.get(e.employee_contact_id)!);
    const target = rows(TGT, 'contacts');
    const inTarget = (c: Row) =>
      target.some((t) => norm(t.first_name) === norm(c.first_name) && norm(t.last_name) === norm(c.last_name) && t.birth_date === c.birth_date);
    expect(employees.filter((e) => moving.has(e.id)).length).toBe(1);
    expect(employees.filter((e) => !moving.has(e.id) && inTarget(e)).length).toBe(1);
    expect(employees.filter((e) => !moving.has(e.id) && !inTarget(e)).length).toBe(1);
  });

  it('X10: every excluded kind is present for a set member', () => {
    const has = (file: string, col = 'contact_id') => rows(SRC, file).some((r) => moving.has(r[col]!));
    for (const f of ['leads', 'event_invitations', 'proposals']) expect(has(f), f).toBe(true);
    expect(rows(SRC, 'letters').some((l) => moving.has(l.contact_id) && l.kind === 'email')).toBe(true);
    expect([...moving].some((id) => byId.get(id)!.referred_by_id)).toBe(true);
    expect([...moving].some((id) => byId.get(id)!.kind === 'business' && byId.get(id)!.custom)).toBe(true);
    const cases = rows(SRC, 'pending_cases')
      .filter((c) => moving.has(c.primary_contact_id))
      .map((c) => c.id);
    expect(rows(SRC, 'commissions').some((c) => cases.includes(c.case_id))).toBe(true);
    expect(rows(SRC, 'investment_accounts').some((a) => moving.has(a.primary_contact_id) && a.asset_allocation && a.performance && a.custom)).toBe(true);
    expect(rows(SRC, 'positions').some((p) => p.custom)).toBe(true);
    expect(rows(SRC, 'policies').some((p) => moving.has(p.primary_contact_id) && p.line_of_business === 'annuity' && p.custom)).toBe(true);
  });

  it('D4: the target sample holds the I3/I4/I7 cases (a tax-id match, a name match, an ambiguous pair, a listed party, a census employee); reads the CSV only', () => {
    const target = rows(TGT, 'contacts');
    const nguyen = byId.get('C-1104')!;
    const byTax = target.filter((t) => t.tax_id && digits(t.tax_id) === digits(nguyen.tax_id));
    expect(byTax).toHaveLength(1);
    expect(byTax[0]!.tax_id).not.toBe(nguyen.tax_id);
    const sameName = (c: Row) =>
      target.filter((t) => norm(t.first_name) === norm(c.first_name) && norm(t.last_name) === norm(c.last_name) && t.birth_date === c.birth_date);
    const vd = sameName(byId.get('C-1105')!);
    expect(vd).toHaveLength(1);
    expect(vd[0]!.last_name).not.toBe('Van Dyke');
    expect(sameName(byId.get('C-1106')!)).toHaveLength(2);
    const susan = byId.get('C-1301')!;
    expect(target.some((t) => t.tax_id && digits(t.tax_id) === digits(susan.tax_id))).toBe(true);
    expect(rows(SRC, 'policy_parties').some((p) => p.contact_id === 'C-1301')).toBe(true);
    expect(byTax[0]!.email).toBe('');
    expect(byTax[0]!.phone).not.toBe(nguyen.phone);
  });

  it('I5: the target catalogue shares some exact names with the source, and not others', () => {
    const names = (dir: string) => new Set(rows(dir, 'carriers').map((c) => c.name));
    const shared = [...names(SRC)].filter((n) => names(TGT).has(n));
    expect(shared).toEqual(expect.arrayContaining(['Summit Mutual Life', 'Pacific Crest Annuity', 'Hometown Benefit Society']));
    expect(names(TGT).has('Granite State Insurance')).toBe(false);
  });

  it('D4: the source sample holds the R1/R5/R8 cases (North Agency: exact, near and unmatched local content; Maple Agency (CA): a local carrier); reads the CSV only', () => {
    const offices = rows(SRC, 'offices');
    expect(offices.find((o) => o.name === 'Maple Agency')!.region).toBe('CA');
    expect(rows(SRC, 'carriers').some((c) => c.office_id === 'O-MAPLE')).toBe(true);
    for (const file of ['carriers', 'riders', 'service_providers']) {
      const all = rows(SRC, file);
      const res = all.filter((r) => r.office_id === 'O-RES').map((r) => r.name);
      const local = all.filter((r) => r.office_id === 'O-NORTH').map((r) => r.name);
      expect(
        local.some((n) => res.includes(n)),
        `${file} exact`,
      ).toBe(true);
      expect(
        local.some((n) => !res.includes(n) && res.some((r) => norm(r) === norm(n))),
        `${file} near`,
      ).toBe(true);
      expect(
        local.some((n) => !res.some((r) => norm(r) === norm(n))),
        `${file} none`,
      ).toBe(true);
    }
    const products = rows(SRC, 'products')
      .filter((p) => p.carrier_id === 'CL-1')
      .map((p) => p.name);
    expect(products).toEqual(['Summit Term 20', 'Summit Whole Life 1998', 'summit universal life']);
    for (const f of ['carrier_contacts', 'agent_contracts', 'appointments', 'policies', 'pending_cases']) {
      expect(
        rows(SRC, f).some((r) => r.carrier_id === 'CL-1'),
        f,
      ).toBe(true);
    }
  });

  it('D4: the README maps every rule group to sample rows', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'samples/README.md'), 'utf8');
    const ids = [
      ...Array.from({ length: 12 }, (_, i) => `X${i + 1}`),
      ...Array.from({ length: 13 }, (_, i) => `I${i + 1}`),
      ...Array.from({ length: 4 }, (_, i) => `M${i + 1}`),
      ...Array.from({ length: 12 }, (_, i) => `R${i + 1}`),
    ];
    for (const id of ids) expect(readme, id).toMatch(new RegExp(`\\| ${id} \\|`));
  });
});
