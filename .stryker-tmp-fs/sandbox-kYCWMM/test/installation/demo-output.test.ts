// @ts-nocheck
// What the demo shows (D4): each report once.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';

describe('demo output', () => {
  it('D4: the demo prints the inspect report once, and says where the audit report went', () => {
    const dir = path.join(tmpDir(), 'demo');
    const r = run(['demo', dir]);
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    // the report's first line and its dry run's heading, once each
    expect(r.stdout.match(/│ bundle [0-9a-f-]{36} \(/g)).toHaveLength(1);
    expect(r.stdout.match(/│ import dry run into /g)).toHaveLength(1);
    expect(r.stdout).toContain(`│ audit report written to ${path.join(dir, 'audit-report.html')}`);
  });
});
