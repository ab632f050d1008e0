// @ts-nocheck
// G2, U2: README.md's "On a PostgreSQL server" runs as printed, on the test
// run's throwaway server (its address put where README has 127.0.0.1:5432).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tmpDir } from '../../helpers/cli.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';

/** The ```sh block under "### On a PostgreSQL server", as one script. */
function section(readme: string): string {
  const lines = readme.split('\n');
  const heading = lines.findIndex((l) => /^###\s+On a PostgreSQL server\s*$/.test(l));
  const open = lines.findIndex((l, i) => i > heading && /^```sh\s*$/.test(l));
  const close = lines.findIndex((l, i) => i > open && /^```\s*$/.test(l));
  return heading < 0 || open < 0 ? '' : lines.slice(open + 1, close).join('\n');
}

if (!skipWithoutPostgres('G2')) {
  describe('README on PostgreSQL', () => {
    it('G2, U2: the commands of "On a PostgreSQL server" run as printed against a PostgreSQL server, and its dump is the one of the same load into a file', () => {
      const script = section(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
      expect(script).toMatch(/officeport init --db postgres:\/\//);
      const db = pgAddress('readme');
      const printed = 'postgres://officeport@127.0.0.1:5432/agency';
      expect(script).toContain(printed);
      const dir = tmpDir('officeport-readme-pg-');
      fs.cpSync(path.join(ROOT, 'samples'), path.join(dir, 'samples'), { recursive: true });
      const run = (text: string) =>
        spawnSync('sh', ['-ec', `officeport() { node '${BIN}' "$@"; }\n${text}`], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1', OFFICEPORT_DB: '' },
          input: '',
        });
      const r = run(script.split(printed).join(db));
      expect(r.status, `${r.stderr}${r.stdout.slice(-2000)}`).toBe(0);
      expect(r.stdout).toContain('North Agency');
      expect(fs.existsSync(path.join(dir, 'move-from-server.zip'))).toBe(true);
      // the same load into a file dumps the same bytes
      const f = run(
        `officeport init --db s.db >/dev/null\nofficeport load samples/source --db s.db >/dev/null\nofficeport dump file-dump/ --db s.db >/dev/null`,
      );
      expect(f.status, f.stderr).toBe(0);
      const files = fs.readdirSync(path.join(dir, 'file-dump')).sort();
      expect(fs.readdirSync(path.join(dir, 'agency-dump')).sort()).toEqual(files);
      for (const file of files.filter((x) => x.endsWith('.csv'))) {
        expect(fs.readFileSync(path.join(dir, 'agency-dump', file), 'utf8'), file).toBe(fs.readFileSync(path.join(dir, 'file-dump', file), 'utf8'));
      }
    });
  });
}
