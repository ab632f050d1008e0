// @ts-nocheck
// A PostgreSQL connection the adapter calls synchronously, as the SQLite adapter
// calls better-sqlite3. The store port keeps the import planner's per-row
// lookups and its staging hook synchronous inside the adapter's one write
// transaction (port.ts, "the hot path"); `pg` answers only asynchronously. So a
// worker thread owns the connection and the calling thread waits for each
// answer on a shared flag (Atomics.wait), then takes it from a message port
// (receiveMessageOnPort): the technique of synckit and of Node's own loaders.
// One connection per open store: its transactions and TEMP tables are the
// store's, as a SQLite handle's are.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** The compiled thread file; from the TypeScript sources (tests) the build's copy of it. */
function workerFile(): string {
  const here = fileURLToPath(new URL('./connection-worker.js', import.meta.url));
  if (fs.existsSync(here)) return here;
  const built = here.replace(/([\\/])src([\\/]store[\\/]postgres[\\/])/, '$1dist$1src$2');
  if (fs.existsSync(built)) return built;
  throw new Error(`the PostgreSQL connection thread (${here}) is missing: build with npx tsc -p tsconfig.json`);
}

/** How long an answer may lag behind the thread's wake-up signal before the connection is taken as lost. */
const ANSWER_GRACE_MS = 10_000;

/** How long opening waits for the connection thread to connect. */
const CONNECT_WAIT_MS = 60_000;

export type PgValue = string | number | bigint | boolean | null | undefined | Buffer | Uint8Array;
export type PgRequest = ({ op: 'connect'; url: string } | { op: 'query'; sql: string; params?: unknown[]; array?: boolean } | { op: 'end' }) & { id?: number };
export interface PgFailure {
  message: string;
  code?: string;
  constraint?: string;
  detail?: string;
  table?: string;
  column?: string;
}
export type PgReply = ({ ok: true; rows: unknown[]; rowCount: number } | { ok: false; error: PgFailure }) & { id?: number };

/** An error the server (or the connection) answered with; `code` is PostgreSQL's SQLSTATE. */
export class PgError extends Error {
  readonly code: string | undefined;
  readonly constraint: string | undefined;
  readonly detail: string | undefined;
  readonly table: string | undefined;
  constructor(f: PgFailure, sql?: string) {
    super(sql && process.env.OFFICEPORT_PG_DEBUG ? `${f.message}\n  in: ${sql}` : f.message);
    this.name = 'PgError';
    this.code = f.code;
    this.constraint = f.constraint;
    this.detail = f.detail;
    this.table = f.table;
  }
}

/**
 * SQLite's placeholders as PostgreSQL's: `?` in order and `@name` by name
 * become `$n`, outside quoted strings, quoted names and comments. The adapter's
 * SQL keeps the look of the SQLite adapter's beside it.
 */
export function numbered(sql: string): { text: string; names: string[] } {
  let out = '';
  const names: string[] = [];
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop + 1);
      i = stop;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else if (ch === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))!;
      let k = names.indexOf(m[0]);
      if (k < 0) k = names.push(m[0]) - 1;
      out += `$${k + 1}`;
      i += m[0].length;
    } else {
      out += ch;
    }
  }
  return { text: out, names };
}

function paramsOf(args: readonly unknown[], names: string[]): unknown[] {
  let values: unknown[];
  const only = args[0];
  if (args.length === 1 && Array.isArray(only)) values = only;
  else if (args.length === 1 && only !== null && typeof only === 'object' && !(only instanceof Uint8Array)) {
    const o = only as Record<string, unknown>;
    values = names.map((k) => o[k]);
  } else values = [...args];
  return values.map((v) => (v === undefined ? null : typeof v === 'bigint' ? v.toString() : v));
}

function buffers<T>(rows: T[]): T[] {
  for (const r of rows as unknown[]) {
    const row = r as Record<string, unknown>;
    for (const k in row) {
      const v = row[k];
      if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
  }
  return rows;
}

let cursors = 0;

/** A prepared statement, as better-sqlite3's: get, all, run, iterate; pluck() for the first column. */
export class PgStatement {
  private plucked = false;
  private arrays = false;
  private readonly text: string;
  private readonly names: string[];
  constructor(
    private readonly conn: PgConnection,
    readonly source: string,
    parsed: { text: string; names: string[] },
  ) {
    ({ text: this.text, names: this.names } = parsed);
  }
  pluck(on = true): this {
    this.plucked = on;
    return this;
  }
  raw(on = true): this {
    this.arrays = on;
    return this;
  }
  private shape(rows: unknown[]): unknown[] {
    if (this.plucked) return rows.map((r) => (Array.isArray(r) ? r[0] : Object.values(r as object)[0]));
    return rows;
  }
  all(...args: unknown[]): unknown[] {
    const r = this.conn.call(this.text, paramsOf(args, this.names), this.arrays || this.plucked, this.source);
    return this.shape(buffers(r.rows));
  }
  get(...args: unknown[]): unknown {
    return this.all(...args)[0];
  }
  run(...args: unknown[]): { changes: number } {
    return { changes: this.conn.call(this.text, paramsOf(args, this.names), true, this.source).rowCount };
  }
  /** Rows a batch at a time through a server-side cursor (P1: never a whole table in memory). */
  *iterate(...args: unknown[]): IterableIterator<unknown> {
    for (const batch of this.batches(1000, ...args)) yield* batch;
  }
  *batches(size: number, ...args: unknown[]): IterableIterator<unknown[]> {
    const name = `op_cursor_${++cursors}`;
    const conn = this.conn;
    // outside a transaction the cursor must outlive the statement's own one
    const hold = !conn.inTransaction;
    conn.call(`DECLARE ${name} NO SCROLL CURSOR ${hold ? 'WITH HOLD ' : ''}FOR ${this.text}`, paramsOf(args, this.names), false, this.source);
    try {
      for (;;) {
        const r = conn.call(`FETCH ${size} FROM ${name}`, [], this.arrays || this.plucked);
        if (r.rows.length === 0) return;
        yield this.shape(buffers(r.rows));
        if (r.rows.length < size) return;
      }
    } finally {
      if (hold || conn.inTransaction) conn.call(`CLOSE ${name}`, [], false);
    }
  }
}

/** One connection to an installation on PostgreSQL, called synchronously. */
export class PgConnection {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private open = true;
  private depth = 0;
  private sent = 0;
  private readonly parsed = new Map<string, { text: string; names: string[] }>();

  constructor(
    readonly url: string,
    readonly label: string,
  ) {
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(workerFile(), {
      workerData: { flag: shared, port: port2 },
      transferList: [port2],
      // P1: the thread turns over a batch of rows per answer; V8's default young
      // generation let it hold 80-90 MB more than it needs (a 100,000-contact
      // import peaked at 334 MB, 246 MB with this)
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    // the process may end while a store is open (an error path): the thread must not hold it
    this.worker.unref();
    this.port.unref();
    this.request({ op: 'connect', url });
  }

  private request(req: PgRequest, sql?: string): { rows: unknown[]; rowCount: number } {
    if (!this.open) throw new Error('the installation is closed');
    const id = ++this.sent;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ ...req, id });
    // a query may run as long as it needs; only a thread that never starts is given up on
    const waited = Atomics.wait(this.flag, 0, 0, req.op === 'connect' ? CONNECT_WAIT_MS : undefined);
    if (waited === 'timed-out') {
      void this.worker.terminate();
      this.open = false;
      throw new Error(`the PostgreSQL connection thread did not start within ${CONNECT_WAIT_MS / 1000} s`);
    }
    // The thread posts its answer before it raises the flag, yet under load the
    // answer has been seen to arrive a moment after the wake (as Babel found with
    // the same technique): look again briefly rather than fail. An answer to an
    // earlier request (there should be none) is never taken for this one's.
    const since = Date.now();
    for (;;) {
      const m = receiveMessageOnPort(this.port);
      if (m) {
        const reply = m.message as PgReply & { id: number };
        if (reply.id !== id) continue;
        if (!reply.ok) throw new PgError(reply.error, sql);
        return reply;
      }
      if (Date.now() - since > ANSWER_GRACE_MS) throw new Error('the PostgreSQL connection thread did not answer');
      Atomics.wait(this.flag, 0, 1, 1); // a millisecond's nap (the flag stays 1 until the next request)
    }
  }

  call(text: string, params: unknown[], array: boolean, source?: string): { rows: unknown[]; rowCount: number } {
    return this.request({ op: 'query', sql: text, params, array }, source ?? text);
  }

  prepare(sql: string): PgStatement {
    let p = this.parsed.get(sql);
    if (!p) {
      p = numbered(sql);
      if (this.parsed.size < 1000) this.parsed.set(sql, p);
    }
    return new PgStatement(this, sql, p);
  }

  /** Statements without parameters, several at once (the simple query protocol). */
  exec(sql: string): void {
    this.request({ op: 'query', sql }, sql);
  }

  /** True inside begin()..commit()/rollback(). */
  get inTransaction(): boolean {
    return this.depth > 0;
  }

  begin(): void {
    this.exec(this.depth === 0 ? 'BEGIN' : `SAVEPOINT op_sp_${this.depth}`);
    this.depth++;
  }
  commit(): void {
    this.depth--;
    this.exec(this.depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT op_sp_${this.depth}`);
  }
  rollback(): void {
    if (this.depth === 0) return; // a failed COMMIT has ended the transaction already
    this.depth--;
    this.exec(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT op_sp_${this.depth}`);
  }

  close(): void {
    if (!this.open) return;
    try {
      this.request({ op: 'end' });
    } catch {
      // the connection is gone already: nothing to end
    }
    this.open = false;
    void this.worker.terminate();
  }
}
