// @ts-nocheck
// System tools some tests drive (Chromium, xmllint, `script`). Locally a
// missing tool skips those tests with a clear message; in CI (CI set, as
// .ci/run does) a missing tool is a failing test, so a run cannot pass with
// them skipped.
import { it } from 'vitest';

/**
 * Whether the tests needing `tool` must be skipped. Call at the top level of a
 * test file. In CI a missing tool adds a failing test named after `rule`.
 */
export function skipWithoutTool(rule: string, tool: string, present: boolean, install: string): boolean {
  if (present) return false;
  const why = `${tool} is not installed (${install}); the ${rule} tests that need it did not run`;
  if (process.env.CI) {
    it(`${rule}: ${tool} is installed, as CI needs it for the ${rule} tests`, () => {
      throw new Error(why);
    });
  } else {
    console.warn(`skipped: ${why}`);
  }
  return true;
}
