// @ts-nocheck
// L11: what a killed command leaves (a partial bundle or archive, the export's
// scratch folder, finalize's removed rows, a receipt or an inbox copy being
// written) is private to its owner (folders 0700, files 0600) and removed by
// the next run. Each command is SIGKILLed (OFFICEPORT_FAULT=kill:POINT) at the
// moment its scratch exists.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';
import { loadInstallation, SAMPLES } from '../helpers/installation.js';

const EXPORT = ['--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana'];
const IMPORT = ['--office', 'Springfield Agency', '--user', 'dana'];
const SIGKILL = 137;

function killedAt(point: string, args: string[], env: Record<string, string> = {}): void {
  const r = run(args, { env: { ...env, OFFICEPORT_FAULT: `kill:${point}` } });
  expect(r.code === -1 || r.code === SIGKILL, `expected a kill at ${point}, got ${r.code}\n${r.stderr}`).toBe(true);
}

function ok(args: string[], env: Record<string, string> = {}): string {
  const r = run(args, { env });
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} -> ${r.code}\n${r.stderr}`);
  return r.stdout;
}

const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.partial'));
const mode = (p: string) => fs.statSync(p).mode & 0o777;

/** Every file under `p` is 0600 and every folder 0700. */
function expectPrivate(p: string): void {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return void expect(mode(p), p).toBe(0o600);
  expect(mode(p), p).toBe(0o700);
  for (const n of fs.readdirSync(p)) expectPrivate(path.join(p, n));
}

describe('L11: what a killed command leaves', () => {
  let dir: string;
  let source: string;
  let bundle: string;

  beforeAll(() => {
    dir = tmpDir('officeport-l11-');
    source = loadInstallation(path.join(SAMPLES, 'source'), dir);
    bundle = path.join(dir, 'move.zip');
    ok(['export', '--db', source, ...EXPORT, '--out', bundle]);
  });

  it('L11: a killed export leaves a private partial bundle and scratch folder; the next export removes them', () => {
    const out = tmpDir();
    const scratch = tmpDir(); // the OS temp folder of these runs
    killedAt('bag-partial-written', ['export', '--db', source, ...EXPORT, '--out', path.join(out, 'a.zip')], { TMPDIR: scratch });
    expect(fs.existsSync(path.join(out, 'a.zip'))).toBe(false);
    const partial = leftovers(out);
    expect(partial).toHaveLength(1);
    expectPrivate(path.join(out, partial[0]!));
    const work = leftovers(scratch);
    expect(work).toHaveLength(1);
    expectPrivate(path.join(scratch, work[0]!));
    ok(['export', '--db', source, ...EXPORT, '--out', path.join(out, 'b.zip')], { TMPDIR: scratch });
    expect(fs.readdirSync(out)).toEqual(['b.zip']);
    expect(fs.readdirSync(scratch)).toEqual([]);
  });

  it('L11: a killed finalize leaves its removed rows (tax ids included) private; the next finalize removes them', () => {
    const target = loadInstallation(path.join(SAMPLES, 'target'), tmpDir());
    const src = path.join(tmpDir(), 'source.db');
    fs.copyFileSync(source, src);
    const receipts = tmpDir();
    const receipt = path.join(receipts, 'receipt.json');
    ok(['import', bundle, '--db', target, ...IMPORT, '--receipt', receipt]);
    const finalize = ['finalize', receipt, '--db', src, '--office', 'North Agency', '--user', 'alice', '--yes'];
    killedAt('finalize-rows-spooled', finalize);
    const rows = leftovers(receipts);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^\.retention-rows\./);
    const rowsDir = path.join(receipts, rows[0]!);
    expect(fs.readdirSync(rowsDir).length).toBeGreaterThan(0);
    expectPrivate(rowsDir);
    killedAt('bag-partial-written', finalize);
    const partial = leftovers(receipts).filter((n) => n.includes('retention-') && !n.startsWith('.retention-rows.'));
    expect(partial).toHaveLength(1);
    expectPrivate(path.join(receipts, partial[0]!));
    ok(finalize);
    expect(leftovers(receipts)).toEqual([]);
    expect(fs.readdirSync(receipts).filter((n) => n.startsWith('retention-'))).toHaveLength(1);
  });

  it('L11: a killed import leaves its receipt private and undone; the next import removes it', () => {
    const target = loadInstallation(path.join(SAMPLES, 'target'), tmpDir());
    const receipts = tmpDir();
    const receipt = path.join(receipts, 'r.json');
    killedAt('receipt-temp-written', ['import', bundle, '--db', target, ...IMPORT, '--receipt', receipt]);
    const partial = leftovers(receipts);
    expect(partial).toHaveLength(1);
    expectPrivate(path.join(receipts, partial[0]!));
    ok(['import', bundle, '--db', target, ...IMPORT, '--receipt', receipt]);
    expect(fs.readdirSync(receipts)).toEqual(['r.json']);
  });

  it('L11: a killed inbox add leaves its copy private; the next run removes it', () => {
    const target = loadInstallation(path.join(SAMPLES, 'target'), tmpDir());
    const inbox = `${target}.inbox`;
    killedAt('inbox-copy-written', ['inbox', 'add', bundle, '--db', target, ...IMPORT]);
    const partial = leftovers(inbox);
    expect(partial).toHaveLength(1);
    expectPrivate(path.join(inbox, partial[0]!));
    ok(['inbox', 'add', bundle, '--db', target, ...IMPORT]);
    expect(leftovers(inbox)).toEqual([]);
    const copies = fs.readdirSync(inbox);
    expect(copies).toHaveLength(1);
    expect(mode(path.join(inbox, copies[0]!))).toBe(0o600);
  });
});
