// @ts-nocheck
// The installation's rows as load and dump see them (D2, D3).
import type { Cells, ConstraintViolation, InstallationStore, LoadSession } from '../port.js';
import { TABLE_NAMES, type TableName } from '../../domain/model/tables.js';
import type { Db } from './db.js';
import { inTransactionAsync } from './transaction.js';

export class SqliteInstallationStore implements InstallationStore {
  constructor(private readonly db: Db) {}

  async load<T>(fill: (s: LoadSession) => Promise<T>): Promise<T> {
    const { db } = this;
    // checkReferences in load covers every declared reference, so the deferred
    // foreign keys hold at COMMIT; a larger page cache keeps index inserts in memory.
    db.pragma('cache_size = -65536');
    // The emptiness check runs inside this write transaction: a second load that
    // waited for the first one sees its rows and refuses (S5).
    return inTransactionAsync(db, () => fill(new SqliteLoadSession(db)));
  }

  async *rows(table: TableName, columns: readonly string[]): AsyncIterable<Cells> {
    // load order: a table is loaded into an empty installation, so rowid order is the order of its file
    const stmt = this.db.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM ${table} ORDER BY rowid`).raw(true);
    for (const row of stmt.iterate() as Iterable<Cells>) yield row;
  }

  async *documents(): AsyncIterable<{ path: string; content: Buffer }> {
    yield* this.db.prepare(`SELECT path, content FROM documents ORDER BY path`).iterate() as Iterable<{ path: string; content: Buffer }>;
  }
}

/**
 * One load's writes. A row's load ordinal is its rowid: load fills an empty
 * installation, rows get rowids 1, 2, ... in insertion order, and a refused
 * insert takes none.
 */
class SqliteLoadSession implements LoadSession {
  private readonly inserts = new Map<string, (cells: Cells) => void>();

  constructor(private readonly db: Db) {}

  async isEmpty(): Promise<boolean> {
    return [...TABLE_NAMES, 'documents'].every((t) => !this.db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get());
  }

  async insert(table: TableName, columns: readonly string[], rows: readonly Cells[]): Promise<{ index: number; violation: ConstraintViolation }[]> {
    const run = this.inserter(table, columns);
    const refused: { index: number; violation: ConstraintViolation }[] = [];
    rows.forEach((cells, index) => {
      try {
        run(cells);
      } catch (e) {
        const violation = violationOf(e);
        if (!violation) throw e;
        refused.push({ index, violation });
      }
    });
    return refused;
  }

  private inserter(table: TableName, columns: readonly string[]): (cells: Cells) => void {
    const key = `${table}(${columns.join(',')})`;
    let run = this.inserts.get(key);
    if (!run) {
      const stmt = this.db.prepare(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      run = (cells) => void stmt.run(cells);
      this.inserts.set(key, run);
    }
    return run;
  }

  async danglingReferences(table: TableName, column: string, refTable: TableName, limit: number): Promise<{ ordinal: number; value: string }[]> {
    return this.db
      .prepare(
        `SELECT c.rowid AS ordinal, c."${column}" AS value FROM ${table} c LEFT JOIN ${refTable} p ON p.id = c."${column}"
         WHERE c."${column}" IS NOT NULL AND p.id IS NULL ORDER BY c.rowid LIMIT ${limit}`,
      )
      .all() as { ordinal: number; value: string }[];
  }

  async addDocument(doc: { path: string; sha256: string; size: number; content: Buffer }): Promise<void> {
    this.db.prepare(`INSERT INTO documents (path, sha256, size, content) VALUES (?, ?, ?, ?)`).run(doc.path, doc.sha256, doc.size, doc.content);
  }

  async lettersWithoutDocument(limit: number): Promise<{ ordinal: number; document: string }[]> {
    return this.db
      .prepare(
        `SELECT l.rowid AS ordinal, l.document AS document FROM letters l LEFT JOIN documents d ON d.path = l.document
         WHERE l.document IS NOT NULL AND d.path IS NULL ORDER BY l.rowid LIMIT ${limit}`,
      )
      .all() as { ordinal: number; document: string }[];
  }
}

/** SQLite's constraint codes as the port's violations; undefined for any other error. */
function violationOf(e: unknown): ConstraintViolation | undefined {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') return { kind: 'missing_value', columns: columnsOf(e) };
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return { kind: 'duplicate', columns: columnsOf(e) };
  return undefined;
}

/** "UNIQUE constraint failed: contacts.id, contacts.x" -> ["id", "x"] */
function columnsOf(e: unknown): string[] {
  const msg = (e as Error).message ?? '';
  return (
    /: (.*)$/
      .exec(msg)?.[1]
      ?.split(', ')
      .map((c) => c.replace(/^\w+\./, '')) ?? ['id']
  );
}
