// @ts-nocheck
// U2: README.md's walkthrough runs as printed, top to bottom, on the shipped
// samples; README.md and docs/ link only to files of the repository.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tmpDir } from '../helpers/cli.js';

/** The commands of the first ```sh block under "## Walkthrough", continuation lines joined, comments left out. */
function walkthrough(readme: string): string[] {
  const lines = readme.split('\n');
  const heading = lines.findIndex((l) => /^##\s+Walkthrough\s*$/.test(l));
  if (heading < 0) return [];
  const open = lines.findIndex((l, i) => i > heading && /^```sh\s*$/.test(l));
  const next = lines.findIndex((l, i) => i > heading && /^##\s/.test(l));
  if (open < 0 || (next >= 0 && open > next)) return [];
  const close = lines.findIndex((l, i) => i > open && /^```\s*$/.test(l));
  const commands: string[] = [];
  let pending = '';
  for (const line of lines.slice(open + 1, close)) {
    if (pending === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1);
      continue;
    }
    commands.push(pending + line);
    pending = '';
  }
  return commands;
}

/** Every relative link target of a Markdown text: [text](target) and <a href="target">. */
function relativeLinks(md: string): string[] {
  const noCode = md.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const targets = [...noCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), ...noCode.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'));
}

describe('README', () => {
  it('U2: the walkthrough of README.md runs as printed, top to bottom, on a copy of the samples', () => {
    const commands = walkthrough(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    const verbs = commands.filter((c) => c.startsWith('officeport ')).map((c) => c.split(/\s+/)[1]);
    expect(verbs, 'the walkthrough shows the whole move').toEqual(
      expect.arrayContaining(['load', 'export', 'verify', 'inspect', 'import', 'finalize', 'realign']),
    );
    const dir = tmpDir('officeport-walkthrough-');
    fs.cpSync(path.join(ROOT, 'samples'), path.join(dir, 'samples'), { recursive: true });
    const bin = `node '${BIN}'`;
    for (const command of commands) {
      const line = command.replace(/^officeport(?=\s)/, bin);
      const r = spawnSync('sh', ['-c', line], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, input: '' });
      expect(r.status, `$ ${command}\nexited ${r.status}\n${r.stderr}${r.stdout.slice(-2000)}`).toBe(0);
    }
  });

  it('U2: every relative link in README.md and docs/*.md names a file of the repository', () => {
    const files = [
      'README.md',
      ...fs
        .readdirSync(path.join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const broken: string[] = [];
    let links = 0;
    for (const file of files) {
      for (const target of relativeLinks(fs.readFileSync(path.join(ROOT, file), 'utf8'))) {
        links++;
        const resolved = path.resolve(ROOT, path.dirname(file), decodeURIComponent(target.split('#')[0]!));
        const inside = resolved === ROOT || resolved.startsWith(ROOT + path.sep);
        if (!inside) broken.push(`${file}: ${target} leaves the repository`);
        else if (!fs.existsSync(resolved)) broken.push(`${file}: ${target} does not exist`);
      }
    }
    expect(links).toBeGreaterThan(5);
    expect(broken, broken.join('\n')).toEqual([]);
  });

  it('U2: README.md names no file outside the repository, not even as plain text', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/\.\.\/shared\//);
  });
});
