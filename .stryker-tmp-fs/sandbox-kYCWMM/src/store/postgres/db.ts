// @ts-nocheck
// An installation on a PostgreSQL server (G2): one database, reached with a
// postgres:// address. Opening connects, checks that the database is an
// officeport installation (or empty, for init and load) and applies the
// missing migrations, each in one transaction under the writer lock.
import { TABLES, type TableName } from '../../domain/model/tables.js';
import { ErrorCode, OfficeportError } from '../../shared/errors.js';
import { PgConnection, PgError } from './connection.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { inTransaction } from './transaction.js';

export type Db = PgConnection;

/** How long a writer waits for another's lock before it is refused, as SQLite's busy timeout (S5). */
const LOCK_TIMEOUT = '30s';

export function isPostgresAddress(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** The address without its password, for messages. */
export function shownAddress(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':****@');
  }
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

export interface OpenOptions {
  create?: boolean;
  readonly?: boolean;
}

export function openPgInstallation(url: string, opts: OpenOptions = {}): Db {
  const shown = shownAddress(url);
  let db: Db;
  try {
    db = new PgConnection(url, shown);
  } catch (e) {
    if (e instanceof PgError && e.code === '3D000' && opts.create) {
      createDatabase(url, shown);
      db = new PgConnection(url, shown);
    } else throw unreachable(e, url, shown, opts);
  }
  try {
    db.exec(`SET lock_timeout = '${LOCK_TIMEOUT}'`);
    if (opts.readonly) db.exec('SET default_transaction_read_only = on');
    probe(db, shown, Boolean(opts.create));
    migrate(db, shown);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** init on a server where the database does not exist yet: make it (UTF-8, byte order). */
function createDatabase(url: string, shown: string): void {
  const u = new URL(url);
  const name = databaseOf(url);
  u.pathname = '/postgres';
  const admin = new PgConnection(u.toString(), shown);
  try {
    admin.exec(`CREATE DATABASE "${name.replace(/"/g, '""')}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } catch (e) {
    throw new OfficeportError(ErrorCode.ENVIRONMENT, `could not create the database ${JSON.stringify(name)} on ${shown}: ${(e as Error).message}`, {
      hint: `create it on the server (createdb ${name}), then run: officeport init --db ${shown}`,
    });
  } finally {
    admin.close();
  }
}

function unreachable(e: unknown, url: string, shown: string, opts: OpenOptions): unknown {
  const code = (e as { code?: unknown }).code;
  const msg = (e as Error).message;
  if (code === '3D000') {
    return new OfficeportError(ErrorCode.NOT_FOUND, `no installation at ${shown}: the server has no database ${JSON.stringify(databaseOf(url))}`, {
      hint: opts.create ? undefined : `check the address given with --db (or OFFICEPORT_DB), or create the installation with: officeport init --db ${shown}`,
    });
  }
  if (code === '28P01' || code === '28000') {
    return new OfficeportError(ErrorCode.ENVIRONMENT, `PostgreSQL at ${shown} refused the login: ${msg}`, {
      hint: "check the user and password in the address (or the server's pg_hba.conf); a password may also come from PGPASSWORD or ~/.pgpass",
    });
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || /ECONNREFUSED|ENOTFOUND/.test(msg)) {
    return new OfficeportError(ErrorCode.ENVIRONMENT, `cannot reach a PostgreSQL server at ${shown}: ${msg}`, {
      hint: 'check that the server runs and the host and port in the address are right',
    });
  }
  return e;
}

/** A table every officeport schema has had since its first version. */
const MARK_TABLE = 'export_ledger';

function probe(db: Db, shown: string, create: boolean): void {
  const tables = db
    .prepare(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
    .pluck()
    .all() as string[];
  if (tables.length === 0) {
    if (create) return;
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${shown} is not an officeport installation: it holds no tables; nothing was changed`, {
      hint: `make it one with: officeport init --db ${shown}`,
    });
  }
  if (!tables.includes(MARK_TABLE) || !tables.includes('officeport_schema')) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${shown} is a PostgreSQL database but not an officeport installation; it was left untouched`, {
      hint: 'name the installation with --db (or OFFICEPORT_DB)',
    });
  }
}

function currentVersion(db: Db): number {
  const has = db.prepare(`SELECT to_regclass('officeport_schema') IS NOT NULL`).pluck().get() as number;
  if (!has) return 0;
  return (db.prepare(`SELECT version FROM officeport_schema`).pluck().get() as number | undefined) ?? 0;
}

export function migrate(db: Db, shown = 'installation'): void {
  let version = currentVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new OfficeportError(ErrorCode.SCHEMA_TOO_NEW, `${shown} has schema version ${version}, this officeport knows up to ${SCHEMA_VERSION}`, {
      hint: 'upgrade officeport',
    });
  }
  while (version < SCHEMA_VERSION) {
    const next = version + 1;
    const steps = MIGRATIONS[version]!;
    inTransaction(db, () => {
      // a second officeport initialising the same database waits here, then finds the work done
      if (currentVersion(db) >= next) return;
      if (version === 0) db.exec(`CREATE TABLE officeport_schema (version integer NOT NULL)`);
      for (const step of steps) {
        if (typeof step === 'string') db.exec(step);
        else step(db);
      }
      db.exec(version === 0 ? `INSERT INTO officeport_schema VALUES (${next})` : `UPDATE officeport_schema SET version = ${next}`);
    });
    version = currentVersion(db);
  }
}

/**
 * A business table's own columns, quoted, for `SELECT *`'s place: every table
 * here also holds `rowid` (schema.ts), which SQLite's `SELECT *` does not give
 * and no row handed to a feature may carry.
 */
export function columnsOf(table: TableName, alias?: string): string {
  const at = alias ? `${alias}.` : '';
  return TABLES[table].columns.map((c) => `${at}"${c.name}"`).join(', ');
}
