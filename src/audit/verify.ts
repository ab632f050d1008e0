// verify (V1): the zip and the bag first (bag-reader.ts stops before reading
// data when the zip is unsafe), then the header, every record against its
// schema, every reference, the counts and the documents. Refs live in memory
// up to a limit and in a temporary SQLite database beyond it
// (bundle/ref-index.ts), so a bundle of millions of records verifies in flat
// memory. Record lines of large bundles are parsed and schema-checked in a
// worker thread (bundle/record-check.ts, record-chunk.ts, verify-pool.ts) and
// merged in file order, so the problem list is the same either way.
import type { KeyObject } from 'node:crypto';
import os from 'node:os';
import { checkPayload, HEADER_FILE, openBag, type OpenedBag } from '../bundle/bag-reader.js';
import type { BundleInput } from '../bundle/byte-source.js';
import {
  FORMAT_VERSION,
  KNOWN_FORMAT_VERSIONS,
  LEGACY_FORMAT_VERSION,
  RECORD_TYPES,
  recordFile,
  recordTypeOfFile,
  type BundleHeader,
  type Counts,
} from '../bundle/records.js';
import { checkRecordFile, RECORD_LINES_BATCH, type RecordLinesHook } from '../bundle/record-check.js';
import { DEFAULT_REFS_IN_MEMORY, RefIndex } from '../bundle/ref-index.js';
import { openScratchRefIndex } from '../store/open.js';
import { defaultWorkers, makePool, type ChunkPool } from '../bundle/verify-pool.js';
import { LEGACY_HEADER, SCHEMA_NAMES, schemaPath, shippedSchemaBytes, validate } from '../bundle/schemas.js';
import { ZipEntryError } from '../bundle/zip-reader.js';
import { parseStrictJson } from '../domain/text.js';
import type { Problem } from '../shared/errors.js';
import { signatureJson, type SignatureReport } from '../bundle/signing.js';
import type { OnProgress } from '../shared/progress.js';
import { checkRetentionArchive, RETENTION_FORMAT, type RetentionHeader } from './verify-retention.js';

export interface VerifyOptions {
  trust?: KeyObject;
  /** 'any' also accepts a retention archive of finalize (M2); everything but the verify command wants a bundle. */
  accept?: 'bundle' | 'any';
  /** records checked so far, of the records the header declares (U6; no total when the header cannot be read) */
  onProgress?: OnProgress;
  /** refs kept in memory before they spill to the store's scratch index (bundle/ref-index.ts); tests set it low */
  refsInMemory?: number;
  /**
   * Called in file order (record files in bag order, lines in file order) with
   * the lines of each record file that parsed and passed their schema; when the
   * result is not valid the caller discards what it got. `text` is the line
   * exactly as in the file, without the newline. Batches of up to
   * RECORD_LINES_BATCH lines; an async callback is awaited before the next batch.
   */
  onRecordLines?: RecordLinesHook;
  /**
   * worker threads that parse and check the record lines (all chunks wait
   * for them). Default (OFFICEPORT_VERIFY_WORKERS overrides): none when the
   * records hold at most PARALLEL_MIN_BYTES (starting one costs about 0.2 s of
   * CPU), else defaultWorkers() in bundle/verify-pool.ts, this thread checking
   * the first chunks itself while they start.
   */
  workers?: number;
}

export { RECORD_LINES_BATCH };

export interface VerifyResult {
  valid: boolean;
  problems: Problem[];
  /** the header, when officeport.json could be read and is of a known version */
  header?: BundleHeader;
  tagmanifestSha256?: string;
  /** lines found per record file, and documents */
  counts?: Partial<Counts>;
  kind?: 'bundle' | 'retention';
  /** the header of a retention archive (with accept: 'any') */
  retention?: RetentionHeader;
  /** V5: the signature's state and its sentence (absent when the zip could not be opened as a bag) */
  signature?: SignatureReport;
  /**
   * B9: the schemas the records were checked against: those the bundle carries
   * (equal to this officeport's), or this officeport's for a bundle of a format
   * that carried none (1.0)
   */
  schemas?: { from: 'bundle' | 'officeport'; format_version: string };
}

const MAX_PROBLEMS = 1000;
/** about twice the records of a 100,000-contact installation's bundle (54 MB) */
export const REFS_IN_MEMORY_MAX_RECORD_BYTES = 128 * 1024 ** 2;
/** records below this are checked in this thread: workers would cost more to start than they save */
export const PARALLEL_MIN_BYTES = 16 * 1024 ** 2;

export async function verifyBundle(file: BundleInput, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const opened = await openBag(file, { trust: opts.trust });
  const bag = opened.bag;
  if (!bag) return { valid: false, problems: opened.problems };
  const problems = bag.problems;
  let pool: ChunkPool | undefined;
  try {
    // The workers start before the header is checked against its schema (compiling it takes ~0.1 s), so they are ready sooner.
    const startPool = () => {
      const { workers, explicit } = resourcesFor(bag, opts);
      pool = makePool(workers, explicit);
    };
    const { header, known, retention, legacy } = await readHeader(bag, problems, startPool);
    const counts: Partial<Counts> = {};
    const read = new Set<string>();
    if (retention !== undefined) {
      if (opts.accept !== 'any') {
        problems.push({ file: HEADER_FILE, pointer: '/format', message: 'this is a retention archive written by finalize, not a bundle to import or inspect' });
        return { valid: false, problems, kind: 'retention', tagmanifestSha256: bag.tagmanifestSha256, signature: signatureJson(bag.signature) };
      }
      const rh = await checkRetentionArchive(bag, retention, problems, read);
      await checkPayload(bag, read);
      return {
        valid: problems.length === 0,
        problems: problems.slice(0, MAX_PROBLEMS),
        kind: 'retention',
        retention: rh,
        tagmanifestSha256: bag.tagmanifestSha256,
        signature: signatureJson(bag.signature),
      };
    }
    if (known) {
      const declared = header ? RECORD_TYPES.reduce((a, t) => a + (Number.isSafeInteger(header.counts[t]) ? Math.max(0, header.counts[t]) : 0), 0) : 0;
      const refs = new RefIndex(openScratchRefIndex, resourcesFor(bag, opts).refsInMemory, declared);
      if (!pool) startPool();
      try {
        await checkRecords(bag, refs, pool!, counts, read, problems, opts, header ? declared : undefined);
        refs.dangling(problems);
        checkDocuments(bag, refs, counts, problems);
      } finally {
        refs.close();
      }
      if (header) checkCounts(header, counts, problems);
    }
    await checkPayload(bag, read);
    return {
      valid: problems.length === 0,
      problems: problems.slice(0, MAX_PROBLEMS),
      header,
      tagmanifestSha256: bag.tagmanifestSha256,
      counts,
      kind: 'bundle',
      signature: signatureJson(bag.signature),
      ...(known && header ? { schemas: { from: legacy ? ('officeport' as const) : ('bundle' as const), format_version: header.format_version } } : {}),
    };
  } finally {
    await (pool as ChunkPool | undefined)?.close();
    await bag.close();
  }
}

/**
 * How verify spends threads and memory on a bundle whose record files declare
 * `recordBytes` bytes: worker threads for the record lines (`explicit` when
 * asked for, by option or OFFICEPORT_VERIFY_WORKERS: they are then waited for)
 * and the refs kept in memory before the scratch index. Pure, so that its
 * thresholds are tested (test/audit/verify-inproc.test.ts); it changes speed
 * and memory, never the result.
 *
 * Refs of a large bundle go to disk from the start: filling memory first and
 * spilling later left the collector with the garbage of the in-memory index and
 * peaked at 237-344 MB on a 1,000,000-contact bundle (all on disk: 174 MB).
 * The spill stays as the safety net for a bundle whose declared sizes are small.
 */
export function verifyResources(
  recordBytes: number,
  opts: Pick<VerifyOptions, 'workers' | 'refsInMemory'>,
  envWorkers: string | undefined,
  cores: number,
): { workers: number; explicit: boolean; refsInMemory: number } {
  const large = recordBytes > REFS_IN_MEMORY_MAX_RECORD_BYTES;
  const refsInMemory = opts.refsInMemory ?? (large ? 0 : DEFAULT_REFS_IN_MEMORY);
  if (opts.workers !== undefined) return { workers: opts.workers, explicit: true, refsInMemory };
  if (envWorkers !== undefined && /^\d+$/.test(envWorkers)) return { workers: Number(envWorkers), explicit: true, refsInMemory };
  return { workers: recordBytes > PARALLEL_MIN_BYTES ? defaultWorkers(large, cores) : 0, explicit: false, refsInMemory };
}

/** The bytes the bag's record files declare (their uncompressed sizes): what verifyResources weighs. */
export function declaredRecordBytes(bag: OpenedBag): number {
  return bag.paths.filter((p) => p.startsWith('data/records/')).reduce((a, p) => a + bag.declaredSize(p), 0);
}

function resourcesFor(bag: OpenedBag, opts: VerifyOptions): ReturnType<typeof verifyResources> {
  return verifyResources(declaredRecordBytes(bag), opts, process.env.OFFICEPORT_VERIFY_WORKERS, os.availableParallelism());
}

/**
 * officeport.json: JSON, a known format version, its schema, and the bag it
 * sits in. `known`: the records can be read as format 1.0 (even when the
 * header itself has problems, so that they are reported too).
 */
async function readHeader(
  bag: OpenedBag,
  problems: Problem[],
  /** called once the header is known to be of a bundle of a known version (not a retention archive), before its schema check */
  beforeSchema: () => void,
): Promise<{ header?: BundleHeader; known: boolean; retention?: unknown; legacy?: boolean }> {
  if (!bag.paths.includes(HEADER_FILE)) {
    problems.push({ file: HEADER_FILE, message: 'missing; every officeport bundle has this header' });
    return { known: true };
  }
  let text: string;
  try {
    text = await bag.readTagFile(HEADER_FILE);
  } catch (e) {
    // bad bytes (L9) are in `problems` already
    if (!(e instanceof ZipEntryError && problems.includes(e.problem)))
      problems.push({ file: HEADER_FILE, message: `not readable JSON: ${(e as Error).message}` });
    return { known: true };
  }
  // L9: nested too deep or a NUL in a string is a problem like a syntax error
  const parsed = parseStrictJson(text);
  if ('problem' in parsed) {
    problems.push({ file: HEADER_FILE, ...parsed.problem });
    return { known: true };
  }
  const value = parsed.value;
  if ((value as { format?: unknown } | null)?.format === RETENTION_FORMAT) return { known: false, retention: value };
  const version = (value as { format_version?: unknown } | null)?.format_version;
  if (typeof version === 'string' && !KNOWN_FORMAT_VERSIONS.includes(version)) {
    problems.push({
      file: HEADER_FILE,
      pointer: '/format_version',
      message: `unknown format version ${JSON.stringify(version)}; this officeport reads ${KNOWN_FORMAT_VERSIONS.join(', ')} (upgrade officeport)`,
    });
    return { known: false };
  }
  beforeSchema();
  const legacy = version === LEGACY_FORMAT_VERSION;
  // B9: a bundle of format 1.0 carried no schemas: it is checked against this officeport's; a newer one carries them
  if (legacy)
    for (const p of bag.paths.filter((p) => p.startsWith('schemas/')))
      problems.push({ file: p, message: `unexpected in a bundle of format ${version}, which carried no schemas` });
  else await checkCarriedSchemas(bag, problems);
  const bad = validate(legacy ? LEGACY_HEADER : 'officeport', value);
  for (const p of bad) problems.push({ file: HEADER_FILE, ...p });
  if (bad.length > 0) return { known: true, legacy };
  const h = value as BundleHeader;
  const extId = bag.bagInfo.find(([k]) => k.toLowerCase() === 'external-identifier')?.[1];
  if (extId !== h.bundle_id) {
    problems.push({
      file: 'bag-info.txt',
      message: `External-Identifier ${JSON.stringify(extId ?? '')} differs from the bundle id ${h.bundle_id} of officeport.json`,
    });
  }
  if (bag.root !== `officeport-bundle-${h.bundle_id}`) {
    problems.push({ message: `the bag folder ${bag.root} is not named officeport-bundle-${h.bundle_id}` });
  }
  return { header: h, known: true, legacy };
}

/**
 * B9: a bundle carries the schemas its records are checked against, and they
 * must be byte for byte the ones this officeport ships for its format: a bundle
 * may not loosen its own rules. Its records are then checked against them.
 */
async function checkCarriedSchemas(bag: OpenedBag, problems: Problem[]): Promise<void> {
  const want = new Set(SCHEMA_NAMES.map(schemaPath));
  for (const p of bag.paths)
    if (p.startsWith('schemas/') && !want.has(p))
      problems.push({ file: p, message: `not a schema of format ${FORMAT_VERSION}; a bundle carries only ${[...want].join(', ')}` });
  for (const name of SCHEMA_NAMES) {
    const file = schemaPath(name);
    if (!bag.paths.includes(file)) {
      problems.push({
        file,
        message: `missing: a bundle of format ${FORMAT_VERSION} carries the schema of ${name === 'officeport' ? HEADER_FILE : recordFile(name)}`,
      });
      continue;
    }
    let text: string;
    try {
      text = await bag.readTagFile(file);
    } catch (e) {
      if (!(e instanceof ZipEntryError && problems.includes(e.problem))) problems.push({ file, message: `not readable: ${(e as Error).message}` });
      continue;
    }
    if (!Buffer.from(text, 'utf8').equals(shippedSchemaBytes(name)))
      problems.push({
        file,
        message: `differs from the schema this officeport ships for format ${FORMAT_VERSION}; a bundle may not change the rules its records are checked against (export it again, or check where it was altered)`,
      });
  }
}

/** Every line of every record file: JSON, schema, order, unique refs; references noted for later. */
async function checkRecords(
  bag: OpenedBag,
  refs: RefIndex,
  pool: ChunkPool,
  counts: Partial<Counts>,
  read: Set<string>,
  problems: Problem[],
  opts: VerifyOptions,
  /** the records the header declares, undefined when it could not be read */
  declared: number | undefined,
): Promise<void> {
  const add = (p: Problem) => void (problems.length < MAX_PROBLEMS && problems.push(p));
  const ctx = { bag, refs, pool, add, onRecords: recordsDone(opts.onProgress, declared), onRecordLines: opts.onRecordLines };
  for (const file of bag.paths) {
    if (!file.startsWith('data/records/')) continue;
    const type = recordTypeOfFile(file);
    if (!type) {
      add({ file, message: `not a record file of an officeport bundle; expected one of ${RECORD_TYPES.map((t) => `${t}.ndjson`).join(', ')}` });
      continue;
    }
    read.add(file);
    counts[type] = await checkRecordFile(ctx, file, type);
  }
}

/** U6: the records checked so far as a running count of the declared total; undefined without onProgress. */
function recordsDone(onProgress: OnProgress | undefined, total: number | undefined): ((n: number) => void) | undefined {
  if (!onProgress) return undefined;
  let done = 0;
  onProgress(0, total);
  return (n) => onProgress((done += n), total);
}

/** B2: counts in officeport.json equal the lines of each file and the documents. */
function checkCounts(h: BundleHeader, found: Partial<Counts>, problems: Problem[]): void {
  for (const type of [...RECORD_TYPES, 'documents'] as const) {
    const said = h.counts[type];
    const got = found[type] ?? 0;
    if (said !== got) {
      const where = type === 'documents' ? 'files under data/documents/' : `records in ${recordFile(type)}`;
      problems.push({ file: HEADER_FILE, pointer: `/counts/${type}`, message: `says ${said}, but the bundle holds ${got} ${where}` });
    }
  }
}

/** B4: every document a letter names is in the bag, under its sha256. */
function checkDocuments(bag: OpenedBag, refs: RefIndex, counts: Partial<Counts>, problems: Problem[]): void {
  const docs = bag.paths.filter((p) => p.startsWith('data/documents/'));
  counts.documents = docs.length;
  for (const u of refs.missingDocuments(docs)) {
    if (problems.length < MAX_PROBLEMS) {
      problems.push({ file: u.file, line: u.line, pointer: '/document/path', message: `names ${u.path}, which is not in the bundle` });
    }
  }
}
