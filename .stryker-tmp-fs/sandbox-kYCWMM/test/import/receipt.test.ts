// @ts-nocheck
// I10: where a receipt goes when --receipt is not given (beside the
// installation, one file per accept, its path printed), and that --receipt
// still decides when it is given. Runs the real binary.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runOk, tmpDir } from '../helpers/cli.js';

const TO = ['--office', 'Springfield Agency', '--user', 'dana'];

const ok = runOk;

function load(dir: string, csv: string, name: string): string {
  const db = path.join(dir, name);
  ok(['init', '--db', db]);
  ok(['load', path.join(ROOT, csv), '--db', db]);
  return db;
}

describe('I10: the default receipt', () => {
  let dir: string;
  let bundle: string;
  beforeAll(() => {
    dir = tmpDir('officeport-receipt-');
    const source = load(dir, 'samples/source', 'source.db');
    bundle = path.join(dir, 'move.zip');
    ok([
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
      bundle,
    ]);
  });

  it('I10: without --receipt the receipt goes to <db>.receipts/receipt-<bundle>-<accept>.json, not into the current folder, and its path is printed', () => {
    const target = load(dir, 'samples/target', 'target.db');
    const cwd = tmpDir('officeport-receipt-cwd-');
    const out = JSON.parse(ok(['import', bundle, '--db', target, ...TO, '--json'], cwd)) as { receipt_file: string; bundle_id: string; accept_id: string };
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(out.receipt_file).toBe(path.join(`${target}.receipts`, `receipt-${out.bundle_id}-${out.accept_id}.json`));
    const receipt = JSON.parse(fs.readFileSync(out.receipt_file, 'utf8'));
    expect(receipt).toMatchObject({ receipt_version: 1, bundle_id: out.bundle_id, accept_id: out.accept_id });
    expect(fs.readdirSync(`${target}.receipts`).filter((f) => f.includes('.tmp'))).toEqual([]);
    // undo finds the accept from that receipt
    expect(ok(['import', 'undo', out.receipt_file, '--db', target, ...TO], cwd)).toMatch(/undid import/);
  });

  it('I10: accepting a bundle in two parts keeps both default receipts; the text output names each', () => {
    const target = load(dir, 'samples/target', 'target-parts.db');
    const cwd = tmpDir('officeport-receipt-cwd-');
    const added = JSON.parse(ok(['inbox', 'add', bundle, '--db', target, ...TO, '--json'], cwd)) as { id: string };
    const one = ok(['inbox', 'accept', added.id, '--db', target, ...TO, '--contact', 'contact/C-1101'], cwd);
    const rest = ok(['inbox', 'accept', added.id, '--db', target, ...TO], cwd);
    const printed = [one, rest].map((t) => /receipt: (.+\.json)/.exec(t)?.[1]);
    const files = fs.readdirSync(`${target}.receipts`).sort();
    expect(files).toHaveLength(2);
    expect(printed.map((p) => path.basename(p!)).sort()).toEqual(files);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('I10: --receipt still names the file', () => {
    const target = load(dir, 'samples/target', 'target-named.db');
    const file = path.join(dir, 'named-receipt.json');
    const out = ok(['import', bundle, '--db', target, ...TO, '--receipt', file]);
    expect(out).toContain(`receipt: ${file}`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).receipt_version).toBe(1);
    expect(fs.existsSync(`${target}.receipts`)).toBe(false);
  });
});
