// @ts-nocheck
// export on two cores (P2): reading rows out of SQLite and writing them as JSON
// lines is most of an export's time, and zlib deflates on a thread of its own,
// so a worker thread (src/export/worker.ts) makes some record files while the
// main thread selects, and the later ones of the bag while the main thread makes
// the earlier ones and feeds the zip. The worker writes each file into the export's scratch folder; the
// main thread streams it into the bag when its turn comes (the bundle is the
// same bytes either way: the same lines, in the same order, through the same zip
// writer). Memory stays flat: files wait on disk, not in memory.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RECORD_TYPES, type BundleHeader, type RecordType } from '../bundle/records.js';
import { BugError, OfficeportError, type ErrorCode } from '../shared/errors.js';
import type { ExportReaderToken } from '../store/port.js';
import type { ExportScope, RemoteFiles } from './records.js';
import type { WorkerGo, WorkerInput, WorkerMessage } from './worker.js';

/**
 * The record files the worker makes, in the order it makes them: first those
 * that need only the chosen contacts (made while the main thread is still
 * selecting), then the rest from investment_accounts on, in bag order. The main
 * thread keeps the documents and carriers and feeds the zip: it was the slower
 * of the two with any record file more (100,000 contacts, measured with the
 * machine to itself: 2.04-2.06 s keeping contacts, employee_census,
 * investment_accounts and key_relations; 1.80-1.99 s giving them to the worker).
 */
export const WORKER_EARLY: readonly RecordType[] = ['activities', 'contacts', 'employee_census', 'smartpad'];
/** Every other record type but carriers, in bag order. */
export const WORKER_LATE: readonly RecordType[] = RECORD_TYPES.filter((t) => t !== 'carriers' && !WORKER_EARLY.includes(t));

/**
 * The worker holds one row and one 64 KiB chunk at a time, but makes garbage
 * fast; with V8's default limits its heap grew to well over 100 MB before a
 * full collection (P1: 1,000,000 contacts reached 303 MB RSS in all). Small
 * limits make it collect early; a row of many megabytes still fits.
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 };

/** Below this many exported contacts a second thread costs more than it saves. */
export const PARALLEL_FROM_CONTACTS = 2000;

type Done = Extract<WorkerMessage, { type: RecordType }>;

interface Pending {
  promise: Promise<Done>;
  resolve: (d: Done) => void;
  reject: (e: Error) => void;
}

/**
 * Whether this export runs on two threads, when the store can open its
 * selection on another thread: the compiled worker exists (not when running
 * from the TypeScript sources, as unit tests do), and the office is big enough.
 * OFFICEPORT_EXPORT_THREADS=1 or 2 forces one way (tests).
 */
export function useWorker(contacts: number, env = process.env.OFFICEPORT_EXPORT_THREADS): boolean {
  if (env === '1') return false;
  if (!fs.existsSync(workerFile())) return false;
  return env === '2' || contacts >= PARALLEL_FROM_CONTACTS;
}

function workerFile(): string {
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

export class RecordWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<RecordType, Pending>();
  private failure: Error | undefined;

  /** Starts the thread once the contacts are chosen: it makes the early files at once, the late ones after go(). */
  constructor(reader: ExportReaderToken, dir: string, header: BundleHeader) {
    for (const type of [...WORKER_EARLY, ...WORKER_LATE]) this.pending.set(type, deferred());
    const input: WorkerInput = {
      reader,
      dir,
      officeId: header.source.office_id,
      stubSalt: header.stub_salt,
      early: [...WORKER_EARLY],
      late: [...WORKER_LATE],
    };
    this.worker = new Worker(workerFile(), { workerData: input, resourceLimits: WORKER_HEAP });
    this.worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new BugError(`export worker stopped (exit code ${code}) before its record files were made`)));
  }

  go(scope: ExportScope): void {
    this.worker.postMessage({ scope } satisfies WorkerGo);
  }

  /** The worker's files as the payload writer asks for them, in bag order; counts and exclusions join the header. */
  files(header: BundleHeader, onRecords?: (n: number) => void): RemoteFiles {
    const out: RemoteFiles = new Map();
    for (const [type, p] of this.pending) {
      out.set(type, async () => {
        const done = await p.promise;
        header.counts[type] += done.records;
        addExclusions(header.exclusions, done.exclusions);
        onRecords?.(done.records);
        return done.file ? readAndRemove(done.file) : undefined;
      });
    }
    return out;
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private onMessage(m: WorkerMessage): void {
    if ('error' in m) {
      const e = m.error.code
        ? new OfficeportError(m.error.code as ErrorCode, m.error.message, { hint: m.error.hint })
        : Object.assign(new Error(m.error.message), { stack: m.error.stack });
      this.fail(e);
      return;
    }
    this.pending.get(m.type)?.resolve(m);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(this.failure);
  }
}

function deferred(): Pending {
  let resolve!: (d: Done) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<Done>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // observed when the file's turn comes; a failure before then is not unhandled
  return { promise, resolve, reject };
}

function addExclusions(into: BundleHeader['exclusions'], add: BundleHeader['exclusions']): void {
  for (const [rule, words] of Object.entries(add) as [keyof BundleHeader['exclusions'], Record<string, number>][]) {
    const target = into[rule] as Record<string, number>;
    for (const [word, n] of Object.entries(words)) target[word] = (target[word] ?? 0) + n;
  }
}

async function* readAndRemove(file: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 19 })) yield chunk as Buffer;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
