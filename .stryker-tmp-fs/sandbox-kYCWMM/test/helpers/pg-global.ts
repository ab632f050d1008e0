// @ts-nocheck
// vitest globalSetup: a throwaway PostgreSQL server for the tests of the
// PostgreSQL adapter (G3), started once per run when Debian's `postgresql`
// server programs are installed, stopped at the end. Its address goes to the
// test processes as OFFICEPORT_TEST_PG. A server of one's own can be named
// instead: OFFICEPORT_TEST_PG=postgres://USER@HOST:PORT/postgres npm test
// (each test makes and uses databases named op_*).
import { serverBin, startCluster } from '../../scripts/pg-cluster.mjs';

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.OFFICEPORT_TEST_PG) return undefined;
  if (!serverBin()) return undefined; // test/helpers/pg.ts says so, and fails in CI
  const c = await startCluster();
  process.env.OFFICEPORT_TEST_PG = c.url;
  return () => c.stop();
}
