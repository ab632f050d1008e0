// @ts-nocheck
// T3: a bundle the age command line tool encrypted to an address card's
// recipient (so it holds no officeport-to stanza naming its office) imports in
// the office of the card with the office's own keys, no --identity given;
// another office of that installation, and the same office of another
// installation, refuse it clearly and write nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AddressCard } from '../../src/store/port.js';
import { run, runOk, tmpDir } from '../helpers/cli.js';
import { dumpLines, loadInstallation, SAMPLES } from '../helpers/installation.js';
import { skipWithoutTool } from '../helpers/tools.js';

const AGE = '/usr/bin/age';
const skip = skipWithoutTool('T3', 'age', fs.existsSync(AGE), "Debian's age package");
const TO = ['--office', 'Springfield Agency', '--user', 'dana'];

function stateOf(db: string): string {
  const beside = fs.readdirSync(path.dirname(db)).filter((f) => f.startsWith(path.basename(db)) && f !== path.basename(db));
  return JSON.stringify({ dump: dumpLines(db), beside });
}

describe.skipIf(skip)('T3: a bundle the age tool encrypted to an address card', () => {
  let dir: string;
  let plain: string;
  let sealed: string;
  let target: string;

  beforeAll(() => {
    dir = tmpDir('officeport-t3-card-');
    const source = loadInstallation(path.join(SAMPLES, 'source'), dir);
    target = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const cardFile = path.join(dir, 'springfield.card.json');
    runOk(['address', '--db', target, ...TO, '--out', cardFile]);
    const card = JSON.parse(fs.readFileSync(cardFile, 'utf8')) as AddressCard;
    plain = path.join(dir, 'move.zip');
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
      plain,
    ]);
    sealed = path.join(dir, 'move.zip.age');
    const r = spawnSync(AGE, ['-r', card.age_recipient, '-o', sealed, plain], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(sealed).includes(Buffer.from('officeport-to'))).toBe(false);
  });

  it('T3: another office of the installation, and the same office of another installation, refuse it with a clear message and write nothing', () => {
    const other = path.join(dir, 'other');
    fs.mkdirSync(other);
    const elsewhere = loadInstallation(path.join(SAMPLES, 'target'), other);
    runOk(['address', '--db', elsewhere, ...TO, '--out', path.join(other, 'card.json')]); // its Springfield has keys of its own
    const cases: [string, string[], RegExp][] = [
      [target, ['--office', 'Riverside Resource', '--user', 'rsadmin'], /the keys of office Riverside Resource \(T-RES\) cannot open it/],
      [elsewhere, TO, /the keys of office Springfield Agency \(T-SPRING\) cannot open it/],
    ];
    for (const [db, office, why] of cases) {
      const before = stateOf(db);
      for (const cmd of [['import'], ['inbox', 'add']]) {
        const r = run([...cmd, sealed, '--db', db, ...office]);
        expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toContain(`${sealed} is an encrypted bundle`);
        expect(r.stderr).toMatch(why);
        expect(r.stderr).toMatch(/--identity/);
      }
      expect(stateOf(db)).toBe(before);
    }
  });

  it("T3: the refusal names the office of this installation the age tool sealed the bundle to, and says to run there with --office; another installation's says it does not hold the recipient", () => {
    const other = path.join(dir, 'other-words');
    fs.mkdirSync(other);
    const elsewhere = loadInstallation(path.join(SAMPLES, 'target'), other);
    runOk(['address', '--db', elsewhere, ...TO, '--out', path.join(other, 'card.json')]);
    const before = stateOf(target);
    for (const cmd of [['import'], ['inbox', 'add']]) {
      const here = run([...cmd, sealed, '--db', target, '--office', 'Riverside Resource', '--user', 'rsadmin']);
      expect(here.code, here.stderr).toBe(1);
      expect(here.stderr).toContain('is an encrypted bundle for office Springfield Agency (T-SPRING) of this installation');
      expect(here.stderr).not.toContain('does not hold');
      expect(here.stderr).toMatch(/run the command in that office: --office T-SPRING/);
      const there = run([...cmd, sealed, '--db', elsewhere, ...TO]);
      expect(there.code, there.stderr).toBe(1);
      expect(there.stderr).toContain('is an encrypted bundle for an age recipient this installation does not hold');
    }
    expect(stateOf(target)).toBe(before);
  });

  it('T3: the office of the card imports it with its own keys, as it imports the plain zip', () => {
    const ref = path.join(dir, 'ref');
    fs.mkdirSync(ref);
    const plainDb = loadInstallation(path.join(SAMPLES, 'target'), ref);
    const a = JSON.parse(runOk(['import', plain, '--db', plainDb, ...TO, '--json'])) as { counts: unknown; by_type: unknown };
    const b = JSON.parse(runOk(['import', sealed, '--db', target, ...TO, '--json'])) as { counts: unknown; by_type: unknown };
    expect(b.counts).toEqual(a.counts);
    expect(b.by_type).toEqual(a.by_type);
    expect(dumpLines(target)['contacts.csv']).toEqual(dumpLines(plainDb)['contacts.csv']);
  });
});
