// @ts-nocheck
// Mutation testing only (loaded into every Node process the tests start, via
// NODE_OPTIONS set by test/helpers/stryker-setup.ts; never in a normal run).
//
// The binary runs the instrumented dist/ that Stryker's buildCommand compiled.
// Its instrumented code takes the active mutant from the environment
// (__STRYKER_ACTIVE_MUTANT__) by itself; what it cannot do is tell the test
// process which mutants it reached. At exit this hook writes the mutants this
// process (or worker thread) covered to the folder the test process named, so
// the setup file can add them to the coverage of the test that ran it.
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

const dir = process.env.OFFICEPORT_STRYKER_COVERAGE_DIR;
if (dir) {
  process.on('exit', () => {
    const cov = globalThis.__stryker__?.mutantCoverage;
    if (!cov) return;
    const hit = { ...cov.static };
    for (const perTest of Object.values(cov.perTest ?? {})) Object.assign(hit, perTest);
    try {
      fs.writeFileSync(path.join(dir, `${process.pid}-${threadId}.json`), JSON.stringify(hit));
    } catch {
      // A child running as another user (environment tests) cannot write here:
      // its coverage is lost, which can only make a mutant look uncovered.
    }
  });
}
