// @ts-nocheck
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_ID, HIDDEN_FORMULAS, HOSTILE_FORMULA, HOSTILE_SCRIPT, exportHostile, tamperBundle, type Exported } from './audit-fixture.js';
import { EXCLUSION_REASONS } from '../../src/audit/inspect.js';
import { run } from '../helpers/cli.js';
import { skipWithoutTool } from '../helpers/tools.js';

const noXmllint = skipWithoutTool('V4', 'xmllint', spawnSync('xmllint', ['--version']).status === 0, 'Debian package libxml2-utils');

/** Rows per CSV file as Python's csv module reads them (a reader other than papaparse). */
function pythonCsvRows(dir: string): Record<string, string[][]> {
  const py = `
import csv, json, os, sys
out = {}
for name in sorted(os.listdir(sys.argv[1])):
    with open(os.path.join(sys.argv[1], name), newline='', encoding='utf-8') as f:
        out[name] = list(csv.reader(f))
print(json.dumps(out))
`;
  const r = spawnSync('python3', ['-c', py, dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, string[][]>;
}

/** The bundle's declared counts, read from officeport.json with Python's zipfile (not our reader). */
function headerCounts(bundle: string): Record<string, number> {
  const py = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    name = next(n for n in z.namelist() if n.endswith('/officeport.json'))
    print(json.dumps(json.loads(z.read(name))['counts']))
`;
  const r = spawnSync('python3', ['-c', py, bundle], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, number>;
}

describe('officeport convert', () => {
  let ex: Exported;
  let counts: Record<string, number>;
  beforeAll(() => {
    ex = exportHostile();
    counts = headerCounts(ex.bundle);
  });

  it('V4: CSV files read by Python csv have one row per record of the bundle counts', () => {
    const out = path.join(ex.dir, 'csv');
    const r = run(['convert', ex.bundle, '--to', 'csv', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const files = pythonCsvRows(out);
    const types = Object.keys(counts).filter((t) => t !== 'documents');
    expect(types.length).toBeGreaterThan(10);
    for (const t of types) {
      expect(files[`${t}.csv`], `${t}.csv`).toBeDefined();
      expect(files[`${t}.csv`]!.length - 1, `${t}.csv rows`).toBe(counts[t]);
      expect(files[`${t}.csv`]![0]![0]).toBe('ref');
    }
    // nested lists are their own files, each row naming its parent record
    for (const [file, parent] of [
      ['policy_parties.csv', 'policy'],
      ['case_parties.csv', 'case'],
      ['account_parties.csv', 'account'],
      ['policy_riders.csv', 'policy'],
    ] as const) {
      const rows = files[file]!;
      expect(rows[0]![0]).toBe(parent);
      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows.slice(1)) expect(row[0]).toMatch(new RegExp(`^${parent}/`));
    }
    expect(files['exclusions.csv']!.some((row) => row[0] === 'X10' && row[1] === 'leads' && row[3] === EXCLUSION_REASONS['X10/leads'])).toBe(true);
  });

  it('V4: no CSV cell starts with = + - @ tab or CR unescaped; the formula name is defused', () => {
    const out = path.join(ex.dir, 'csv-formula');
    expect(run(['convert', ex.bundle, '--to', 'csv', '--out', out]).code).toBe(0);
    const files = pythonCsvRows(out);
    let cells = 0;
    for (const [file, rows] of Object.entries(files)) {
      for (const row of rows) {
        for (const c of row) {
          cells++;
          expect(c, `${file}: ${c}`).not.toMatch(/^[=+\-@\t\r]/);
        }
      }
    }
    expect(cells).toBeGreaterThan(500);
    const contacts = files['contacts.csv']!;
    const col = contacts[0]!.indexOf('last_name');
    expect(contacts.map((r) => r[col])).toContain(`'${HOSTILE_FORMULA}`);
    const first = contacts[0]!.indexOf('first_name');
    expect(contacts.map((r) => r[first])).toContain(`'+1-555-0100`);
    expect(contacts.map((r) => r[first])).toContain(HOSTILE_SCRIPT);
  });

  it('V6: cells with a formula trigger behind leading whitespace, or a full-width trigger, are escaped too', () => {
    const out = path.join(ex.dir, 'csv-hidden-formula');
    expect(run(['convert', ex.bundle, '--to', 'csv', '--out', out]).code).toBe(0);
    const files = pythonCsvRows(out);
    const contacts = files['contacts.csv']!;
    for (const [id, field, value] of HIDDEN_FORMULAS) {
      const row = contacts.find((r) => r[0] === `contact/${id}`)!;
      expect(row[contacts[0]!.indexOf(field)], `${id} ${field}`).toBe(`'${value}`);
    }
    for (const [file, rows] of Object.entries(files)) {
      for (const row of rows) for (const c of row) expect(c, `${file}: ${JSON.stringify(c)}`).not.toMatch(/^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/);
    }
    expect(fs.readFileSync(path.join(out, 'contacts.csv'), 'utf8').startsWith('\uFEFF')).toBe(false);
  });

  it('V6: --bom starts every CSV file with a UTF-8 byte order mark and nothing else changes', () => {
    const plain = path.join(ex.dir, 'csv-nobom');
    const out = path.join(ex.dir, 'csv-bom');
    expect(run(['convert', ex.bundle, '--to', 'csv', '--out', plain]).code).toBe(0);
    const r = run(['convert', ex.bundle, '--to', 'csv', '--bom', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const names = fs.readdirSync(out).sort();
    expect(names).toEqual(fs.readdirSync(plain).sort());
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const bytes = fs.readFileSync(path.join(out, name));
      expect(bytes.subarray(0, 3).toString('hex'), name).toBe('efbbbf');
      expect(bytes.subarray(3).equals(fs.readFileSync(path.join(plain, name))), name).toBe(true);
    }
    const xml = run(['convert', ex.bundle, '--to', 'xml', '--bom', '--out', path.join(ex.dir, 'bom.xml')]);
    expect(xml.code).toBe(2);
    expect(fs.existsSync(path.join(ex.dir, 'bom.xml'))).toBe(false);
  });

  it.skipIf(noXmllint)('V4: xmllint accepts the XML, with one element per record and hostile text intact', () => {
    const out = path.join(ex.dir, 'move.xml');
    const r = run(['convert', ex.bundle, '--to', 'xml', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lint = spawnSync('xmllint', ['--noout', out], { encoding: 'utf8' });
    expect(lint.status, lint.stderr).toBe(0);
    const xpath = (q: string) => spawnSync('xmllint', ['--xpath', q, out], { encoding: 'utf8' }).stdout.trim();
    for (const [t, n] of Object.entries(counts)) {
      if (t === 'documents') continue;
      expect(xpath(`count(/*/*[local-name()='records'][@type='${t}']/*)`), t).toBe(String(n));
    }
    expect(xpath(`string(/*/*[local-name()='header']/*[local-name()='bundle_id'])`)).toBe(BUNDLE_ID);
    expect(xpath(`string(//*[@ref='contact/C-1101']/*[local-name()='first_name'])`)).toBe(HOSTILE_SCRIPT);
    expect(xpath(`string(//*[@ref='contact/C-1102']/*[local-name()='last_name'])`)).toBe(HOSTILE_FORMULA);
    expect(Number(xpath(`count(//*[local-name()='party'])`))).toBeGreaterThan(0);
    expect(fs.readFileSync(out, 'utf8')).not.toContain('<script>');
  });

  it('V4: a bundle changed after bagging is refused and nothing is written', () => {
    const bad = path.join(ex.dir, 'tampered.zip');
    tamperBundle(ex.bundle, bad, 'data/records/contacts.ndjson', '"Smith"', '"Smyth"');
    for (const [to, out] of [
      ['csv', path.join(ex.dir, 'bad-csv')],
      ['xml', path.join(ex.dir, 'bad.xml')],
    ] as const) {
      const r = run(['convert', bad, '--to', to, '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('not a valid bundle');
      expect(r.stderr).toContain('contacts.ndjson');
      expect(fs.existsSync(out)).toBe(false);
    }
    expect(fs.readdirSync(ex.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('V4: refuses to write CSV into a folder that holds files', () => {
    const out = path.join(ex.dir, 'busy');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
    const r = run(['convert', ex.bundle, '--to', 'csv', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not an empty folder');
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
  });

  it('C1: convert --help shows examples; a missing --to is a usage error', () => {
    const help = run(['convert', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--to csv --out');
    expect(run(['convert', ex.bundle, '--out', 'x']).code).toBe(2);
  });
});
