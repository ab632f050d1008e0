// @ts-nocheck
// export, step 2 on a second core: a worker thread with its own reader of the
// selection (the store opens it from the token the selection gives) writes some
// record files into the export's scratch folder: those that need only the
// chosen contacts at once (while the main thread still selects), the later ones
// in bag order when the selection is complete (while the main thread writes the
// earlier ones into the zip). Started by src/export/parallel.ts; the main
// thread streams each file into the bag when its turn comes. Same code
// (recordLines) as in-thread.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { emptyCounts, emptyExclusions, type BundleHeader, type RecordType } from '../bundle/records.js';
import { OfficeportError } from '../shared/errors.js';
import { openExportReader } from '../store/open.js';
import type { ExportReaderToken, ExportWorkerReader } from '../store/port.js';
import { recordLines, recordShapes, type ExportScope } from './records.js';

export interface WorkerInput {
  /** how the store opens a reader of the export's selection */
  reader: ExportReaderToken;
  /** the export's scratch folder: the files made here */
  dir: string;
  officeId: string;
  stubSalt: string;
  /** made at once: they need only the chosen contacts, complete before the thread starts */
  early: RecordType[];
  /** made after go(): they need the whole selection */
  late: RecordType[];
}

/** Sent once the selection is complete. */
export interface WorkerGo {
  scope: ExportScope;
}

export type WorkerMessage =
  | { type: RecordType; records: number; file?: string; exclusions: BundleHeader['exclusions'] }
  | { error: { message: string; code?: string; hint?: string; stack?: string } };

const input = workerData as WorkerInput;
const port = parentPort!;

const guarded = async (work: () => Promise<void>) => {
  try {
    await work();
  } catch (e) {
    const err = e as Error & { code?: string; hint?: string };
    const code = e instanceof OfficeportError ? err.code : undefined;
    port.postMessage({ error: { message: err.message, code, hint: err.hint, stack: err.stack } } satisfies WorkerMessage);
  }
};

let reader: ExportWorkerReader;
// The catalogue's ancestors are not known yet; the early types do not use them.
const early = guarded(async () => {
  reader = openExportReader(input.reader);
  await make(input.early, { officeId: input.officeId, ancestors: [] });
});
port.once(
  'message',
  (go: WorkerGo) =>
    void guarded(async () => {
      await early;
      await reader.selectionComplete();
      await make(input.late, go.scope);
      reader.close();
    }),
);

async function make(types: RecordType[], scope: ExportScope): Promise<void> {
  for (const type of types) {
    // A header of its own: the main thread adds these counts and exclusions to the bundle's.
    const header = { counts: emptyCounts(), exclusions: emptyExclusions(), stub_salt: input.stubSalt } as BundleHeader;
    const shape = recordShapes(scope, header)[type];
    let file: string | undefined;
    if (await reader.hasRecords(type)) {
      file = path.join(input.dir, `${type}.ndjson`);
      await writeLines(file, recordLines(reader, type, shape, header));
    }
    port.postMessage({ type, records: header.counts[type], file, exclusions: header.exclusions } satisfies WorkerMessage);
  }
}

async function writeLines(file: string, lines: AsyncIterable<string>): Promise<void> {
  const fd = fs.openSync(file, 'wx', 0o600); // L11: private, in a private scratch folder
  try {
    for await (const chunk of lines) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}
