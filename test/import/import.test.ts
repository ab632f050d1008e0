// I1, I8, I12 through the library; the binary's view of them is in import-e2e.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanFile } from '../../src/import/plan.js';
import { dump, exportFrom, importInto, installation, rows, SOURCE, TARGET } from '../fixtures/import/helpers.js';

describe('I1: verified and addressed bundles only', () => {
  it('I1: a bundle addressed to another office is refused and nothing changes', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const before = await dump(tgt.db);
    await expect(importInto(tgt, await exportFrom(src, { toOffice: 'Elsewhere Agency' }))).rejects.toThrow(/addressed to office "Elsewhere Agency"/);
    expect(await dump(tgt.db)).toEqual(before);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM inbox`)).toEqual([{ n: 0 }]);
  });

  it('I1: a bundle addressed to another user is refused', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    await expect(importInto(tgt, await exportFrom(src, { toUser: 'eve' }))).rejects.toThrow(/addressed to user "eve"/);
  });

  it('I1: the addressee needs data_import', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const bundle = await exportFrom(src, { toUser: 'eve' });
    await expect(importInto(tgt, bundle, {}, 'Springfield Agency', 'eve')).rejects.toThrow(/lacks the right data_import/);
  });
});

describe('I8: one transaction per accept', () => {
  it('I8: an error in the middle of an accept leaves the target as it was, and no receipt', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const bundle = await exportFrom(src);
    // contacts and catalogue go in first; a policy insert fails halfway through
    tgt.db.exec(
      `CREATE TRIGGER fail_policy BEFORE INSERT ON policies WHEN NEW.policy_number = 'SML-WL-1998-0042' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
    );
    const before = await dump(tgt.db);
    const receipt = path.join(tgt.dir, 'receipt.json');
    await expect(importInto(tgt, bundle, { receiptFile: receipt })).rejects.toThrow(/disk on fire/);
    expect(await dump(tgt.db)).toEqual(before);
    expect(fs.existsSync(receipt)).toBe(false);
    expect(fs.readdirSync(tgt.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM import_map`)).toEqual([{ n: 0 }]);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM transfer_log`)).toEqual([{ n: 0 }]);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM inbox`)).toEqual([{ n: 0 }]); // import = add + accept, both or neither
    expect(fs.readdirSync(`${tgt.file}.inbox`)).toEqual([]);
    // once the fault is gone, the staged bundle imports
    tgt.db.exec(`DROP TRIGGER fail_policy`);
    expect((await importInto(tgt, bundle, { receiptFile: receipt })).counts.created).toBeGreaterThan(0);
  });
});

describe('I12: dry run and plans', () => {
  it('I12: the dry run writes nothing, and reports what the import would do', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const bundle = await exportFrom(src);
    const before = await dump(tgt.db);
    const planFile = path.join(tgt.dir, 'plan.json');
    const dry = await importInto(tgt, bundle, { dryRun: true, planOut: planFile });
    expect(dry.dry_run).toBe(true);
    expect(await dump(tgt.db)).toEqual(before);
    for (const t of ['inbox', 'import_map', 'transfer_log', 'import_accepts', 'pending_relations']) {
      expect(rows(tgt.db, `SELECT count(*) AS n FROM ${t}`), t).toEqual([{ n: 0 }]);
    }
    expect(fs.existsSync(`${tgt.file}.inbox`)).toBe(false);
    // the same plan code: the real run does what the dry run said
    const real = await importInto(tgt, bundle);
    const strip = (os: typeof dry.outcomes) => os.map((o) => ({ ref: o.ref, outcome: o.outcome, reason: o.reason }));
    expect(strip(real.outcomes)).toEqual(strip(dry.outcomes));
    expect(real.counts).toEqual(dry.counts);
  });

  it('I12: the plan file has one decision per record; a choice settles an ambiguous match and --plan applies exactly it', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const bundle = await exportFrom(src);
    const planFile = path.join(tgt.dir, 'plan.json');
    await importInto(tgt, bundle, { dryRun: true, planOut: planFile });
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as PlanFile;
    const refs = plan.decisions.map((d) => d.ref);
    expect(new Set(refs).size).toBe(refs.length);
    const amb = plan.decisions.find((d) => d.ref === 'contact/C-1106')!;
    expect(amb).toMatchObject({ outcome: 'created', candidates: ['TC-5003', 'TC-5004'], choice: '' });
    amb.choice = 'TC-5004';
    fs.writeFileSync(planFile, JSON.stringify(plan));
    const r = await importInto(tgt, bundle, { planFile });
    expect(r.outcomes.find((o) => o.ref === 'contact/C-1106')).toMatchObject({ outcome: 'merged', target_id: 'TC-5004' });
    expect(rows(tgt.db, `SELECT email FROM contacts WHERE id = 'TC-5004'`)).toEqual([{ email: 'm.johnson@example.com' }]);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM smartpad WHERE contact_id = 'TC-5004'`)).toEqual([{ n: 1 }]);
  });

  it('I12: each decision of the plan file carries only what applies to it: candidates and choice when ambiguous, conflicts when merged with differences, fingerprints of exactly the target contacts it rests on', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const planFile = path.join(tgt.dir, 'plan.json');
    await importInto(tgt, await exportFrom(src), { dryRun: true, planOut: planFile });
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as PlanFile;
    const of = (ref: string) => plan.decisions.find((d) => d.ref === ref)!;
    // (from samples/README.md: David Nguyen and Patricia Van Dyke are known to Springfield, Michael Johnson twice, John Smith not)
    const david = of('contact/C-1104');
    expect(Object.keys(david).sort()).toEqual(['conflicts', 'fingerprints', 'outcome', 'ref', 'target_id', 'type']);
    expect(david).toMatchObject({ outcome: 'merged', target_id: 'TC-5001' });
    expect(david.conflicts).toEqual([
      { field: 'phone', target: '217-555-9999', incoming: '217-555-0114' },
      { field: 'street', target: '19 Oak Street', incoming: '19 Oak St' },
    ]);
    expect(Object.keys(david.fingerprints!)).toEqual(['TC-5001']);
    const michael = of('contact/C-1106');
    expect(Object.keys(michael).sort()).toEqual(['candidates', 'choice', 'fingerprints', 'outcome', 'reason', 'ref', 'type']);
    expect(Object.keys(michael.fingerprints!).sort()).toEqual(['TC-5003', 'TC-5004']);
    const john = of('contact/C-1101');
    expect(Object.keys(john).sort()).toEqual(['outcome', 'ref', 'type']);
    expect(john.outcome).toBe('created');
  });

  it('I12: a plan is refused, naming what changed, when the target changed in a way that touches it', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const bundle = await exportFrom(src);
    const planFile = path.join(tgt.dir, 'plan.json');
    await importInto(tgt, bundle, { dryRun: true, planOut: planFile });
    tgt.db.prepare(`UPDATE contacts SET email = 'new@example.com' WHERE id = 'TC-5001'`).run(); // merge target of C-1104
    const before = await dump(tgt.db);
    const refused = await importInto(tgt, bundle, { planFile }).then(
      () => undefined,
      (e: unknown) => e as Error & { problems?: { message: string }[] },
    );
    expect(refused, 'the import with a stale plan must be refused').toBeInstanceOf(Error);
    expect(refused!.message).toMatch(/target changed since plan/);
    expect(refused!.problems?.map((p) => p.message)).toContain('contact/C-1104: target record TC-5001 changed since the plan was made');
    expect(await dump(tgt.db)).toEqual(before);
    // a change that touches nothing in the plan does not stop it
    tgt.db.prepare(`UPDATE contacts SET email = 'walter@example.com' WHERE id = 'TC-5007'`).run();
    const planFile2 = path.join(tgt.dir, 'plan2.json');
    await importInto(tgt, bundle, { dryRun: true, planOut: planFile2 });
    tgt.db.prepare(`UPDATE contacts SET phone = '1' WHERE id = 'TC-5007'`).run();
    expect((await importInto(tgt, bundle, { planFile: planFile2 })).already_imported).toBe(false);
  });

  it('I12: a new target contact that would now match is a change that touches the plan', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    const bundle = await exportFrom(src);
    const planFile = path.join(tgt.dir, 'plan.json');
    await importInto(tgt, bundle, { dryRun: true, planOut: planFile });
    tgt.db
      .prepare(
        `INSERT INTO contacts (id, office_id, kind, first_name, last_name, tax_id) VALUES ('TC-NEW', 'T-SPRING', 'individual', 'John', 'Smith', '123456789')`,
      )
      .run();
    await expect(importInto(tgt, bundle, { planFile })).rejects.toThrow(/target changed/);
  });
});
