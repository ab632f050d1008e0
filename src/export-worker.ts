// export, step 2 on a second core: a worker thread with its own read-only
// connection streams some record files (the later ones in bag order) into files
// of the export's scratch folder while the main thread writes the earlier ones
// into the zip. Started by src/export-parallel.ts; the main thread streams each
// file into the bag when its turn comes. Same code (recordLines) as in-thread.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { emptyCounts, emptyExclusions, type BundleHeader, type RecordType } from './bundle/records.js';
import { OfficeportError } from './errors.js';
import { hasRecords, recordLines, typeQueries } from './export-records.js';
import { SEL, type ExportScope } from './export-select.js';

export interface WorkerInput {
  dbFile: string;
  selectionFile: string;
  dir: string;
  types: RecordType[];
}

/** Sent once the selection is complete. */
export interface WorkerGo {
  scope: ExportScope;
  stubSalt: string;
}

export type WorkerMessage =
  | { type: RecordType; records: number; file?: string; exclusions: BundleHeader['exclusions'] }
  | { error: { message: string; code?: string; hint?: string; stack?: string } };

const input = workerData as WorkerInput;
const port = parentPort!;

port.once('message', (go: WorkerGo) => {
  try {
    run(go);
  } catch (e) {
    const err = e as Error & { code?: string; hint?: string };
    const code = e instanceof OfficeportError ? err.code : undefined;
    port.postMessage({ error: { message: err.message, code, hint: err.hint, stack: err.stack } } satisfies WorkerMessage);
  }
});

function run(go: WorkerGo): void {
  const db = new Database(input.dbFile, { readonly: true, fileMustExist: true, timeout: 30_000 });
  try {
    db.prepare(`ATTACH DATABASE ? AS ${SEL}`).run(input.selectionFile);
    for (const type of input.types) {
      // A header of its own: the main thread adds these counts and exclusions to the bundle's.
      const header = { counts: emptyCounts(), exclusions: emptyExclusions(), stub_salt: go.stubSalt } as BundleHeader;
      const q = typeQueries(db, go.scope, header)[type];
      let file: string | undefined;
      if (hasRecords(db, q, go.scope)) {
        file = path.join(input.dir, `${type}.ndjson`);
        writeLines(file, recordLines(db, type, q, go.scope, header));
      }
      port.postMessage({ type, records: header.counts[type], file, exclusions: header.exclusions } satisfies WorkerMessage);
    }
  } finally {
    db.close();
  }
}

function writeLines(file: string, lines: Iterable<string>): void {
  const fd = fs.openSync(file, 'wx');
  try {
    for (const chunk of lines) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}
