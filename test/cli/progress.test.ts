import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, run, tmpDir } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/installation.js';
import { skipWithoutTool } from '../helpers/tools.js';

/** Run the binary with a pseudo-terminal (util-linux `script`), as a user at a terminal would. */
function runOnTerminal(args: string[]): { code: number; out: string } {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: r.stdout };
}

const noScript = skipWithoutTool('C3', 'script', spawnSync('script', ['--version']).status === 0, 'util-linux `script`, Debian package bsdutils');

describe('progress', () => {
  it.skipIf(noScript)('C3: load and verify draw a progress bar on stderr when it is a terminal', () => {
    const dir = tmpDir();
    const db = path.join(dir, 'p.db');
    const load = runOnTerminal(['load', path.join(SAMPLES, 'source'), '--db', db]);
    expect(load.code, load.out).toBe(0);
    expect(load.out).toMatch(/\rloading rows \d+/);
    const zip = path.join(dir, 'move.zip');
    const exp = run([
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
      'X',
      '--to-user',
      'y',
      '--out',
      zip,
    ]);
    expect(exp.code, exp.stderr).toBe(0);
    const verify = runOnTerminal(['verify', zip]);
    expect(verify.code, verify.out).toBe(0);
    expect(verify.out).toMatch(/\rverifying records/);
  });

  it('C3: no progress bar and no colour when stderr is not a terminal', () => {
    const db = path.join(tmpDir(), 'q.db');
    const r = run(['load', path.join(SAMPLES, 'source'), '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // eslint-disable-next-line no-control-regex -- a carriage return or an ANSI escape is what this test looks for
    expect(r.stdout).not.toMatch(/\r|\u001b\[/);
  });
});
