// @ts-nocheck
// The scratch reference index verify spills to (bundle/ref-index.ts): a private,
// temporary on-disk SQLite database, no installation involved. Plain tables
// filled in insertion order with multi-row batches, indexed once at the end, so
// memory stays flat however large the bundle (P1).
import Database from 'better-sqlite3';
import type { ScratchRefIndex, ScratchRefPlace } from '../port.js';

const ROWS_PER_INSERT = 200;

/** A new empty scratch index (a temporary file SQLite removes on close). */
export function openScratchRefIndex(): ScratchRefIndex {
  return new DiskRefs();
}

/** A buffered multi-row INSERT: one statement per ROWS_PER_INSERT rows instead of one per row. */
class BatchInsert {
  private readonly many;
  private readonly one;
  private rows: unknown[] = [];

  constructor(
    db: Database.Database,
    table: string,
    private readonly width: number,
  ) {
    const row = `(${Array(width).fill('?').join(', ')})`;
    this.many = db.prepare(`INSERT INTO ${table} VALUES ${Array(ROWS_PER_INSERT).fill(row).join(', ')}`);
    this.one = db.prepare(`INSERT INTO ${table} VALUES ${row}`);
  }

  add(...values: unknown[]): void {
    this.rows.push(...values);
    if (this.rows.length === ROWS_PER_INSERT * this.width) {
      this.many.run(this.rows);
      this.rows = [];
    }
  }

  flush(): void {
    for (let i = 0; i < this.rows.length; i += this.width) this.one.run(this.rows.slice(i, i + this.width));
    this.rows = [];
  }
}

/** The spilled refs: plain tables filled in insertion order, indexed once at the end. */
class DiskRefs implements ScratchRefIndex {
  private readonly db = new Database('');
  private readonly defs;
  private readonly uses;
  private readonly docs;
  private finished = false;

  constructor() {
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(`CREATE TABLE defs (ref TEXT NOT NULL, loc INTEGER NOT NULL);
      CREATE TABLE uses (ref TEXT NOT NULL, loc INTEGER NOT NULL, pointer TEXT NOT NULL);
      CREATE TABLE docs (path TEXT NOT NULL, loc INTEGER NOT NULL)`);
    this.defs = new BatchInsert(this.db, 'defs', 2);
    this.uses = new BatchInsert(this.db, 'uses', 3);
    this.docs = new BatchInsert(this.db, 'docs', 2);
    // One transaction for the whole run: the database is private and temporary.
    this.db.exec('BEGIN');
  }

  def(ref: string, loc: number): void {
    this.defs.add(ref, loc);
  }
  use(ref: string, loc: number, pointer: string): void {
    this.uses.add(ref, loc, pointer);
  }
  doc(path: string, loc: number): void {
    this.docs.add(path, loc);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.defs.flush();
    this.uses.flush();
    this.docs.flush();
    this.db.exec('CREATE INDEX defs_ref ON defs(ref)');
  }

  /** Every definition after the first of its ref, with the first's place (rowid: the order of def calls). */
  duplicates(limit: number): { ref: string; loc: number; first: number }[] {
    this.finish();
    return this.db
      .prepare(
        `SELECT d.ref, d.loc, f.loc AS first FROM defs d
           JOIN defs f ON f.ref = d.ref AND f.rowid = (SELECT min(rowid) FROM defs WHERE ref = d.ref)
          WHERE d.rowid > f.rowid AND d.ref IN (SELECT ref FROM defs GROUP BY ref HAVING count(*) > 1)
          ORDER BY d.loc LIMIT ${limit}`,
      )
      .all() as { ref: string; loc: number; first: number }[];
  }

  dangling(limit: number): ScratchRefPlace[] {
    this.finish();
    return this.db
      .prepare(`SELECT ref, loc, pointer FROM uses u WHERE NOT EXISTS (SELECT 1 FROM defs d WHERE d.ref = u.ref) ORDER BY loc, pointer LIMIT ${limit}`)
      .all() as ScratchRefPlace[];
  }

  missingDocuments(present: readonly string[], limit: number): ScratchRefPlace[] {
    this.finish();
    this.db.exec('CREATE TEMP TABLE present (path TEXT PRIMARY KEY) WITHOUT ROWID');
    const ins = this.db.prepare('INSERT OR IGNORE INTO present VALUES (?)');
    for (const p of present) ins.run(p);
    return this.db
      .prepare(`SELECT path AS ref, loc, '' AS pointer FROM docs WHERE path NOT IN (SELECT path FROM temp.present) ORDER BY loc LIMIT ${limit}`)
      .all() as ScratchRefPlace[];
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }
}
