// @ts-nocheck
// End-to-end: the real binary on the realignment fixture (R1-R8).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { tmpDir, type RunResult } from '../helpers/cli.js';
import { bin, byId, changedRows, dump, json, loadInstallation, op, rows } from '../fixtures/realign/helpers.js';

const AG = ['--office', 'Agency One', '--user', 'admin'];
const migrateCarrier = (db: string, ...extra: string[]) => op(db, 'realign', 'carrier', ...AG, '--local', 'Acme Life', '--resource', 'Acme Life', ...extra);

describe('R1: who and where', () => {
  let db: string;
  let before: Record<string, string>;
  beforeAll(async () => {
    db = await loadInstallation();
    before = await dump(db);
  });
  it('R1: refuses a Canadian agency office', async () => {
    const r = bin(db, 'realign', 'carrier', '--office', 'Agency Canada', '--user', 'caadmin', '--local', 'Acme Life', '--resource', 'Acme Life', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not available in Canada and Australia.*region CA/);
  });
  it('R1: refuses an Australian agency office even with a US resource parent', async () => {
    const r = await op(db, 'realign', 'carrier', '--office', 'O-AU', '--user', 'auadmin', '--local', 'CLAU-1', '--resource', 'CR-1', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/region AU/);
  });
  it('R1: refuses a user without admin, naming the right', async () => {
    const r = await op(db, 'realign', 'carrier', '--office', 'O-AG', '--user', 'clerk', '--local', 'CL-1', '--resource', 'CR-1', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/clerk .* lacks the right admin/);
  });
  it('R1: refuses a resource office', async () => {
    const r = await op(db, 'realign', 'carrier', '--office', 'O-RES', '--user', 'resadmin', '--local', 'CR-1', '--resource', 'CR-1', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/resource office; realignment is for agency offices/);
  });
  it('R1: the refusals changed nothing', async () => {
    expect(await dump(db)).toEqual(before);
  });
});

describe('R2: the blank search', () => {
  let db: string;
  beforeAll(async () => {
    db = await loadInstallation();
  });
  it('R2: lists local and resource carriers together, resource ones read-only', async () => {
    const list = json<{ id: string; readonly: boolean }[]>(await op(db, 'search', 'carriers', '--office', 'Agency One', '--json'));
    expect(list.map((c) => [c.id, c.readonly]).sort()).toEqual([
      ['CL-1', false],
      ['CL-2', false],
      ['CL-3', false],
      ['CR-1', true],
      ['CR-2', true],
      ['CR-3', true],
    ]);
    const text = await op(db, 'search', 'carriers', '--office', 'O-AG');
    expect(text.stdout).toMatch(/CR-1\s+Acme Life\s+Resource US\s+active\s+read-only/);
    expect(text.stdout).toMatch(/CL-1\s+Acme Life\s+Agency One\s+active\s+local/);
  });
  it('R2: --name narrows every kind, case-insensitively', async () => {
    const products = json<{ id: string; readonly: boolean }[]>(await op(db, 'search', 'products', '--office', 'O-AG', '--name', 'TERM', '--json'));
    expect(products.map((p) => p.id).sort()).toEqual(['PL-1', 'PL-4', 'PR-1', 'PR-4']);
    const riders = json<{ id: string }[]>(await op(db, 'search', 'riders', '--office', 'O-AG', '--json'));
    expect(riders).toHaveLength(5);
    const sps = json<{ id: string; readonly: boolean }[]>(await op(db, 'search', 'service-providers', '--office', 'O-AG', '--name', 'exam', '--json'));
    expect(sps.map((s) => [s.id, s.readonly])).toEqual([
      ['SL-1', false],
      ['SR-1', true],
    ]);
  });
});

describe('R3: Carriers and Products Only, No Riders - Detail', () => {
  let db: string;
  beforeAll(async () => {
    db = await loadInstallation();
  });
  const report = (format: string) => op(db, 'report', 'carriers-products', '--office', 'Agency One', '--format', format);
  it('R3: table lists each resource carrier with its products and no local or rider rows', async () => {
    const r = await report('table');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Carriers and Products Only, No Riders - Detail');
    expect(r.stdout).toMatch(/Acme Life\s+12345\s+555-0100 info@acme.example\s+1 Acme Way, Hartford, CT, 06101\s+Fixed Annuity\s+annuity\s+false/);
    expect(r.stdout).not.toContain('Legacy Plan 1990');
    expect(r.stdout).not.toContain('Waiver of Premium');
  });
  it('R3: json holds carriers, contact info and products with line of business and active', async () => {
    const j = json<{ carriers: { id: string; naic_code: string; products: { id: string; line_of_business: string; active: string }[] }[] }>(
      await report('json'),
    );
    expect(j.carriers.map((c) => c.id)).toEqual(['CR-3', 'CR-1', 'CR-2']);
    const acme = j.carriers.find((c) => c.id === 'CR-1')!;
    expect(acme.naic_code).toBe('12345');
    expect(acme.products.map((p) => [p.id, p.line_of_business, p.active])).toEqual([
      ['PR-3', 'annuity', 'false'],
      ['PR-1', 'life', 'true'],
      ['PR-2', 'life', 'true'],
    ]);
  });
  it('R3: csv is escaped against spreadsheet formulas and written whole with --out', async () => {
    const out = path.join(tmpDir(), 'carriers.csv');
    const r = bin(db, 'report', 'carriers-products', '--office', 'O-AG', '--format', 'csv', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const parsed = Papa.parse<Record<string, string>>(fs.readFileSync(out, 'utf8'), { header: true, skipEmptyLines: true });
    expect(parsed.data).toHaveLength(5);
    const summit = parsed.data.find((x) => x.carrier_id === 'CR-3')!;
    expect(summit.carrier_name).toBe("'=Summit Assurance");
    expect(summit.product_name).toBe("'+Summit Care");
    expect(parsed.data.every((x) => !/^[=+\-@]/.test(x.carrier_name!) && !/^[=+\-@]/.test(x.product_name!))).toBe(true);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['carriers.csv']);
  });
  it('R3: xml is well formed and parses back to the same carriers and products', async () => {
    const r = await report('xml');
    expect(r.code, r.stderr).toBe(0);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'carrier' || n === 'product' }).parse(r.stdout);
    const carriers = doc.report.carrier as { '@_id': string; name: string; product?: { name: string }[] }[];
    expect(carriers.map((c) => c['@_id'])).toEqual(['CR-3', 'CR-1', 'CR-2']);
    expect(carriers[0]!.name).toBe('=Summit Assurance');
    expect(carriers[1]!.product!.map((p) => p.name)).toEqual(['Fixed Annuity', 'Term 20', 'Whole Life Plus']);
  });
});

describe('R5: carrier migration on the fixture', () => {
  let before: Record<string, string>;
  let after: Record<string, string>;
  let r: RunResult;
  beforeAll(async () => {
    const db = await loadInstallation();
    before = await dump(db);
    r = bin(db, 'realign', 'carrier', ...AG, '--local', 'Acme Life', '--resource', 'Acme Life', '--yes');
    after = await dump(db);
  });
  it('R5: switches every record of the local carrier to the resource carrier', async () => {
    expect(r.code, r.stderr).toBe(0);
    for (const id of ['CC-1', 'CC-2']) expect(byId(after, 'carrier_contacts.csv', id).carrier_id).toBe('CR-1');
    expect(byId(after, 'agent_contracts.csv', 'AC-1').carrier_id).toBe('CR-1');
    expect(byId(after, 'appointments.csv', 'AP-1').carrier_id).toBe('CR-1');
    for (const id of ['P-1', 'P-2', 'P-3', 'P-5']) expect(byId(after, 'policies.csv', id).carrier_id).toBe('CR-1');
    for (const id of ['K-1', 'K-2']) expect(byId(after, 'pending_cases.csv', id).carrier_id).toBe('CR-1');
    const stillLocal = ['carrier_contacts.csv', 'agent_contracts.csv', 'appointments.csv', 'policies.csv', 'pending_cases.csv']
      .flatMap((f) => rows(after, f))
      .filter((x) => x.carrier_id === 'CL-1');
    expect(stillLocal).toEqual([]);
  });
  it('R5: exactly matched products and riders hand their content over and become X_ no_pcm_activity', async () => {
    expect(byId(after, 'policies.csv', 'P-1').product_id).toBe('PR-1');
    expect(byId(after, 'policies.csv', 'P-5').product_id).toBe('PR-1');
    expect(byId(after, 'pending_cases.csv', 'K-1').product_id).toBe('PR-1');
    expect(byId(after, 'proposals.csv', 'PRP-1').product_id).toBe('PR-1');
    expect(rows(after, 'policy_riders.csv').filter((x) => x.rider_id === 'RL-1')).toEqual([]);
    expect(
      rows(after, 'policy_riders.csv')
        .filter((x) => x.rider_id === 'RR-1')
        .map((x) => x.policy_id)
        .sort(),
    ).toEqual(['P-1', 'P-5']);
    expect(byId(after, 'products.csv', 'PL-1')).toMatchObject({ name: 'X_Term 20', pcm_activity: 'no_pcm_activity', carrier_id: 'CL-1' });
    expect(byId(after, 'riders.csv', 'RL-1')).toMatchObject({ name: 'X_Waiver of Premium', pcm_activity: 'no_pcm_activity' });
    expect(byId(after, 'carriers.csv', 'CL-1')).toMatchObject({ name: 'X_Acme Life', pcm_activity: 'no_pcm_activity' });
  });
  it('R5: unmatched products and riders keep name and activity and move to the resource carrier', async () => {
    for (const id of ['PL-2', 'PL-3']) {
      const p = byId(after, 'products.csv', id);
      expect(p).toMatchObject({ carrier_id: 'CR-1', active: 'true', pcm_activity: 'active', name: byId(before, 'products.csv', id).name });
    }
    for (const id of ['RL-2', 'RL-3']) expect(byId(after, 'riders.csv', id)).toMatchObject({ carrier_id: 'CR-1', pcm_activity: 'active' });
    expect(byId(after, 'policies.csv', 'P-2').product_id).toBe('PL-2');
    expect(byId(after, 'policies.csv', 'P-3').product_id).toBe('PL-3');
  });
  it('R5: nothing else changes', async () => {
    const policyRiderLines = rows(before, 'policy_riders.csv')
      .filter((x) => x.rider_id === 'RL-1')
      .map((x) => `${x.policy_id},${x.rider_id},${x.amount}`);
    const expected = [
      'agent_contracts.csv:AC-1',
      'appointments.csv:AP-1',
      'carrier_contacts.csv:CC-1',
      'carrier_contacts.csv:CC-2',
      'carriers.csv:CL-1',
      'pending_cases.csv:K-1',
      'pending_cases.csv:K-2',
      'policies.csv:P-1',
      'policies.csv:P-2',
      'policies.csv:P-3',
      'policies.csv:P-5',
      ...policyRiderLines.map((l) => `policy_riders.csv:${l}`),
      ...policyRiderLines.map((l) => `policy_riders.csv:${l.replace('RL-1', 'RR-1')}`),
      'products.csv:PL-1',
      'products.csv:PL-2',
      'products.csv:PL-3',
      'proposals.csv:PRP-1',
      'riders.csv:RL-1',
      'riders.csv:RL-2',
      'riders.csv:RL-3',
    ].sort();
    expect(changedRows(before, after)).toEqual(expected);
  });
  it('R4: resource office rows are byte-identical after a migration', async () => {
    const resourceLines = (d: Record<string, string>) =>
      Object.entries(d).flatMap(([f, text]) =>
        text
          .split('\n')
          .filter((l) => /,O-RES(CA)?,/.test(l))
          .map((l) => `${f}:${l}`),
      );
    expect(resourceLines(after)).toEqual(resourceLines(before));
    expect(resourceLines(before).length).toBeGreaterThan(10);
  });
});

describe('R6: product, rider and service provider migration', () => {
  it('R6: a product left unmatched by its carrier migration migrates once renamed exactly', async () => {
    const db = await loadInstallation();
    expect((await migrateCarrier(db, '--yes')).code).toBe(0);
    expect((await op(db, 'rename', 'product', 'PL-2', 'Whole Life Plus', ...AG)).code).toBe(0);
    const before = await dump(db);
    const r = await op(db, 'realign', 'product', ...AG, '--local', 'PL-2', '--resource', 'PR-2', '--yes');
    expect(r.code, r.stderr).toBe(0);
    const after = await dump(db);
    expect(byId(after, 'policies.csv', 'P-2').product_id).toBe('PR-2');
    expect(byId(after, 'proposals.csv', 'PRP-2').product_id).toBe('PR-2');
    expect(byId(after, 'products.csv', 'PL-2')).toMatchObject({ name: 'X_Whole Life Plus', pcm_activity: 'no_pcm_activity' });
    expect(changedRows(before, after)).toEqual(['policies.csv:P-2', 'products.csv:PL-2', 'proposals.csv:PRP-2']);
  });
  it('R6: a product still on a local carrier is refused: its carrier migrates first', async () => {
    const db = await loadInstallation();
    const before = await dump(db);
    const r = await op(db, 'realign', 'product', ...AG, '--local', 'PL-4', '--resource', 'PR-4', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/belongs to carrier CL-2.*carrier CR-2.*realign its carrier first/s);
    expect(await dump(db)).toEqual(before);
  });
  it('R6: a rider migrates: its policy riders switch, it becomes X_', async () => {
    const db = await loadInstallation();
    expect((await migrateCarrier(db, '--yes')).code).toBe(0);
    expect((await op(db, 'rename', 'rider', 'RL-3', 'Accidental Death', ...AG)).code).toBe(0);
    const r = await op(db, 'realign', 'rider', ...AG, '--local', 'Accidental Death', '--resource', 'Accidental Death', '--yes');
    expect(r.code, r.stderr).toBe(0);
    const after = await dump(db);
    expect(rows(after, 'policy_riders.csv').find((x) => x.policy_id === 'P-2')!.rider_id).toBe('RR-2');
    expect(byId(after, 'riders.csv', 'RL-3')).toMatchObject({ name: 'X_Accidental Death', pcm_activity: 'no_pcm_activity' });
  });
  it('R6: a service provider migrates: its pending cases switch, it becomes X_', async () => {
    const db = await loadInstallation();
    const before = await dump(db);
    const r = await op(db, 'realign', 'service-provider', ...AG, '--local', 'ExamOne', '--resource', 'ExamOne', '--yes');
    expect(r.code, r.stderr).toBe(0);
    const after = await dump(db);
    expect(byId(after, 'pending_cases.csv', 'K-1').service_provider_id).toBe('SR-1');
    expect(byId(after, 'service_providers.csv', 'SL-1')).toMatchObject({ name: 'X_ExamOne', pcm_activity: 'no_pcm_activity' });
    expect(changedRows(before, after)).toEqual(['pending_cases.csv:K-1', 'service_providers.csv:SL-1']);
  });
});

describe('R7: confirmation', () => {
  it('R7: without a terminal and without --yes it refuses and changes nothing', async () => {
    const db = await loadInstallation();
    const before = await dump(db);
    const r = bin(db, 'realign', 'carrier', ...AG, '--local', 'Acme Life', '--resource', 'Acme Life');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/4\s+policies moved to the resource carrier/);
    expect(r.stderr).toMatch(/not confirmed.*--yes/s);
    expect(await dump(db)).toEqual(before);
  });
  it('R7: --dry-run changes nothing and shows the counts the real run reports', async () => {
    const db = await loadInstallation();
    const before = await dump(db);
    const dry = json<{ plan: { lines: unknown[] }; applied: null }>(
      bin(db, 'realign', 'carrier', ...AG, '--local', 'CL-1', '--resource', 'CR-1', '--dry-run', '--json'),
    );
    expect(await dump(db)).toEqual(before);
    const real = json<{ plan: { lines: unknown[] }; applied: { lines: unknown[] } }>(
      bin(db, 'realign', 'carrier', ...AG, '--local', 'CL-1', '--resource', 'CR-1', '--yes', '--json'),
    );
    expect(real.applied.lines).toEqual(dry.plan.lines);
    expect(real.plan).toEqual(dry.plan);
    expect(dry.plan.lines).toContainEqual({ what: 'policies moved to the resource carrier', count: 4 });
    const changed = changedRows(before, await dump(db)).filter((k) => !k.startsWith('policy_riders'));
    expect(changed).toHaveLength(18); // the rows R5 lists, policy riders aside
  });
  it('R7: on a terminal it asks; "y" applies and anything else cancels', async () => {
    const db = await loadInstallation();
    const before = await dump(db);
    const bin = path.resolve('bin/officeport.js');
    const ask = (answer: string) =>
      spawnScript(
        `printf '${answer}\\n' | script -qec "${process.execPath} ${bin} realign carrier --db ${db} --office O-AG --user admin --local CL-1 --resource CR-1" /dev/null`,
      );
    const no = ask('n');
    expect(no.stdout).toMatch(/Apply this migration\? \[y\/N\]/);
    expect(await dump(db)).toEqual(before);
    const yes = ask('y');
    expect(yes.stdout).toMatch(/applied as realignment #1/);
    expect(byId(await dump(db), 'carriers.csv', 'CL-1').name).toBe('X_Acme Life');
  });
});

function spawnScript(cmd: string): { stdout: string } {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { stdout: r.stdout + r.stderr };
}

describe('R8: exact names only', () => {
  it('R8: a case or spacing difference is refused with the near name, and nothing changes', async () => {
    const db = await loadInstallation();
    const before = await dump(db);
    const r = await op(db, 'realign', 'carrier', ...AG, '--local', 'CL-2', '--resource', 'CR-2', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"Beacon  mutual" (CL-2) is not exactly equal');
    expect(r.stderr).toContain('nearest resource names: Beacon Mutual (CR-2)');
    const byName = await op(db, 'realign', 'carrier', ...AG, '--local', 'Beacon  mutual', '--resource', 'Beacon mutual', '--yes');
    expect(byName.code).toBe(1);
    expect(byName.stderr).toMatch(/no resource carrier with id or exact name "Beacon mutual".*did you mean "Beacon Mutual" \(CR-2\)\?/);
    expect(await dump(db)).toEqual(before);
  });
  it('R8: rename then migrate works', async () => {
    const db = await loadInstallation();
    const r1 = await op(db, 'rename', 'carrier', 'CL-2', 'Beacon Mutual', ...AG);
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = await op(db, 'realign', 'carrier', ...AG, '--local', 'Beacon Mutual', '--resource', 'Beacon Mutual', '--yes');
    expect(r2.code, r2.stderr).toBe(0);
    const after = await dump(db);
    expect(byId(after, 'policies.csv', 'P-4')).toMatchObject({ carrier_id: 'CR-2', product_id: 'PR-4' });
    expect(byId(after, 'agent_contracts.csv', 'AC-2').carrier_id).toBe('CR-2');
    expect(byId(after, 'carriers.csv', 'CL-2').name).toBe('X_Beacon Mutual');
  });
  it('R8: rename refuses a name already used, a non-admin, and (R4) resource records', async () => {
    const db = await loadInstallation();
    const before = await dump(db);
    const dup = await op(db, 'rename', 'carrier', 'CL-3', 'Acme Life', ...AG);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/CL-1 already bears the name "Acme Life"/);
    const dupProduct = await op(db, 'rename', 'product', 'PL-2', 'Term 20', ...AG);
    expect(dupProduct.stderr).toMatch(/PL-1 already bears the name "Term 20"; product names must be unique per carrier/);
    expect((await op(db, 'rename', 'carrier', 'CL-3', 'New Name', '--office', 'O-AG', '--user', 'clerk')).stderr).toMatch(/lacks the right admin/);
    const res = await op(db, 'rename', 'carrier', 'CR-1', 'Acme', ...AG);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/resource office Resource US and is read-only/);
    const res2 = await op(db, 'rename', 'product', 'PR-1', 'Acme', '--office', 'O-RES', '--user', 'resadmin');
    expect(res2.code).toBe(1);
    expect(await dump(db)).toEqual(before);
  });
});
