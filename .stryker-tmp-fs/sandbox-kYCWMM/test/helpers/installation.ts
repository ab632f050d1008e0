// @ts-nocheck
// A temporary installation loaded from a CSV folder with the real binary.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, run, tmpDir } from './cli.js';

export const SAMPLES = path.join(ROOT, 'samples');

export function loadInstallation(csvDir: string, dir = tmpDir()): string {
  const db = path.join(dir, `${path.basename(csvDir)}.db`);
  const r = run(['load', csvDir, '--db', db]);
  if (r.code !== 0) throw new Error(`load ${csvDir} failed: ${r.stderr}`);
  return db;
}

/** Dump an installation and return each file's lines (header first), for comparisons. */
export function dumpLines(db: string): Record<string, string[]> {
  const out = path.join(tmpDir(), 'dump');
  const r = run(['dump', out, '--db', db]);
  if (r.code !== 0) throw new Error(`dump failed: ${r.stderr}`);
  const files: Record<string, string[]> = {};
  for (const f of fs.readdirSync(out)) {
    if (f.endsWith('.csv'))
      files[f] = fs
        .readFileSync(path.join(out, f), 'utf8')
        .split('\n')
        .filter((l) => l !== '');
  }
  return files;
}

/** Every file of a folder (e.g. a dump) by relative path, for byte comparison. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}
