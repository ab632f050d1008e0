// @ts-nocheck
// The thread that owns a PostgreSQL connection (see connection.ts): it runs one
// request at a time with the `pg` client, posts the answer on its port, then
// raises the shared flag the calling thread waits on.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import type { PgReply, PgRequest } from './connection.js';

// Numbers as better-sqlite3 gives them: counts (int8) and sums (numeric) as
// numbers, booleans as 1 and 0; times stay the text they are stored as.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.BOOL, (v) => (v === 't' ? 1 : 0));

const { flag: shared, port } = workerData as { flag: SharedArrayBuffer; port: MessagePort };
const flag = new Int32Array(shared);
let client: pg.Client | undefined;
let lost: Error | undefined;

function answer(id: number | undefined, reply: PgReply): void {
  try {
    port.postMessage({ ...reply, id });
  } catch (e) {
    // an answer that cannot be copied to the calling thread is an error of its own, not silence
    port.postMessage({ ...failure(e), id });
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function failure(e: unknown): PgReply {
  const err = e as Error & Record<string, unknown>;
  const pick = (k: string) => (typeof err[k] === 'string' ? (err[k] as string) : undefined);
  return {
    ok: false,
    error: {
      message: err.message ?? String(e),
      code: pick('code'),
      constraint: pick('constraint'),
      detail: pick('detail'),
      table: pick('table'),
      column: pick('column'),
    },
  };
}

async function handle(req: PgRequest): Promise<PgReply> {
  if (lost) return failure(lost);
  switch (req.op) {
    case 'connect': {
      const c = new pg.Client({ connectionString: req.url, application_name: 'officeport' });
      c.on('error', (e) => {
        lost = e;
      });
      await c.connect();
      client = c;
      return { ok: true, rows: [], rowCount: 0 };
    }
    case 'query': {
      if (!client) throw new Error('not connected');
      // without parameters: the simple protocol, which takes several statements at once
      const r: pg.QueryResult | pg.QueryResult[] = req.array
        ? await client.query({ text: req.sql, values: req.params ?? [], rowMode: 'array' })
        : req.params
          ? await client.query(req.sql, req.params)
          : await client.query(req.sql);
      // a simple query of several statements answers with one result each: the last one counts
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return { ok: true, rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
    }
    case 'end': {
      await client?.end();
      client = undefined;
      return { ok: true, rows: [], rowCount: 0 };
    }
  }
}

port.on('message', (req: PgRequest) => {
  handle(req).then(
    (r) => answer(req.id, r),
    (e: unknown) => answer(req.id, failure(e)),
  );
});
parentPort?.on('close', () => void client?.end());
