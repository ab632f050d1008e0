// @ts-nocheck
// Mutation testing (StrykerJS): `npm run mutate` (scripts/mutate.mjs) runs it
// one module at a time with the tests that reach that module; see README.md.
//
// Why these settings:
// - buildCommand: most tests run bin/officeport.js, which imports dist/. The
//   sandbox compiles dist/ from the instrumented sources (they carry a
//   ts-nocheck comment), and test/helpers/stryker-setup.ts hands the active mutant to
//   every spawned binary through its environment.
// - coverageAnalysis "perTest": each mutant runs only the tests that reached
//   it, which is what makes a run fit on two cores. Coverage reached through a
//   child process is invisible to Stryker by itself, so stryker-setup.ts
//   collects it from the children and adds it to the test that spawned them;
//   without that bridge perTest (and "all") would report binary-only mutants
//   as NoCoverage, and "off" would run every selected test for every mutant.
// - vitest.related false: vitest's related-file search follows imports, and a
//   binary test imports no source file; the scripts name the test files.
const report = process.env.OFFICEPORT_MUTATE_REPORT || 'index';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  checkers: ['typescript'],
  // The checker type-checks cli/ and src/ only (tsconfig.mutate.json): with the
  // tests and bench too, each check took half again as long and the checker,
  // not the test runner, set the pace on two cores.
  tsconfigFile: 'tsconfig.mutate.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  buildCommand: 'npx tsc -p tsconfig.json',
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: one test runner, one checker.
  concurrency: 1,
  timeoutMS: 30000,
  timeoutFactor: 2,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  // scripts/mutate.mjs names the report after the module it runs.
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'reports', 'bench/out', 'test-artifacts', 'demo-out', '*.db', '*.db-wal', '*.db-shm'],
  mutate: [
    'src/domain/**/*.ts',
    'src/import/plan*.ts',
    'src/finalize/finalize.ts',
    'src/store/sqlite/finalize-store.ts',
    'src/bundle/zip-reader.ts',
    'src/audit/verify.ts',
    'src/bundle/record-check.ts',
  ],
};
