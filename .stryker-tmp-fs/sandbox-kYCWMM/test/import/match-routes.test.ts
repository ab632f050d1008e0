// @ts-nocheck
// I3, I4: each match route alone, through the real binary. The sample target
// is changed so that a contact matches ONLY by its tax id (same tax id, other
// name and birth date) and a stub ONLY by its salted tax-id hash, with a decoy
// beside each that matches by name and birth date alone; and a contact an
// earlier import created is matched by its source record although another
// target contact now holds its tax id. The I3 order (source record, then tax
// id, then name) decides every case here.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, tmpDir } from '../helpers/cli.js';

type Row = Record<string, string>;
interface Outcome {
  ref: string;
  outcome: string;
  target_id?: string;
  contact?: string;
  reason?: string;
}

function ok(args: string[]): string {
  const r = run(args);
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} -> ${r.code}\n${r.stderr}`);
  return r.stdout;
}

/** The sample target as CSV, its contacts changed by `edit` (rows keep every column). */
function targetFolder(dir: string, edit: (rows: Row[]) => Row[]): string {
  const out = path.join(dir, 'target-csv');
  fs.cpSync(path.join(ROOT, 'samples/target'), out, { recursive: true });
  const file = path.join(out, 'contacts.csv');
  const parsed = Papa.parse<Row>(fs.readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true });
  fs.writeFileSync(file, Papa.unparse(edit(parsed.data), { columns: parsed.meta.fields }) + '\n');
  return out;
}

const like = (rows: Row[], id: string, changes: Row): Row => ({ ...rows.find((r) => r.id === id)!, ...changes });

function setup(edit: (rows: Row[]) => Row[]): { dir: string; source: string; target: string } {
  const dir = tmpDir('officeport-match-routes-');
  const source = path.join(dir, 'source.db');
  ok(['init', '--db', source]);
  ok(['load', path.join(ROOT, 'samples/source'), '--db', source]);
  const target = path.join(dir, 'target.db');
  ok(['init', '--db', target]);
  ok(['load', targetFolder(dir, edit), '--db', target]);
  return { dir, source, target };
}

let bundles = 0;
function move(s: { dir: string; source: string; target: string }, selection: string[]): Outcome[] {
  const bundle = path.join(s.dir, `move-${bundles++}.zip`);
  ok([
    'export',
    '--db',
    s.source,
    '--office',
    'North Agency',
    '--user',
    'alice',
    ...selection,
    '--to-office',
    'Springfield Agency',
    '--to-user',
    'dana',
    '--out',
    bundle,
  ]);
  const out = JSON.parse(ok(['import', bundle, '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana', '--json'])) as { outcomes: Outcome[] };
  return out.outcomes;
}

function targetRows(db: string, sql: string, ...args: unknown[]): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all(...args);
  } finally {
    d.close();
  }
}

describe('match routes alone (I3, I4)', () => {
  let s: ReturnType<typeof setup>;
  let outcomes: Outcome[];

  beforeAll(() => {
    s = setup((rows) =>
      [
        // C-1104 David Nguyen 1965-01-30, tax 345-67-8901: TC-5001 keeps the tax id, not the name or birth date
        ...rows.map((r) => (r.id === 'TC-5001' ? { ...r, first_name: 'Dave', birth_date: '1964-12-31' } : r)),
        // ... and a decoy with C-1104's name and birth date but no tax id
        like(rows, 'TC-5001', { id: 'TC-5901', phone: '217-555-0901', tax_id: '' }),
      ]
        .map((r) =>
          // stub C-1301 Susan Clark 1968-12-01, tax 678-90-1234: TC-5005 keeps the tax id (reached only through the bundle's salted hash)
          r.id === 'TC-5005' ? { ...r, first_name: 'Suzanne', birth_date: '1969-01-02' } : r,
        )
        .concat([like(rows, 'TC-5005', { id: 'TC-5902', phone: '217-555-0902', tax_id: '' })]),
    );
    outcomes = move(s, ['--set', 'Move to Springfield']);
  }, 60_000);

  it('I3 (2): a contact with the same tax id but another name and birth date is merged into that contact, not into a name match', () => {
    expect(outcomes.find((o) => o.ref === 'contact/C-1104')).toMatchObject({ outcome: 'merged', target_id: 'TC-5001' });
    // its records attach to the merged contact
    const policies = targetRows(s.target, `SELECT id FROM policies WHERE primary_contact_id = 'TC-5001'`);
    expect(policies.length).toBeGreaterThan(0);
    expect(targetRows(s.target, `SELECT id FROM policies WHERE primary_contact_id = 'TC-5901'`)).toEqual([]);
  });

  it('I4: a stub that matches only by its salted tax-id hash links its party entries to that contact, not to a name match', () => {
    const parties = outcomes.filter((o) => o.contact === 'contact/C-1301');
    expect(parties.length).toBeGreaterThan(0);
    for (const p of parties) expect(p, p.ref).toMatchObject({ outcome: 'linked', target_id: 'TC-5005' });
    expect(targetRows(s.target, `SELECT contact_id FROM policy_parties WHERE contact_id IN ('TC-5005', 'TC-5902')`)).toEqual([{ contact_id: 'TC-5005' }]);
  });
});

describe('the earlier import before the tax id (I3 order)', () => {
  it('I3 (1): a contact an earlier import created is merged into it again although another target contact now holds its tax id', () => {
    const s = setup((rows) => rows);
    const first = move(s, ['--contact', 'C-1101']);
    const created = first.find((o) => o.ref === 'contact/C-1101')!;
    expect(created).toMatchObject({ outcome: 'created' });
    // in the target, the tax id moved from the imported contact to Walter Brooks (a data-entry fix, say)
    const d = new Database(s.target);
    d.prepare(`UPDATE contacts SET tax_id = NULL WHERE id = ?`).run(created.target_id);
    d.prepare(`UPDATE contacts SET tax_id = '123-45-6789' WHERE id = 'TC-5007'`).run();
    d.close();
    const second = move(s, ['--contact', 'C-1101']);
    expect(second.find((o) => o.ref === 'contact/C-1101')).toMatchObject({ outcome: 'merged', target_id: created.target_id });
  }, 60_000);
});
