// The refs a bundle defines and uses (B5), for verify. Small and medium
// bundles keep them in memory: a Map of defined refs, and only the uses that
// were not yet defined when they were read (most uses point back at records
// already seen). Past `memoryLimit` entries everything spills to a temporary
// on-disk SQLite database, written in multi-row batches, so memory stays flat
// however large the bundle (P1). Both modes report the same problems.
import Database from 'better-sqlite3';
import type { Problem } from '../shared/errors.js';
import { refHash } from './ref-hash.js';
import type { DocumentRef } from './records.js';

/**
 * About 100 bytes each in memory, plus garbage the collector has not caught up
 * with: a million made verify peak at 324 MB on a 1,000,000-contact bundle
 * (P1 wants under 300); half a million keeps 100,000-contact bundles in memory.
 * verify starts large bundles on disk (see refsInMemoryFor in verify.ts).
 */
export const DEFAULT_REFS_IN_MEMORY = 500_000;
const MAX_PROBLEMS = 1000;
const ROWS_PER_INSERT = 200;

type Add = (p: Problem) => void;
interface Found {
  ref: string;
  loc: number;
  pointer: string;
}

/**
 * The defined refs in memory: open addressing on refHash (ref-hash.ts), which
 * the worker threads compute, so that this thread only probes. A Map of the
 * same refs cost about twice the time (hashing the strings here, and chasing
 * its entries), ~360 ms of the main thread at 100,000 contacts.
 */
class DefTable {
  size = 0;
  private mask: number;
  private keys: (string | undefined)[];
  private hashes: Int32Array;
  private locs: Float64Array;

  /** room for `expected` refs before it grows */
  constructor(expected: number) {
    let slots = 1024;
    while (slots < 2 * expected) slots *= 2;
    this.mask = slots - 1;
    this.keys = new Array<string | undefined>(slots);
    this.hashes = new Int32Array(slots);
    this.locs = new Float64Array(slots);
  }

  /** the loc of `ref`, or -1 */
  get(ref: string, hash: number): number {
    const { keys, hashes, mask } = this;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) return -1;
      if (hashes[i] === hash && k === ref) return this.locs[i]!;
    }
  }

  /** whether the ref at s[from, from + len) is defined, without cutting it out */
  hasIn(s: string, from: number, len: number, hash: number): boolean {
    const { keys, hashes, mask } = this;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) return false;
      if (hashes[i] === hash && k.length === len && s.startsWith(k, from)) return true;
    }
  }

  /** adds `ref` (not in the table yet) */
  add(ref: string, hash: number, loc: number): void {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const { keys, mask } = this;
    let i = hash & mask;
    while (keys[i] !== undefined) i = (i + 1) & mask;
    keys[i] = ref;
    this.hashes[i] = hash;
    this.locs[i] = loc;
    this.size++;
  }

  *entries(): Generator<[string, number]> {
    for (let i = 0; i <= this.mask; i++) if (this.keys[i] !== undefined) yield [this.keys[i]!, this.locs[i]!];
  }

  private grow(): void {
    const { keys, hashes, locs } = this;
    this.mask = this.mask * 2 + 1;
    this.keys = new Array<string | undefined>(this.mask + 1);
    this.hashes = new Int32Array(this.mask + 1);
    this.locs = new Float64Array(this.mask + 1);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== undefined) this.add(keys[i]!, hashes[i]!, locs[i]!);
  }
}

export class RefIndex {
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private defs: DefTable | undefined;
  private uses: Found[] = [];
  private docs: Found[] = [];
  private disk: DiskRefs | undefined;

  /** `expected`: the refs the bundle says it defines (its header's counts), to size the table once (growing it cost ~95 ms at 100,000 contacts) */
  constructor(
    private readonly memoryLimit = DEFAULT_REFS_IN_MEMORY,
    expected = 0,
  ) {
    this.defs = new DefTable(Math.min(expected, memoryLimit));
  }

  /** true once the refs have moved to SQLite */
  get spilled(): boolean {
    return this.disk !== undefined;
  }

  /** `hash`: refHash(ref), when the caller has it */
  define(ref: string, file: string, line: number, add: Add, hash = refHash(ref)): void {
    const loc = this.loc(file, line);
    if (this.disk) return this.disk.def(ref, loc);
    const first = this.defs!.get(ref, hash);
    if (first >= 0) {
      add({ file, line, pointer: '/ref', message: notUnique(ref, this.where(first)) });
      return;
    }
    this.defs!.add(ref, hash, loc);
    this.checkBudget();
  }

  use(ref: string, file: string, line: number, pointer: string): void {
    this.useIn(ref, 0, ref.length, refHash(ref), file, line, pointer);
  }

  /** use() of the ref at s[from, from + len), whose refHash is `hash`: most uses are defined already, and are not cut out of `s` */
  useIn(s: string, from: number, len: number, hash: number, file: string, line: number, pointer: string): void {
    if (this.disk) return this.disk.use(s.slice(from, from + len), this.loc(file, line), pointer);
    if (this.defs!.hasIn(s, from, len, hash)) return;
    this.uses.push({ ref: s.slice(from, from + len), loc: this.loc(file, line), pointer });
    this.checkBudget();
  }

  useDocument(doc: DocumentRef, file: string, line: number, add: Add): void {
    if (doc.path !== `data/documents/${doc.sha256}`) {
      add({ file, line, pointer: '/document/path', message: `expected data/documents/${doc.sha256} (the document's sha256), got ${JSON.stringify(doc.path)}` });
    }
    const loc = this.loc(file, line);
    if (this.disk) return this.disk.doc(doc.path, loc);
    this.docs.push({ ref: doc.path, loc, pointer: '' });
    this.checkBudget();
  }

  /** B5: refs defined twice (only those found after a spill; earlier ones were reported by define) and uses that resolve to nothing. */
  dangling(problems: Problem[]): void {
    const push = (p: Problem) => problems.length < MAX_PROBLEMS && problems.push(p);
    let bad: Found[];
    if (this.disk) {
      for (const d of this.disk.duplicates(MAX_PROBLEMS)) push({ ...this.at(d.loc), pointer: '/ref', message: notUnique(d.ref, this.where(d.first)) });
      bad = this.disk.dangling(MAX_PROBLEMS);
    } else {
      bad = this.uses.filter((u) => this.defs!.get(u.ref, refHash(u.ref)) < 0).sort(byPlace).slice(0, MAX_PROBLEMS);
    }
    for (const u of bad) push({ ...this.at(u.loc), pointer: u.pointer, message: `refers to ${u.ref}, which is neither a record nor a stub of this bundle` });
  }

  /** Letters naming a document that is not among `present`. */
  missingDocuments(present: string[]): { path: string; file: string; line: number }[] {
    let missing: Found[];
    if (this.disk) missing = this.disk.missingDocuments(present, MAX_PROBLEMS);
    else {
      const have = new Set(present);
      missing = this.docs.filter((d) => !have.has(d.ref)).sort(byPlace).slice(0, MAX_PROBLEMS);
    }
    return missing.map((d) => ({ path: d.ref, ...this.at(d.loc) }));
  }

  close(): void {
    this.disk?.close();
  }

  private lastFile = '';
  private lastBase = 0;

  private loc(file: string, line: number): number {
    if (file === this.lastFile) return this.lastBase + line;
    let i = this.fileIndex.get(file);
    if (i === undefined) {
      i = this.files.length;
      this.files.push(file);
      this.fileIndex.set(file, i);
    }
    this.lastFile = file;
    this.lastBase = i * 2 ** 32;
    return this.lastBase + line;
  }

  private at(loc: number): { file: string; line: number } {
    return { file: this.files[Math.floor(loc / 2 ** 32)]!, line: loc % 2 ** 32 };
  }

  private where(loc: number): string {
    const { file, line } = this.at(loc);
    return `${file}:${line}`;
  }

  private checkBudget(): void {
    if (this.defs!.size + this.uses.length + this.docs.length <= this.memoryLimit) return;
    const disk = new DiskRefs();
    for (const [ref, loc] of this.defs!.entries()) disk.def(ref, loc);
    for (const u of this.uses) disk.use(u.ref, u.loc, u.pointer);
    for (const d of this.docs) disk.doc(d.ref, d.loc);
    this.disk = disk;
    this.defs = undefined;
    this.uses = [];
    this.docs = [];
  }
}

function notUnique(ref: string, first: string): string {
  return `ref ${ref} is not unique; ${first} has it too`;
}

/** File order is the order files were first seen (verify reads them sorted), then line, then pointer. */
function byPlace(a: Found, b: Found): number {
  return a.loc - b.loc || (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0);
}

/** A buffered multi-row INSERT: one statement per ROWS_PER_INSERT rows instead of one per row. */
class BatchInsert {
  private readonly many;
  private readonly one;
  private rows: unknown[] = [];

  constructor(
    private readonly db: Database.Database,
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
class DiskRefs {
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

  /** Every definition after the first of its ref, with the first's place. */
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

  dangling(limit: number): Found[] {
    this.finish();
    return this.db
      .prepare(`SELECT ref, loc, pointer FROM uses u WHERE NOT EXISTS (SELECT 1 FROM defs d WHERE d.ref = u.ref) ORDER BY loc, pointer LIMIT ${limit}`)
      .all() as Found[];
  }

  missingDocuments(present: string[], limit: number): Found[] {
    this.finish();
    this.db.exec('CREATE TEMP TABLE present (path TEXT PRIMARY KEY) WITHOUT ROWID');
    const ins = this.db.prepare('INSERT OR IGNORE INTO present VALUES (?)');
    for (const p of present) ins.run(p);
    return this.db
      .prepare(`SELECT path AS ref, loc, '' AS pointer FROM docs WHERE path NOT IN (SELECT path FROM temp.present) ORDER BY loc LIMIT ${limit}`)
      .all() as Found[];
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }
}
