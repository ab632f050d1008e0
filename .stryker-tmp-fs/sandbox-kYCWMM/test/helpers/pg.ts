// @ts-nocheck
// Installations on the throwaway PostgreSQL server of this test run (see
// pg-global.ts). Locally, without PostgreSQL installed, the tests that need it
// are skipped with a message; in CI they fail (tools.ts).
import crypto from 'node:crypto';
import { skipWithoutTool } from './tools.js';

/** The test server's address (the `postgres` database), or undefined when there is none. */
export function pgServer(): string | undefined {
  return process.env.OFFICEPORT_TEST_PG;
}

/** Call at the top level of a test file: whether its PostgreSQL tests must be skipped. */
export function skipWithoutPostgres(rule: string): boolean {
  return skipWithoutTool(rule, 'PostgreSQL (initdb, pg_ctl)', Boolean(pgServer()), 'apt-get install postgresql');
}

/** The address of a new database on the test server (not made yet: init or load with create makes it). */
export function pgAddress(tag = 'op'): string {
  const server = pgServer();
  if (!server) throw new Error('no PostgreSQL test server (OFFICEPORT_TEST_PG)');
  const u = new URL(server);
  u.pathname = `/${tag.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${crypto.randomBytes(6).toString('hex')}`;
  return u.toString();
}
