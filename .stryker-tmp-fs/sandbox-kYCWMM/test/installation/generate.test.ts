// @ts-nocheck
// `officeport generate` (D5): deterministic for a seed, streamed to a folder
// that appears whole, and rich enough to exercise the export and realign rules.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticRows } from '../../src/domain/synthetic.js';
import { TABLES, TABLE_NAMES, type TableName } from '../../src/domain/model/tables.js';
import { run, tmpDir } from '../helpers/cli.js';

type Row = Record<string, string>;

function readTable(dir: string, t: TableName): Row[] {
  const text = fs.readFileSync(path.join(dir, TABLES[t].file), 'utf8');
  return Papa.parse<Row>(text, { header: true, skipEmptyLines: true }).data;
}

function allFiles(root: string, rel = ''): string[] {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? allFiles(root, r) : [r];
  });
}

let work: string;
let dirA: string;
let json: { rows: Record<string, number>; total: number; contacts: number; documents: number };

beforeAll(() => {
  work = tmpDir();
  dirA = path.join(work, 'a');
  const r = run(['generate', dirA, '--contacts', '3000', '--seed', '42', '--json']);
  expect(r.code, r.stderr).toBe(0);
  json = JSON.parse(r.stdout);
}, 60_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('generate: determinism and files', () => {
  it('D5: the same seed gives byte-identical files', () => {
    const dirB = path.join(work, 'b');
    const r = run(['generate', dirB, '--contacts', '3000', '--seed', '42']);
    expect(r.code, r.stderr).toBe(0);
    const files = allFiles(dirA).sort();
    expect(allFiles(dirB).sort()).toEqual(files);
    for (const f of files) {
      expect(fs.readFileSync(path.join(dirB, f)).equals(fs.readFileSync(path.join(dirA, f))), f).toBe(true);
    }
  }, 60_000);

  it('D5: a different seed gives different data', () => {
    const dirC = path.join(work, 'c');
    const r = run(['generate', dirC, '--contacts', '3000', '--seed', '43']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dirC, 'contacts.csv'), 'utf8')).not.toBe(fs.readFileSync(path.join(dirA, 'contacts.csv'), 'utf8'));
  }, 60_000);

  it('D5: the row stream is a pure function of the options', () => {
    const take = (seed: string) => JSON.stringify([...syntheticRows({ contacts: 300, seed, offices: 2 })]);
    expect(take('x')).toBe(take('x'));
    expect(take('x')).not.toBe(take('y'));
  });

  it('D5: writes every table with the header of tables.ts and reports the counts it wrote', () => {
    for (const name of TABLE_NAMES) {
      const text = fs.readFileSync(path.join(dirA, TABLES[name].file), 'utf8');
      expect(text.split('\n')[0]).toBe(TABLES[name].columns.map((c) => c.name).join(','));
      expect(readTable(dirA, name).length, name).toBe(json.rows[name]);
    }
    expect(json.contacts).toBe(3000);
    expect(json.documents).toBe(allFiles(path.join(dirA, 'documents')).length);
    const perContact = json.total / json.contacts;
    expect(perContact).toBeGreaterThan(10);
    expect(perContact).toBeLessThan(14);
  });

  it('D5: refuses a non-empty folder and leaves it untouched', () => {
    const dir = path.join(work, 'busy');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'mine');
    const r = run(['generate', dir, '--contacts', '10']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not an empty folder/);
    expect(fs.readdirSync(dir)).toEqual(['keep.txt']);
    expect(fs.readdirSync(work).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('D5: a bad --contacts is a usage error (exit 2)', () => {
    const r = run(['generate', path.join(work, 'zero'), '--contacts', '0']);
    expect(r.code).toBe(2);
    expect(fs.existsSync(path.join(work, 'zero'))).toBe(false);
  });
});

describe('generate: the data exercises the rules', () => {
  it('D5: offices, users and a catalogue for the R rules (exact, near and no match; a CA office)', () => {
    const offices = readTable(dirA, 'offices');
    const resource = offices.find((o) => o.kind === 'resource')!;
    expect(resource.region).toBe('US');
    expect(offices.filter((o) => o.kind === 'agency' && o.parent_id === resource.id && o.region === 'US').length).toBe(3);
    const ca = offices.find((o) => o.region === 'CA')!;
    expect(ca.parent_id).toBe(resource.id);
    const users = readTable(dirA, 'users');
    for (const r of ['admin', 'data_export;export_contacts_to_office', 'data_import'])
      expect(
        users.some((u) => u.rights === r),
        r,
      ).toBe(true);

    const carriers = readTable(dirA, 'carriers');
    const resourceNames = new Set(carriers.filter((c) => c.office_id === resource.id).map((c) => c.name));
    const local = carriers.filter((c) => c.office_id === 'O-1');
    const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');
    expect(
      local.some((c) => resourceNames.has(c.name)),
      'R5 exact carrier',
    ).toBe(true);
    expect(
      local.some((c) => !resourceNames.has(c.name) && [...resourceNames].some((r) => norm(r) === norm(c.name))),
      'R8 near carrier',
    ).toBe(true);
    expect(
      local.some((c) => ![...resourceNames].some((r) => norm(r) === norm(c.name))),
      'R9 no match',
    ).toBe(true);
    expect(
      carriers.some((c) => c.office_id === ca.id),
      'R1 local carrier in the CA office',
    ).toBe(true);
    for (const t of ['carrier_contacts', 'agent_contracts', 'appointments'] as const) {
      expect(
        readTable(dirA, t).some((r) => r.carrier_id?.startsWith('CL-')),
        `${t} on local carriers`,
      ).toBe(true);
    }
    const policies = readTable(dirA, 'policies');
    expect(policies.some((p) => p.carrier_id.startsWith('CL-')) && policies.some((p) => p.carrier_id.startsWith('CR-')), 'X9').toBe(true);
  });

  it('D5: generated sets, party lists, relations and census reach outside the sets (the data X2, X6, X7, X8 need; reads the files only)', () => {
    const sets = readTable(dirA, 'sets');
    expect(sets.some((s) => s.name.startsWith('Move batch'))).toBe(true);
    expect(sets.some((s) => s.name.startsWith('Book of'))).toBe(true);
    const members = readTable(dirA, 'set_members');
    const moveIds = new Set(sets.filter((s) => s.name.startsWith('Move batch')).map((s) => s.id));
    const moving = new Set(members.filter((m) => moveIds.has(m.set_id)).map((m) => m.contact_id));
    const policies = readTable(dirA, 'policies');
    const movedPolicies = new Set(policies.filter((p) => moving.has(p.primary_contact_id)).map((p) => p.id));
    const parties = readTable(dirA, 'policy_parties');
    expect(
      parties.some((p) => movedPolicies.has(p.policy_id) && !moving.has(p.contact_id)),
      'X8 stub-worthy entry',
    ).toBe(true);
    expect(parties.some((p) => movedPolicies.has(p.policy_id) && moving.has(p.contact_id) && p.list === 'relationship')).toBe(true);
    for (const t of ['case_parties', 'account_parties'] as const) expect(readTable(dirA, t).length, t).toBeGreaterThan(0);
    const rel = readTable(dirA, 'key_relations');
    expect(
      rel.some((r) => moving.has(r.contact_id) && moving.has(r.related_contact_id)),
      'X6 both ends',
    ).toBe(true);
    expect(
      rel.some((r) => moving.has(r.contact_id) && !moving.has(r.related_contact_id)),
      'X6 one end',
    ).toBe(true);
    const census = readTable(dirA, 'employee_census');
    expect(
      census.some((c) => moving.has(c.business_id) && !moving.has(c.employee_contact_id)),
      'X7',
    ).toBe(true);
  });

  it('D5: letters of both kinds, documents, and everything X10 excludes', () => {
    const letters = readTable(dirA, 'letters');
    expect(letters.some((l) => l.kind === 'email')).toBe(true);
    expect(
      letters.some((l) => l.kind === 'letter' && l.recipient_contact_id !== l.contact_id),
      'X5 letter to someone else',
    ).toBe(true);
    const withDoc = letters.filter((l) => l.document);
    expect(withDoc.length).toBeGreaterThan(0);
    for (const l of withDoc) expect(fs.existsSync(path.join(dirA, 'documents', l.document!)), l.document).toBe(true);
    for (const t of ['leads', 'event_invitations', 'proposals', 'smartpad', 'activities', 'commissions', 'positions'] as const) {
      expect(readTable(dirA, t).length, t).toBeGreaterThan(0);
    }
    const contacts = readTable(dirA, 'contacts');
    expect(contacts.some((c) => c.referred_by_id)).toBe(true);
    expect(contacts.some((c) => c.primary_advisor_id)).toBe(true);
    expect(contacts.some((c) => c.kind === 'business' && c.custom)).toBe(true);
    expect(contacts.some((c) => c.kind === 'individual' && /^\d{3}-\d{2}-\d{4}$/.test(c.tax_id ?? ''))).toBe(true);
    for (const t of ['policies', 'investment_accounts', 'positions', 'pending_cases'] as const) {
      expect(
        readTable(dirA, t).some((r) => r.custom && JSON.parse(r.custom)),
        `custom on ${t}`,
      ).toBe(true);
    }
    const accounts = readTable(dirA, 'investment_accounts');
    expect(accounts.some((a) => a.asset_allocation) && accounts.some((a) => a.performance)).toBe(true);
    expect(
      readTable(dirA, 'commissions').some((c) => c.case_id),
      'a pending case attached to commissions',
    ).toBe(true);
  });
});
