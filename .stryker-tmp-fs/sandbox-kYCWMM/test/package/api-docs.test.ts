// @ts-nocheck
// U2 (docs in the repository) for the library: docs/api.md documents every
// name the package exports, and each of its examples compiles against the
// built declarations and runs, in order, against the built package.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, tmpDir } from '../helpers/cli.js';

const DOC = path.join(ROOT, 'docs', 'api.md');
const ENTRY = path.join(ROOT, 'dist', 'src', 'index.js');

interface Example {
  name: string;
  code: string;
}

/** Each `### \`name\`` section of docs/api.md with its ```ts examples. */
function sections(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string | undefined;
  const lines = fs.readFileSync(DOC, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^### `([A-Za-z_$][\w$]*)`\s*$/.exec(lines[i]!);
    if (heading) {
      current = heading[1]!;
      out.set(current, []);
    } else if (/^#{1,2} /.test(lines[i]!)) current = undefined;
    else if (lines[i] === '```ts') {
      const end = lines.indexOf('```', i + 1);
      const code = lines.slice(i + 1, end).join('\n');
      if (current) out.get(current)!.push(code);
      i = end;
    }
  }
  return out;
}

function examples(): Example[] {
  return [...sections()].flatMap(([name, codes]) => codes.map((code) => ({ name, code })));
}

/** The example as a module that imports the built package by path (tsc takes a path, node a URL as well). */
function againstDist(code: string, target: string): string {
  return code.replace(/from 'officeport'/g, `from '${target}'`);
}

describe('the library API and its documentation', () => {
  it('U2: every exported name is documented in docs/api.md with an example, and every documented name is exported', async () => {
    const exported = Object.keys(await import(pathToFileURL(ENTRY).href)).sort();
    const documented = sections();
    expect([...documented.keys()].sort()).toEqual(exported);
    const without = [...documented].filter(([, codes]) => codes.length === 0).map(([name]) => name);
    expect(without, 'documented without an example').toEqual([]);
    for (const [name, codes] of documented) {
      expect(
        codes.some((c) => c.includes(name)),
        `the example of ${name} uses it`,
      ).toBe(true);
    }
  });

  it('U2: every example of docs/api.md type-checks against the declarations and runs, in order, on the samples', () => {
    const dir = tmpDir('officeport-api-');
    fs.cpSync(path.join(ROOT, 'samples'), path.join(dir, 'samples'), { recursive: true });
    const all = examples();
    const file = (i: number, ext: string) => path.join(dir, `example-${String(i).padStart(2, '0')}-${all[i]!.name}.${ext}`);
    all.forEach((ex, i) => {
      fs.writeFileSync(file(i, 'mts'), againstDist(ex.code, ENTRY));
      fs.writeFileSync(file(i, 'mjs'), againstDist(ex.code, pathToFileURL(ENTRY).href));
    });

    const tsc = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--noEmit',
        '--strict',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        '--typeRoots',
        path.join(ROOT, 'node_modules', '@types'),
        '--types',
        'node',
        ...all.map((_, i) => file(i, 'mts')),
      ],
      { encoding: 'utf8' },
    );
    expect(tsc.status, `the examples do not compile:\n${tsc.stdout}${tsc.stderr}`).toBe(0);

    // One process imports the examples one after another (a process each costs more than the examples).
    const runner = path.join(dir, 'run-examples.mjs');
    fs.writeFileSync(
      runner,
      [
        "import { pathToFileURL } from 'node:url';",
        'const files = JSON.parse(process.argv[2]);',
        'for (const f of files) {',
        '  console.log(`=== ${f}`);',
        '  await import(pathToFileURL(f).href);',
        '}',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, [runner, JSON.stringify(all.map((_, i) => file(i, 'mjs')))], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 64 << 20,
    });
    const ran = [...r.stdout.matchAll(/^=== .*example-\d+-(\w+)\.mjs$/gm)].map((m) => m[1]);
    const failed = ran.at(-1);
    expect(r.status, `the example of ${failed} failed:\n${all.find((e) => e.name === failed)?.code}\n--- stderr:\n${r.stderr}`).toBe(0);
    expect(ran).toEqual(all.map((e) => e.name));
  }, 300_000);

  it("U2: the package's declarations import no other package but node's own, so a consumer needs no dev dependency's types", () => {
    // every declaration file reachable from the types entry, and the bare specifiers they import
    const seen = new Set<string>();
    const outside: string[] = [];
    const todo = [ENTRY.replace(/\.js$/, '.d.ts')];
    while (todo.length > 0) {
      const file = todo.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) todo.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.d.ts')));
        else if (!spec.startsWith('node:')) outside.push(`${path.relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(outside).toEqual([]);
  });
});
