// @ts-nocheck
// U3: a mistyped name is answered with the closest names, and a hint's command
// pastes and runs against the same installation (--db included).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, run, runOk, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

let dir: string;
let source: string;
let target: string;
let bundle: string;
let receipt: string;

const NORTH = ['--office', 'O-NORTH', '--user', 'alice'];

beforeAll(() => {
  dir = tmpDir();
  source = loadInstallation(path.join(SAMPLES, 'source'), dir);
  target = loadInstallation(path.join(SAMPLES, 'target'), dir);
  bundle = path.join(dir, 'move.zip');
  runOk(['export', '--set', 'Move to Springfield', ...NORTH, '--to-office', 'T-SPRING', '--to-user', 'dana', '--out', bundle, '--db', source]);
  const out = JSON.parse(runOk(['import', bundle, '--office', 'T-SPRING', '--user', 'dana', '--db', target, '--json'])) as { receipt_file: string };
  receipt = out.receipt_file;
}, 120_000);

/** The text after "hint: " in the output, run in a shell as a user pasting it would. */
function pasteHint(stderr: string, cwd: string): { code: number; out: string; command: string } {
  const hint = /hint: .*?(officeport .*)$/m.exec(stderr)?.[1];
  if (!hint) throw new Error(`no command in the hint:\n${stderr}`);
  const r = spawnSync('sh', ['-c', hint.replace(/^officeport /, `"${process.execPath}" "${BIN}" `)], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, out: r.stdout + r.stderr, command: hint };
}

describe('U3: forgiving names', () => {
  it('U3: a mistyped office is answered with the closest office name; a different case alone is taken', () => {
    const r = run(['list', 'users', '--office', 'North Agncy', '--db', source]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no office "North Agncy" in this installation; did you mean "North Agency"?');
    const ok = run(['list', 'users', '--office', 'north AGENCY', '--db', source]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('alice');
  });

  it('U3: a mistyped user is answered with the closest username, in export and in rights', () => {
    const r = run([
      'export',
      '--set',
      'Move to Springfield',
      '--office',
      'O-NORTH',
      '--user',
      'alise',
      '--to-office',
      'T-SPRING',
      '--to-user',
      'dana',
      '--out',
      path.join(dir, 'x.zip'),
      '--db',
      source,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no user "alise" in office North Agency; did you mean "alice"?');
    const t = run(['rights', 'show', '--office', 'O-NORTH', '--user', 'nadmn', '--db', source]);
    expect(t.stderr).toContain('did you mean "nadmin"?');
  });

  it('U3: a mistyped set is answered with the closest set name, in set commands and in export', () => {
    const s = run(['set', 'show', 'Move to Springfeld', '--office', 'O-NORTH', '--db', source]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('no set "Move to Springfeld" in office North Agency; did you mean "Move to Springfield"?');
    const e = run([
      'export',
      '--set',
      'Move to Springfeld',
      ...NORTH,
      '--to-office',
      'T-SPRING',
      '--to-user',
      'dana',
      '--out',
      path.join(dir, 'y.zip'),
      '--db',
      source,
    ]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('did you mean "Move to Springfield"?');
    expect(fs.existsSync(path.join(dir, 'y.zip'))).toBe(false);
  });

  it('U3: a mistyped carrier and product are answered with the closest names (with their ids)', () => {
    const c = run([
      'realign',
      'carrier',
      '--office',
      'O-NORTH',
      '--user',
      'nadmin',
      '--local',
      'Sumit Mutual Life',
      '--resource',
      'CR-1',
      '--yes',
      '--db',
      source,
    ]);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('no local carrier with id or exact name "Sumit Mutual Life" in office North Agency; did you mean "Summit Mutual Life" (CL-1)?');
    const p = run([
      'realign',
      'product',
      '--office',
      'O-NORTH',
      '--user',
      'nadmin',
      '--local',
      'PL-4',
      '--resource',
      'Granite Disability Pls',
      '--yes',
      '--db',
      source,
    ]);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('did you mean "Granite Disability Plus" (PR-3)?');
  });

  it('U3: a hint carries the --db given, so the pasted command runs against the same installation', () => {
    const cwd = tmpDir();
    const r = run(['list', 'users', '--office', 'Nowhere', '--db', source], { cwd });
    expect(r.stderr).toMatch(/hint: see the offices with: officeport --db \S+ list offices/);
    const pasted = pasteHint(r.stderr, cwd);
    expect(pasted.code, pasted.out).toBe(0);
    expect(pasted.out).toContain('North Agency');
    const u = run(['set', 'show', 'Nope', '--office', 'O-NORTH', '--db', source], { cwd });
    const listed = pasteHint(u.stderr, cwd);
    expect(listed.code, listed.out).toBe(0);
    expect(listed.out).toContain('Move to Springfield');
  });

  it('U3: a --db typo says no installation is at that path and names the .db files beside it before offering init', () => {
    const typo = path.join(dir, 'sorce.db');
    const r = run(['list', 'offices', '--db', typo]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no installation at ${typo}; did you mean "${source}"?`);
    expect(r.stderr).toMatch(/hint: name one of them with --db, or create a new installation with: officeport init/);
    const far = run(['list', 'offices', '--db', path.join(dir, 'zzz.db')]);
    expect(far.stderr).toMatch(/the \.db files in .* are: .*source\.db, .*target\.db/);
    expect(fs.existsSync(typo)).toBe(false);
  });

  it('U3: finalizing in the wrong office names the office the bundle came from, not a right to grant there', () => {
    const r = run(['finalize', receipt, '--office', 'O-SOUTH', '--user', 'bob', '--yes', '--db', source]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/rights grant/);
    expect(r.stderr).toContain('hint: the bundle came from office O-NORTH (North Agency): finalize there, with --office O-NORTH');
  });
});
