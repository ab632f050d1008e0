// @ts-nocheck
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, TABLE_NAMES } from '../../src/domain/model/tables.js';
import { BIN, run, runOk, tmpDir } from '../helpers/cli.js';
import { loadInstallation, SAMPLES } from '../helpers/installation.js';
import { skipWithoutTool } from '../helpers/tools.js';

/** Run the binary with a pseudo-terminal (util-linux `script`), as a user at a terminal would. */
function runOnTerminal(args: string[], cwd?: string): { code: number; out: string } {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: r.stdout };
}

const noScript = skipWithoutTool('U6', 'script', spawnSync('script', ['--version']).status === 0, 'util-linux `script`, Debian package bsdutils');

/** The frames of the bar labelled `label`: the text between returns to the line's start, terminal controls taken out. */
function frames(out: string, label: string): string[] {
  return (
    out
      // eslint-disable-next-line no-control-regex -- the cursor controls of the terminal are what is cut here
      .split(/\u001b\[1G|\r/)
      // eslint-disable-next-line no-control-regex -- the cursor controls of the terminal are what is taken out
      .map((s) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '').trim())
      .filter((s) => s.startsWith(label + ' '))
  );
}

/** `label [=====-----]  50% | 500/1000 | 250/s | ETA 2s`; sizes may carry kB, MB or GB. */
const FRAME = /\[[=-]+\] +\d+% \| (\d+(?:\.\d)?)\/(\d+(?:\.\d)?)(?: [kMG]?B)? \| \d+(?:\.\d)?(?: [kMG]?B)?\/s \| ETA (\S+)$/;

/**
 * U6: the bar showed the total from its first frame on (done 0 of it, before
 * any work), and its last frame shows all of it done, a rate and no time left.
 * Returns the total shown.
 */
function checkBar(out: string, label: string): string {
  const seen = frames(out, label);
  expect(seen.length, out).toBeGreaterThanOrEqual(2);
  const parsed = seen.map((f) => {
    const m = FRAME.exec(f);
    expect(m, `frame ${JSON.stringify(f)}`).not.toBeNull();
    return { done: m![1]!, total: m![2]!, eta: m![3]! };
  });
  const first = parsed[0]!;
  const last = parsed.at(-1)!;
  expect(Number(first.done)).toBe(0);
  expect(Number(first.total)).toBeGreaterThan(0);
  expect(last.done).toBe(last.total);
  expect(last.total).toBe(first.total);
  expect(last.eta).toBe('0s');
  return last.total;
}

const recordsIn = (counts: Record<string, number>) => Object.entries(counts).reduce((a, [k, n]) => a + (k === 'documents' ? 0 : n), 0);

describe('progress', () => {
  let dir: string;
  let source: string;
  let target: string;
  let zip: string;
  let bundleRecords: number;
  const exportArgs = (db: string, out: string) => [
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
    out,
  ];

  beforeAll(() => {
    dir = tmpDir();
    source = loadInstallation(path.join(SAMPLES, 'source'), dir);
    target = loadInstallation(path.join(SAMPLES, 'target'), dir);
    zip = path.join(dir, 'move.zip');
    runOk(exportArgs(source, zip));
    const v = JSON.parse(runOk(['verify', zip, '--json'])) as { counts: Record<string, number> };
    bundleRecords = recordsIn(v.counts);
    expect(bundleRecords).toBeGreaterThan(0);
  });

  it.skipIf(noScript)('U6: load on a terminal shows bytes read of the CSV files in all, the rate and the time left', () => {
    const db = path.join(tmpDir(), 'p.db');
    const load = runOnTerminal(['load', path.join(SAMPLES, 'source'), '--db', db]);
    expect(load.code, load.out).toBe(0);
    const total = checkBar(load.out, 'loading CSV files');
    const bytes = TABLE_NAMES.map((t) => path.join(SAMPLES, 'source', TABLES[t].file))
      .filter((f) => fs.existsSync(f))
      .reduce((a, f) => a + fs.statSync(f).size, 0);
    expect(total).toBe((bytes / 1024).toFixed(1));
  });

  it.skipIf(noScript)('U6: export on a terminal shows records written of the records the selection holds, the rate and the time left', () => {
    const out = path.join(tmpDir(), 'again.zip');
    const exp = runOnTerminal(exportArgs(source, out));
    expect(exp.code, exp.out).toBe(0);
    const total = checkBar(exp.out, 'exporting records');
    const v = JSON.parse(runOk(['verify', out, '--json'])) as { counts: Record<string, number> };
    expect(Number(total)).toBe(recordsIn(v.counts));
  });

  it.skipIf(noScript)('U6: verify on a terminal shows records checked of the records the header declares, the rate and the time left', () => {
    const verify = runOnTerminal(['verify', zip]);
    expect(verify.code, verify.out).toBe(0);
    expect(Number(checkBar(verify.out, 'verifying records'))).toBe(bundleRecords);
  });

  it.skipIf(noScript)('U6: import on a terminal shows records read of the records the header declares, the rate and the time left', () => {
    const imp = runOnTerminal(['import', zip, '--db', target, '--office', 'Springfield Agency', '--user', 'dana'], dir);
    expect(imp.code, imp.out).toBe(0);
    expect(Number(checkBar(imp.out, 'reading records'))).toBe(bundleRecords);
  });

  it.skipIf(noScript)('U6: finalize on a terminal shows rows archived of the rows it removes, the rate and the time left', () => {
    const receipts = `${target}.receipts`;
    const receipt = path.join(
      receipts,
      fs.readdirSync(receipts).find((f) => f.endsWith('.json'))!,
    );
    const who = ['--db', source, '--office', 'North Agency', '--user', 'alice'];
    const plan = JSON.parse(runOk(['finalize', receipt, ...who, '--dry-run', '--json'])) as {
      counts: { travelled: Record<string, number>; not_travelled: Record<string, number> };
    };
    const removed = recordsIn(plan.counts.travelled) + recordsIn(plan.counts.not_travelled);
    const fin = runOnTerminal(['finalize', receipt, ...who, '--yes']);
    expect(fin.code, fin.out).toBe(0);
    expect(Number(checkBar(fin.out, 'archiving and removing rows'))).toBe(removed);
  });

  it.skipIf(noScript)('U6: with --json a terminal gets no progress bar, only the JSON', () => {
    const verify = runOnTerminal(['verify', zip, '--json']);
    expect(verify.code, verify.out).toBe(0);
    expect(frames(verify.out, 'verifying records')).toEqual([]);
    expect(JSON.parse(verify.out).valid).toBe(true);
  });

  it('C3: no progress bar and no colour when stderr is not a terminal: load, export, verify, import and finalize', () => {
    const d = tmpDir();
    const db = path.join(d, 'q.db');
    const t = loadInstallation(path.join(SAMPLES, 'target'), d);
    const out = path.join(d, 'q.zip');
    const steps: string[][] = [
      ['load', path.join(SAMPLES, 'source'), '--db', db],
      exportArgs(db, out),
      ['verify', out],
      ['import', out, '--db', t, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', path.join(d, 'r.json')],
      ['finalize', path.join(d, 'r.json'), '--db', db, '--office', 'North Agency', '--user', 'alice', '--yes'],
    ];
    for (const args of steps) {
      const r = run(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(r.stderr, args[0]).toBe('');
      // eslint-disable-next-line no-control-regex -- a carriage return or an ANSI escape is what this test looks for
      expect(r.stdout, args[0]).not.toMatch(/\r|\u001b\[/);
    }
  });
});
