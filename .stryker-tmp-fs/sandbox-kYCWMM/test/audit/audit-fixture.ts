// @ts-nocheck
// Shared by the V3/V4/B7 tests: a copy of the source sample whose contacts carry
// hostile names, loaded and exported through the real binary.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { ROOT, run, tmpDir } from '../helpers/cli.js';

export const HOSTILE_SCRIPT = '<script>window.__pwned=1</script>';
export const HOSTILE_FORMULA = '=HYPERLINK("http://evil.example/x","click")';
/** V6: cells a spreadsheet still runs as formulas: a trigger behind spaces or a tab, or a full-width trigger. */
export const HIDDEN_FORMULAS: readonly [id: string, field: string, value: string][] = [
  ['C-1104', 'street', ' =HYPERLINK("http://evil.example/y","y")'],
  ['C-1105', 'street', '\uFF1D1+2'],
  ['C-1106', 'street', ' \t\uFF0BSUM(1)'],
  ['C-1201', 'city', '  \uFF20SUM(1)'],
  ['C-1101', 'city', '\uFF0D5'],
  ['C-1102', 'city', ' @A1'],
];
export const BUNDLE_ID = '11111111-2222-4333-8444-555555555555';

function must(r: { code: number; stdout: string; stderr: string }, what: string): string {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** samples/source with C-1101 renamed to hostile text, C-1102 given a formula name. */
export function hostileSource(dir: string): string {
  const src = path.join(dir, 'source-csv');
  fs.cpSync(path.join(ROOT, 'samples/source'), src, { recursive: true });
  const file = path.join(src, 'contacts.csv');
  const parsed = Papa.parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true });
  for (const row of parsed.data) {
    if (row.id === 'C-1101') row.first_name = HOSTILE_SCRIPT;
    if (row.id === 'C-1102') row.last_name = HOSTILE_FORMULA;
    if (row.id === 'C-1103') row.first_name = '+1-555-0100';
    // V6: formula triggers behind leading whitespace, and their full-width forms
    for (const [id, field, value] of HIDDEN_FORMULAS) if (row.id === id) row[field] = value;
  }
  fs.writeFileSync(file, Papa.unparse(parsed.data, { columns: parsed.meta.fields }) + '\n');
  return src;
}

export interface Exported {
  dir: string;
  db: string;
  bundle: string;
}

/**
 * Load the hostile source and export the "Move to Springfield" set to Springfield Agency.
 * With `reuse`, export again from that installation (into a new file) instead of loading anew.
 */
export function exportHostile(extra: string[] = [], reuse?: Exported): Exported {
  const dir = reuse?.dir ?? tmpDir('officeport-audit-');
  const db = reuse?.db ?? path.join(dir, 'source.db');
  if (!reuse) {
    must(run(['init', '--db', db]), 'init');
    must(run(['load', hostileSource(dir), '--db', db]), 'load');
  }
  const bundle = path.join(dir, reuse ? `move-${fs.readdirSync(dir).length}.zip` : 'move.zip');
  must(
    run([
      'export',
      '--db',
      db,
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
      '--bundle-id',
      reuse ? randomUUID() : BUNDLE_ID,
      '--created-at',
      '2025-04-01T09:30:00Z',
      ...extra,
    ]),
    'export',
  );
  return { dir, db, bundle };
}

/** The target sample installation, loaded into a fresh file. */
export function loadTarget(dir: string): string {
  const db = path.join(dir, 'target.db');
  must(run(['init', '--db', db]), 'init target');
  must(run(['load', path.join(ROOT, 'samples/target'), '--db', db]), 'load target');
  return db;
}

/**
 * Copy a bundle, replacing `find` by `replace` in the entry whose name ends with `entry`
 * (a change made after bagging: the manifests no longer match).
 */
export function tamperBundle(src: string, dst: string, entry: string, find: string, replace: string): void {
  const py = `
import sys, zipfile
src, dst, entry, find, repl = sys.argv[1:6]
hit = False
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as zout:
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename.endswith(entry):
            new = data.replace(find.encode(), repl.encode())
            hit = hit or new != data
            data = new
        zout.writestr(info, data)
sys.exit(0 if hit else 3)
`;
  const r = spawnSync('python3', ['-c', py, src, dst, entry, find, replace], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tamper failed (${r.status}): ${r.stderr}`);
}

/**
 * A forger who knows BagIt but not the key: change a record, then recompute
 * manifest-sha256.txt and tagmanifest-sha256.txt so that the bag itself is
 * consistent again. Only the signature can tell.
 */
export function forge(src: string, dst: string): void {
  const py = `
import hashlib, sys, zipfile
src, dst = sys.argv[1:3]
with zipfile.ZipFile(src) as z:
    items = [(i, z.read(i.filename)) for i in z.infolist()]
root = items[0][0].filename.split('/')[0] + '/'
files = {i.filename[len(root):]: d for i, d in items}
old = files['data/records/contacts.ndjson']
new = old.replace(b'"Smith"', b'"Smyth"')
assert new != old and len(new) == len(old)
files['data/records/contacts.ndjson'] = new
def rehash(manifest, name):
    lines = files[manifest].decode().splitlines()
    out = [(hashlib.sha256(files[name]).hexdigest() + '  ' + name) if l.endswith('  ' + name) else l for l in lines]
    files[manifest] = ('\\n'.join(out) + '\\n').encode()
rehash('manifest-sha256.txt', 'data/records/contacts.ndjson')
rehash('tagmanifest-sha256.txt', 'manifest-sha256.txt')
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
    for i, _ in items:
        z.writestr(i, files[i.filename[len(root):]])
`;
  const r = spawnSync('python3', ['-c', py, src, dst], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}
