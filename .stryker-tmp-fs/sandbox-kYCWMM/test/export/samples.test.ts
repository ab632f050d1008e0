// @ts-nocheck
// End to end on samples/source as a user would run it (samples/README.md):
// what the rules say must travel is present, what must not is absent, computed
// here straight from the CSV files.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, ROOT } from '../helpers/cli.js';
import { exportWith, loadedDb, readHeader, readRecords, refs, unzipBundle } from '../fixtures/export/kit.js';

const SRC = path.join(ROOT, 'samples/source');
const csv = (f: string): Record<string, string>[] =>
  fs.existsSync(path.join(SRC, f))
    ? Papa.parse<Record<string, string>>(fs.readFileSync(path.join(SRC, f), 'utf8'), { header: true, skipEmptyLines: true }).data
    : [];

const SAMPLE = ['--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana'];

let db: string;
let zip: string;
let bag: string;
let members: Set<string>;

beforeAll(() => {
  db = loadedDb(SRC);
  const r = exportWith(db, SAMPLE);
  expect(r.code, r.stderr).toBe(0);
  zip = r.out;
  bag = unzipBundle(zip);
  const set = csv('sets.csv').find((s) => s.name === 'Move to Springfield')!;
  members = new Set(
    csv('set_members.csv')
      .filter((m) => m.set_id === set.id)
      .map((m) => m.contact_id!),
  );
});

describe('export of the samples', () => {
  it('X2: the sample set goes, 7 members, and the bundle verifies', () => {
    expect(refs(bag, 'contacts')).toEqual([...members].sort().map((id) => `contact/${id}`));
    expect(members.size).toBe(7);
    const v = run(['verify', zip]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('X3, X10: policies and accounts of the members go; cases attached to commissions do not', () => {
    const ids = (rows: Record<string, string>[]) =>
      rows
        .filter((r) => members.has(r.primary_contact_id!))
        .map((r) => r.id!)
        .sort();
    expect(refs(bag, 'policies')).toEqual(ids(csv('policies.csv')).map((id) => `policy/${id}`));
    expect(refs(bag, 'investment_accounts')).toEqual(ids(csv('investment_accounts.csv')).map((id) => `account/${id}`));
    const attached = new Set(
      csv('commissions.csv')
        .map((c) => c.case_id)
        .filter(Boolean),
    );
    const cases = ids(csv('pending_cases.csv'));
    expect(refs(bag, 'pending_cases')).toEqual(cases.filter((id) => !attached.has(id)).map((id) => `case/${id}`));
    expect(readHeader(bag).exclusions.X10.cases_attached_to_commissions).toBe(cases.filter((id) => attached.has(id)).length);
  });

  it('X5: only letters sent to the member go; e-mails and letters to others stay', () => {
    const letters = csv('letters.csv').filter((l) => members.has(l.contact_id!));
    const going = letters.filter((l) => l.kind === 'letter' && l.recipient_contact_id === l.contact_id).map((l) => `letter/${l.id}`);
    expect(refs(bag, 'letters')).toEqual(going.sort());
    expect(readHeader(bag).exclusions.X10.email_messages).toBe(letters.filter((l) => l.kind === 'email').length);
  });

  it('X6: key relations go only between exported contacts', () => {
    const rels = csv('key_relations.csv');
    const going = rels.filter((k) => members.has(k.contact_id!) && members.has(k.related_contact_id!)).map((k) => `key_relation/${k.id}`);
    expect(refs(bag, 'key_relations')).toEqual(going.sort());
    const touching = rels.filter((k) => members.has(k.contact_id!) || members.has(k.related_contact_id!));
    expect(readHeader(bag).exclusions.X6.key_relations).toBe(touching.length - going.length);
  });

  it('X8, B8: every listed contact not exported is a stub, and no stub holds a tax id', () => {
    const policies = new Set(refs(bag, 'policies').map((r) => r.slice('policy/'.length)));
    const listed = csv('policy_parties.csv')
      .filter((p) => policies.has(p.policy_id!))
      .map((p) => p.contact_id!);
    const stubs = new Set(refs(bag, 'stubs'));
    const notExported = listed.filter((id) => !members.has(id));
    expect(notExported.length, 'the sample lists contacts on exported policies that are not exported').toBeGreaterThan(0);
    for (const id of notExported) expect(stubs.has(`contact/${id}`), id).toBe(true);
    const text = fs.readFileSync(path.join(bag, 'data/records/stubs.ndjson'), 'utf8');
    const taxed = csv('contacts.csv').filter((c) => c.tax_id && stubs.has(`contact/${c.id}`));
    expect(taxed.length, 'some stubs have a tax id in the source').toBeGreaterThan(0);
    for (const c of taxed) expect(text).not.toContain(c.tax_id);
  });

  it('X9: catalogue records of North Agency are source_office, of Lakeside Resource parent_office', () => {
    const owner = new Map(
      [...csv('carriers.csv'), ...csv('products.csv'), ...csv('riders.csv'), ...csv('service_providers.csv')].map((r) => [r.id!, r.office_id!]),
    );
    for (const type of ['carriers', 'products', 'riders', 'service_providers']) {
      for (const r of readRecords(bag, type)) {
        const id = (r.ref as string).split('/')[1]!;
        expect(r.origin, r.ref).toBe(owner.get(id) === 'O-NORTH' ? 'source_office' : 'parent_office');
      }
    }
    expect(readRecords(bag, 'carriers').map((r) => r.origin)).toContain('parent_office');
  });

  it('X1: the sample user without rights is refused; inside the installation the importer needs data_import', () => {
    const norights = exportWith(db, [...SAMPLE.slice(0, 2), '--user', 'norights', ...SAMPLE.slice(4)]);
    expect(norights.code).toBe(1);
    expect(norights.stderr).toContain('data_export, export_contacts_to_office');
    const inside = exportWith(db, [...SAMPLE.slice(0, 6), '--to-office', 'South Agency', '--to-user', 'sadmin']);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('data_import');
    const ok = exportWith(db, [...SAMPLE.slice(0, 6), '--to-office', 'South Agency', '--to-user', 'bob']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
