// @ts-nocheck
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/shared/version.js';
import { run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

// eslint-disable-next-line no-control-regex -- an ANSI escape (colour) is what these tests look for
const ANSI = /\u001b\[/;

/** Command names listed in a --help screen ("  officeport set create <name>  ..."). */
function commandsIn(help: string, prefix: string[]): string[] {
  const re = new RegExp(`^\\s+officeport ${prefix.map((p) => p + ' ').join('')}([a-z][a-z-]*)`, 'gm');
  return [...help.matchAll(re)].map((m) => m[1]!).filter((c, i, a) => a.indexOf(c) === i);
}

describe('command line', () => {
  it('C1: one binary; --help lists the commands and every command and subcommand shows examples', () => {
    const top = run(['--help']);
    expect(top.code).toBe(0);
    const cmds = commandsIn(top.stdout, []);
    expect(cmds).toEqual(expect.arrayContaining(['init', 'load', 'dump', 'list', 'rights', 'set', 'demo']));
    const missing: string[] = [];
    const visit = (prefix: string[]) => {
      const h = run([...prefix, '--help']);
      expect(h.code, `${prefix.join(' ')} --help`).toBe(0);
      const subs = commandsIn(h.stdout, prefix).filter((s) => !prefix.includes(s));
      if (subs.length > 0 && !/Examples:/.test(h.stdout)) subs.forEach((s) => visit([...prefix, s]));
      else if (!/Examples:/.test(h.stdout)) missing.push(prefix.join(' '));
    };
    cmds.forEach((c) => visit([c]));
    expect(missing, 'commands without examples in --help').toEqual([]);
  });

  it('C1: --version prints the package version', () => {
    const r = run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('C2: --json gives machine-readable output; no colour without a terminal', () => {
    const db = loadInstallation(path.join(SAMPLES, 'source'));
    const j = run(['list', 'offices', '--db', db, '--json']);
    expect(JSON.parse(j.stdout).map((o: { id: string }) => o.id)).toContain('O-NORTH');
    const t = run(['list', 'offices', '--db', db], { env: { NO_COLOR: '' } });
    expect(t.stdout).not.toMatch(ANSI);
    const e = run(['list', 'offices', '--db', path.join(tmpDir(), 'none.db')]);
    expect(e.stderr).not.toMatch(ANSI);
  });

  it('C4: usage errors exit 2, refusals exit 1, success 0; one clear message, a stack only with --debug', () => {
    expect(run(['no-such-command']).code).toBe(2);
    expect(run(['load']).code).toBe(2);
    expect(run(['list', 'offices', '--bogus-flag']).code).toBe(2);
    const missing = path.join(tmpDir(), 'none.db');
    const refused = run(['list', 'offices', '--db', missing]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n')[0]).toBe(`officeport: no installation at ${missing}`);
    expect(refused.stderr).toMatch(/^hint: /m);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const debug = run(['list', 'offices', '--db', missing, '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('C4: an output path that cannot be written is a clear refusal (exit 1), not an internal error', () => {
    const file = path.join(tmpDir(), 'a-file');
    fs.writeFileSync(file, 'x');
    for (const args of [
      ['keygen', '--out', path.join(file, 'k')],
      ['generate', path.join(file, 'g'), '--contacts', '10'],
    ]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^officeport: cannot use /);
      expect(r.stderr).not.toMatch(/internal error/);
    }
  });

  it('C5: a failed dump leaves no partial folder behind', () => {
    const db = loadInstallation(path.join(SAMPLES, 'source'));
    const dir = tmpDir();
    const out = path.join(dir, 'out');
    const ok = run(['dump', out, '--db', db]);
    expect(ok.code).toBe(0);
    const again = run(['dump', out, '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty/);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });
});
