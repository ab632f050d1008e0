// @ts-nocheck
// U1: the user reads plain words. No rule id of the spec (D6, I1-I12, (X1),
// V1-V4, "X rules", ...) in any help page, in the demo's steps and output, in
// the HTML audit report or in an export's summary; rule ids live in tests and
// code comments only.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, runOk, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

// A rule id is a letter of the spec's rule families followed by one or two
// digits, standing alone: not part of a word or of a sample id such as
// C-1001, CAR-L2 or PL-3 (hyphens are word characters here), and lowercase
// hex (hashes, ids) never matches. A range (I1-I12, V1-V4) or a family
// ("X rules") counts too.
const FAMILY = '[BCDGILMPRSTUVX]';
const RULE_ID = new RegExp(`(?<![\\w-])(?:${FAMILY}\\d{1,2}(?:-${FAMILY}?\\d{1,2})?|${FAMILY} rules?)(?![\\w-])`);

/** The lines of a text that name a rule id, each with where it was seen. */
function ruleIdLines(text: string, where: string): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => RULE_ID.test(line))
    .map(({ line, i }) => `${where}:${i + 1}: ${line.trim()}`);
}

/** Every key and string value of a JSON document that is a rule id. */
function ruleIdsInJson(value: unknown, at = '$'): string[] {
  if (typeof value === 'string') return new RegExp(`^${RULE_ID.source}$`).test(value) ? [`${at} = ${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => ruleIdsInJson(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(new RegExp(`^${RULE_ID.source}$`).test(k) ? [`${at} has key ${k}`] : []),
      ...ruleIdsInJson(v, `${at}.${k}`),
    ]);
  }
  return [];
}

/** Command names listed in a --help screen ("  officeport set create <name>  ..."). */
function commandsIn(help: string, prefix: string[]): string[] {
  const re = new RegExp(`^\\s+officeport ${prefix.map((p) => p + ' ').join('')}([a-z][a-z-]*)`, 'gm');
  return [...help.matchAll(re)].map((m) => m[1]!).filter((c, i, a) => a.indexOf(c) === i);
}

describe('plain words', () => {
  it('U1: the pattern finds rule ids and passes sample ids and hashes', () => {
    for (const id of ['(D6)', 'I1-I12', '(X1)', 'V1-V4', 'B7:', 'R1', 'L4', 'X4 primary_advisor', '(I rules)', 'X10/leads']) {
      expect(RULE_ID.test(id), id).toBe(true);
    }
    for (const ok of ['C-1001', 'CAR-L2', 'PL-3', 'O-NORTH', 'sha256 c87646a4da4a9e36', '2026-12-04T23:38:06Z', 'X_Summit', 'officeport.db']) {
      expect(RULE_ID.test(ok), ok).toBe(false);
    }
  });

  it('U1: no help page of any command or subcommand names a rule id', () => {
    const top = run(['--help']);
    expect(top.code).toBe(0);
    const found = ruleIdLines(top.stdout, 'officeport --help');
    const seen: string[] = [];
    const visit = (prefix: string[]) => {
      const h = run([...prefix, '--help']);
      expect(h.code, `${prefix.join(' ')} --help`).toBe(0);
      seen.push(prefix.join(' '));
      found.push(...ruleIdLines(h.stdout + h.stderr, `officeport ${prefix.join(' ')} --help`));
      for (const sub of commandsIn(h.stdout, prefix).filter((s) => !prefix.includes(s))) visit([...prefix, sub]);
    };
    // The commands come from the binary's own help, so a new one is covered.
    for (const cmd of commandsIn(top.stdout, [])) visit([cmd]);
    expect(seen).toEqual(expect.arrayContaining(['export', 'import', 'import undo', 'inbox accept', 'realign carrier', 'rights grant', 'set create']));
    expect(found, found.join('\n')).toEqual([]);
  });

  describe('the demo', () => {
    let dir: string;
    let out: string;
    beforeAll(() => {
      dir = path.join(tmpDir(), 'demo');
      const r = run(['demo', dir]);
      expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
      out = r.stdout + r.stderr;
    });

    it('U1: the demo names no rule id in its step titles, explanations or output', () => {
      expect(out).toMatch(/Export the set/);
      expect(out).toMatch(/not exported/);
      const found = ruleIdLines(out, 'officeport demo');
      expect(found, found.join('\n')).toEqual([]);
    });

    it('U1: the HTML audit report of the demo bundle names no rule id, and says why each item stayed behind', () => {
      const html = fs.readFileSync(path.join(dir, 'audit-report.html'), 'utf8');
      expect(html).toContain('exported contacts travel without their primary advisor');
      const found = ruleIdLines(html, 'audit-report.html');
      expect(found, found.join('\n')).toEqual([]);
    });

    it('U1: inspect names what stayed behind by a plain reason, in text and in --json', () => {
      const text = runOk(['inspect', path.join(dir, 'move.zip')]);
      expect(text).toMatch(/primary advisor +7 +exported contacts travel without their primary advisor/);
      const found = ruleIdLines(text, 'officeport inspect');
      expect(found, found.join('\n')).toEqual([]);
      const j = JSON.parse(runOk(['inspect', path.join(dir, 'move.zip'), '--json']));
      expect(j.exclusions).toContainEqual({
        rule: 'not_carried',
        what: 'primary_advisor',
        count: 7,
        reason: 'exported contacts travel without their primary advisor',
      });
      expect(ruleIdsInJson(j)).toEqual([]);
    });
  });

  it('U1: the export summary gives a plain reason for each count left behind, in text and in --json', () => {
    const db = loadInstallation(path.join(SAMPLES, 'source'));
    const dir = tmpDir();
    const args = ['export', '--db', db, '--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield'];
    const to = ['--to-office', 'Springfield Agency', '--to-user', 'dana'];
    const text = runOk([...args, ...to, '--out', path.join(dir, 'move.zip')]);
    expect(text).toMatch(/^ +7 +primary advisor +exported contacts travel without their primary advisor$/m);
    expect(text).toMatch(/^ +2 +leads +leads are never exported$/m);
    const found = ruleIdLines(text, 'officeport export');
    expect(found, found.join('\n')).toEqual([]);

    const j = JSON.parse(runOk([...args, ...to, '--out', path.join(dir, 'again.zip'), '--json']));
    expect(j.exclusions.not_carried).toEqual({ primary_advisor: 7 });
    expect(j.exclusions.never_exported.leads).toBe(2);
    expect(ruleIdsInJson(j)).toEqual([]);
  });
});
