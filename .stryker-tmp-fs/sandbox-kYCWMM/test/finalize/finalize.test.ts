// @ts-nocheck
// End to end: the real binary on the source sample. Export the set "Move to
// Springfield", answer it with a receipt (built by hand from the bundle, as the
// importer writes it), finalize in North Agency, and read the dump and the
// retention archive as a user would.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPayload, openBag } from '../../src/bundle/bag-reader.js';
import type { FinalizeReceipt } from '../../src/domain/finalize-rules.js';
import { TABLE_NAMES } from '../../src/domain/model/tables.js';
import { bundleRecords, exportSample, handReceipt, writeJson } from '../fixtures/finalize/hand-receipt.js';
import { ROOT, run } from '../helpers/cli.js';
import { snapshotDir } from '../helpers/installation.js';

type Row = Record<string, string>;

function ok(args: string[]): string {
  const r = run(args);
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} -> ${r.code}\n${r.stderr}`);
  return r.stdout;
}

function readCsv(dir: string, file: string): Row[] {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  return Papa.parse<Row>(text, { header: true, skipEmptyLines: true }).data;
}

let n = 0;
function dump(db: string): string {
  const out = path.join(path.dirname(db), `dump-${n++}`);
  ok(['dump', out, '--db', db]);
  return out;
}

const snapshot = snapshotDir;

/** Every row of every office table and the documents, read in process (cheaper than a dump). */
function rows(db: string): Record<string, unknown[]> {
  const sql = new Database(db, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of [...TABLE_NAMES, 'documents']) out[t] = sql.prepare(`SELECT * FROM ${t} ORDER BY rowid`).raw(true).all();
    return out;
  } finally {
    sql.close();
  }
}

interface Setup {
  dir: string;
  db: string;
  bundle: string;
}

const ownedBy = (contact: string) => (r: { record: Record<string, unknown> }) =>
  r.record.ref === `contact/${contact}` || r.record.primary_contact === `contact/${contact}` || r.record.contact === `contact/${contact}`
    ? ('pending' as const)
    : undefined;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the archive header is read as loose JSON here
async function archiveRecords(file: string): Promise<{ header: Record<string, any>; files: Record<string, Row[]>; paths: string[]; problems: unknown[] }> {
  const { bag, problems } = await openBag(file);
  expect(problems).toEqual([]);
  await checkPayload(bag!);
  const files: Record<string, Row[]> = {};
  for (const p of bag!.paths.filter((x) => x.startsWith('data/records/'))) {
    const rows: Row[] = [];
    for await (const { text } of bag!.lines(p)) if (text) rows.push(JSON.parse(text));
    files[p.slice('data/records/'.length, -'.ndjson'.length)] = rows;
  }
  const header = JSON.parse(await bag!.readTagFile('officeport.json'));
  const result = { header, files, paths: bag!.paths, problems: [...bag!.problems] };
  await bag!.close();
  return result;
}

describe('finalize in the source office (end to end)', () => {
  let s: Setup;
  let receiptFile: string;
  let before: string;
  let after: string;
  let stdout: string;
  let archive: string;

  beforeAll(async () => {
    s = exportSample();
    // C-1106 and its records wait in the target's inbox; policy P-1007 was dropped.
    const pending = ownedBy('C-1106');
    const receipt = await handReceipt(s.bundle, {
      outcome: (r) => pending(r) ?? (r.record.ref === 'policy/P-1007' ? 'dropped' : undefined),
    });
    receiptFile = writeJson(path.join(s.dir, 'receipt.json'), receipt);
    before = dump(s.db);
    stdout = ok(['finalize', '--yes', receiptFile, '--db', s.db, '--office', 'North Agency', '--user', 'alice']);
    after = dump(s.db);
    archive = path.join(s.dir, `retention-${receipt.bundle_id}.zip`);
  }, 60_000);

  it('M1: removes the moved contacts and the records the receipt confirms', () => {
    const ids = readCsv(after, 'contacts.csv').map((r) => r.id);
    for (const c of ['C-1101', 'C-1102', 'C-1103', 'C-1104', 'C-1105', 'C-1201']) expect(ids).not.toContain(c);
    const policies = readCsv(after, 'policies.csv').map((r) => r.id);
    for (const p of ['P-1001', 'P-1002', 'P-1003', 'P-1005', 'P-1006']) expect(policies).not.toContain(p);
    const accounts = readCsv(after, 'investment_accounts.csv').map((r) => r.id);
    expect(accounts).not.toContain('IA-1');
    expect(readCsv(after, 'positions.csv').filter((r) => r.account_id === 'IA-1')).toEqual([]);
    expect(readCsv(after, 'activities.csv').map((r) => r.contact_id)).not.toContain('C-1101');
  });

  it('M1: removes what belonged to a moved contact and did not travel', () => {
    expect(readCsv(after, 'leads.csv').map((r) => r.id)).not.toContain('LD-1');
    expect(readCsv(after, 'set_members.csv').filter((r) => r.contact_id === 'C-1101')).toEqual([]);
    expect(readCsv(after, 'event_invitations.csv').map((r) => r.id)).not.toContain('EV-1');
    expect(readCsv(after, 'proposals.csv').map((r) => r.id)).not.toContain('PP-1');
    const letters = readCsv(after, 'letters.csv').map((r) => r.id);
    for (const l of ['L-2', 'L-3', 'L-7']) expect(letters).not.toContain(l); // a letter to others, e-mails
    const commissions = readCsv(after, 'commissions.csv').map((r) => r.id);
    for (const c of ['CM-1', 'CM-2', 'CM-3']) expect(commissions).not.toContain(c);
    expect(readCsv(after, 'pending_cases.csv').map((r) => r.id)).not.toContain('PC-3'); // attached to commissions
    const kr = readCsv(after, 'key_relations.csv').map((r) => r.id);
    for (const k of ['KR-6', 'KR-7', 'KR-8']) expect(kr).not.toContain(k); // not exported (X6), touch a moved contact
  });

  it("M3: a policy whose primary contact stays keeps all but the moved contact's party entry", () => {
    const p1004 = readCsv(after, 'policy_parties.csv').filter((r) => r.policy_id === 'P-1004');
    expect(p1004.map((r) => r.contact_id)).toEqual(['C-1002']);
    const p1008 = readCsv(after, 'policy_parties.csv').filter((r) => r.policy_id === 'P-1008');
    expect(p1008).toEqual([]);
    expect(readCsv(after, 'policies.csv').find((r) => r.id === 'P-1008')?.primary_contact_id).toBe('C-1305');
  });

  it('M3: what the receipt does not confirm stays (pending contact with its records, dropped policy detached)', () => {
    expect(readCsv(after, 'contacts.csv').map((r) => r.id)).toContain('C-1106');
    expect(readCsv(after, 'policies.csv').find((r) => r.id === 'P-1009')?.primary_contact_id).toBe('C-1106');
    expect(readCsv(after, 'leads.csv').map((r) => r.id)).toContain('LD-2');
    const p1007 = readCsv(after, 'policies.csv').find((r) => r.id === 'P-1007');
    expect(p1007).toBeDefined();
    expect(p1007!.primary_contact_id).toBe(''); // its contact moved; the policy stays, detached
    expect(
      readCsv(after, 'policy_parties.csv')
        .filter((r) => r.policy_id === 'P-1007')
        .map((r) => r.contact_id),
    ).toEqual(['C-1305']);
    // stubs matched in the target (linked) are not moved contacts
    for (const c of ['C-1302', 'C-1303', 'C-1304', 'C-1305', 'C-1001', 'C-1002']) {
      expect(readCsv(after, 'contacts.csv').map((r) => r.id)).toContain(c);
    }
    // catalogue records are never removed
    expect(readCsv(after, 'carriers.csv')).toEqual(readCsv(before, 'carriers.csv'));
    expect(readCsv(after, 'products.csv')).toEqual(readCsv(before, 'products.csv'));
  });

  it('M3: offices other than the source are untouched', () => {
    for (const f of ['contacts.csv', 'policies.csv', 'letters.csv']) {
      const other = (d: string) => readCsv(d, f).filter((r) => r.office_id !== 'O-NORTH');
      expect(other(after)).toEqual(other(before));
    }
  });

  it('M2: prints the retention archive, a bag that verifies (manifests, checksums)', async () => {
    expect(stdout).toContain(`retention archive: ${archive}`);
    const a = await archiveRecords(archive);
    expect(a.problems).toEqual([]);
    expect(a.header).toMatchObject({ format: 'officeport-retention', format_version: '2.0', accept_id: 'ACC-1' });
    expect(a.header.source).toMatchObject({ office_id: 'O-NORTH', username: 'alice' });
  });

  it('M2: unzipped, the archive passes sha256sum -c of both manifests in its bag folder', () => {
    const out = path.join(s.dir, 'unzipped');
    expect(spawnSync('unzip', ['-q', archive, '-d', out]).status).toBe(0);
    const [bagDir] = fs.readdirSync(out);
    expect(bagDir).toMatch(/^officeport-retention-/);
    for (const m of ['manifest-sha256.txt', 'tagmanifest-sha256.txt']) {
      const r = spawnSync('sha256sum', ['-c', '--strict', m], { cwd: path.join(out, bagDir!), encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
  });

  it('M2: the archive holds every removed row that did not travel, as full CSV rows', async () => {
    const { files } = await archiveRecords(archive);
    const beforeRows = (f: string, id: string) => readCsv(before, f).find((r) => r.id === id)!;
    const asCsv = (r: Row) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? '']));
    expect(asCsv(files.leads!.find((r) => r.id === 'LD-1')!)).toEqual(beforeRows('leads.csv', 'LD-1'));
    expect(files.letters!.map((r) => r.id).sort()).toEqual(['L-2', 'L-3', 'L-7']);
    expect(files.commissions!.map((r) => r.id).sort()).toEqual(['CM-1', 'CM-2', 'CM-3']);
    expect(files.pending_cases!.map((r) => r.id)).toEqual(['PC-3']);
    expect(files.proposals!.map((r) => r.id).sort()).toEqual(['PP-1', 'PP-2']);
    expect(files.event_invitations!.length).toBe(2);
    expect(files.set_members!.some((r) => r.contact_id === 'C-1101' && r.set_id === 'S-2')).toBe(true);
    expect(files.policy_parties!.some((r) => r.policy_id === 'P-1004' && r.contact_id === 'C-1101')).toBe(true);
    expect(files.detached_references).toContainEqual({ table: 'policies', id: 'P-1007', column: 'primary_contact_id', value: 'C-1101' });
  });

  it('M2: custom data, asset allocation and performance of moved records are kept in the archive', async () => {
    const { files } = await archiveRecords(archive);
    const c1101 = files.travelled_contacts!.find((r) => r.id === 'C-1101')!;
    expect(JSON.parse(c1101.custom!)).toEqual({ hobby: 'sailing', vip: true });
    expect(c1101.primary_advisor_id).toBe('C-1001');
    const ia1 = files.travelled_investment_accounts!.find((r) => r.id === 'IA-1')!;
    expect(JSON.parse(ia1.asset_allocation!)).toEqual({ equity: 60, fixed_income: 35, cash: 5 });
    expect(JSON.parse(ia1.performance!)).toEqual({ ytd: 4.2, one_year: 9.8 });
    expect(files.travelled_policies!.find((r) => r.id === 'P-1001')!.custom).toContain('preferred');
    const positions = [...(files.travelled_positions ?? []), ...(files.positions ?? [])];
    expect(positions.filter((r) => r.custom).length).toBeGreaterThan(0);
    expect(positions.map((r) => r.id).sort()).toEqual(
      readCsv(before, 'positions.csv')
        .filter((r) => ['IA-1', 'IA-2'].includes(r.account_id!))
        .map((r) => r.id)
        .sort(),
    );
  });

  it('M2: documents of removed letters are in the archive, content addressed', async () => {
    const { files, paths } = await archiveRecords(archive);
    const doc = files.documents!.find((d) => d.path === 'miller-beneficiary-notice.txt')!;
    expect(paths).toContain(doc.file);
    expect(fs.existsSync(path.join(after, 'documents', 'miller-beneficiary-notice.txt'))).toBe(false);
  });

  it('M4: finalizing the same receipt again changes nothing and says so', () => {
    const r = run(['finalize', '--yes', receiptFile, '--db', s.db, '--office', 'North Agency', '--user', 'alice']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('already finalized');
    expect(snapshot(dump(s.db))).toEqual(snapshot(after));
  });

  it('M4: the export ledger and the transfer log record the finalize', () => {
    const r = run(['log', '--db', s.db, '--json']);
    const { entries } = JSON.parse(r.stdout) as { entries: { action: string; finalized_at: string | null; counts: Record<string, number> }[] };
    expect(entries.find((e) => e.action === 'export')?.finalized_at).toBeTruthy();
    const fin = entries.filter((e) => e.action === 'finalize');
    expect(fin).toHaveLength(1);
    expect(fin[0]!.counts.moved_contacts).toBe(6);
  });
});

describe('finalize refusals', () => {
  let s: Setup;
  let receipt: FinalizeReceipt;
  let before: Record<string, unknown[]>;

  beforeAll(async () => {
    s = exportSample();
    // a South Agency user who could finalize South's own exports
    ok(['rights', 'grant', 'data_export', '--db', s.db, '--office', 'South Agency', '--user', 'bob', '--as', 'sadmin']);
    receipt = await handReceipt(s.bundle);
    before = rows(s.db);
  }, 60_000);

  const refused = (r: FinalizeReceipt, office = 'North Agency', user = 'alice') => {
    const file = writeJson(path.join(s.dir, `bad-${n++}.json`), r);
    const out = run(['finalize', '--yes', file, '--db', s.db, '--office', office, '--user', user]);
    expect(rows(s.db)).toEqual(before);
    expect(fs.readdirSync(s.dir).filter((f) => f.startsWith('retention-'))).toEqual([]);
    return out;
  };

  it('M1: a receipt with a wrong tagmanifest hash is refused and nothing changes', () => {
    const r = refused({ ...receipt, tagmanifest_sha256: 'f'.repeat(64) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tagmanifest hash');
  });

  it('M1: a receipt of another installation is refused and nothing changes', () => {
    const r = refused({ ...receipt, source: { ...receipt.source, installation_id: '9e1d4c2b-7a3f-4e15-b2c8-6d0f1a2b3c4d' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('installation 9e1d4c2b');
  });

  it('M1: finalizing in another office than the exporting one is refused and nothing changes', () => {
    const r = refused(receipt, 'South Agency', 'bob');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('office North Agency (O-NORTH), not South Agency');
    const r2 = refused({ ...receipt, source: { ...receipt.source, office_id: 'O-SOUTH' } }, 'South Agency', 'bob');
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`bundle ${receipt.bundle_id} was exported by office O-NORTH`);
  });

  it('M1: a user without data_export is refused, naming the right', () => {
    const r = refused(receipt, 'North Agency', 'norights');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('data_export');
  });

  it('M1: a bundle this installation never exported is refused', () => {
    const r = refused({ ...receipt, bundle_id: '00000000-0000-4000-8000-000000000000' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no bundle 00000000');
  });

  it('M1: a file that is not a receipt is refused with a JSON pointer', () => {
    const r = refused({ ...receipt, outcomes: [{ ref: 'contact/C-1101', outcome: 'moved' }] } as unknown as FinalizeReceipt);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/outcomes/0/outcome');
  });

  it('M2: --dry-run reports what would be removed and writes nothing', () => {
    const file = writeJson(path.join(s.dir, 'receipt.json'), receipt);
    const r = run(['finalize', file, '--db', s.db, '--office', 'O-NORTH', '--user', 'alice', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('dry_run');
    expect(out.counts.travelled.contacts).toBe(7);
    expect(out.counts.not_travelled.leads).toBe(2);
    expect(rows(s.db)).toEqual(before);
    expect(fs.readdirSync(s.dir).filter((f) => f.startsWith('retention-'))).toEqual([]);
  });
});

describe('finalize after a real import', () => {
  it('M1: across installations: what the target accepted leaves the source, the rest is archived', async () => {
    const s = exportSample();
    const target = path.join(s.dir, 'target.db');
    ok(['init', '--db', target]);
    ok(['load', path.join(ROOT, 'samples/target'), '--db', target]);
    const receiptFile = path.join(s.dir, 'receipt.json');
    ok(['import', s.bundle, '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receiptFile]);
    const receipt = JSON.parse(fs.readFileSync(receiptFile, 'utf8')) as FinalizeReceipt;
    const out = JSON.parse(ok(['finalize', '--yes', receiptFile, '--db', s.db, '--office', 'North Agency', '--user', 'alice', '--json']));
    expect(out.status).toBe('finalized');
    const confirmedContacts = receipt.outcomes
      .filter((o) => o.ref.startsWith('contact/') && ['created', 'merged', 'linked'].includes(o.outcome))
      .map((o) => o.ref.slice('contact/'.length));
    expect(confirmedContacts.length).toBeGreaterThan(0);
    const after = rows(s.db);
    const left = new Set((after.contacts as string[][]).map((r) => r[0]));
    for (const c of confirmedContacts) expect(left.has(c)).toBe(false);
    // a census row the target dropped (its employee is not there) left with its business, into the archive
    const dropped = receipt.outcomes.find((o) => o.ref.startsWith('census/') && o.outcome === 'dropped');
    const a = await archiveRecords(out.archive);
    expect(a.problems).toEqual([]);
    expect(dropped, 'the sample target drops a census row whose employee it does not hold').toBeDefined();
    expect(a.files.employee_census!.map((r) => r.id)).toContain(dropped!.ref.slice('census/'.length));
    const again = run(['finalize', '--yes', receiptFile, '--db', s.db, '--office', 'North Agency', '--user', 'alice']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already finalized');
    expect(rows(s.db)).toEqual(after);
  });

  it('M3: inside one installation: the receiving office keeps its new records, the source loses the moved ones', () => {
    const s = exportSample();
    const inside = path.join(s.dir, 'inside.zip');
    ok([
      'export',
      '--db',
      s.db,
      '--office',
      'North Agency',
      '--user',
      'alice',
      '--set',
      'Move to Springfield',
      '--to-office',
      'South Agency',
      '--to-user',
      'bob',
      '--out',
      inside,
      '--session',
      'inside-1',
    ]);
    const receiptFile = path.join(s.dir, 'inside-receipt.json');
    ok(['import', inside, '--db', s.db, '--office', 'South Agency', '--user', 'bob', '--receipt', receiptFile]);
    const south = (db: string) => (rows(db).contacts as string[][]).filter((r) => r[1] === 'O-SOUTH');
    const southBefore = south(s.db);
    ok(['finalize', '--yes', receiptFile, '--db', s.db, '--office', 'North Agency', '--user', 'alice']);
    expect(south(s.db)).toEqual(southBefore);
    const north = (rows(s.db).contacts as string[][]).filter((r) => r[1] === 'O-NORTH').map((r) => r[0]);
    expect(north).not.toContain('C-1101');
    expect(north).toContain('C-1305');
  });
});

describe('finalize of a bundle accepted in two parts', () => {
  it('M3: a later receipt of the same bundle moves what the first left pending, with its own archive (M2: never over the first)', async () => {
    const s = exportSample();
    const pending = ownedBy('C-1106');
    const first = writeJson(path.join(s.dir, 'first.json'), await handReceipt(s.bundle, { acceptId: 'ACC-1', outcome: pending }));
    // the second accept (inbox accept --contact contact/C-1106) answers only C-1106 and its records
    const second = await handReceipt(s.bundle, { acceptId: 'ACC-2' });
    const owned = new Set((await bundleRecords(s.bundle)).records.filter((r) => pending(r)).map((r) => r.record.ref));
    expect(owned).toEqual(new Set(['contact/C-1106', 'policy/P-1009', 'note/SP-4']));
    const mine = second.outcomes.filter((o) => owned.has(o.ref));
    ok(['finalize', '--yes', first, '--db', s.db, '--office', 'North Agency', '--user', 'alice']);
    expect((rows(s.db).contacts as string[][]).map((r) => r[0])).toContain('C-1106');
    const secondFile = writeJson(path.join(s.dir, 'second.json'), { ...second, outcomes: mine });
    const firstArchive = path.join(s.dir, `retention-${second.bundle_id}.zip`);
    const bytes = fs.readFileSync(firstArchive);
    const clash = run(['finalize', '--yes', secondFile, '--db', s.db, '--office', 'North Agency', '--user', 'alice', '--archive', firstArchive]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('never overwrites');
    expect(fs.readFileSync(firstArchive).equals(bytes)).toBe(true);
    expect((rows(s.db).contacts as string[][]).map((r) => r[0])).toContain('C-1106');
    const out = JSON.parse(ok(['finalize', '--yes', secondFile, '--db', s.db, '--office', 'North Agency', '--user', 'alice', '--json']));
    expect(out.status).toBe('finalized');
    expect(path.basename(out.archive)).toBe(`retention-${second.bundle_id}-ACC-2.zip`);
    expect(fs.existsSync(path.join(s.dir, `retention-${second.bundle_id}.zip`))).toBe(true);
    const after = rows(s.db);
    expect((after.contacts as string[][]).map((r) => r[0])).not.toContain('C-1106');
    expect((after.leads as string[][]).map((r) => r[0])).not.toContain('LD-2');
    const a = await archiveRecords(out.archive);
    expect(a.files.travelled_contacts!.map((r) => r.id)).toEqual(['C-1106']);
    expect(a.files.leads!.map((r) => r.id)).toEqual(['LD-2']);
  });
});
