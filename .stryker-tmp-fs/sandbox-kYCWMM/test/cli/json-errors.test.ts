// @ts-nocheck
// U5: with --json, every error is one JSON object on stderr with a stable code;
// and the --json and wrong-file cases a user met in the first hour.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/shared/errors.js';
import { ROOT, run, runOk, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

let dir: string;
let source: string;
let target: string;
let bundle: string;
let receipt: string;

const NORTH = ['--office', 'O-NORTH', '--user', 'alice'];
const SPRING = ['--office', 'T-SPRING', '--user', 'dana'];

beforeAll(() => {
  dir = tmpDir();
  source = loadInstallation(path.join(SAMPLES, 'source'), dir);
  target = loadInstallation(path.join(SAMPLES, 'target'), dir);
  bundle = path.join(dir, 'move.zip');
  runOk(['export', '--set', 'Move to Springfield', ...NORTH, '--to-office', 'T-SPRING', '--to-user', 'dana', '--out', bundle, '--db', source]);
  receipt = (JSON.parse(runOk(['import', bundle, ...SPRING, '--db', target, '--json'])) as { receipt_file: string }).receipt_file;
}, 120_000);

interface JsonError {
  error: { code: string; message: string; hint: string | null; problems: unknown[] };
}

function jsonError(args: string[]): JsonError & { exit: number } {
  const r = run([...args, '--json']);
  expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).not.toBe(0);
  expect(r.stdout).toBe('');
  const parsed = JSON.parse(r.stderr) as JsonError;
  return { ...parsed, exit: r.code };
}

describe('U5: errors as JSON', () => {
  it('U5: every kind of failure is one JSON object on stderr with a stable code, a message, a hint and problems', () => {
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello, not a bundle\n');
    fs.writeFileSync(path.join(dir, 'not.db'), 'plain text, not SQLite');
    const cases: [string[], string, number][] = [
      [['list', 'offices', '--no-such-option', '--db', source], ErrorCode.USAGE, 2],
      [['frobnicate'], ErrorCode.USAGE, 2],
      [['list', 'users', '--office', 'Nowhere', '--db', source], ErrorCode.NOT_FOUND, 1],
      [['list', 'offices', '--db', path.join(dir, 'missing.db')], ErrorCode.NOT_FOUND, 1],
      [['list', 'offices', '--db', path.join(dir, 'not.db')], ErrorCode.INVALID_INPUT, 1],
      [
        [
          'export',
          '--set',
          'Move to Springfield',
          '--office',
          'O-NORTH',
          '--user',
          'norights',
          '--to-office',
          'T-SPRING',
          '--to-user',
          'dana',
          '--out',
          path.join(dir, 'r.zip'),
          '--db',
          source,
        ],
        ErrorCode.RIGHTS,
        1,
      ],
      [['import', path.join(dir, 'hello.txt'), ...SPRING, '--db', target], ErrorCode.BUNDLE_INVALID, 1],
      [['import', bundle, '--office', 'T-SPRING', '--user', 'eve', '--db', target], ErrorCode.MISADDRESSED, 1],
      [['finalize', receipt, '--office', 'O-SOUTH', '--user', 'bob', '--yes', '--db', source], ErrorCode.MISADDRESSED, 1],
      [['finalize', bundle, ...NORTH, '--yes', '--db', source], ErrorCode.INVALID_INPUT, 1],
      [['load', path.join(SAMPLES, 'source'), '--db', source], ErrorCode.NOT_EMPTY, 1],
      [['dump', path.join(dir, 'hello.txt', 'out'), '--db', source], ErrorCode.ENVIRONMENT, 1],
    ];
    const seen = new Set<string>();
    for (const [args, code, exit] of cases) {
      const e = jsonError(args);
      expect(Object.keys(e.error).sort(), args.join(' ')).toEqual(['code', 'hint', 'message', 'problems']);
      expect(e.error.code, `${args.join(' ')}: ${e.error.message}`).toBe(code);
      expect(e.error.message.length).toBeGreaterThan(0);
      expect(Array.isArray(e.error.problems)).toBe(true);
      expect(e.exit).toBe(exit);
      seen.add(e.error.code);
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });

  it('U5: the error codes are the ones docs/errors.md lists, each with its meaning', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8');
    for (const code of Object.values(ErrorCode)) expect(doc, code).toMatch(new RegExp(`\\| \`${code}\` \\|`));
  });

  it('U5: report --format csv --json is refused as a contradiction, not answered with CSV', () => {
    const e = jsonError(['report', 'carriers-products', '--office', 'O-NORTH', '--format', 'csv', '--db', source]);
    expect(e.error.code).toBe(ErrorCode.USAGE);
    expect(e.error.message).toContain('--json asks for JSON but --format asks for csv');
    const json = JSON.parse(runOk(['report', 'carriers-products', '--office', 'O-NORTH', '--json', '--db', source])) as { carriers: unknown[] };
    expect(json.carriers.length).toBeGreaterThan(0);
  });

  it('U5: inbox add --json shows the entry without an empty Buffer', () => {
    const out = runOk(['inbox', 'add', bundle, ...SPRING, '--db', target, '--json']);
    expect(out).not.toContain('Buffer');
    const entry = JSON.parse(out) as Record<string, unknown>;
    expect(entry).not.toHaveProperty('content');
    expect(entry).toMatchObject({ bundle_id: expect.any(String), office_id: 'T-SPRING' });
  });

  it('U5: a zip given to finalize, or a receipt given to import or import undo, is named for what it is and the command that takes it', () => {
    const f = run(['finalize', bundle, ...NORTH, '--yes', '--db', source]);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain(`${bundle} is a zip file (a bundle, or a retention archive), not an import receipt`);
    expect(f.stderr).toMatch(/hint: a bundle is imported in the target installation: officeport import BUNDLE --db TARGET\.db/);
    expect(f.stderr).not.toMatch(/Unexpected token|not valid JSON/);
    const i = run(['import', receipt, ...SPRING, '--db', target]);
    expect(i.code).toBe(1);
    expect(i.stderr).toContain(`${receipt} is an import receipt (JSON), not a bundle`);
    expect(i.stderr).toMatch(/hint: a receipt is finalized in the installation that exported the bundle: officeport finalize RECEIPT --db SOURCE\.db/);
    expect(i.stderr).not.toMatch(/end-of-central-directory/);
    const u = run(['import', 'undo', bundle, ...SPRING, '--db', target]);
    expect(u.stderr).toContain('is a zip file (a bundle, or a retention archive), not an import receipt');
  });

  it('U5: import undo says what it reversed in record types, not table names', () => {
    const t2 = loadInstallation(path.join(SAMPLES, 'target'), tmpDir());
    const r = (JSON.parse(runOk(['import', bundle, ...SPRING, '--db', t2, '--json'])) as { receipt_file: string }).receipt_file;
    const out = runOk(['import', 'undo', r, ...SPRING, '--db', t2]);
    expect(out).toMatch(/undid import .*: removed what it created and put back what it merged: .*\b7 contacts\b/);
    expect(out).toMatch(/\b7 policies\b/);
    expect(out).not.toMatch(/import_map|inbox_contacts|policy_parties|_/);
  });
});
