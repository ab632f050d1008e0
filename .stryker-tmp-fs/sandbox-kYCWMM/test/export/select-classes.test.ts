// @ts-nocheck
// The export's selection puts the X3, X5 and X6 rules to classes of candidate
// rows (src/export/select.ts decideByClass), not to each row. These tests fill an
// installation with every combination the rules can tell apart (and random ones)
// and check that the chosen ids and the exclusion counts are exactly those of the
// rules applied row by row, as the export did before.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyCounts, emptyExclusions, type BundleHeader } from '../../src/bundle/records.js';
import { caseTravels, letterTravels, relationTravels, tally, type Presence } from '../../src/domain/export-rules.js';
import { chooseContacts, selectRest } from '../../src/export/select.js';
import { storeOf } from '../../src/store/sqlite/store.js';
import { SEL } from '../../src/store/sqlite/export-store.js';
import { openInstallation, type Db } from '../../src/store/sqlite/db.js';
import { tmpDir } from '../helpers/cli.js';

const OFFICE = 'O-A';
// Exported contacts (this bundle), contacts of an earlier bundle of the session, and others.
const IN_BUNDLE = ['c1', 'c2', 'c3'];
const IN_SESSION = ['s1', 's2'];
const ELSEWHERE = ['o1', 'o2'];
const IDS = [...IN_BUNDLE, ...IN_SESSION, ...ELSEWHERE];
const MAYBE_ID = [...IDS, null, ''];

interface Fill {
  letters: [kind: string, contact: string, recipient: string | null][];
  relations: [contact: string, related: string | null][];
  cases: [contact: string, attached: boolean][];
}

let dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs) db.close();
  dbs = [];
});

function installation(fill: Fill): Db {
  const db = openInstallation(path.join(tmpDir('officeport-classes-'), 'inst.db'), { create: true });
  dbs.push(db);
  db.pragma('foreign_keys = OFF');
  db.exec(`INSERT INTO offices (id, name, kind) VALUES ('${OFFICE}', 'A', 'agency'), ('O-B', 'B', 'agency')`);
  const contact = db.prepare(`INSERT INTO contacts (id, office_id, kind) VALUES (?, ?, 'individual')`);
  for (const id of IDS) contact.run(id, IN_BUNDLE.includes(id) ? OFFICE : 'O-B');
  const session = db.prepare(`INSERT INTO export_session_contacts (session_id, office_id, contact_id, bundle_id) VALUES ('S', ?, ?, 'b0')`);
  for (const id of IN_SESSION) session.run(OFFICE, id);
  const letter = db.prepare(`INSERT INTO letters (id, office_id, contact_id, recipient_contact_id, kind) VALUES (?, ?, ?, ?, ?)`);
  fill.letters.forEach(([kind, c, r], i) => letter.run(`L${i}`, OFFICE, c, r, kind));
  const rel = db.prepare(`INSERT INTO key_relations (id, office_id, contact_id, related_contact_id) VALUES (?, ?, ?, ?)`);
  fill.relations.forEach(([a, b], i) => rel.run(`K${i}`, OFFICE, a, b));
  const kase = db.prepare(`INSERT INTO pending_cases (id, office_id, primary_contact_id) VALUES (?, ?, ?)`);
  const commission = db.prepare(`INSERT INTO commissions (id, office_id, case_id) VALUES (?, ?, ?)`);
  fill.cases.forEach(([c, attached], i) => {
    kase.run(`P${i}`, OFFICE, c);
    if (attached) commission.run(`M${i}`, OFFICE, `P${i}`);
  });
  return db;
}

/** The rules row by row, as the export decided before the per-class selection. */
function rowByRow(fill: Fill): { letters: string[]; relations: string[]; cases: string[]; exclusions: BundleHeader['exclusions'] } {
  const ex = emptyExclusions();
  const keep = (ids: string[], id: string, d: ReturnType<typeof letterTravels>) => (d.go ? ids.push(id) : tally(ex, d));
  const letters: string[] = [];
  fill.letters.forEach(([kind, c, r], i) => {
    if (IN_BUNDLE.includes(c)) keep(letters, `L${i}`, letterTravels({ kind, contact_id: c, recipient_contact_id: r }));
  });
  const presence = (id: string): Presence => (IN_BUNDLE.includes(id) ? 'bundle' : IN_SESSION.includes(id) ? 'session' : 'absent');
  const relations: string[] = [];
  fill.relations.forEach(([a, b], i) => {
    if (IN_BUNDLE.includes(a) || (b !== null && IN_BUNDLE.includes(b)))
      keep(relations, `K${i}`, relationTravels({ contact_id: a, related_contact_id: b }, presence));
  });
  const cases: string[] = [];
  fill.cases.forEach(([c, attached], i) => {
    if (IN_BUNDLE.includes(c)) keep(cases, `P${i}`, caseTravels(attached));
  });
  return { letters: letters.sort(), relations: relations.sort(), cases: cases.sort(), exclusions: ex };
}

async function exported(db: Db) {
  const header = {
    bundle_id: 'b1',
    session_id: 'S',
    source: { office_id: OFFICE },
    counts: emptyCounts(),
    exclusions: emptyExclusions(),
    stub_salt: '00',
  } as unknown as BundleHeader;
  const scratch = tmpDir('officeport-classes-scratch-');
  const store = storeOf(db);
  try {
    return await store.export.select(scratch, async (selection) => {
      await chooseContacts(selection, OFFICE, { mode: 'all' });
      await selectRest(store.export, selection, header);
      const ids = (t: string) => db.prepare(`SELECT id FROM ${SEL}.${t} ORDER BY id`).pluck().all() as string[];
      const sorted = (a: string[]) => a.slice().sort();
      const x5x6 = { X5: header.exclusions.X5, X6: header.exclusions.X6 };
      const x10 = { email_messages: header.exclusions.X10.email_messages, cases: header.exclusions.X10.cases_attached_to_commissions };
      return { letters: sorted(ids('x_letters')), relations: sorted(ids('x_relations')), cases: sorted(ids('x_cases')), x5x6, x10 };
    });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function expectSame(fill: Fill): Promise<void> {
  const want = rowByRow(fill);
  const got = await exported(installation(fill));
  expect(got.letters).toEqual(want.letters);
  expect(got.relations).toEqual(want.relations);
  expect(got.cases).toEqual(want.cases);
  expect(got.x5x6).toEqual({ X5: want.exclusions.X5, X6: want.exclusions.X6 });
  expect(got.x10).toEqual({ email_messages: want.exclusions.X10.email_messages, cases: want.exclusions.X10.cases_attached_to_commissions });
}

describe('export selection by class', () => {
  it('X5, X6, X3: the per-class selection chooses what the export-rules functions choose row by row, for every combination they tell apart', async () => {
    const letters: Fill['letters'] = [];
    for (const kind of ['letter', 'email', 'fax']) for (const c of IN_BUNDLE.slice(0, 2)) for (const r of MAYBE_ID) letters.push([kind, c, r]);
    const relations: Fill['relations'] = [];
    for (const a of IDS) for (const b of MAYBE_ID) relations.push([a, b]);
    const cases: Fill['cases'] = IN_BUNDLE.flatMap(
      (c) =>
        [
          [c, true],
          [c, false],
        ] as [string, boolean][],
    );
    const fill = { letters, relations, cases };
    await expectSame(fill);
    // The fill reaches both outcomes of every rule, so a rule decided wrongly for any class shows.
    const want = rowByRow(fill);
    expect(want.letters.length).toBeGreaterThan(0);
    expect(want.relations.length).toBeGreaterThan(0);
    expect(want.exclusions.X5.letters_to_others).toBeGreaterThan(0);
    expect(want.exclusions.X6.key_relations).toBeGreaterThan(0);
    expect(want.exclusions.X10.email_messages).toBeGreaterThan(0);
    expect(want.exclusions.X10.cases_attached_to_commissions).toBe(3);
  });

  it('X5, X6, X3: the per-class selection gives the same ids and counts as the export-rules functions row by row, on random installations', async () => {
    const id = fc.constantFrom(...IDS);
    const maybe = fc.constantFrom(...MAYBE_ID);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          letters: fc.array(fc.tuple(fc.constantFrom('letter', 'email'), id, maybe), { maxLength: 30 }),
          relations: fc.array(fc.tuple(id, maybe), { maxLength: 30 }),
          cases: fc.array(fc.tuple(id, fc.boolean()), { maxLength: 10 }),
        }),
        async (fill) => {
          await expectSame(fill);
          for (const db of dbs) db.close();
          dbs = [];
        },
      ),
      { numRuns: 25 },
    );
  });
});
