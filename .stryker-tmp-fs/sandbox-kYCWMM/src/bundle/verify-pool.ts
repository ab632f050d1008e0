// @ts-nocheck
// Where verify checks its chunks of record lines: in worker threads when the
// bundle is large enough to pay for starting them (about 0.1 s each: Node,
// ajv, the schemas), else in the calling thread. Results come back as
// promises; verify.ts awaits them in the order it submitted them.
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkChunk, type ChunkResult, type ChunkTask } from './record-chunk.js';

export interface ChunkPool {
  /**
   * Room for a task's `len` bytes: a recycled buffer when one is free. The
   * task owns it from run() on (the pool takes it back once the chunk is checked).
   */
  alloc(len: number): Uint8Array;
  run(task: ChunkTask): Promise<ChunkResult>;
  close(): Promise<void>;
}

/**
 * Task buffers of TASK_BUFFER_BYTES are reused: a fresh one per task (the
 * 100,000-contact bundle's 55 MB of records in ~250 KiB runs) cost the calling
 * thread mmap and page faults each, ~80-175 ms of its CPU in profiles.
 */
const TASK_BUFFER_BYTES = 512 * 1024;
const FREE_BUFFERS = 12;

class Buffers {
  private readonly free: ArrayBuffer[] = [];
  alloc(len: number): Uint8Array {
    if (len > TASK_BUFFER_BYTES) return new Uint8Array(len);
    return new Uint8Array(this.free.pop() ?? new ArrayBuffer(TASK_BUFFER_BYTES), 0, len);
  }
  recycle(buffer: ArrayBuffer | undefined): void {
    if (buffer?.byteLength === TASK_BUFFER_BYTES && this.free.length < FREE_BUFFERS) this.free.push(buffer);
  }
}

/** The checks in this thread, one after the other. */
export function inlinePool(buffers = new Buffers()): ChunkPool {
  return {
    alloc: (len) => buffers.alloc(len),
    run: (task) => {
      try {
        // checkChunk keeps nothing of the bytes (the strings it returns are copies): the buffer is free again.
        const result = checkChunk(task);
        buffers.recycle(task.bytes.buffer as ArrayBuffer);
        return Promise.resolve(result);
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    close: async () => undefined,
  };
}

/** The compiled worker module; undefined when running from TypeScript sources (tests) before a build. */
function workerFile(): URL | undefined {
  const url = new URL('./verify-worker.js', import.meta.url);
  return fs.existsSync(url) ? url : undefined;
}

/**
 * Workers to use by default: one per core besides this thread's (which
 * inflates, hashes and keeps the reference index), at least one, at most two;
 * none on a single core.
 * Each costs about 50 MB of RSS: with `lean` (a bundle whose refs go to disk,
 * P1) one only; a 1,000,000-contact verify peaked at 291 MB with two, 237-295
 * MB with one before the heap caps below, 201-222 MB with them. On 2 cores a second worker only added CPU (V8's compilers and
 * collectors run on the same cores): 2.6-3.0 s against 2.2 s at 100,000.
 */
export function defaultWorkers(lean: boolean, cores = os.availableParallelism()): number {
  return cores < 2 ? 0 : Math.max(1, Math.min(lean ? 1 : 2, cores - 1));
}

/**
 * A pool of `n` workers, or the inline pool when n is 0 or workers cannot
 * start from here. Until a worker is ready the calling thread checks chunks
 * itself, unless `waitReady` (tests that must exercise the workers).
 */
export function makePool(n: number, waitReady = false): ChunkPool {
  const file = n > 0 ? workerFile() : undefined;
  return file ? new WorkerPool(file, n, waitReady) : inlinePool();
}

/**
 * MB. A worker holds one chunk of about 128 KiB at a time; V8's defaults let
 * its heap grow with garbage: a 1,000,000-contact verify peaked at 237-295 MB
 * with them, 201 MB with these (P1 wants under 300).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };
/** chunks this large (a line of megabytes) are checked in the calling thread, whose heap is not capped */
const MAX_WORKER_TASK_BYTES = 4 * 1024 ** 2;

interface WorkerMessage {
  id: number;
  result?: ChunkResult;
  error?: string;
  ready?: boolean;
  /** the task's buffer, handed back for reuse */
  buffer?: ArrayBuffer;
}

interface Pending {
  resolve: (r: ChunkResult) => void;
  reject: (e: Error) => void;
  worker: number;
}

class WorkerPool implements ChunkPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failed: Error | undefined;
  /** workers that have compiled the schemas, in the order they became ready */
  private readonly ready: number[] = [];
  private readonly buffers = new Buffers();
  private readonly inline = inlinePool(this.buffers);

  private firstReady: Promise<void>;
  private onReady: () => void = () => undefined;

  constructor(
    file: URL,
    n: number,
    private readonly waitReady: boolean,
  ) {
    this.firstReady = new Promise((resolve) => (this.onReady = resolve));
    for (let w = 0; w < n; w++) {
      // A worker holds one chunk at a time: a small heap is plenty, and keeps verify's RSS down (P1).
      const worker = new Worker(file, { resourceLimits: WORKER_LIMITS });
      worker.on('message', (m: WorkerMessage) => (m.ready ? (this.ready.push(w), this.onReady()) : this.settle(m)));
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => code !== 0 && this.fail(new Error(`a verify worker stopped (exit code ${code})`)));
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  alloc(len: number): Uint8Array {
    return this.buffers.alloc(len);
  }

  run(task: ChunkTask): Promise<ChunkResult> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.waitReady && this.ready.length === 0) return this.firstReady.then(() => this.run(task));
    // Until a worker has started (Node and its modules; it compiles schemas as chunks come) this thread checks the chunks itself.
    if (this.ready.length === 0 || task.bytes.length > MAX_WORKER_TASK_BYTES) return this.inline.run(task);
    let w = this.ready[0]!;
    for (const i of this.ready) if (this.load[i]! < this.load[w]!) w = i;
    const id = this.nextId++;
    this.load[w]!++;
    return new Promise<ChunkResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: w });
      // The bytes are the task's own (verify copies each run of lines): hand them over without a copy.
      this.workers[w]!.postMessage({ id, ...task }, [task.bytes.buffer as ArrayBuffer]);
    });
  }

  private settle(m: WorkerMessage): void {
    this.buffers.recycle(m.buffer);
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.load[p.worker]!--;
    if (m.result) p.resolve(m.result);
    else p.reject(new Error(`verify worker: ${m.error}`));
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.failed ??= new Error('the verify pool is closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
