// Worker thread of verify-pool.ts: checks chunks of record lines (record-chunk.ts).
import { parentPort } from 'node:worker_threads';
import { checkChunk, type ChunkTask } from './record-chunk.js';

parentPort!.on('message', (msg: ChunkTask & { id: number }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: checkChunk(msg) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e) });
  }
});
