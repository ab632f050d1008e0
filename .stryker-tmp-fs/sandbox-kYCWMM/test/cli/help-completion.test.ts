// @ts-nocheck
// U7: help for one command as `officeport help CMD`, and Tab completion.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, run, tmpDir } from '../helpers/cli.js';

describe('help and completion', () => {
  it("U7: officeport help CMD shows that command's help, help alone the overview, a mistyped name the closest command", () => {
    const exportHelp = run(['help', 'export']);
    expect(exportHelp.code).toBe(0);
    expect(exportHelp.stdout).toBe(run(['export', '--help']).stdout);
    expect(exportHelp.stdout).toMatch(/--to-office/);

    expect(run(['--db', 'x.db', 'help', 'export']).stdout).toBe(exportHelp.stdout);

    const sub = run(['help', 'realign', 'apply']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toBe(run(['realign', 'apply', '--help']).stdout);

    const overview = run(['help']);
    expect(overview.code).toBe(0);
    expect(overview.stdout).toBe(run(['--help']).stdout);
    expect(overview.stdout).toMatch(/officeport help \[command\.\.\]/);
    expect(overview.stdout).toMatch(/officeport completion/);

    const typo = run(['help', 'exprt']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean export\?/);
  });

  it('U7: officeport completion prints a bash script that completes commands, subcommands and options', () => {
    const script = run(['completion'], { env: { SHELL: '/bin/bash' } });
    expect(script.code).toBe(0);
    expect(script.stdout).toMatch(/complete .* officeport/);

    // The script calls `officeport` from PATH, as it would be once installed.
    const shim = tmpDir('officeport-path-');
    fs.symlinkSync(BIN, path.join(shim, 'officeport'));
    const file = path.join(shim, 'officeport-completion.bash');
    fs.writeFileSync(file, script.stdout);
    const complete = (...words: string[]): string[] => {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _officeport_yargs_completions; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'bash',
          file,
        ],
        { encoding: 'utf8', env: { ...process.env, PATH: `${shim}${path.delimiter}${process.env.PATH}`, NO_COLOR: '1' } },
      );
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean);
    };
    expect(complete('officeport', 'ex')).toEqual(['export']);
    expect(complete('officeport', 'fin')).toEqual(['finalize']);
    expect(complete('officeport', 'realign', 'a')).toEqual(['apply']);
    expect(complete('officeport', 'export', '--to')).toEqual(['--to-office', '--to-user']);
    expect(complete('officeport', 'he')).toEqual(['help']);
  });
});
