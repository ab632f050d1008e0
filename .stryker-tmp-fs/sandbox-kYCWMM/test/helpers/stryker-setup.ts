// @ts-nocheck
// Mutation testing only: a vitest setup file named by vitest.stryker.config.ts,
// loaded after Stryker's own setup file. Never loaded by `npm test`.
//
// Most tests run the real binary (a child process running dist/), so Stryker's
// in-process bookkeeping does not reach the code under test. Two bridges:
// 1. Mutant runs: the active mutant goes into this worker's environment, which
//    every spawned binary inherits (test/helpers/cli.ts and the tests that
//    spawn bin/officeport.js themselves pass process.env on); the instrumented
//    dist/ reads __STRYKER_ACTIVE_MUTANT__ at start.
// 2. Coverage (dry run): every Node child loads test/helpers/stryker-child.mjs,
//    which writes the mutants it reached at exit; they are added here to the
//    test that spawned the child, or, when spawned outside a test (beforeAll,
//    module level), to every test of the file (running any of them runs that
//    setup again). Without this, perTest coverage would call a mutant reached
//    only through the binary "NoCoverage" and never test it.
//    The same goes for code the test process itself runs in a beforeAll or
//    between tests: Stryker counts it as "static" and runs every selected test
//    for each such mutant; it is moved to the tests of the file instead (Stryker
//    activates the mutant before the file's beforeAll). Coverage at module load
//    stays static: a mutant there needs a fresh load.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';

type Hits = Record<string, number>;
interface Ns {
  currentTestId?: string;
  mutantCoverage?: { static: Hits; perTest: Record<string, Hits> };
}
const ns: Ns = ((globalThis as Record<string, unknown>).__stryker__ ??= {}) as Ns;
const mode = (inject as (key: string) => unknown)('mode');

if (mode === 'mutant') {
  process.env.__STRYKER_ACTIVE_MUTANT__ = String((inject as (key: string) => unknown)('activeMutant'));
} else {
  delete process.env.__STRYKER_ACTIVE_MUTANT__;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stryker-child-cov-'));
  const hook = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'stryker-child.mjs')).href;
  process.env.OFFICEPORT_STRYKER_COVERAGE_DIR = dir;
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${hook}`.trim();
  const cov = (ns.mutantCoverage ??= { static: {}, perTest: {} });

  const take = (into: Hits): void => {
    for (const f of fs.readdirSync(dir)) {
      const file = path.join(dir, f);
      const hits = JSON.parse(fs.readFileSync(file, 'utf8')) as Hits;
      fs.rmSync(file);
      for (const [id, n] of Object.entries(hits)) into[id] = (into[id] ?? 0) + n;
    }
  };
  const fileLevel: Hits = {};
  const testIds = new Set<string>();
  let current: string | undefined;
  // In-process static coverage from here on (this file's hooks) is file-level.
  let seen: Hits | undefined;
  const moveStatic = (): void => {
    if (!seen) return;
    for (const [id, n] of Object.entries(cov.static)) {
      const d = n - (seen[id] ?? 0);
      if (d > 0) fileLevel[id] = (fileLevel[id] ?? 0) + d;
    }
    // Keep what was there before (module load): it stays static.
    for (const id of Object.keys(cov.static))
      if (seen[id] === undefined) delete cov.static[id];
      else cov.static[id] = seen[id];
  };
  beforeAll(() => {
    seen = { ...cov.static };
  });
  beforeEach(() => {
    moveStatic();
    take(fileLevel);
    current = ns.currentTestId;
    if (current) testIds.add(current);
  });
  afterEach(() => {
    if (current) take((cov.perTest[current] ??= {}));
    else take(fileLevel);
    current = undefined;
  });
  afterAll(() => {
    moveStatic();
    take(fileLevel);
    for (const id of testIds) {
      const t = (cov.perTest[id] ??= {});
      for (const [m, n] of Object.entries(fileLevel)) t[m] = (t[m] ?? 0) + n;
    }
    if (testIds.size === 0) for (const [m, n] of Object.entries(fileLevel)) cov.static[m] = (cov.static[m] ?? 0) + n;
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
