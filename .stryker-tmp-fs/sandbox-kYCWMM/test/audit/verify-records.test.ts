// @ts-nocheck
// verify at the record level (V1, B3, B5, B2): bags written with writeBag from
// the golden bundle, each with one defect, checked by the real binary.
import { describe, expect, it } from 'vitest';
import { bagOf, editLine, goldenParts, type Parts } from '../bundle/verify-kit.js';
import { run } from '../helpers/cli.js';

async function verifyWith(mutate: (p: Parts) => void): Promise<{ code: number; out: string }> {
  const parts = goldenParts();
  mutate(parts);
  const r = run(['verify', await bagOf(parts)]);
  return { code: r.code, out: r.stdout + r.stderr };
}

describe('verify: records', () => {
  it('V1: a bag rebuilt from the golden records verifies (exit 0)', async () => {
    const r = await verifyWith(() => undefined);
    expect(r.out).toContain('valid');
    expect(r.code).toBe(0);
  });

  it('V1, B3: a record that breaks its schema is named by file, line and pointer (exit 1)', async () => {
    const r = await verifyWith((p) => editLine(p, 'data/records/contacts.ndjson', 2, (c) => ({ ...c, birth_date: '04/03/1972' })));
    expect(r.code).toBe(1);
    expect(r.out).toContain('data/records/contacts.ndjson:2 /birth_date: expected a date (YYYY-MM-DD), got "04/03/1972"');
  });

  it('V1, B3: a field the schema does not know and a line that is not JSON are problems', async () => {
    const r = await verifyWith((p) => {
      editLine(p, 'data/records/contacts.ndjson', 1, (c) => ({ ...c, primary_advisor: 'contact/ADV' }));
      editLine(p, 'data/records/smartpad.ndjson', 1, () => '{"ref": "note/N-1",');
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('data/records/contacts.ndjson:1 /primary_advisor: unexpected field');
    expect(r.out).toMatch(/data\/records\/smartpad.ndjson:1: not a JSON record/);
  });

  it('V1, B5: a dangling reference is named with the ref it misses (exit 1)', async () => {
    const r = await verifyWith((p) => editLine(p, 'data/records/policies.ndjson', 1, (x) => ({ ...x, primary_contact: 'contact/NOPE' })));
    expect(r.code).toBe(1);
    expect(r.out).toContain('data/records/policies.ndjson:1 /primary_contact: refers to contact/NOPE');
  });

  it('V1, B5: a party-list contact with no record or stub is a dangling reference', async () => {
    const r = await verifyWith((p) => {
      const stubs = p.files.get('data/records/stubs.ndjson')!.toString('utf8').split('\n');
      p.files.set('data/records/stubs.ndjson', Buffer.from(stubs.filter((l) => !l.includes('"contact/E1"')).join('\n')));
      p.header.counts.stubs -= 1;
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('data/records/pending_cases.ndjson:1 /parties/0/contact: refers to contact/E1');
    expect(r.out).toContain('data/records/employee_census.ndjson:1 /employee_contact: refers to contact/E1');
  });

  it('V1, B5: a ref that is not unique is named with both places', async () => {
    const r = await verifyWith((p) => {
      const extra = '{"ref":"contact/A1","kind":"individual","last_name":"Again"}\n';
      p.files.set('data/records/stubs.ndjson', Buffer.concat([Buffer.from(extra), p.files.get('data/records/stubs.ndjson')!]));
      p.header.counts.stubs += 1;
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('data/records/stubs.ndjson:1 /ref: ref contact/A1 is not unique; data/records/contacts.ndjson:1 has it too');
  });

  it('V1: an unknown format version is named (exit 1)', async () => {
    const r = await verifyWith((p) => (p.header.format_version = '9.0'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('officeport.json /format_version: unknown format version "9.0"');
  });

  it('V1, B2: counts that disagree with the lines are named (exit 1)', async () => {
    const r = await verifyWith((p) => (p.header.counts.contacts = 4));
    expect(r.code).toBe(1);
    expect(r.out).toContain('officeport.json /counts/contacts: says 4, but the bundle holds 3 records in data/records/contacts.ndjson');
  });

  it('V1, B4: a letter naming a document that is not in the bundle is a problem', async () => {
    const r = await verifyWith((p) => {
      for (const k of [...p.files.keys()]) if (k.startsWith('data/documents/')) p.files.delete(k);
      p.header.counts.documents = 0;
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/data\/records\/letters.ndjson:1 \/document\/path: names data\/documents\/[0-9a-f]{64}, which is not in the bundle/);
  });

  it('V1: --json gives valid, problems with file, line and pointer, and the bundle id', async () => {
    const parts = goldenParts();
    editLine(parts, 'data/records/policies.ndjson', 2, (x) => ({ ...x, carrier: 'carrier/GONE' }));
    const r = run(['verify', await bagOf(parts), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.valid).toBe(false);
    expect(j.bundle_id).toBe(parts.header.bundle_id);
    expect(j.problems).toContainEqual({ file: 'data/records/policies.ndjson', line: 2, pointer: '/carrier', message: expect.stringContaining('carrier/GONE') });
  });

  it('V1: a header that breaks its schema is reported, and the records are still checked', async () => {
    const r = await verifyWith((p) => {
      delete p.header.stub_salt;
      editLine(p, 'data/records/activities.ndjson', 1, (x) => ({ ...x, type: 'lunch' }));
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('officeport.json /stub_salt: required field is missing');
    expect(r.out).toContain('data/records/activities.ndjson:1 /type: expected one of call, meeting, task, to_do, other, got "lunch"');
  });

  it('V1: a missing file argument is a usage error (exit 2)', () => {
    expect(run(['verify']).code).toBe(2);
  });
});
