// @ts-nocheck
// The benchmark harness itself (P1, P2), at a very small size: every step and
// every floor runs, and the table carries each column. Figures are not checked
// here (P: measured by `npm run bench`, not by timed tests).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTable, type SizeResult } from '../bench/bench.js';
import { ROOT } from './helpers/cli.js';
import { pgServer, skipWithoutPostgres } from './helpers/pg.js';

const BENCH = path.join(ROOT, 'dist/bench/bench.js');

describe('npm run bench', () => {
  it('P2: runs generate, load, export, verify, import, export --to and the encrypted import at 200 contacts with a same-run floor for each but generate', () => {
    const r = spawnSync(process.execPath, [BENCH, '--contacts', '200', '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { machine: { nproc: number; node: string }; results: SizeResult[] };
    expect(out.machine.node).toBe(process.version);
    expect(out.results.map((x) => x.contacts)).toEqual([200]);
    const rows = out.results[0]!.rows;
    expect(rows.map((x) => x.step)).toEqual(['generate', 'load', 'export', 'verify', 'import', 'export-to', 'import-to']);
    for (const x of rows) {
      expect(x.records).toBeGreaterThan(0);
      expect(x.seconds).toBeGreaterThan(0);
      expect(x.cpu_seconds).toBeGreaterThan(0);
      expect(x.records_per_second).toBeCloseTo(x.records / x.seconds, 3);
      expect(x.peak_rss_mb).toBeGreaterThan(10);
      expect(x.under_300mb).toBe(x.peak_rss_mb < 300);
      if (x.step === 'generate') expect([x.floor_seconds, x.ratio]).toEqual([null, null]);
      else expect(x.ratio).toBeCloseTo(x.seconds / x.floor_seconds!, 6);
    }
    // export and import move the same records; load reads what generate wrote
    expect(rows[3]!.records).toBe(rows[2]!.records);
    expect(rows[4]!.records).toBe(rows[2]!.records);
    expect(rows[5]!.records).toBe(rows[2]!.records);
    expect(rows[6]!.records).toBe(rows[2]!.records); // the encrypted bundle's import moves what the plain one moves
    expect(rows[1]!.records).toBe(rows[0]!.records);
  }, 60_000);

  it('P1: the table shows records/s, peak RSS, floor, ratio and the 300 MB check per step', () => {
    const row = (step: string, floor: number | null, mb: number) => ({
      step,
      records: 1000,
      seconds: 2,
      cpu_seconds: 1.5,
      records_per_second: 500,
      peak_rss_mb: mb,
      floor_seconds: floor,
      ratio: floor === null ? null : 2 / floor,
      under_300mb: mb < 300,
    });
    const text = renderTable({ contacts: 1000, load_average: [0.5, 1.25], rows: [row('generate', null, 80), row('export', 1, 120), row('import', 0.5, 320)] });
    const lines = text.split('\n');
    expect(lines[0]).toBe('1000 contacts (load average 0.5 -> 1.3)');
    expect(lines[1]).toMatch(/^step\s+records\s+seconds\s+cpu s\s+records\/s\s+peak RSS MB\s+floor s\s+ratio step\/floor\s+< 300 MB$/);
    expect(lines[3]).toMatch(/^generate\s+1000\s+2\.00\s+1\.50\s+500\s+80\s+-\s+-\s+yes$/);
    expect(lines[4]).toMatch(/^export\s+1000\s+2\.00\s+1\.50\s+500\s+120\s+1\.00\s+2\.00\s+yes$/);
    expect(lines[5]).toMatch(/^import\s+1000\s+2\.00\s+1\.50\s+500\s+320\s+0\.50\s+4\.00\s+NO$/);
  });

  it('G5: --db wants sqlite, postgres or a postgres:// address; anything else is a usage error', () => {
    const r = spawnSync(process.execPath, [BENCH, '--db', 'mysql', '--sizes', '50'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--db wants sqlite, postgres .* got "mysql"/);
  });

  if (!skipWithoutPostgres('G5')) {
    it('G5: with --db and a server, every installation step runs on PostgreSQL too, beside SQLite, with the same floors and the same records', () => {
      const r = spawnSync(process.execPath, [BENCH, '--db', pgServer()!, '--contacts', '100', '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as { results: SizeResult[] };
      expect(out.results.map((x) => [x.contacts, x.store])).toEqual([
        [100, 'sqlite'],
        [100, 'postgres'],
      ]);
      const [sqlite, postgres] = out.results.map((x) => x.rows);
      const steps = ['generate', 'load', 'export', 'verify', 'import', 'export-to', 'import-to'];
      expect(sqlite!.map((x) => x.step)).toEqual(steps);
      expect(postgres!.map((x) => x.step)).toEqual(steps);
      for (const [i, x] of postgres!.entries()) {
        expect([x.step, x.records, x.floor_seconds]).toEqual([sqlite![i]!.step, sqlite![i]!.records, sqlite![i]!.floor_seconds]);
        expect(x.peak_rss_mb).toBeGreaterThan(10);
        expect(x.under_300mb).toBe(x.peak_rss_mb < 300);
      }
      expect(renderTable(out.results[1]!).split('\n')[0]).toMatch(/^100 contacts, PostgreSQL \(load average/);
    }, 120_000);
  }
});
