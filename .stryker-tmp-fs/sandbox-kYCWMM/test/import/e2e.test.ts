// @ts-nocheck
// The real binary on real files: the sample move end to end, refusals, the
// inbox, dry run, undo, and a SIGKILL in the middle of a large import.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, run, runOk, tmpDir } from '../helpers/cli.js';
import { snapshotDir } from '../helpers/installation.js';

const SRC = path.join(ROOT, 'samples/source');
const TGT = path.join(ROOT, 'samples/target');
const TO = ['--office', 'Springfield Agency', '--user', 'dana'];

const ok = runOk;

function load(dir: string, csv: string, name: string): string {
  const db = path.join(dir, name);
  ok(['init', '--db', db]);
  ok(['load', csv, '--db', db]);
  return db;
}

/** A dump as {relative path: content}. */
function dumpOf(db: string): Record<string, string> {
  const dir = path.join(tmpDir('officeport-e2e-dump-'), 'd');
  ok(['dump', dir, '--db', db]);
  const out = snapshotDir(dir);
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  return out;
}

function csvRows(text: string): string[] {
  return text.trim().split('\n').slice(1);
}

describe('import with the real binary', () => {
  let dir: string;
  let source: string;
  let bundle: string;

  beforeAll(() => {
    dir = tmpDir('officeport-e2e-');
    source = load(dir, SRC, 'source.db');
    bundle = path.join(dir, 'move.zip');
    ok([
      'export',
      '--db',
      source,
      '--office',
      'North Agency',
      '--user',
      'alice',
      '--set',
      'Move to Springfield',
      '--to-office',
      'Springfield Agency',
      '--to-user',
      'dana',
      '--out',
      bundle,
    ]);
  });

  it('I1-I11: the sample move: export from samples/source, import into samples/target, check the dump, undo it (I13)', () => {
    const target = load(dir, TGT, 'target-move.db');
    const before = dumpOf(target);
    ok(['verify', bundle]);
    const receipt = path.join(dir, 'receipt.json');
    const out = ok(['import', bundle, '--db', target, ...TO, '--receipt', receipt]);
    expect(out).toMatch(/imported bundle .* from North Agency/);
    expect(out).toMatch(/merged into existing contacts \(2\)/);
    expect(out).toMatch(/ambiguous \(created anew\) \(1\)/);
    expect(out).toMatch(/dropped/);
    const after = dumpOf(target);
    const contacts = csvRows(after['contacts.csv']!);
    // 8 target contacts, 7 incoming: 2 merged, 5 created (one of them the ambiguous Michael Johnson)
    expect(contacts).toHaveLength(8 + 5);
    const created = contacts.filter((l) => l.includes(',contact/C-'));
    expect(created.map((l) => l.split(',').at(-1)).sort()).toEqual(['contact/C-1101', 'contact/C-1102', 'contact/C-1103', 'contact/C-1106', 'contact/C-1201']);
    expect(contacts.find((l) => l.startsWith('TC-5001,'))).toContain('david.nguyen@example.com'); // filled, phone kept
    expect(contacts.find((l) => l.startsWith('TC-5001,'))).toContain('217-555-9999');
    expect(csvRows(after['policies.csv']!)).toHaveLength(1 + 7);
    expect(Object.keys(after).filter((f) => f.startsWith('documents/'))).toHaveLength(3);
    expect(csvRows(after['employee_census.csv']!)).toHaveLength(2);
    const r = JSON.parse(fs.readFileSync(receipt, 'utf8'));
    expect(r.receipt_version).toBe(1);
    // nothing is left in the inbox; the log shows the import
    expect(JSON.parse(ok(['inbox', 'list', '--db', target, ...TO, '--json'])).entries).toEqual([]);
    expect(ok(['log', '--db', target])).toMatch(/import/);
    // I9
    expect(ok(['import', bundle, '--db', target, ...TO, '--receipt', path.join(dir, 'again.json')])).toMatch(/already imported; nothing changed/);
    expect(dumpOf(target)).toEqual(after);
    // I13
    expect(ok(['import', 'undo', receipt, '--db', target, ...TO])).toMatch(/undid import/);
    expect(dumpOf(target)).toEqual(before);
  });

  it('I1: an unverifiable bundle is refused with exit 1 and the target is unchanged', () => {
    const target = load(dir, TGT, 'target-bad.db');
    const before = dumpOf(target);
    const bad = path.join(dir, 'bad.zip');
    const bytes = fs.readFileSync(bundle);
    bytes[Math.floor(bytes.length / 3)] ^= 0xff;
    fs.writeFileSync(bad, bytes);
    const r = run(['import', bad, '--db', target, ...TO]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not verify; nothing was imported/);
    expect(dumpOf(target)).toEqual(before);
  });

  it('I1: misaddressed office, misaddressed user and a user without data_import each exit 1 and change nothing', () => {
    const target = load(dir, TGT, 'target-addr.db');
    const before = dumpOf(target);
    const other = path.join(dir, 'to-eve.zip');
    ok([
      'export',
      '--db',
      source,
      '--office',
      'North Agency',
      '--user',
      'alice',
      '--contact',
      'C-1101',
      '--to-office',
      'T-SPRING',
      '--to-user',
      'eve',
      '--out',
      other,
    ]);
    const elsewhere = path.join(dir, 'elsewhere.zip');
    ok([
      'export',
      '--db',
      source,
      '--office',
      'North Agency',
      '--user',
      'alice',
      '--contact',
      'C-1101',
      '--to-office',
      'Elsewhere Agency',
      '--to-user',
      'dana',
      '--out',
      elsewhere,
    ]);
    const office = run(['import', elsewhere, '--db', target, ...TO]);
    expect([office.code, office.stderr]).toEqual([1, expect.stringMatching(/addressed to office "Elsewhere Agency"/)]);
    const user = run(['import', other, '--db', target, ...TO]);
    expect([user.code, user.stderr]).toEqual([1, expect.stringMatching(/addressed to user "eve"/)]);
    const rights = run(['import', other, '--db', target, '--office', 'T-SPRING', '--user', 'eve']);
    expect([rights.code, rights.stderr]).toEqual([1, expect.stringMatching(/eve .* lacks the right data_import/)]);
    expect(dumpOf(target)).toEqual(before);
  });

  it('I12/V2: the dry run prints the plan, writes the plan file and changes nothing', () => {
    const target = load(dir, TGT, 'target-dry.db');
    const before = dumpOf(target);
    const plan = path.join(dir, 'plan.json');
    const out = ok(['import', bundle, '--db', target, ...TO, '--dry-run', '--plan-out', plan]);
    expect(out).toMatch(/dry run \(nothing written\)/);
    expect(out).toMatch(/census\/EC-3 .*employee contact\/C-1304/);
    expect(JSON.parse(fs.readFileSync(plan, 'utf8')).decisions.length).toBeGreaterThan(50);
    const json = JSON.parse(ok(['import', bundle, '--db', target, ...TO, '--dry-run', '--json']));
    expect(json.dry_run).toBe(true);
    expect(json.counts.merged).toBe(2);
    // V2: inspect shows the same dry run
    const inspected = ok(['inspect', bundle, '--db', target, ...TO]);
    expect(inspected).toMatch(/import dry run into Springfield Agency for dana/);
    expect(inspected).toMatch(/2 merged/);
    expect(JSON.parse(ok(['inspect', bundle, '--db', target, ...TO, '--json'])).import_dry_run.counts).toEqual(json.counts);
    expect(dumpOf(target)).toEqual(before);
    expect(fs.existsSync(`${target}.inbox`)).toBe(false);
  });

  it('I2: inbox add, list, accept of one contact, accept of the rest, with the binary', () => {
    const target = load(dir, TGT, 'target-inbox.db');
    const added = JSON.parse(ok(['inbox', 'add', bundle, '--db', target, ...TO, '--json']));
    expect(added.added).toBe(true);
    const list = JSON.parse(ok(['inbox', 'list', '--db', target, ...TO, '--json']));
    expect(list.entries[0].contacts.map((c: { ref: string }) => c.ref)).toContain('contact/C-1101');
    expect(ok(['inbox', 'list', '--db', target, ...TO])).toMatch(/\*\*\*-\*\*-6789/);
    const one = JSON.parse(
      ok(['inbox', 'accept', added.id, '--db', target, ...TO, '--contact', 'contact/C-1201', '--receipt', path.join(dir, 'r-one.json'), '--json']),
    );
    expect(one.counts.created).toBeGreaterThan(0);
    expect(JSON.parse(ok(['inbox', 'list', '--db', target, ...TO, '--json'])).entries[0].status).toBe('partial');
    ok(['inbox', 'accept', added.id, '--db', target, ...TO, '--receipt', path.join(dir, 'r-rest.json')]);
    expect(JSON.parse(ok(['inbox', 'list', '--db', target, ...TO, '--json'])).entries).toEqual([]);
  });
});

describe('killing an import', () => {
  it('I8/S3: a SIGKILL at any moment leaves the target as before or as after, never between (slow)', async () => {
    const dir = tmpDir('officeport-kill-');
    const gen = path.join(dir, 'gen');
    ok(['generate', gen, '--contacts', '1500', '--seed', '7']);
    const db = load(dir, gen, 'gen.db');
    const bundle = path.join(dir, 'big.zip');
    ok(['export', '--db', db, '--office', 'O-1', '--user', 'exporter', '--all', '--to-office', 'O-2', '--to-user', 'importer', '--out', bundle]);
    const before = dumpOf(db);
    const full = path.join(dir, 'full.db');
    fs.copyFileSync(db, full);
    const t0 = Date.now();
    ok(['import', bundle, '--db', full, '--office', 'O-2', '--user', 'importer', '--receipt', path.join(dir, 'full.json')]);
    const duration = Date.now() - t0;
    const after = dumpOf(full);
    expect(after).not.toEqual(before);
    const seen = { before: 0, after: 0, killed: 0 };
    for (const fraction of [0.35, 0.6, 0.8, 0.95]) {
      const copy = path.join(dir, `kill-${fraction}.db`);
      fs.copyFileSync(db, copy);
      const child = spawn(
        process.execPath,
        [BIN, 'import', bundle, '--db', copy, '--office', 'O-2', '--user', 'importer', '--receipt', path.join(dir, `k-${fraction}.json`)],
        { stdio: 'ignore' },
      );
      const timer = setTimeout(() => child.kill('SIGKILL'), Math.round(duration * fraction));
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      clearTimeout(timer);
      if (signal === 'SIGKILL') seen.killed++;
      const now = dumpOf(copy);
      // nothing half-staged either: import is add plus accept in one transaction
      expect(JSON.parse(ok(['inbox', 'list', '--db', copy, '--office', 'O-2', '--user', 'importer', '--json'])).entries).toEqual([]);
      if (JSON.stringify(now) === JSON.stringify(before)) seen.before++;
      else {
        expect(now).toEqual(after);
        seen.after++;
      }
    }
    expect(seen.killed, `kills landed while import ran (${JSON.stringify(seen)})`).toBeGreaterThan(0);
    expect(seen.before).toBeGreaterThan(0); // at least one kill landed before the commit
  }, 600_000);
});
