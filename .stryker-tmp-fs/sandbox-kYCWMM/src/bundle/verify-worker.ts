// @ts-nocheck
// Worker thread of verify-pool.ts: checks chunks of record lines (record-chunk.ts).
// It says it is ready as soon as its modules are loaded and compiles each
// record type's schema when its first chunk comes (schemas.ts): compiling all of
// them first kept it from taking chunks for ~0.1-0.3 s more, which the calling
// thread spent checking 30-35 chunks of the 100,000-contact bundle itself
// (and compiling their schemas a second time).
import { parentPort } from 'node:worker_threads';
import { checkChunk, type ChunkTask } from './record-chunk.js';

// The task's buffer goes back with the result, for the next task (verify-pool.ts).
parentPort!.on('message', (msg: ChunkTask & { id: number }) => {
  const buffer = msg.bytes.buffer as ArrayBuffer;
  try {
    parentPort!.postMessage({ id: msg.id, result: checkChunk(msg), buffer }, [buffer]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e), buffer }, [buffer]);
  }
});
parentPort!.postMessage({ ready: true });
