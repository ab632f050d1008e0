// Worker thread of verify-pool.ts: checks chunks of record lines (record-chunk.ts).
// It compiles the record schemas first and then says it is ready: until then
// the calling thread checks the chunks itself.
import { parentPort } from 'node:worker_threads';
import { checkChunk, type ChunkTask } from './record-chunk.js';
import { RECORD_TYPES } from './records.js';
import { prepare } from './schemas.js';

parentPort!.on('message', (msg: ChunkTask & { id: number }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: checkChunk(msg) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e) });
  }
});
prepare(RECORD_TYPES);
parentPort!.postMessage({ ready: true });
