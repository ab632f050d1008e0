// @ts-nocheck
// U2 (the package works as users of Node tools expect): `npm pack` holds the
// built command and library, schemas, samples and docs, and no tests; the
// tarball installs globally and its `officeport demo` runs.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/shared/version.js';
import { ROOT, tmpDir } from '../helpers/cli.js';

interface Packed {
  filename: string;
  files: { path: string }[];
}

/** npm without the npm_* settings of the npm that started the tests (npx, npm test): as a user's shell runs it. */
function npm(args: string[], opts: SpawnSyncOptions = {}): { code: number; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const r = spawnSync('npm', args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts, env: { ...env, ...opts.env } });
  return { code: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** `npm pack` of the repository as it is built (the tests run dist/; packing from a clone builds it first through `prepare`). */
function pack(extra: string[]): Packed {
  const r = npm(['pack', '--json', '--ignore-scripts', ...extra], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Packed[])[0]!;
}

describe('the npm package', () => {
  it('U2: the packed tarball holds the command, the library with its types, schemas, samples and docs, and no tests', () => {
    const files = pack(['--dry-run']).files.map((f) => f.path);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      types: string;
      exports: { '.': { types: string; import: string } };
    };
    const has = (p: string) => files.includes(p.replace(/^\.\//, ''));
    for (const p of [
      pkg.bin.officeport!,
      'dist/cli/main.js',
      pkg.types,
      pkg.exports['.'].types,
      pkg.exports['.'].import,
      'schemas/officeport.schema.json',
      'samples/source/contacts.csv',
      'samples/target/contacts.csv',
      'docs/api.md',
      'README.md',
      'package.json',
    ]) {
      expect(has(p), `${p} in the tarball`).toBe(true);
    }
    // bin/officeport.js imports ../dist/cli/main.js; every module it and the library load is there.
    const sources = (dir: string) =>
      fs
        .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .map((f) => `dist/${dir}/${f.replace(/\.ts$/, '.js')}`);
    const missing = [...sources('cli'), ...sources('src')].filter((f) => !has(f));
    expect(missing, 'built modules left out').toEqual([]);
    const unwanted = files.filter((f) => /^(test|dist\/test|dist\/bench|bench|scripts|\.ci)\//.test(f) || /\.test\.|\.map$/.test(f));
    expect(unwanted, 'tests, fixtures, benchmarks, CI scripts or source maps in the tarball').toEqual([]);
  });

  // better-sqlite3 builds from source where no prebuilt binary fits: about two minutes on an idle machine.
  it('U2: the packed tarball installs with npm install -g and runs --version, the demo and the library', () => {
    const dir = tmpDir('officeport-pack-');
    const { filename } = pack(['--pack-destination', dir]);
    const tarball = path.join(dir, filename);
    const prefix = path.join(dir, 'prefix');
    const install = npm(['install', '-g', '--prefix', prefix, tarball, '--allow-scripts=better-sqlite3', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
    });
    expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);

    const bin = path.join(prefix, 'bin', 'officeport');
    const work = tmpDir('officeport-user-');
    const version = spawnSync(bin, ['--version'], { cwd: work, encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);

    const demo = spawnSync(bin, ['demo', path.join(work, 'demo')], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(demo.status, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    expect(fs.existsSync(path.join(work, 'demo', 'move.zip'))).toBe(true);

    // A program that depends on the package imports it by name, through "exports".
    const installed = path.join(prefix, 'lib', 'node_modules', 'officeport');
    fs.mkdirSync(path.join(work, 'node_modules'));
    fs.symlinkSync(installed, path.join(work, 'node_modules', 'officeport'), 'dir');
    const program = path.join(work, 'program.mjs');
    fs.writeFileSync(
      program,
      [
        "import { VERSION, openStore, verifyBundle } from 'officeport';",
        "const r = await verifyBundle('demo/move.zip');",
        'console.log(VERSION, r.valid, typeof openStore);',
      ].join('\n'),
    );
    const lib = spawnSync(process.execPath, [program], { cwd: work, encoding: 'utf8' });
    expect(lib.status, lib.stderr).toBe(0);
    expect(lib.stdout.trim()).toBe(`${VERSION} true function`);
  }, 900_000);
});
