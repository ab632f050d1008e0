// @ts-nocheck
// G2: on PostgreSQL the inbox lives in the database, not beside a file: a bundle
// added on one machine is listed, accepted and rejected from another machine
// (another user's folder) of the same installation on the server, with the
// receipts it gives on SQLite, and no copy is left in a folder of either machine
// or in the temp folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, runOk, tmpDir } from '../../helpers/cli.js';
import { SAMPLES } from '../../helpers/installation.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';
import { skipWithoutTool } from '../../helpers/tools.js';
import { PgConnection } from '../../../src/store/postgres/connection.js';

const TGT = ['--office', 'Springfield Agency', '--user', 'dana'];

/** What differs between two installations (as test/store/postgres/import.test.ts masks it). */
function mask(text: string, places: string[]): string {
  let t = text;
  for (const p of places) t = t.split(p).join('PLACE');
  return t
    .replace(/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/g, 'TIME')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .replace(/"(receipt_key|seal|key|receipt_sha256)": ?"[^"]*"/g, '"$1":"KEY"')
    .replace(/"file": ?"[^"]*"/g, '"file":"FILE"');
}

/** The sample move as a bundle, exported from samples/source with a fixed id and time. */
function sampleBundle(dir: string): string {
  const source = path.join(dir, 'source.db');
  runOk(['load', path.join(SAMPLES, 'source'), '--db', source]);
  const bundle = path.join(dir, 'move.zip');
  runOk([
    ...['export', '--db', source, '--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield'],
    ...['--to-office', 'Springfield Agency', '--to-user', 'dana', '--out', bundle],
    ...['--bundle-id', '00000000-0000-4000-8000-000000000001', '--created-at', '2026-01-02T03:04:05Z'],
  ]);
  return bundle;
}

/** Every file and folder under `dir` (none: the folder is empty or missing). */
function filesUnder(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]) : [];
}

/** A machine of the office: its own home folder and temp folder. */
interface Machine {
  home: string;
  tmp: string;
}

function machine(): Machine {
  return { home: tmpDir('officeport-home-'), tmp: tmpDir('officeport-tmp-') };
}

/** add on machine A; list, reject, accept some, accept the rest, list on machine B; masked outputs and receipts by step. */
function journey(db: string, bundle: string, a: Machine, b: Machine): Record<string, string> {
  const out = tmpDir();
  const got: Record<string, string> = {};
  const m = (s: string) => mask(s, [out, db]);
  const step = (name: string, on: Machine, args: string[]) => {
    const env = { HOME: on.home, OFFICEPORT_HOME: on.home, XDG_STATE_HOME: path.join(on.home, 'state'), TMPDIR: on.tmp };
    const r = run([...args, '--db', db, ...TGT], { env });
    got[name] = `exit ${r.code}\n${m(r.stdout)}${r.code === 0 ? '' : m(r.stderr)}`;
    // nothing of the inbox is left in a folder of either machine
    for (const folder of [a.home, a.tmp, b.home, b.tmp]) expect(filesUnder(folder), `${name}: ${folder}`).toEqual([]);
    return r;
  };
  const first = (JSON.parse(step('add', a, ['inbox', 'add', bundle, '--json']).stdout) as { id: string }).id;
  step('list', b, ['inbox', 'list', '--json']);
  step('reject', b, ['inbox', 'reject', first, '--json']);
  const second = (JSON.parse(step('add again', a, ['inbox', 'add', bundle, '--json']).stdout) as { id: string }).id;
  step('accept some', b, ['inbox', 'accept', second, '--contact', 'contact/C-1101', '--receipt', path.join(out, 'some.json'), '--json']);
  step('list after accept', b, ['inbox', 'list', '--json']);
  step('accept the rest', b, ['inbox', 'accept', second, '--receipt', path.join(out, 'rest.json'), '--json']);
  step('list at the end', b, ['inbox', 'list', '--json']);
  for (const f of ['some.json', 'rest.json']) got[f] = fs.existsSync(path.join(out, f)) ? m(fs.readFileSync(path.join(out, f), 'utf8')) : 'missing';
  return got;
}

if (!skipWithoutPostgres('G2'))
  describe('the inbox on PostgreSQL', () => {
    it('G2, I2: a bundle added on one machine is listed, rejected and accepted from another machine, with the receipts SQLite gives, and no copy is left in a folder', () => {
      const bundle = sampleBundle(tmpDir());
      const sqlite = path.join(tmpDir(), 'target.db');
      const pg = pgAddress('inbox');
      for (const db of [sqlite, pg]) {
        runOk(['init', '--db', db]);
        runOk(['load', path.join(SAMPLES, 'target'), '--db', db]);
      }
      const expected = journey(sqlite, bundle, machine(), machine());
      // SQLite keeps its copies beside the installation file, as before; the last accept removes nothing it still needs
      expect(fs.readdirSync(`${sqlite}.inbox`)).toEqual(['00000000-0000-4000-8000-000000000001.zip']);
      const got = journey(pg, bundle, machine(), machine());
      for (const k of ['add', 'reject', 'add again', 'accept some', 'accept the rest']) expect(expected[k], k).toMatch(/^exit 0/);
      expect(expected['some.json']).toContain('contact/C-1101');
      expect(Object.keys(got)).toEqual(Object.keys(expected));
      for (const k of Object.keys(expected)) expect(got[k], k).toEqual(expected[k]);
      // the copy is in the database, and the reject dropped the copy the first entry had
      const db = new PgConnection(pg, 'test');
      try {
        expect(db.prepare(`SELECT count(DISTINCT name) FROM inbox_copies`).pluck().get()).toBe(1);
      } finally {
        db.close();
      }
    }, 180_000);

    it.skipIf(skipWithoutTool('T3', 'age', fs.existsSync('/usr/bin/age') && fs.existsSync('/usr/bin/age-keygen'), "Debian's age package"))(
      'G2, T3: an encrypted bundle is kept in the database as received, encrypted, and accepted on another machine with the key',
      () => {
        const dir = tmpDir();
        const plain = sampleBundle(dir);
        const identity = path.join(dir, 'springfield.key');
        const keygen = spawnSync('age-keygen', ['-o', identity], { encoding: 'utf8' });
        expect(keygen.status).toBe(0);
        const sealed = path.join(dir, 'move.zip.age');
        const age = spawnSync('age', ['-r', fs.readFileSync(identity, 'utf8').match(/age1[0-9a-z]+/)![0], '-o', sealed, plain], { encoding: 'utf8' });
        expect(age.status).toBe(0);
        const pg = pgAddress('inbox_age');
        runOk(['init', '--db', pg]);
        runOk(['load', path.join(SAMPLES, 'target'), '--db', pg]);
        const [a, b] = [machine(), machine()];
        const on = (m: Machine) => ({ env: { HOME: m.home, OFFICEPORT_HOME: m.home, TMPDIR: m.tmp } });
        const added = run(['inbox', 'add', sealed, '--db', pg, ...TGT, '--identity', identity, '--json'], on(a));
        expect(added.code, added.stderr).toBe(0);
        const db = new PgConnection(pg, 'test');
        try {
          const kept = Buffer.concat(db.prepare(`SELECT data FROM inbox_copies ORDER BY name, seq`).pluck().all() as Buffer[]);
          expect(kept.equals(fs.readFileSync(sealed))).toBe(true);
        } finally {
          db.close();
        }
        const receipt = path.join(dir, 'receipt.json');
        const id = (JSON.parse(added.stdout) as { id: string }).id;
        const accepted = run(['inbox', 'accept', id, '--db', pg, ...TGT, '--identity', identity, '--receipt', receipt, '--json'], on(b));
        expect(accepted.code, accepted.stderr).toBe(0);
        expect(fs.readFileSync(receipt, 'utf8')).toContain('contact/C-1101');
        for (const folder of [a.home, a.tmp, b.home, b.tmp]) expect(filesUnder(folder), folder).toEqual([]);
      },
      120_000,
    );
  });
