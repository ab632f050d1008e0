// @ts-nocheck
// The seams between export, import and finalize (L4-L7), with the real binary
// on the samples: sealed receipts, a receipt issued again after it was lost,
// the ledger written before the bundle appears, and two imports of one bundle
// at once.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bundleRecords } from '../fixtures/finalize/hand-receipt.js';
import { BIN, run, runOk, tmpDir, type RunResult } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/installation.js';

const SET = 'Move to Springfield';

function installation(dir: string, name: string, sample: string): string {
  const db = path.join(dir, name);
  runOk(['init', '--db', db]);
  runOk(['load', path.join(SAMPLES, sample), '--db', db]);
  return db;
}

/** The source sample exported North -> Springfield (in the target sample's installation), unless `to` says otherwise. */
function exported(to: { office: string; user: string } = { office: 'Springfield Agency', user: 'dana' }, extra: string[] = []) {
  const dir = tmpDir('officeport-seams-');
  const source = installation(dir, 'source.db', 'source');
  const bundle = path.join(dir, 'move.zip');
  runOk([
    'export',
    '--db',
    source,
    '--office',
    'North Agency',
    '--user',
    'alice',
    '--set',
    SET,
    '--to-office',
    to.office,
    '--to-user',
    to.user,
    '--out',
    bundle,
    ...extra,
  ]);
  return { dir, source, bundle };
}

function withTarget() {
  const s = exported();
  return { ...s, target: installation(s.dir, 'target.db', 'target') };
}

function query<T>(db: string, sql: string, ...params: unknown[]): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all(...params) as T[];
  } finally {
    d.close();
  }
}

const contactIds = (db: string) => query<{ id: string }>(db, `SELECT id FROM contacts WHERE office_id = 'O-NORTH' ORDER BY id`).map((r) => r.id);
const finalizes = (db: string) => query<{ n: number }>(db, `SELECT count(*) AS n FROM transfer_log WHERE action = 'finalize'`)[0]!.n;
const finalize = (db: string, receipt: string, extra: string[] = []) =>
  run(['finalize', receipt, '--db', db, '--office', 'North Agency', '--user', 'alice', '--yes', ...extra]);
const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

/** finalize refuses, and the source office is as it was. */
function expectRefused(r: RunResult, db: string, before: string[], message: RegExp): void {
  expect(r.code, r.stdout).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/nothing was changed/);
  expect(contactIds(db)).toEqual(before);
  expect(finalizes(db)).toBe(0);
}

describe('sealed receipts', () => {
  it('L4: a line added to the receipt naming another contact of the bundle is refused; the true receipt still finalizes', () => {
    const s = withTarget();
    const receipt = path.join(s.dir, 'receipt.json');
    runOk(['import', s.bundle, '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana', '--contact', 'C-1101', '--receipt', receipt]);
    const text = fs.readFileSync(receipt, 'utf8');
    expect(text).toMatch(/"seal": "[0-9a-f]{64}"\n\}\n$/);
    const at = text.indexOf('"outcomes": [\n') + '"outcomes": [\n'.length;
    const forged = path.join(s.dir, 'forged.json');
    fs.writeFileSync(forged, `${text.slice(0, at)}    {"ref":"contact/C-1102","target_id":"C-9102","outcome":"created"},\n${text.slice(at)}`);
    const before = contactIds(s.source);
    expect(before).toContain('C-1102');
    expectRefused(finalize(s.source, forged), s.source, before, /does not match its seal/);
    // the receipt as the import wrote it
    const ok = finalize(s.source, receipt);
    expect(ok.code, ok.stderr).toBe(0);
    expect(contactIds(s.source)).not.toContain('C-1101');
    expect(contactIds(s.source)).toContain('C-1102');
  }, 60_000);

  it('L4: a flipped byte in an outcome, or a receipt without its seal, is refused', () => {
    const s = withTarget();
    const receipt = path.join(s.dir, 'receipt.json');
    runOk(['import', s.bundle, '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
    const bytes = fs.readFileSync(receipt);
    const text = bytes.toString('utf8');
    // the last character of the first outcome's target id: still a well-formed receipt, another target record
    const start = text.indexOf('"target_id":"', text.indexOf('"outcomes"')) + '"target_id":"'.length;
    const end = text.indexOf('"', start);
    expect(start).toBeGreaterThan('"target_id":"'.length);
    const flipped = Buffer.from(bytes);
    flipped[Buffer.byteLength(text.slice(0, end - 1))] ^= 0x01;
    const f1 = path.join(s.dir, 'flipped.json');
    fs.writeFileSync(f1, flipped);
    const before = contactIds(s.source);
    expectRefused(finalize(s.source, f1), s.source, before, /does not match its seal/);
    const unsealed = JSON.parse(text) as Record<string, unknown>;
    delete unsealed.seal;
    const f2 = path.join(s.dir, 'unsealed.json');
    fs.writeFileSync(f2, JSON.stringify(unsealed, null, 2));
    expectRefused(finalize(s.source, f2), s.source, before, /has no seal/);
  }, 60_000);

  it('L4: a receipt sealed with the bundle key but naming a record the bundle did not hold is refused', async () => {
    const s = withTarget();
    const receipt = path.join(s.dir, 'receipt.json');
    runOk(['import', s.bundle, '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
    // whoever holds the bundle holds its key: the ledger must still know what the bundle held
    const { header, records } = await bundleRecords(s.bundle);
    const inBundle = new Set(records.map((x) => x.record.ref));
    const { Sealer } = await import('../../src/trust/receipt-seal.js');
    const r = JSON.parse(fs.readFileSync(receipt, 'utf8')) as { outcomes: unknown[]; seal?: string };
    delete r.seal;
    // a policy of a moved contact written in the source after the export: the bundle never held it
    const policy = String(records.find((x) => x.file === 'policies.ndjson')!.record.ref).split('/')[1]!;
    const d = new Database(s.source);
    const cols = (d.prepare(`SELECT name FROM pragma_table_info('policies') WHERE name != 'id'`).pluck().all() as string[]).map((c) => `"${c}"`).join(', ');
    d.prepare(`INSERT INTO policies (id, ${cols}) SELECT 'P-LATER', ${cols} FROM policies WHERE id = ?`).run(policy);
    d.close();
    const outside = contactIds(s.source).find((id) => !inBundle.has(`contact/${id}`))!;
    expect(outside).toBeDefined();
    r.outcomes.push({ ref: `contact/${outside}`, target_id: 'C-X', outcome: 'created' }, { ref: 'policy/P-LATER', target_id: 'P-X', outcome: 'created' });
    const body = JSON.stringify(r, null, 2).slice(0, -2);
    const sealer = new Sealer(header.receipt_key as string);
    sealer.update(body);
    const forged = path.join(s.dir, 'resealed.json');
    fs.writeFileSync(forged, body + sealer.tail());
    const before = contactIds(s.source);
    const f = finalize(s.source, forged);
    expectRefused(f, s.source, before, new RegExp(`names 2 records that bundle .* did not hold`));
    expect(f.stderr).toContain(`contact/${outside}`);
    expect(f.stderr).toContain('policy/P-LATER');
    expect(query(s.source, `SELECT id FROM policies WHERE id = 'P-LATER'`)).toHaveLength(1);
  }, 60_000);

  it('L4: import, import undo, then finalize in one installation is refused', () => {
    const s = exported({ office: 'South Agency', user: 'bob' });
    const receipt = path.join(s.dir, 'receipt.json');
    runOk(['import', s.bundle, '--db', s.source, '--office', 'South Agency', '--user', 'bob', '--receipt', receipt]);
    runOk(['import', 'undo', receipt, '--db', s.source, '--office', 'South Agency', '--user', 'bob']);
    const before = contactIds(s.source);
    expectRefused(finalize(s.source, receipt), s.source, before, /was undone/);
  }, 60_000);

  it('L4: the receipt key follows the installation and the bundle id: the same id in one installation gives the same bundle, another installation another key', async () => {
    const id = ['--bundle-id', '3f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f', '--created-at', '2025-04-01T09:30:00Z'];
    const a = exported(undefined, id);
    const again = path.join(a.dir, 'again.zip');
    runOk([
      'export',
      '--db',
      a.source,
      '--office',
      'North Agency',
      '--user',
      'alice',
      '--set',
      SET,
      '--to-office',
      'Springfield Agency',
      '--to-user',
      'dana',
      '--out',
      again,
      ...id,
    ]);
    expect(sha(again)).toBe(sha(a.bundle));
    const b = exported(undefined, id);
    const [ha, hb] = [(await bundleRecords(a.bundle)).header, (await bundleRecords(b.bundle)).header];
    expect(ha.receipt_key).toMatch(/^[0-9a-f]{64}$/);
    expect(hb.receipt_key).not.toBe(ha.receipt_key);
    expect(query<{ k: string }>(a.source, `SELECT receipt_key AS k FROM export_ledger`)[0]!.k).toBe(ha.receipt_key);
    // the secret stays in the installation: not in a dump
    const out = path.join(a.dir, 'dump');
    runOk(['dump', out, '--db', a.source]);
    const secret = query<{ s: Buffer }>(a.source, `SELECT secret AS s FROM installation_secret`)[0]!.s.toString('hex');
    for (const f of fs.readdirSync(out)) if (f.endsWith('.csv')) expect(fs.readFileSync(path.join(out, f), 'utf8')).not.toContain(secret);
  }, 60_000);
});

describe('a lost receipt', () => {
  it('L5: killed between the import commit and the receipt rename: import again says where the receipt is, import receipt writes it again, finalize accepts it', () => {
    const s = withTarget();
    const receipt = path.join(s.dir, 'receipt.json');
    const imp = ['import', s.bundle, '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt];
    const killed = run(imp, { env: { OFFICEPORT_FAULT: 'kill:import-committed' } });
    expect(killed.code).toBe(-1);
    expect(fs.existsSync(receipt)).toBe(false);
    expect(query<{ n: number }>(s.target, `SELECT count(*) AS n FROM import_accepts`)[0]!.n).toBe(1);
    const again = run(imp);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already imported/);
    expect(again.stdout).toContain(receipt);
    expect(again.stdout).toMatch(/officeport import receipt .*move\.zip --db .*target\.db --office 'Springfield Agency' --user dana --out/);
    const reissued = path.join(s.dir, 'reissued.json');
    const r = run(['import', 'receipt', s.bundle, '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana', '--out', reissued]);
    expect(r.code, r.stderr).toBe(0);
    const f = finalize(s.source, reissued);
    expect(f.code, f.stderr).toBe(0);
    expect(contactIds(s.source)).not.toContain('C-1101');
  }, 60_000);

  it('L5: the receipt issued again is the one the import wrote, byte for byte; an existing --out is refused', () => {
    const s = withTarget();
    const receipt = path.join(s.dir, 'receipt.json');
    runOk(['import', s.bundle, '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
    const id = (JSON.parse(fs.readFileSync(receipt, 'utf8')) as { bundle_id: string }).bundle_id;
    const reissued = path.join(s.dir, 'reissued.json');
    // by bundle id as well as by file
    runOk(['import', 'receipt', id, '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana', '--out', reissued]);
    expect(sha(reissued)).toBe(sha(receipt));
    const twice = run(['import', 'receipt', s.bundle, '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana', '--out', reissued]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already exists/);
  }, 60_000);
});

describe('the ledger before the bundle', () => {
  const args = (s: { source: string }, out: string, extra: string[] = []) => [
    'export',
    '--db',
    s.source,
    '--office',
    'North Agency',
    '--user',
    'alice',
    '--set',
    SET,
    '--to-office',
    'Springfield Agency',
    '--to-user',
    'dana',
    '--out',
    out,
    ...extra,
  ];
  const ledger = (db: string) => query<{ bundle_id: string; tagmanifest_sha256: string }>(db, `SELECT bundle_id, tagmanifest_sha256 FROM export_ledger`);
  const FIXED = ['--bundle-id', '5a1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f', '--created-at', '2025-04-01T09:30:00Z'];

  it('L6: killed after the bag is written and before the ledger: no bundle at --out, no ledger row; a retry works', () => {
    const s = exported();
    const out = path.join(s.dir, 'second.zip');
    const before = ledger(s.source).length;
    const killed = run(args(s, out, FIXED), { env: { OFFICEPORT_FAULT: 'kill:export-bag-written' } });
    expect(killed.code).toBe(-1);
    expect(fs.existsSync(out)).toBe(false);
    expect(ledger(s.source)).toHaveLength(before);
    runOk(args(s, out, FIXED));
    expect(ledger(s.source).map((r) => r.bundle_id)).toContain(FIXED[1]);
  }, 60_000);

  it('L6: killed between the ledger commit and the rename: the ledger knows the bundle, none is at --out, and a retry puts the very bundle there', async () => {
    const s = exported();
    const out = path.join(s.dir, 'second.zip');
    const killed = run(args(s, out, FIXED), { env: { OFFICEPORT_FAULT: 'kill:export-ledger-committed' } });
    expect(killed.code).toBe(-1);
    expect(fs.existsSync(out)).toBe(false);
    const row = ledger(s.source).find((r) => r.bundle_id === FIXED[1]);
    expect(row).toBeDefined();
    runOk(args(s, out, FIXED));
    // the bundle at --out is the one the ledger knows
    expect((await bundleRecords(out)).tagmanifest).toBe(row!.tagmanifest_sha256);
  }, 60_000);

  it('L6: when the bundle cannot be put at --out, the ledger does not claim it', () => {
    const s = exported();
    const out = path.join(s.dir, 'second.zip');
    const before = ledger(s.source);
    const failed = run(args(s, out), { env: { OFFICEPORT_FAULT: 'throw:export-ledger-committed' } });
    expect(failed.code).not.toBe(0);
    expect(fs.existsSync(out)).toBe(false);
    expect(ledger(s.source)).toEqual(before);
    expect(query<{ n: number }>(s.source, `SELECT count(*) AS n FROM transfer_log WHERE action = 'export'`)[0]!.n).toBe(before.length);
  }, 60_000);
});

describe('two imports of one bundle at once', () => {
  function start(args: string[]): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  it('L7: two processes importing the same bundle give one accept; the other says already imported; undo of the accept works', async () => {
    const s = withTarget();
    const imp = (n: number) => [
      'import',
      s.bundle,
      '--db',
      s.target,
      '--office',
      'Springfield Agency',
      '--user',
      'dana',
      '--receipt',
      path.join(s.dir, `receipt-${n}.json`),
    ];
    // Both verify, stage and select while this test holds the write lock; both then wait for it (S5), so
    // each decided what to accept before the other wrote anything: only the write transaction can tell.
    const lock = new Database(s.target);
    lock.exec('BEGIN IMMEDIATE');
    const both = Promise.all([start(imp(1)), start(imp(2))]);
    await new Promise((r) => setTimeout(r, 6000));
    lock.exec('COMMIT');
    lock.close();
    const results = await both;
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const accepts = query<{ accept_id: string }>(s.target, `SELECT accept_id FROM import_accepts`);
    expect(accepts).toHaveLength(1);
    expect(results.filter((r) => /already imported/.test(r.stdout))).toHaveLength(1);
    const winner = [1, 2].find((n) => fs.existsSync(path.join(s.dir, `receipt-${n}.json`)))!;
    const undo = run(['import', 'undo', path.join(s.dir, `receipt-${winner}.json`), '--db', s.target, '--office', 'Springfield Agency', '--user', 'dana']);
    expect(undo.code, undo.stderr).toBe(0);
  }, 120_000);
});
