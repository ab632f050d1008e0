// Worker thread of verify-pool.ts: checks chunks of record lines (record-chunk.ts).
// It compiles the record schemas first and then says it is ready: until then
// the calling thread checks the chunks itself.
import { parentPort } from 'node:worker_threads';
import { checkChunk, type ChunkTask } from './record-chunk.js';
import { RECORD_TYPES } from './records.js';
import { prepare } from './schemas.js';

// The task's buffer goes back with the result, for the next task (verify-pool.ts).
parentPort!.on('message', (msg: ChunkTask & { id: number }) => {
  const buffer = msg.bytes.buffer as ArrayBuffer;
  try {
    parentPort!.postMessage({ id: msg.id, result: checkChunk(msg), buffer }, [buffer]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e), buffer }, [buffer]);
  }
});
prepare(RECORD_TYPES);
parentPort!.postMessage({ ready: true });
