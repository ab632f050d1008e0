// @ts-nocheck
// load -> dump round trips on the samples and on a generated installation
// (D2, D3), bad CSV folders (S2) and a load killed half-way (S3), all through
// the real binary.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES, TABLE_NAMES } from '../../src/domain/model/tables.js';
import { BIN, ROOT, run, tmpDir } from '../helpers/cli.js';

function lines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

function listFiles(root: string, rel = ''): string[] {
  if (!fs.existsSync(path.join(root, rel))) return [];
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(root, r) : [r];
  });
}

function freshDb(dir: string): string {
  const db = path.join(dir, 'inst.db');
  const r = run(['init', '--db', db]);
  expect(r.code, r.stderr).toBe(0);
  return db;
}

/** load DIR, dump it again, and compare file by file: header equal, same rows. */
function expectRoundTrip(src: string): void {
  const work = tmpDir();
  const db = freshDb(work);
  const load = run(['load', src, '--db', db, '--json']);
  expect(load.code, load.stderr).toBe(0);
  const out = path.join(work, 'dumped');
  const dump = run(['dump', out, '--db', db]);
  expect(dump.code, dump.stderr).toBe(0);
  for (const name of TABLE_NAMES) {
    const file = TABLES[name].file;
    const before = fs.existsSync(path.join(src, file)) ? lines(path.join(src, file)) : [];
    const after = lines(path.join(out, file));
    if (before.length === 0) {
      expect(after.length, `${file}: absent in the source, so dumped header-only`).toBe(1);
      continue;
    }
    expect(after[0], `${file} header`).toBe(before[0]);
    expect([...after.slice(1)].sort(), `${file} rows`).toEqual([...before.slice(1)].sort());
  }
  const docsBefore = listFiles(path.join(src, 'documents')).sort();
  expect(listFiles(path.join(out, 'documents')).sort()).toEqual(docsBefore);
  for (const d of docsBefore) {
    expect(fs.readFileSync(path.join(out, 'documents', d)).equals(fs.readFileSync(path.join(src, 'documents', d))), d).toBe(true);
  }
  fs.rmSync(work, { recursive: true, force: true });
}

describe('load and dump', () => {
  it('D3: samples/source loads and dumps to the same rows and documents', () => {
    expectRoundTrip(path.join(ROOT, 'samples/source'));
  });

  it('D3: samples/target loads and dumps to the same rows', () => {
    expectRoundTrip(path.join(ROOT, 'samples/target'));
  });

  it('D3: a generated installation of 2,000 contacts loads and dumps to the same rows', () => {
    const dir = path.join(tmpDir(), 'gen');
    const g = run(['generate', dir, '--contacts', '2000', '--seed', 'roundtrip']);
    expect(g.code, g.stderr).toBe(0);
    expectRoundTrip(dir);
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }, 60_000);
});

/** One bad value per class, each at a known file:line:column. */
const BAD: Record<string, string> = {
  'installation.csv': 'id,name\ninst-bad,Bad Installation\n',
  'offices.csv': 'id,name,parent_id,kind,region\nO-1,North,,agencyy,US\n',
  'contacts.csv': [
    'id,office_id,kind,last_name,birth_date,custom',
    'C-1,O-1,individual,Smith,31/12/1980,',
    'C-2,O-1,individual,Jones,,"{""a"":1"',
    'C-1,O-1,individual,Brown,,',
    'C-3,O-1,individual,Green,,,extra',
    '',
  ].join('\n'),
  'leads.csv': 'id,contact_id\nLD-1,C-2\n',
  'policies.csv': 'id,office_id,primary_contact_id\nP-1,O-1,C-404\n',
  'letters.csv': 'id,office_id,contact_id,kind,document\nL-1,O-1,C-2,letter,nope.txt\n',
};

const EXPECTED_LOCATIONS: [string, string][] = [
  ['wrong enum', 'offices.csv:2:4'],
  ['bad date', 'contacts.csv:2:5'],
  ['malformed JSON in custom', 'contacts.csv:3:6'],
  ['duplicate id', 'contacts.csv:4:1'],
  ['too many fields', 'contacts.csv:5:7'],
  ['missing required column', 'leads.csv:1:3'],
  ['unknown reference', 'policies.csv:2:3'],
  ['missing document file', 'letters.csv:2:5'],
];

describe('bad CSV folders', () => {
  it('S2: every bad value is named by file:line:column, exit 1, and nothing loads', () => {
    const work = tmpDir();
    const src = path.join(work, 'bad');
    fs.mkdirSync(src);
    for (const [f, text] of Object.entries(BAD)) fs.writeFileSync(path.join(src, f), text);
    const db = freshDb(work);
    const r = run(['load', src, '--db', db]);
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    for (const [what, where] of EXPECTED_LOCATIONS) {
      expect(out, `${what} at ${where}`).toMatch(new RegExp(`${where.replace(/\./g, '\\.')}: `));
    }
    expect(out).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace without --debug

    const dumped = path.join(work, 'dump');
    expect(run(['dump', dumped, '--db', db]).code).toBe(0);
    for (const name of TABLE_NAMES) {
      expect(lines(path.join(dumped, TABLES[name].file)), `${name} stays empty`).toHaveLength(1);
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('S2: a file with a missing required column names the column and loads nothing', () => {
    const work = tmpDir();
    const src = path.join(work, 'bad');
    fs.cpSync(path.join(ROOT, 'samples/target'), src, { recursive: true });
    const file = path.join(src, 'users.csv');
    const [, ...rows] = lines(file);
    fs.writeFileSync(
      file,
      [
        'id,office_id,full_name,rights',
        ...rows.map((l) =>
          l
            .split(',')
            .filter((_, i) => i !== 2)
            .join(','),
        ),
      ].join('\n') + '\n',
    );
    const db = freshDb(work);
    const r = run(['load', src, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/users\.csv:1:5: .*username/);
    expect(run(['load', path.join(ROOT, 'samples/target'), '--db', db]).code, 'the installation stayed empty').toBe(0);
    fs.rmSync(work, { recursive: true, force: true });
  });
});

describe('interrupted load', () => {
  it('S3: a load killed with SIGKILL leaves the installation as before (slow)', async () => {
    const work = tmpDir();
    const src = path.join(work, 'gen');
    expect(run(['generate', src, '--contacts', '20000', '--seed', 'kill']).code).toBe(0);
    const db = freshDb(work);
    const child = spawn(process.execPath, [BIN, 'load', src, '--db', db], { stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    const { signal } = await exited;
    expect(signal, 'the load was still running when killed').toBe('SIGKILL');

    const dumped = path.join(work, 'dump');
    const d = run(['dump', dumped, '--db', db]);
    expect(d.code, d.stderr).toBe(0);
    for (const name of TABLE_NAMES) {
      expect(lines(path.join(dumped, TABLES[name].file)), `${name} as before: header only`).toHaveLength(1);
    }
    const again = run(['load', src, '--db', db, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).rows.contacts).toBe(20000);
    fs.rmSync(work, { recursive: true, force: true });
  }, 120_000);
});

describe('names by kind', () => {
  it('B9: a nameless individual and a nameless business are refused by load, in plain words ("an individual")', () => {
    const work = tmpDir();
    const src = path.join(work, 'nameless');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'installation.csv'), 'id,name\ninst-n,Nameless\n');
    fs.writeFileSync(path.join(src, 'offices.csv'), 'id,name,parent_id,kind,region\nO-1,North,,agency,US\n');
    fs.writeFileSync(path.join(src, 'contacts.csv'), 'id,office_id,kind,first_name,last_name,business_name\nC-1,O-1,individual,Ann,,\nC-2,O-1,business,,,\n');
    const r = run(['load', src, '--db', freshDb(work)]);
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toContain('contacts.csv:2:5: last_name is required for an individual');
    expect(out).toContain('contacts.csv:3:6: business_name is required for a business');
    fs.rmSync(work, { recursive: true, force: true });
  });
});
