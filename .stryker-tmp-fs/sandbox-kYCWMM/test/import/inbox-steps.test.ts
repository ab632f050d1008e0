// @ts-nocheck
// L8: accepting a bundle's contacts in steps ends in the same state as
// accepting them at once. The real binary on the samples: John (C-1101) and the
// bakery (C-1201) first, Mary (C-1102) second, the rest third, against one
// import of everything. What waits for Mary (policy, case and account party
// entries, key relations, the bakery's census row) is pending after the first
// accept and rebuilt by hers; undo of her accept takes exactly that back;
// rejecting the entry drops what waited, and says so.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, runOk, tmpDir } from '../helpers/cli.js';
import { dumpLines, loadInstallation, SAMPLES } from '../helpers/installation.js';

const TO = ['--office', 'Springfield Agency', '--user', 'dana'];

interface Outcome {
  ref: string;
  outcome: string;
  target_id?: string;
  reason?: string;
  record?: string;
  contact?: string;
}
const outcomesOf = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { outcomes: Outcome[] }).outcomes;

/**
 * A dump with the ids this installation gave imported records (IMP-...) replaced
 * by the bundle refs the receipts name for them, each file's lines sorted: two
 * targets that hold the same records compare equal whatever order made them.
 */
function canonical(db: string, receipts: string[]): Record<string, string[]> {
  const refOf = new Map<string, string>();
  for (const r of receipts) {
    for (const o of outcomesOf(r)) {
      if (!o.target_id?.startsWith('IMP-') || o.ref.includes('#')) continue;
      const had = refOf.get(o.target_id);
      if (!had || o.ref < had) refOf.set(o.target_id, o.ref);
    }
  }
  const out: Record<string, string[]> = {};
  for (const [file, lines] of Object.entries(dumpLines(db))) {
    const [head, ...rest] = lines;
    out[file] = [head!, ...rest.map((l) => l.replace(/IMP-[A-Z]+-\d{6}/g, (id) => refOf.get(id) ?? `unmapped:${id}`)).sort()];
  }
  return out;
}

const count = (db: string, sql: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).pluck().get() as number;
  } finally {
    d.close();
  }
};

// What the first step (John and the bakery) leaves waiting for Mary.
const WAITING = ['policy/P-1001#parties/2', 'policy/P-1006#parties/0', 'case/PC-1#parties/2', 'account/IA-1#parties/1', 'census/EC-1', 'key_relation/KR-1'];

describe('L8: accepting in steps', () => {
  let dir: string;
  let target: string;
  let bundle: string;
  let whole: Record<string, string[]>;
  let wholeReceipt: string;

  beforeAll(() => {
    dir = tmpDir('officeport-l8-');
    const source = loadInstallation(path.join(SAMPLES, 'source'), dir);
    target = path.join(dir, 'target-clean.db');
    fs.renameSync(loadInstallation(path.join(SAMPLES, 'target'), dir), target);
    bundle = path.join(dir, 'move.zip');
    runOk([
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
    const all = path.join(dir, 'all.db');
    fs.copyFileSync(target, all);
    wholeReceipt = path.join(dir, 'all.json');
    runOk(['import', bundle, '--db', all, ...TO, '--receipt', wholeReceipt]);
    whole = canonical(all, [wholeReceipt]);
  });

  function stepOne(name: string): { db: string; r1: string } {
    const db = path.join(dir, `${name}.db`);
    fs.copyFileSync(target, db);
    const r1 = path.join(dir, `${name}-1.json`);
    runOk(['inbox', 'add', bundle, '--db', db, ...TO]);
    runOk(['inbox', 'accept', '1', '--db', db, ...TO, '--contact', 'C-1101', '--contact', 'C-1201', '--receipt', r1]);
    return { db, r1 };
  }

  it('L8: John and the bakery, then Mary, then the rest end as one accept of all: party entries of policies, cases and accounts, key relations and census rows that waited for Mary are rebuilt', () => {
    const { db, r1 } = stepOne('steps');
    const first = outcomesOf(r1);
    for (const ref of WAITING) {
      const o = first.find((x) => x.ref === ref);
      expect(o, ref).toBeDefined();
      expect(o!.outcome, ref).toBe('pending');
      expect(o!.reason, ref).toContain('contact/C-1102');
    }
    const r2 = path.join(dir, 'steps-2.json');
    runOk(['inbox', 'accept', '1', '--db', db, ...TO, '--contact', 'C-1102', '--receipt', r2]);
    const second = outcomesOf(r2);
    for (const ref of WAITING) expect(second.find((x) => x.ref === ref)?.outcome, ref).toMatch(/^(linked|created)$/);
    const r3 = path.join(dir, 'steps-3.json');
    runOk(['inbox', 'accept', '1', '--db', db, ...TO, '--receipt', r3]);
    expect(canonical(db, [r1, r2, r3])).toEqual(whole);
    expect(count(db, `SELECT count(*) FROM pending_relations`)).toBe(0);
    // every record the one accept made, the steps made, with the same outcome (pending ones rebuilt later)
    const final = new Map([...first, ...outcomesOf(r2), ...outcomesOf(r3)].filter((o) => o.outcome !== 'pending').map((o) => [o.ref, o.outcome]));
    for (const o of outcomesOf(wholeReceipt)) expect(final.get(o.ref), o.ref).toBe(o.outcome);
  });

  it('L8: undo of the accept that rebuilt the waiting entries removes exactly what it added, and they wait again', () => {
    const { db, r1 } = stepOne('undo');
    const afterFirst = dumpLines(db);
    const waiting = count(db, `SELECT count(*) FROM pending_relations`);
    expect(waiting).toBeGreaterThan(0);
    const r2 = path.join(dir, 'undo-2.json');
    runOk(['inbox', 'accept', '1', '--db', db, ...TO, '--contact', 'C-1102', '--receipt', r2]);
    runOk(['import', 'undo', r2, '--db', db, ...TO]);
    expect(dumpLines(db)).toEqual(afterFirst);
    expect(count(db, `SELECT count(*) FROM pending_relations`)).toBe(waiting);
    // and Mary's accept again rebuilds them
    const again = path.join(dir, 'undo-3.json');
    runOk(['inbox', 'accept', '1', '--db', db, ...TO, '--contact', 'C-1102', '--receipt', again]);
    for (const ref of WAITING) expect(outcomesOf(again).find((x) => x.ref === ref)?.outcome, ref).toMatch(/^(linked|created)$/);
    expect(r1).toBeTruthy();
  });

  it('L8: rejecting the entry after a partial accept drops what waited for its pending contacts and reports it', () => {
    const { db } = stepOne('reject');
    const before = dumpLines(db);
    const out = runOk(['inbox', 'reject', '1', '--db', db, ...TO]);
    expect(out).toMatch(/rejected inbox entry IN-000001/);
    for (const ref of WAITING) expect(out, ref).toContain(ref);
    expect(out).toContain('contact/C-1102');
    expect(count(db, `SELECT count(*) FROM pending_relations`)).toBe(0);
    expect(dumpLines(db)).toEqual(before);
    const r = run(['inbox', 'accept', '1', '--db', db, ...TO, '--contact', 'C-1102']);
    expect(r.code).toBe(1);
  });
});
