// @ts-nocheck
// The installation file (D1): one SQLite database, WAL, foreign keys on, and a
// busy timeout so that a second writer waits instead of failing (S5).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { didYouMeanOf, suggestNames } from '../../domain/names.js';
import { ErrorCode, OfficeportError } from '../../shared/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { inTransaction } from './transaction.js';

export type Db = Database.Database;

const BUSY_TIMEOUT_MS = 30_000;

export interface OpenOptions {
  /** Create the file if it does not exist (init). */
  create?: boolean;
  readonly?: boolean;
}

export function openInstallation(file: string, opts: OpenOptions = {}): Db {
  const exists = fs.existsSync(file);
  if (!exists && !opts.create) {
    throw noInstallation(file);
  }
  // L10: a file that is not an installation is left untouched: look at it read-only
  // before any pragma that writes (journal_mode = WAL rewrites the header).
  if (exists) probeInstallation(file, Boolean(opts.create));
  else fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (e) {
    // read-only, full, cannot open: cli/main.ts names the cause
    throw notAnInstallation(e, file) ?? e;
  }
  migrate(db, file);
  return db;
}

/**
 * U3: a mistyped --db is the likelier cause than a missing installation: say
 * nothing is there, name the installation files beside it, then offer init.
 */
function noInstallation(file: string): OfficeportError {
  const dir = path.dirname(file);
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.db'));
  } catch {
    // the folder does not exist either: nothing to suggest
  }
  const inDir = (f: string) => (dir === '.' && !file.startsWith('./') ? f : path.join(dir, f));
  const where = fs.existsSync(dir) ? '' : ` (the folder ${dir} does not exist either)`;
  const near = didYouMeanOf(suggestNames(path.basename(file), files).map((f) => JSON.stringify(inDir(f))));
  const seen = files.length ? `; the .db files in ${dir === '.' ? 'this folder' : dir} are: ${files.slice(0, 10).map(inDir).join(', ')}` : '';
  return new OfficeportError(ErrorCode.NOT_FOUND, `no installation at ${file}${where}${near ? `; ${near}` : seen}`, {
    hint: files.length
      ? `name one of them with --db, or create a new installation with: officeport init --db ${file}`
      : `check the path given with --db (or OFFICEPORT_DB), or create a new installation with: officeport init --db ${file}`,
  });
}

/** A table every officeport schema has had since its first version. */
const MARK_TABLE = 'export_ledger';

/** L10: an existing file must be an officeport installation (or, for init and load, an empty SQLite file); nothing is written. */
function probeInstallation(file: string, create: boolean): void {
  let look: { version: number; tables: number; marked: boolean };
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    look = {
      version: db.pragma('user_version', { simple: true }) as number,
      tables: db.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`).pluck().get() as number,
      marked: Boolean(db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MARK_TABLE)),
    };
  } catch (e) {
    throw notAnInstallation(e, file) ?? e;
  } finally {
    db?.close();
  }
  if (look.version === 0 && look.tables === 0) {
    if (create) return;
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not an officeport installation: it holds no tables; nothing was changed`, {
      hint: `make it one with: officeport init --db ${file}`,
    });
  }
  if (!look.marked) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is a SQLite file but not an officeport installation; it was left untouched`, {
      hint: 'name the installation file with --db (or OFFICEPORT_DB)',
    });
  }
}

/** SQLite's "not a database" and "damaged" as a refusal naming the file; other errors are the environment's (cli/main.ts). */
function notAnInstallation(e: unknown, file: string): OfficeportError | undefined {
  const code = (e as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB') {
    return new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not an officeport installation: it is not a SQLite database; it was left untouched`, {
      hint: 'name the installation file with --db (or OFFICEPORT_DB); officeport init --db FILE makes a new one',
    });
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')) {
    return new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is damaged: ${(e as Error).message}`, {
      hint: 'restore the installation from a backup',
    });
  }
  return undefined;
}

function currentVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, file = 'installation'): void {
  let version: number;
  try {
    version = currentVersion(db);
  } catch (e) {
    throw notAnInstallation(e, file) ?? e; // L10: a full disk or a read-only folder is not "not an installation"
  }
  if (version > SCHEMA_VERSION) {
    throw new OfficeportError(ErrorCode.SCHEMA_TOO_NEW, `${file} has schema version ${version}, this officeport knows up to ${SCHEMA_VERSION}`, {
      hint: 'upgrade officeport',
    });
  }
  if (version === 0 && hasForeignTables(db)) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is a SQLite file but not an officeport installation`);
  }
  while (version < SCHEMA_VERSION) {
    const next = version + 1;
    const steps = MIGRATIONS[version]!;
    inTransaction(db, () => {
      for (const sql of steps) db.exec(sql);
      db.pragma(`user_version = ${next}`);
    });
    version = next;
  }
}

function hasForeignTables(db: Db): boolean {
  const row = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number };
  return row.n > 0;
}
