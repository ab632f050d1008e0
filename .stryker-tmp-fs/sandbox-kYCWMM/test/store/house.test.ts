// @ts-nocheck
// G1 and ../shared/DESIGN.md "The house", checked on the source as it stands:
// SQL only in the SQLite adapter, and the arrows that must never be.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** The files of ours a source file imports, as paths from the package root. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.js$/, '.ts'));
}

const ALL = [...sources('src'), ...sources('cli')];
/** G1, G2: the two adapters of the store port, the only places with SQL. */
const ADAPTER_DIRS = ['src/store/sqlite/', 'src/store/postgres/'];

describe('G1: the store port', () => {
  it('G1: SQL lives only in the adapters: no prepare, exec, pragma or function call outside src/store/sqlite/ and src/store/postgres/', () => {
    const found = ALL.filter((f) => !ADAPTER_DIRS.some((d) => f.startsWith(d))).flatMap((f) =>
      fs
        .readFileSync(path.join(ROOT, f), 'utf8')
        .split('\n')
        .map((line, i) => ({ f, line: i + 1, text: line }))
        .filter((l) => /\.(prepare|exec|pragma|function)\(/.test(l.text))
        .map((l) => `${l.f}:${l.line}: ${l.text.trim()}`),
    );
    expect(ALL.length).toBeGreaterThan(100);
    expect(found).toEqual([]);
  });

  it('G1: the port holds interfaces and types only, and names no SQLite construct', () => {
    const text = fs.readFileSync(path.join(ROOT, 'src/store/port.ts'), 'utf8');
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/^\s*(export\s+)?(class|function|const|let|var)\b/m);
    expect(code).not.toMatch(/better-sqlite3|rowid|PRAGMA|SQLITE_|Database\b/i);
    expect(importsOf('src/store/port.ts').every((f) => f.startsWith('src/domain/'))).toBe(true);
  });

  it('G1: nothing imports an adapter but src/store/open.ts (and the adapter itself), not even for a type; the adapters do not import each other', () => {
    const offenders = ALL.flatMap((f) =>
      importsOf(f)
        .filter((target) => ADAPTER_DIRS.some((d) => target.startsWith(d)))
        .filter((target) => f !== 'src/store/open.ts' && !f.startsWith(target.slice(0, target.indexOf('/', 'src/store/'.length) + 1)))
        .map((target) => `${f} -> ${target}`),
    );
    expect(ALL.filter((f) => f.startsWith('src/store/postgres/')).length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it('G1: features and cli are given a Store: no database handle is turned into one (storeOf) or passed (Db) outside src/store/', () => {
    const found = ALL.filter((f) => !f.startsWith('src/store/')).flatMap((f) =>
      fs
        .readFileSync(path.join(ROOT, f), 'utf8')
        .split('\n')
        .map((line, i) => ({ f, line: i + 1, text: line }))
        .filter((l) => /\bstoreOf\b|\bDb\b|\bwithDb\b/.test(l.text))
        .map((l) => `${l.f}:${l.line}: ${l.text.trim()}`),
    );
    expect(found).toEqual([]);
  });
});

describe('the house: arrows that must never be', () => {
  it('G1: the domain imports nothing of ours but other domain files', () => {
    const out = sources('src/domain').flatMap((f) =>
      importsOf(f)
        .filter((t) => !t.startsWith('src/domain/'))
        .map((t) => `${f} -> ${t}`),
    );
    expect(out).toEqual([]);
  });

  it('G1: the bundle format and the CSV/XML formats import no store and no feature', () => {
    const allowed = (t: string) => /^src\/(domain|shared|bundle|formats)\//.test(t);
    const out = [...sources('src/bundle'), ...sources('src/formats')].flatMap((f) =>
      importsOf(f)
        .filter((t) => !allowed(t))
        .map((t) => `${f} -> ${t}`),
    );
    expect(out).toEqual([]);
  });

  it('G1: cli commands call features through their index.ts, never a feature file or the adapter', () => {
    const out = sources('cli').flatMap((f) =>
      importsOf(f)
        .filter((t) => t.startsWith('src/'))
        .filter((t) => !/^src\/[a-z]+\/index\.ts$/.test(t) && !/^src\/(shared|domain)\//.test(t) && t !== 'src/store/open.ts' && t !== 'src/store/port.ts')
        .map((t) => `${f} -> ${t}`),
    );
    expect(out).toEqual([]);
  });
});
