// @ts-nocheck
// End to end: the real binary exports the fixture installation (test/fixtures/export)
// and each X rule is read back from the unzipped bundle.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';
import { exportWith, loadedDb, readHeader, readRecords, refs, unzipBundle, type Rec } from '../fixtures/export/kit.js';

let db: string;
let bag: string;
let zip: string;

beforeAll(() => {
  db = loadedDb();
  const r = exportWith(db);
  expect(r.code, r.stderr).toBe(0);
  zip = r.out;
  bag = unzipBundle(zip);
});

const byRef = (bagDir: string, type: string, ref: string): Rec => readRecords(bagDir, type).find((r) => r.ref === ref)!;

describe('X1 rights', () => {
  it('X1: refuses a source user without export_contacts_to_office, names the right, writes nothing', () => {
    const r = exportWith(db, ['--user', 'half']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('export_contacts_to_office');
    expect(r.stderr).not.toMatch(/lacks the rights? data_export/);
    expect(fs.existsSync(r.out)).toBe(false);
  });
  it('X1: refuses a target user of a local target office without data_import, naming it', () => {
    const r = exportWith(db, ['--to-user', 'noimp']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('data_import');
    expect(fs.existsSync(r.out)).toBe(false);
  });
  it('X1: refuses a target user that does not exist in a local target office', () => {
    const r = exportWith(db, ['--to-user', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nobody');
    expect(fs.existsSync(r.out)).toBe(false);
  });
  it('X1: a target office of another installation is not checked here', () => {
    const r = exportWith(db, ['--to-office', 'Springfield Elsewhere', '--to-user', 'dana']);
    expect(r.code, r.stderr).toBe(0);
    expect(readHeader(unzipBundle(r.out)).target).toEqual({ office: 'Springfield Elsewhere', user: 'dana' });
  });
});

describe('X2 selection', () => {
  it('X2: a set exports exactly its members', () => {
    expect(refs(bag, 'contacts')).toEqual(['contact/A1', 'contact/A2', 'contact/B1']);
  });
  it('X2: --all exports every contact and business of the office and none of another', () => {
    const r = exportWith(db, ['--all']);
    expect(r.code, r.stderr).toBe(0);
    const got = refs(unzipBundle(r.out), 'contacts');
    expect(got).toEqual(['A1', 'A2', 'A3', 'ADV', 'B1', 'E1', 'S1'].map((id) => `contact/${id}`));
  });
  it('X2: --contact exports just those contacts, no set needed', () => {
    const r = exportWith(db, ['--contact', 'A2']);
    expect(r.code, r.stderr).toBe(0);
    expect(refs(unzipBundle(r.out), 'contacts')).toEqual(['contact/A2']);
  });
  it('X2: an unknown set, an empty set and a contact of another office are errors', () => {
    for (const extra of [
      ['--set', 'Nope'],
      ['--set', 'Empty'],
      ['--contact', 'O1'],
    ]) {
      const r = exportWith(db, extra);
      expect(r.code, extra.join(' ')).toBe(1);
      expect(fs.existsSync(r.out)).toBe(false);
    }
    expect(exportWith(db, ['--set', 'Empty']).stderr).toContain('no contacts');
  });
  it('X2: naming no selection or two is a usage error (exit 2)', () => {
    expect(exportWith(db, ['--set', 'Move', '--all']).code).toBe(2);
  });
});

describe('X3-X10 what travels', () => {
  it('X3: policies, cases and accounts go where an exported contact is the primary contact', () => {
    expect(refs(bag, 'policies')).toEqual(['policy/P-1', 'policy/P-2']);
    expect(refs(bag, 'investment_accounts')).toEqual(['account/IA-1']);
    expect(refs(bag, 'positions')).toEqual(['position/PO-1', 'position/PO-2']);
    expect(refs(bag, 'pending_cases')).toEqual(['case/K-1']);
  });
  it('X4: exported contacts carry no primary advisor (and the drop is counted)', () => {
    const contacts = readRecords(bag, 'contacts');
    expect(contacts.length).toBeGreaterThan(0);
    for (const c of contacts) expect(Object.keys(c)).not.toContain('primary_advisor');
    expect(readHeader(bag).exclusions.X4.primary_advisor).toBe(1);
  });
  it('X5: notes and activities of the contact go; only letters sent to the contact go, with their document', () => {
    expect(refs(bag, 'activities')).toEqual(['activity/AC-1']);
    expect(refs(bag, 'smartpad')).toEqual(['note/N-1']);
    expect(refs(bag, 'letters')).toEqual(['letter/L-1', 'letter/L-4']);
    const sha = crypto.createHash('sha256').update('Annual review for Ann Alpha.\n').digest('hex');
    expect(byRef(bag, 'letters', 'letter/L-1').document).toEqual({ path: `data/documents/${sha}`, name: 'a1/review.txt', sha256: sha, size: 29 });
    expect(fs.readdirSync(path.join(bag, 'data/documents'))).toEqual([sha]);
    expect(readHeader(bag).exclusions.X5.letters_to_others).toBe(1);
    expect(readHeader(bag).exclusions.X10.email_messages).toBe(1);
  });
  it('X6: a key relation goes only when both contacts are exported', () => {
    expect(refs(bag, 'key_relations')).toEqual(['key_relation/KR-1']);
    expect(readHeader(bag).exclusions.X6.key_relations).toBe(3);
  });
  it('X6: a relation to a contact exported earlier in the same session goes, that contact as a stub', () => {
    const first = exportWith(db, ['--contact', 'S1', '--session', 'SESS-1']);
    expect(first.code, first.stderr).toBe(0);
    const second = exportWith(db, ['--session', 'SESS-1']);
    expect(second.code, second.stderr).toBe(0);
    const b2 = unzipBundle(second.out);
    expect(refs(b2, 'key_relations')).toEqual(['key_relation/KR-1', 'key_relation/KR-3']);
    expect(refs(b2, 'stubs')).toContain('contact/S1');
    expect(readHeader(b2).exclusions.X6.key_relations).toBe(2);
    const other = unzipBundle(exportWith(db, ['--session', 'SESS-2']).out);
    expect(refs(other, 'key_relations')).toEqual(['key_relation/KR-1']);
  });
  it('X7: census rows of an exported business go; an employee not exported is a stub', () => {
    expect(refs(bag, 'employee_census')).toEqual(['census/EC-1', 'census/EC-2']);
    expect(byRef(bag, 'employee_census', 'census/EC-1')).toMatchObject({ business: 'contact/B1', employee_contact: 'contact/E1' });
    expect(refs(bag, 'stubs')).toContain('contact/E1');
  });
  it('X8: party lists go as references sorted by (list, contact, role); listed contacts not exported are stubs', () => {
    expect(byRef(bag, 'policies', 'policy/P-1').parties).toEqual([
      { contact: 'contact/ADV', list: 'advisor', role: 'writing_agent', share_percent: '100.00' },
      { contact: 'contact/A2', list: 'relationship', role: 'beneficiary', share_percent: '50.00' },
      { contact: 'contact/A3', list: 'relationship', role: 'beneficiary', share_percent: '50.00' },
    ]);
    expect(byRef(bag, 'pending_cases', 'case/K-1').parties).toEqual([{ contact: 'contact/E1', list: 'annuitant', role: 'annuitant' }]);
    expect(byRef(bag, 'investment_accounts', 'account/IA-1').parties).toEqual([{ contact: 'contact/A3', list: 'interested_party', role: 'spouse' }]);
    expect(refs(bag, 'stubs')).toEqual(['contact/A3', 'contact/ADV', 'contact/E1']);
    for (const s of readRecords(bag, 'stubs')) expect(Object.keys(s)).not.toContain('tax_id');
  });
  it('X9: carriers, products, riders and service providers go marked with their origin', () => {
    const origin = (type: string) => Object.fromEntries(readRecords(bag, type).map((r) => [r.ref, r.origin]));
    expect(origin('carriers')).toEqual({ 'carrier/CR-L': 'source_office', 'carrier/CR-R': 'parent_office' });
    expect(origin('products')).toEqual({ 'product/PR-L': 'source_office', 'product/PR-R': 'parent_office' });
    expect(origin('riders')).toEqual({ 'rider/RD-R': 'parent_office' });
    expect(origin('service_providers')).toEqual({ 'service_provider/SP-R': 'parent_office' });
    expect(byRef(bag, 'policies', 'policy/P-1').riders).toEqual([{ rider: 'rider/RD-R', amount: '1000.00' }]);
  });
  it('X10: what never travels is absent and counted by rule', () => {
    const all = fs
      .readdirSync(path.join(bag, 'data/records'))
      .map((f) => fs.readFileSync(path.join(bag, 'data/records', f), 'utf8'))
      .join('');
    for (const word of ['custom', 'asset_allocation', 'performance', 'referred_by', 'LD-1', 'EV-1', 'PP-1', 'CM-1', 'K-2', 'L-3', 'golf'])
      expect(all, word).not.toContain(word);
    expect(readHeader(bag).exclusions.X10).toEqual({
      leads: 1,
      referral_links: 1,
      set_memberships: 3,
      event_invitations: 1,
      email_messages: 1,
      contact_custom_data: 1,
      business_custom_data: 1,
      policy_custom_data: 1,
      annuity_custom_data: 1,
      account_custom_data: 1,
      position_custom_data: 1,
      proposals: 1,
      asset_allocation: 1,
      performance_data: 1,
      commissions: 2,
      cases_attached_to_commissions: 1,
    });
  });
});

describe('X11, X12 the installation and the file', () => {
  it('X11: changes no business record and records the bundle in the ledger and transfer log', () => {
    const fresh = loadedDb();
    const before = path.join(tmpDir(), 'before');
    const after = path.join(tmpDir(), 'after');
    expect(run(['dump', before, '--db', fresh]).code).toBe(0);
    const r = exportWith(fresh, ['--bundle-id', '6d1c0d9e-0000-4000-8000-000000000001']);
    expect(r.code, r.stderr).toBe(0);
    expect(run(['dump', after, '--db', fresh]).code).toBe(0);
    for (const f of fs.readdirSync(before).filter((x) => x.endsWith('.csv')))
      expect(fs.readFileSync(path.join(after, f), 'utf8'), f).toBe(fs.readFileSync(path.join(before, f), 'utf8'));
    const tagmanifest = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(unzipBundle(r.out), 'tagmanifest-sha256.txt')))
      .digest('hex');
    const conn = new Database(fresh, { readonly: true });
    const ledger = conn.prepare(`SELECT * FROM export_ledger`).all() as Rec[];
    const session = conn.prepare(`SELECT contact_id FROM export_session_contacts ORDER BY contact_id`).pluck().all();
    const log = conn.prepare(`SELECT action, bundle_id FROM transfer_log`).all();
    conn.close();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      bundle_id: '6d1c0d9e-0000-4000-8000-000000000001',
      office_id: 'AG',
      user_id: 'U-EXP',
      target_office: 'TG',
      target_user: 'imp',
      tagmanifest_sha256: tagmanifest,
    });
    expect(JSON.parse(ledger[0]!.counts).contacts).toBe(3);
    expect(session).toEqual(['A1', 'A2', 'B1']);
    expect(log).toEqual([{ action: 'export', bundle_id: '6d1c0d9e-0000-4000-8000-000000000001' }]);
  });
  it('X12: a failed export leaves nothing at --out, nor a temporary file beside it', () => {
    const dir = tmpDir();
    const out = path.join(dir, 'x.zip');
    const r = exportWith(db, ['--sign', path.join(dir, 'no-such.key')], { out });
    expect(r.code).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([]);
    const bad = exportWith(db, ['--bundle-id', 'not-a-uuid'], { out });
    expect(bad.code).toBe(2);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
