// export, step 2 on a second core: a worker thread with its own read-only
// connection writes some record files into the export's scratch folder: those
// that need only the chosen contacts at once (while the main thread still
// selects), the later ones in bag order when the selection is complete (while
// the main thread writes the earlier ones into the zip). Started by src/export/parallel.ts; the main thread streams each
// file into the bag when its turn comes. Same code (recordLines) as in-thread.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { emptyCounts, emptyExclusions, type BundleHeader, type RecordType } from '../bundle/records.js';
import { OfficeportError } from '../shared/errors.js';
import { hasRecords, recordLines, typeQueries } from './records.js';
import { CON, SEL, selectionFiles, type ExportScope } from './select.js';

export interface WorkerInput {
  dbFile: string;
  /** the export's scratch folder: selection databases (export-select.ts selectionFiles) and the files made here */
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

const guarded = (work: () => void) => {
  try {
    work();
  } catch (e) {
    const err = e as Error & { code?: string; hint?: string };
    const code = e instanceof OfficeportError ? err.code : undefined;
    port.postMessage({ error: { message: err.message, code, hint: err.hint, stack: err.stack } } satisfies WorkerMessage);
  }
};

const db = new Database(input.dbFile, { readonly: true, fileMustExist: true, timeout: 30_000 });
const files = selectionFiles(input.dir);
guarded(() => {
  db.prepare(`ATTACH DATABASE ? AS ${CON}`).run(files[CON]);
  // The catalogue's ancestors are not known yet; the early types do not use them.
  make(input.early, { officeId: input.officeId, ancestors: [], params: {} });
});
port.once('message', (go: WorkerGo) =>
  guarded(() => {
    db.prepare(`ATTACH DATABASE ? AS ${SEL}`).run(files[SEL]);
    make(input.late, go.scope);
    db.close();
  }),
);

function make(types: RecordType[], scope: ExportScope): void {
  for (const type of types) {
    // A header of its own: the main thread adds these counts and exclusions to the bundle's.
    const header = { counts: emptyCounts(), exclusions: emptyExclusions(), stub_salt: input.stubSalt } as BundleHeader;
    const q = typeQueries(db, scope, header)[type];
    let file: string | undefined;
    if (hasRecords(db, q, scope)) {
      file = path.join(input.dir, `${type}.ndjson`);
      writeLines(file, recordLines(db, type, q, scope, header));
    }
    port.postMessage({ type, records: header.counts[type], file, exclusions: header.exclusions } satisfies WorkerMessage);
  }
}

function writeLines(file: string, lines: Iterable<string>): void {
  const fd = fs.openSync(file, 'wx', 0o600); // L11: private, in a private scratch folder
  try {
    for (const chunk of lines) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}
