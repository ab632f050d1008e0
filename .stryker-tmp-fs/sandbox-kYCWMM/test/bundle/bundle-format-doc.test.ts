// @ts-nocheck
// B10: the commands of docs/bundle-format.md's "Check a bundle without
// officeport" run as printed on a real signed bundle, with unzip, sha256sum,
// openssl and python3's jsonschema: no officeport, no repository schemas.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runOk, tmpDir } from '../helpers/cli.js';
import { skipWithoutTool } from '../helpers/tools.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

const DOC = path.join(ROOT, 'docs/bundle-format.md');
const HEADING = '## Check a bundle without officeport';

/** the ```sh blocks of the section, in order */
function sectionBlocks(): string[] {
  const text = fs.readFileSync(DOC, 'utf8');
  const start = text.indexOf(HEADING);
  expect(start, 'the section exists').toBeGreaterThan(0);
  const next = text.indexOf('\n## ', start + HEADING.length);
  const section = text.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
// The python3 the shell finds may lack jsonschema while Debian's (python3-jsonschema) has it: put that one first.
const debianFirst = !has('python3', ['-c', 'import jsonschema']) && has('/usr/bin/python3', ['-c', 'import jsonschema']);
const env = debianFirst ? { ...process.env, PATH: `/usr/bin:${process.env.PATH ?? ''}` } : process.env;
const skip =
  skipWithoutTool('B10', 'python3 with jsonschema', debianFirst || has('python3', ['-c', 'import jsonschema']), 'apt-get install python3-jsonschema') ||
  skipWithoutTool('B10', 'openssl', has('openssl', ['version']), 'apt-get install openssl') ||
  skipWithoutTool('B10', 'unzip', has('unzip', ['-v']), 'apt-get install unzip') ||
  skipWithoutTool('B10', 'sha256sum', has('sha256sum', ['--version']), 'apt-get install coreutils');

describe('docs/bundle-format.md', () => {
  it.skipIf(skip)(
    'B10: the commands that check a bundle without officeport work as printed, and fail on a changed record',
    () => {
      const dir = tmpDir();
      const db = loadInstallation(path.join(SAMPLES, 'source'), dir);
      const work = tmpDir('officeport-doc-');
      runOk(['keygen', '--out', path.join(work, 'agency')]);
      runOk([
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
        '--sign',
        path.join(work, 'agency.key'),
        '--out',
        path.join(work, 'move.zip'),
      ]);
      const blocks = sectionBlocks();
      expect(blocks.length).toBe(3);
      const script = ['set -euo pipefail', ...blocks].join('\n');
      const r = spawnSync('bash', ['-c', script], { cwd: work, encoding: 'utf8', env });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\d+ records checked, 0 problems/);
      expect(r.stdout).toContain('Signature Verified Successfully');

      // the same schema step refuses a nameless individual (the manifests would too: it is checked on its own here)
      const bag = path.join(work, 'bag', fs.readdirSync(path.join(work, 'bag'))[0]!);
      const contacts = path.join(bag, 'data/records/contacts.ndjson');
      const lines = fs.readFileSync(contacts, 'utf8').split('\n');
      const first = JSON.parse(lines[0]!) as Record<string, unknown>;
      lines[0] = JSON.stringify({ ref: first.ref, kind: 'individual', first_name: 'Ann' });
      fs.writeFileSync(contacts, lines.join('\n'));
      const bad = spawnSync('bash', ['-c', ['set -euo pipefail', blocks[1]!].join('\n')], { cwd: work, encoding: 'utf8', env });
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain("data/records/contacts.ndjson:1 $ 'last_name' is a required property");
    },
    60_000,
  );
});
