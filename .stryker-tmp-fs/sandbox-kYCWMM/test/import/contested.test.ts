// @ts-nocheck
// L12: two incoming contacts of one accept that would merge into the same
// target contact are both reported ambiguous (created anew, with the target as
// candidate), never merged silently; `--on-ambiguous fail` stops. The real
// binary on the samples with a few contacts added to each side.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { contestMatch, decideContact, decideMatch } from '../../src/domain/reconcile.js';
import { ROOT, run, runOk, tmpDir } from '../helpers/cli.js';
import { dumpLines } from '../helpers/installation.js';

const TO = ['--office', 'Springfield Agency', '--user', 'dana'];
const blank = (n: number) => Array(n).fill('');

/** A contacts.csv row of the sample layout (25 columns). */
function contactRow(c: { id: string; office: string; kind: string; first?: string; last?: string; business?: string; birth?: string; tax?: string }): string {
  return [
    c.id,
    c.office,
    c.kind,
    c.first ?? '',
    '',
    c.last ?? '',
    c.business ?? '',
    c.birth ?? '',
    c.tax ?? '',
    ...blank(8),
    'false',
    '',
    '',
    '',
    '2020-01-01T09:00:00Z',
    '2020-01-01T09:00:00Z',
    '',
    '',
  ].join(',');
}

/** A copy of a sample folder with contact rows appended. */
function sampleWith(name: string, rows: string[]): string {
  const dir = path.join(tmpDir('officeport-l12-csv-'), name);
  fs.cpSync(path.join(ROOT, 'samples', name), dir, { recursive: true });
  fs.appendFileSync(path.join(dir, 'contacts.csv'), `${rows.join('\n')}\n`);
  return dir;
}

function load(dir: string, csv: string, name: string): string {
  const db = path.join(dir, name);
  runOk(['init', '--db', db]);
  runOk(['load', csv, '--db', db]);
  return db;
}

interface Outcome {
  ref: string;
  outcome: string;
  target_id?: string;
  candidates?: string[];
  reason?: string;
}
const outcomesOf = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { outcomes: Outcome[] }).outcomes;

// Pairs of incoming contacts that each match one target contact on their own: by business name (no EIN),
// by name and birth date (no tax ids), and by tax id.
const PAIRS = [
  { refs: ['contact/C-1901', 'contact/C-1902'], target: 'TC-5901' },
  { refs: ['contact/C-1911', 'contact/C-1912'], target: 'TC-5911' },
  { refs: ['contact/C-1921', 'contact/C-1922'], target: 'TC-5921' },
];

describe('L12: contested matches', () => {
  let dir: string;
  let target: string;
  let bundle: string;

  beforeAll(() => {
    dir = tmpDir('officeport-l12-');
    const src = sampleWith('source', [
      contactRow({ id: 'C-1901', office: 'O-NORTH', kind: 'business', business: 'Corner Deli' }),
      contactRow({ id: 'C-1902', office: 'O-NORTH', kind: 'business', business: 'CORNER  DELI.' }),
      contactRow({ id: 'C-1911', office: 'O-NORTH', kind: 'individual', first: 'Grace', last: 'Lin', birth: '1985-01-01' }),
      contactRow({ id: 'C-1912', office: 'O-NORTH', kind: 'individual', first: 'GRACE', last: 'lin', birth: '1985-01-01' }),
      contactRow({ id: 'C-1921', office: 'O-NORTH', kind: 'individual', first: 'Ann', last: 'Tax', birth: '1960-02-02', tax: '999-88-7777' }),
      contactRow({ id: 'C-1922', office: 'O-NORTH', kind: 'individual', first: 'Annie', last: 'Taxman', birth: '1961-03-03', tax: '999887777' }),
    ]);
    const tgt = sampleWith('target', [
      contactRow({ id: 'TC-5901', office: 'T-SPRING', kind: 'business', business: 'Corner Deli' }),
      contactRow({ id: 'TC-5911', office: 'T-SPRING', kind: 'individual', first: 'Grace', last: 'Lin', birth: '1985-01-01' }),
      contactRow({ id: 'TC-5921', office: 'T-SPRING', kind: 'individual', first: 'Ann', last: 'Tax', birth: '1960-02-02', tax: '999-88-7777' }),
    ]);
    const source = load(dir, src, 'source.db');
    target = load(dir, tgt, 'target.db');
    bundle = path.join(dir, 'move.zip');
    runOk([
      'export',
      '--db',
      source,
      '--office',
      'North Agency',
      '--user',
      'alice',
      '--contact',
      'C-1901',
      'C-1902',
      'C-1911',
      'C-1912',
      'C-1921',
      'C-1922',
      'C-1104',
      '--to-office',
      'Springfield Agency',
      '--to-user',
      'dana',
      '--out',
      bundle,
    ]);
  });

  it('L12: two businesses with one normalised name and no EIN, two individuals with one name and birth date and no tax id, and two with one tax id are all created anew and reported ambiguous; the existing contacts stay untouched', () => {
    const db = path.join(dir, 'import.db');
    fs.copyFileSync(target, db);
    const before = dumpLines(db);
    const receipt = path.join(dir, 'import-receipt.json');
    const out = runOk(['import', bundle, '--db', db, ...TO, '--receipt', receipt]);
    expect(out).toMatch(/ambiguous \(created anew\) \(6\)/);
    const outcomes = outcomesOf(receipt);
    for (const p of PAIRS) {
      for (const ref of p.refs) {
        const o = outcomes.find((x) => x.ref === ref)!;
        expect(o.outcome, ref).toBe('created');
        expect(o.target_id).toMatch(/^IMP-/);
        expect(o.candidates).toEqual([p.target]);
        expect(o.reason).toContain(p.refs.find((r) => r !== ref));
      }
    }
    // a contact that alone matches its target is still merged
    expect(outcomes.find((x) => x.ref === 'contact/C-1104')).toMatchObject({ outcome: 'merged', target_id: 'TC-5001' });
    const after = dumpLines(db);
    for (const p of PAIRS) {
      const row = (d: Record<string, string[]>) => d['contacts.csv']!.find((l) => l.startsWith(`${p.target},`));
      expect(row(after)).toBe(row(before));
      const made = after['contacts.csv']!.filter((l) => p.refs.some((r) => l.endsWith(`,${r}`)));
      expect(made).toHaveLength(2);
    }
    expect(after['contacts.csv']!.length).toBe(before['contacts.csv']!.length + 6);
  });

  it('L12: --on-ambiguous fail stops on contested matches and changes nothing', () => {
    const db = path.join(dir, 'fail.db');
    fs.copyFileSync(target, db);
    const before = dumpLines(db);
    const r = run(['import', bundle, '--db', db, ...TO, '--on-ambiguous', 'fail', '--receipt', path.join(dir, 'fail-receipt.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /6 incoming contacts match ambiguously \(several target contacts, or one that another incoming contact matches too\); nothing was imported/,
    );
    for (const p of PAIRS) for (const ref of p.refs) expect(r.stderr).toContain(`${ref}: candidates ${p.target}`);
    expect(dumpLines(db)).toEqual(before);
  });

  it('L12: a plan settles a contested match: the chosen contact merges, the other is created', () => {
    const db = path.join(dir, 'plan.db');
    fs.copyFileSync(target, db);
    const plan = path.join(dir, 'plan.json');
    runOk(['import', bundle, '--db', db, ...TO, '--dry-run', '--plan-out', plan]);
    const p = JSON.parse(fs.readFileSync(plan, 'utf8')) as { decisions: { ref: string; candidates?: string[]; choice?: string }[] };
    for (const d of p.decisions) {
      if (d.ref === 'contact/C-1901') d.choice = 'TC-5901';
      else if (d.candidates) d.choice = 'new';
    }
    fs.writeFileSync(plan, JSON.stringify(p));
    const receipt = path.join(dir, 'plan-receipt.json');
    runOk(['import', bundle, '--db', db, ...TO, '--plan', plan, '--receipt', receipt]);
    const outcomes = outcomesOf(receipt);
    expect(outcomes.find((x) => x.ref === 'contact/C-1901')).toMatchObject({ outcome: 'merged', target_id: 'TC-5901' });
    expect(outcomes.find((x) => x.ref === 'contact/C-1902')).toMatchObject({ outcome: 'created', candidates: ['TC-5901'] });
  });

  it('L12: every I3 route is contested the same way (earlier import, tax id, name), and a lone match is not', () => {
    const routes = [
      decideMatch({ mapped: 'T-1', taxKey: '', byTax: [], byIdentity: [] }),
      decideMatch({ taxKey: '1', byTax: ['T-1'], byIdentity: [] }),
      decideMatch({ taxKey: '', byTax: [], byIdentity: [{ id: 'T-1', taxKey: '' }] }),
    ];
    for (const m of routes) {
      expect(m).toMatchObject({ kind: 'match', target_id: 'T-1' });
      expect(contestMatch(m, [])).toEqual(m);
      const contested = contestMatch(m, ['contact/B', 'contact/A']);
      expect(contested).toEqual({ kind: 'ambiguous', via: 'contested', candidates: ['T-1'], rivals: ['contact/A', 'contact/B'] });
      expect(decideContact(contested)).toMatchObject({ outcome: 'created', ambiguous: ['T-1'] });
      expect(decideContact(contested, 'T-1')).toMatchObject({ outcome: 'merged', target_id: 'T-1' });
    }
  });
});
