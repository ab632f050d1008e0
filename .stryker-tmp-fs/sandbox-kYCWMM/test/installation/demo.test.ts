// @ts-nocheck
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';

describe('demo', () => {
  it('D4: demo builds the sample installations and runs export, verify, inspect, import, finalize and realign', () => {
    const dir = path.join(tmpDir(), 'demo');
    const r = run(['demo', dir]);
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    for (const cmd of ['export', 'verify', 'inspect', 'import', 'finalize', 'realign carrier']) {
      expect(r.stdout).toContain(`$ officeport ${cmd} `);
    }
    for (const f of ['source.db', 'target.db', 'move.zip', 'receipt.json', 'retention.zip', 'audit-report.html']) {
      expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    }
    expect(r.stdout).toMatch(/already imported/);
    const again = run(['demo', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty/);
  });
});
