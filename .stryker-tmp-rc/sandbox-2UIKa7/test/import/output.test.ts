// @ts-nocheck
// What import prints, read as a user reads it: each contact once, under the
// outcome the receipt gives it, beside its target id. The real binary on the samples.
import fs from 'node:fs';
import path from 'node:path';
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
  let bundle: string;

  beforeAll(() => {
    dir = tmpDir('officeport-import-output-');
    const source = loadInstallation(path.join(SAMPLES, 'source'), dir);
    bundle = path.join(dir, 'move.zip');
    runOk(['export', '--db', source, ...EXPORT, '--out', bundle]);
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
