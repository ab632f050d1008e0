// @ts-nocheck
// T3: verify, inspect, convert, inbox add and import read a bundle encrypted by
// the age command line tool, with --identity; without the key, with a wrong
// one, or with any byte changed, they refuse and write nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, runOk, tmpDir } from '../helpers/cli.js';
import { dumpLines } from '../helpers/installation.js';
import { skipWithoutTool } from '../helpers/tools.js';

const AGE = '/usr/bin/age';
const skip = skipWithoutTool('T3', 'age', fs.existsSync(AGE) && fs.existsSync('/usr/bin/age-keygen'), "Debian's age package");
const TO = ['--office', 'Springfield Agency', '--user', 'dana'];

function tool(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout + r.stderr;
}

function keygen(file: string): string {
  tool('age-keygen', ['-o', file]);
  return fs.readFileSync(file, 'utf8').match(/age1[0-9a-z]+/)![0];
}

function target(dir: string, name: string): string {
  const db = path.join(dir, name);
  runOk(['init', '--db', db]);
  runOk(['load', path.join(ROOT, 'samples/target'), '--db', db]);
  return db;
}

/** the installation's data and the files beside it (inbox copies, receipts) */
function stateOf(db: string): string {
  const beside = fs.readdirSync(path.dirname(db)).filter((f) => f.startsWith(path.basename(db)) && f !== path.basename(db));
  const files = beside.flatMap((f) => {
    const p = path.join(path.dirname(db), f);
    return fs.statSync(p).isDirectory() ? fs.readdirSync(p, { recursive: true }).map((x) => `${f}/${String(x)}`) : [f];
  });
  return JSON.stringify({ dump: dumpLines(db), files });
}

const strip = (json: string) => {
  const x = JSON.parse(json) as Record<string, unknown>;
  delete x.file;
  return x;
};

describe.skipIf(skip)('T3: reading a bundle encrypted with the age tool', () => {
  let dir: string;
  let plain: string;
  let sealed: string;
  let identity: string;

  beforeAll(() => {
    dir = tmpDir('officeport-t3-');
    const source = path.join(dir, 'source.db');
    runOk(['init', '--db', source]);
    runOk(['load', path.join(ROOT, 'samples/source'), '--db', source]);
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
    identity = path.join(dir, 'springfield.key');
    sealed = path.join(dir, 'move.zip.age');
    tool(AGE, ['-r', keygen(identity), '-o', sealed, plain]);
  });

  it('T3: verify, inspect and convert with --identity give what they give on the plain zip', () => {
    expect(strip(runOk(['verify', sealed, '--identity', identity, '--json']))).toEqual(strip(runOk(['verify', plain, '--json'])));
    expect(strip(runOk(['inspect', sealed, '--identity', identity, '--json']))).toEqual(strip(runOk(['inspect', plain, '--json'])));
    const a = path.join(dir, 'csv-plain');
    const b = path.join(dir, 'csv-sealed');
    runOk(['convert', plain, '--to', 'csv', '--out', a]);
    runOk(['convert', sealed, '--identity', identity, '--to', 'csv', '--out', b]);
    const files = fs.readdirSync(a).sort();
    expect(fs.readdirSync(b).sort()).toEqual(files);
    for (const f of files) expect(fs.readFileSync(path.join(b, f), 'utf8')).toBe(fs.readFileSync(path.join(a, f), 'utf8'));
  });

  it('T3: import and inbox add with --identity import what the plain zip imports; the inbox keeps the copy encrypted', () => {
    const one = target(dir, 'one.db');
    const two = target(dir, 'two.db');
    const r1 = JSON.parse(runOk(['import', plain, '--db', one, ...TO, '--json'])) as { counts: unknown; by_type: unknown };
    const r2 = JSON.parse(runOk(['import', sealed, '--db', two, ...TO, '--identity', identity, '--json'])) as { counts: unknown; by_type: unknown };
    expect(r2.counts).toEqual(r1.counts);
    expect(r2.by_type).toEqual(r1.by_type);
    const three = target(dir, 'three.db');
    const added = JSON.parse(runOk(['inbox', 'add', sealed, '--db', three, ...TO, '--identity', identity, '--json'])) as { id: string; file: string };
    expect(fs.readFileSync(added.file).subarray(0, 22).toString('latin1')).toBe('age-encryption.org/v1\n');
    expect(fs.readFileSync(added.file).equals(fs.readFileSync(sealed))).toBe(true);
    const r3 = JSON.parse(runOk(['inbox', 'accept', added.id, '--db', three, ...TO, '--identity', identity, '--json'])) as { counts: unknown };
    expect(r3.counts).toEqual(r1.counts);
  });

  it('T3: without a key, or with a wrong one, each command refuses (exit 1) and writes nothing', () => {
    const db = target(dir, 'refuse.db');
    const before = stateOf(db);
    const wrong = path.join(dir, 'wrong.key');
    keygen(wrong);
    for (const keys of [[], ['--identity', wrong]]) {
      for (const args of [
        ['verify', sealed],
        ['inspect', sealed],
        ['convert', sealed, '--to', 'csv', '--out', path.join(dir, 'never')],
        ['inbox', 'add', sealed, '--db', db, ...TO],
        ['import', sealed, '--db', db, ...TO],
      ]) {
        const r = run([...args, ...keys]);
        expect(r.code, args.join(' ')).toBe(1);
        // in an installation every office's keys were asked; without one, only the keys given
        const words = args.includes('--db') ? 'an age recipient this installation does not hold' : 'an age recipient that no key given here matches';
        expect(r.stderr).toContain(`an encrypted bundle for ${words}`);
        if (keys.length) expect(r.stderr).toContain(`the identity in ${wrong}`);
      }
    }
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);
    expect(stateOf(db)).toBe(before);
  });

  it('T3: a changed byte in the header line, a stanza, the MAC, the first or last chunk, or a cut file is refused; nothing is written', () => {
    const db = target(dir, 'flip.db');
    const before = stateOf(db);
    runOk(['verify', sealed, '--identity', identity]); // unchanged, it opens
    const bytes = fs.readFileSync(sealed);
    const text = bytes.toString('latin1');
    const stanzaBody = text.indexOf('\n', text.indexOf('-> X25519')) + 5;
    const mac = text.indexOf('\n--- ') + 8;
    const payload = text.indexOf('\n', mac) + 1;
    const cases: [string, Buffer][] = [
      ['header line', flip(bytes, 3)],
      ['stanza body', flip(bytes, stanzaBody)],
      ['MAC', flip(bytes, mac)],
      ['nonce', flip(bytes, payload + 2)],
      ['first chunk', flip(bytes, payload + 16 + 10)],
      ['last chunk', flip(bytes, bytes.length - 3)],
      ['cut short', bytes.subarray(0, bytes.length - 40)],
      ['extended', Buffer.concat([bytes, Buffer.from('x')])],
    ];
    for (const [what, b] of cases) {
      const f = path.join(dir, `changed-${what.replace(/ /g, '-')}.age`);
      fs.writeFileSync(f, b);
      for (const args of [
        ['verify', f],
        ['import', f, '--db', db, ...TO],
      ]) {
        const r = run([...args, '--identity', identity]);
        expect(r.code, `${what}: ${args[0]}`).toBe(1);
        expect(r.stdout + r.stderr).not.toMatch(/^valid/m);
      }
    }
    expect(stateOf(db)).toBe(before);
  });
});

function flip(b: Buffer, at: number): Buffer {
  const c = Buffer.from(b);
  c[at] = c[at]! ^ 0x01;
  return c;
}
