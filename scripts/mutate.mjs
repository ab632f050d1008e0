#!/usr/bin/env node
// npm run mutate [-- <module>... | --mutate <file> ...] [other Stryker options]
//
// Runs StrykerJS (stryker.config.mjs) one module at a time, each with the test
// files that reach it: its unit tests and the tests that run the binary
// command which uses it. A run of the whole scope at once would first run the
// union of those tests with coverage, which this machine cannot afford.
//   npm run mutate                       every module below, one after another
//   npm run mutate -- zip-reader matching
//   npm run mutate -- --mutate src/bundle/zip-reader.ts
// Each module's HTML report goes to reports/mutation/<module>.html, and an
// incremental file (reports/incremental/<module>.json) lets a later run of the
// same module re-test only what changed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Not finalize-kill.test.ts: it times SIGKILLs against the reference run's
// duration, which the instrumented build changes (its dry run fails under Stryker).
const FINALIZE_TESTS = [
  'test/domain/finalize-rules.test.ts',
  'test/finalize/finalize.test.ts',
  'test/audit/verify-retention.test.ts',
  'test/audit/log.test.ts',
  'test/finalize/fault.test.ts',
  'test/finalize/archive-complete.test.ts',
  'test/finalize/lifecycle.test.ts',
  'test/finalize/move-seams.test.ts',
  'test/finalize/seams.test.ts',
  'test/finalize/seams-archive.test.ts',
];
const MATCH_TESTS = [
  'test/domain/reconcile.test.ts',
  'test/import/rules.test.ts',
  'test/import/import.test.ts',
  'test/import/inbox.test.ts',
  'test/import/plan-set.test.ts',
  'test/import/contested.test.ts',
  'test/import/inbox-steps.test.ts',
  'test/import/receipt.test.ts',
  'test/import/match-routes.test.ts',
  'test/domain/matching.test.ts',
  'test/domain/reconcile-rules.test.ts',
];
// Not kind.test.ts and e2e.test.ts: they run the binary end to end, and what they
// reach of the planner the in-process tests above reach too (measured without them).
const IMPORT_PLAN_TESTS = [...MATCH_TESTS, 'test/import/changelog.test.ts', 'test/import/catalogue.test.ts'];
const VERIFY_TESTS = [
  'test/audit/verify-inproc.test.ts',
  'test/audit/verify-records.test.ts',
  'test/audit/verify-hook.test.ts',
  'test/bundle/verify-ref-table.test.ts',
  'test/audit/verify-parallel.test.ts',
  'test/bundle/sign.test.ts',
  'test/export/bundle.test.ts',
  'test/audit/verify-retention.test.ts',
  'test/audit/inspect.test.ts',
  'test/bad-bytes.test.ts',
];

/** module name -> files mutated, test files run */
export const MODULES = {
  'zip-reader': {
    mutate: ['src/bundle/zip-reader.ts'],
    tests: [
      'test/bundle/zip-reader.test.ts',
      'test/bundle/zip-safety.test.ts',
      'test/bundle/zip-limits-default.test.ts',
      'test/bundle/zip-limit-edges.test.ts',
      'test/bundle/bag-writer.test.ts',
      ...VERIFY_TESTS,
    ],
  },
  'finalize-rules': { mutate: ['src/domain/finalize-rules.ts'], tests: FINALIZE_TESTS },
  'finalize-store': {
    mutate: ['src/store/sqlite/finalize-store.ts'],
    // the store in process (and the binary for some steps), the store contract's finalize, and the ledger's log
    tests: [
      'test/finalize/seams.test.ts',
      'test/finalize/fault.test.ts',
      'test/finalize/archive-complete.test.ts',
      'test/store-contract/finalize.test.ts',
      'test/audit/log.test.ts',
    ],
  },
  finalize: { mutate: ['src/finalize/finalize.ts', 'src/finalize/retention.ts'], tests: FINALIZE_TESTS },
  matching: { mutate: ['src/domain/matching.ts'], tests: MATCH_TESTS },
  reconcile: { mutate: ['src/domain/reconcile.ts'], tests: MATCH_TESTS },
  'import-plan': {
    mutate: ['src/import/plan.ts', 'src/import/plan-rows.ts', 'src/store/sqlite/import-plan-set.ts', 'src/import/plan-file.ts'],
    tests: IMPORT_PLAN_TESTS,
  },
  // verify.ts and record-check.ts apart: a surviving mutant runs every test that reaches it, and the
  // binary tests of VERIFY_TESTS (3 min for a dry run) made one run of both take hours.
  verify: {
    mutate: ['src/audit/verify.ts'],
    tests: ['test/audit/verify-inproc.test.ts', 'test/audit/verify-hook.test.ts', 'test/audit/verify-records.test.ts', 'test/audit/verify-retention.test.ts'],
  },
  'record-check': {
    mutate: ['src/bundle/record-check.ts'],
    tests: ['test/bundle/record-check.test.ts', 'test/audit/verify-inproc.test.ts', 'test/audit/verify-hook.test.ts'],
  },
  values: { mutate: ['src/domain/values.ts'], tests: ['test/domain/values.test.ts', 'test/export/export.test.ts', 'test/audit/verify-retention.test.ts'] },
  names: { mutate: ['src/domain/names.ts'], tests: ['test/domain/names.test.ts', 'test/domain/realign-rules.test.ts', 'test/realign/realign.test.ts'] },
  'export-rules': {
    mutate: ['src/domain/export-rules.ts'],
    tests: ['test/domain/export-rules.test.ts', 'test/export/select-classes.test.ts', 'test/export/bundle.test.ts', 'test/export/export.test.ts'],
  },
  'realign-rules': {
    mutate: ['src/domain/realign-rules.ts'],
    tests: [
      'test/domain/realign-rules.test.ts',
      'test/domain/realign-rules-pinned.test.ts',
      'test/realign/realign.test.ts',
      'test/realign/samples.test.ts',
      'test/realign/journal.test.ts',
    ],
  },
  'exclusion-words': { mutate: ['src/domain/exclusion-words.ts'], tests: ['test/domain/exclusion-words.test.ts', 'test/audit/inspect.test.ts'] },
  text: { mutate: ['src/domain/text.ts'], tests: ['test/domain/text.test.ts', 'test/bad-bytes.test.ts'] },
  synthetic: {
    mutate: ['src/domain/synthetic*.ts'],
    tests: ['test/domain/synthetic.test.ts', 'test/installation/generate.test.ts', 'test/installation/samples.test.ts'],
  },
};

const args = process.argv.slice(2);
const names = [];
const files = [];
const rest = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--mutate' || a === '-m') files.push(...args[++i].split(','));
  else if (a.startsWith('--mutate=')) files.push(...a.slice('--mutate='.length).split(','));
  else if (Object.hasOwn(MODULES, a)) names.push(a);
  else if (!a.startsWith('-') && !rest.at(-1)?.startsWith('-')) fail(`unknown module "${a}"; known: ${Object.keys(MODULES).join(', ')}`);
  else rest.push(a);
}

// A file given with --mutate is run with the tests of the module that holds it.
const runs = names.map((n) => ({ name: n, ...MODULES[n] }));
for (const f of files) {
  const plain = f.replace(/:.*$/, '').replace(/^\.\//, '');
  const entry = Object.entries(MODULES).find(([, m]) => m.mutate.some((g) => globToRegExp(g).test(plain)));
  if (!entry) fail(`${f} is outside the mutation-testing scope (scripts/mutate.mjs MODULES)`);
  runs.push({ name: path.basename(plain, '.ts'), mutate: [f], tests: entry[1].tests });
}
if (runs.length === 0) for (const [n, m] of Object.entries(MODULES)) runs.push({ name: n, ...m });

let failed = false;
for (const r of runs) {
  const started = Date.now();
  console.log(`\n== mutation testing ${r.name}: ${r.mutate.join(', ')} against ${r.tests.length} test files`);
  const res = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js'),
      'run',
      'stryker.config.mjs',
      '--mutate',
      r.mutate.join(','),
      '--testFiles',
      r.tests.join(','),
      '--incrementalFile',
      `reports/incremental/${r.name}.json`,
      ...rest,
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, OFFICEPORT_MUTATE_REPORT: r.name } },
  );
  console.log(`== ${r.name}: ${Math.round((Date.now() - started) / 1000)} s, exit ${res.status}`);
  if (res.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;

function globToRegExp(glob) {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}

function fail(msg) {
  console.error(`mutate: ${msg}`);
  process.exit(2);
}
