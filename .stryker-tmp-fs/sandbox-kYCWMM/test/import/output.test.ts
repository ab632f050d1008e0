// @ts-nocheck
// What import prints, read as a user reads it: each contact once, under the
// outcome the receipt gives it, beside its target id. The real binary on the samples.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, runOk, tmpDir } from '../helpers/cli.js';
import { loadInstallation, SAMPLES } from '../helpers/installation.js';

const TO = ['--office', 'Springfield Agency', '--user', 'dana'];
const EXPORT = ['--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana'];

interface ReceiptFile {
  outcomes: { ref: string; target_id?: string; outcome: string; candidates?: string[]; choice?: string }[];
}

/** The lines of one titled section of import's text output (title line first), up to the next blank line. */
function sectionOf(stdout: string, title: string): string[] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${title} (`));
  if (at < 0) return [];
  const end = lines.findIndex((l, i) => i > at && l.trim() === '');
  return lines.slice(at, end < 0 ? undefined : end);
}

describe('import output', () => {
  let dir: string;
  let source: string;
  let bundle: string;

  beforeAll(() => {
    dir = tmpDir('officeport-import-output-');
    source = loadInstallation(path.join(SAMPLES, 'source'), dir);
    bundle = path.join(dir, 'move.zip');
    runOk(['export', '--db', source, ...EXPORT, '--out', bundle]);
  });

  it("V2, V6: a tax id conflict of a merge is printed masked, by kind: a business's EIN of nine bare digits as an EIN", () => {
    // Only a contact matched through an earlier import (I3 (1)) can differ in tax id: the target's copy of
    // Smith Family Bakery LLC (C-1201, EIN 12-3456789) is given another EIN, written as bare digits, and the
    // set is exported and imported again.
    const target = loadInstallation(path.join(SAMPLES, 'target'), tmpDir());
    const first = path.join(dir, 'receipt-ein-1.json');
    runOk(['import', bundle, '--db', target, ...TO, '--receipt', first]);
    const bakery = (JSON.parse(fs.readFileSync(first, 'utf8')) as ReceiptFile).outcomes.find((o) => o.ref === 'contact/C-1201')!.target_id!;
    const db = new Database(target);
    expect(db.prepare(`UPDATE contacts SET tax_id = '987654321' WHERE id = ?`).run(bakery).changes).toBe(1);
    db.close();
    const again = path.join(dir, 'move-again.zip');
    runOk(['export', '--db', source, ...EXPORT, '--out', again]);
    const receipt = path.join(dir, 'receipt-ein-2.json');
    const out = runOk(['import', again, '--db', target, ...TO, '--receipt', receipt]);
    const line = sectionOf(out, 'merged into existing contacts').find((l) => l.includes('contact/C-1201 '));
    expect(line).toBeDefined();
    expect(line).toContain('tax_id: kept "**-***4321", incoming "**-***6789"');
    expect(out).not.toContain('987654321');
    expect(out).not.toContain('3456789');
    // the receipt keeps the values and says whose they are, so that every view can mask them by kind
    const r = JSON.parse(fs.readFileSync(receipt, 'utf8')) as { outcomes: { ref: string; conflicts?: unknown[] }[] };
    expect(r.outcomes.find((o) => o.ref === 'contact/C-1201')!.conflicts).toEqual([
      { field: 'tax_id', target: '987654321', incoming: '12-3456789', kind: 'business' },
    ]);
  });

  it('I12: a contact settled in the plan file is printed once, under merged, as the receipt says; not again as ambiguous', () => {
    const target = loadInstallation(path.join(SAMPLES, 'target'), tmpDir());
    const plan = path.join(dir, 'plan-settled.json');
    runOk(['import', bundle, '--db', target, ...TO, '--dry-run', '--plan-out', plan]);
    const p = JSON.parse(fs.readFileSync(plan, 'utf8')) as { decisions: { ref: string; candidates?: string[]; choice?: string }[] };
    const michael = p.decisions.find((d) => d.ref === 'contact/C-1106')!;
    expect(michael.candidates).toEqual(['TC-5003', 'TC-5004']);
    michael.choice = 'TC-5003';
    fs.writeFileSync(plan, JSON.stringify(p));
    const receipt = path.join(dir, 'receipt-settled.json');
    const out = runOk(['import', bundle, '--db', target, ...TO, '--plan', plan, '--receipt', receipt]);
    const r = JSON.parse(fs.readFileSync(receipt, 'utf8')) as ReceiptFile;
    expect(r.outcomes.find((o) => o.ref === 'contact/C-1106')).toMatchObject({ outcome: 'merged', target_id: 'TC-5003', choice: 'TC-5003' });
    expect(sectionOf(out, 'merged into existing contacts').filter((l) => l.includes('contact/C-1106 '))).toHaveLength(1);
    expect(sectionOf(out, 'ambiguous (created anew)')).toEqual([]);
    expect(out.split('\n').filter((l) => l.includes('contact/C-1106 '))).toHaveLength(1);
  });

  it('I12: a contact the plan settles as new is listed once among the created contacts, with its new id', () => {
    const target = loadInstallation(path.join(SAMPLES, 'target'), tmpDir());
    const plan = path.join(dir, 'plan-new.json');
    runOk(['import', bundle, '--db', target, ...TO, '--dry-run', '--plan-out', plan]);
    const p = JSON.parse(fs.readFileSync(plan, 'utf8')) as { decisions: { ref: string; choice?: string }[] };
    p.decisions.find((d) => d.ref === 'contact/C-1106')!.choice = 'new';
    fs.writeFileSync(plan, JSON.stringify(p));
    const receipt = path.join(dir, 'receipt-new.json');
    const out = runOk(['import', bundle, '--db', target, ...TO, '--plan', plan, '--receipt', receipt]);
    const id = (JSON.parse(fs.readFileSync(receipt, 'utf8')) as ReceiptFile).outcomes.find((o) => o.ref === 'contact/C-1106')!.target_id!;
    const lines = out.split('\n').filter((l) => l.includes('contact/C-1106 '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`contact/C-1106 +${id} +settled in the plan: new`));
    expect(sectionOf(out, 'ambiguous (created anew)')).toEqual([]);
  });

  it('I10: import shows every created contact beside its new target id, as in the receipt; an ambiguous one once', () => {
    const target = loadInstallation(path.join(SAMPLES, 'target'), tmpDir());
    const receipt = path.join(dir, 'receipt-plain.json');
    const r = run(['import', bundle, '--db', target, ...TO, '--receipt', receipt]);
    expect(r.code, r.stderr).toBe(0);
    const outcomes = (JSON.parse(fs.readFileSync(receipt, 'utf8')) as ReceiptFile).outcomes;
    const created = outcomes.filter((o) => o.ref.startsWith('contact/') && o.outcome === 'created' && !o.candidates);
    expect(created.map((o) => o.ref)).toEqual(['contact/C-1101', 'contact/C-1102', 'contact/C-1103', 'contact/C-1201']);
    const section = sectionOf(r.stdout, 'created contacts');
    expect(section[0]).toBe('created contacts (4)');
    for (const o of created)
      expect(
        section.some((l) => new RegExp(`^${o.ref} +${o.target_id}\\b`).test(l)),
        `${o.ref} -> ${o.target_id}`,
      ).toBe(true);
    // Michael (ambiguous) is created too, and listed once: under ambiguous, with his new id
    const michael = outcomes.find((o) => o.ref === 'contact/C-1106')!;
    const lines = r.stdout.split('\n').filter((l) => l.includes('contact/C-1106 '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`contact/C-1106 +${michael.target_id} +TC-5003, TC-5004`));
  });
});
