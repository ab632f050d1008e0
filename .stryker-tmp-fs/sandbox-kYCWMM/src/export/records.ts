// @ts-nocheck
// export, step 2 (B3, B4, X8): the payload. Each record file is read from the
// store in id order, in batches, and written line by line; party lists and
// riders come with their records, so nothing is held in memory but the
// current batch and chunk.
import {
  buildParty,
  buildRiderEntry,
  documentPath,
  NESTED_FIELDS,
  recordFile,
  RECORD_TYPES,
  recordBuilder,
  type BundleHeader,
  type PartyRecordType,
  type RecordType,
} from '../bundle/records.js';
import type { Row } from '../domain/model/row.js';
import type { PayloadFile } from '../bundle/bag-writer.js';
import {
  accountDrops,
  catalogueOrigin,
  contactDrops,
  policyDrops,
  positionDrops,
  sortParties,
  stubFields,
  tally,
  type Decision,
} from '../domain/export-rules.js';
import { BugError } from '../shared/errors.js';
import type { ExportRecordReader, ExportSelection, RecordReading, RecordRow } from '../store/port.js';

export interface ExportScope {
  officeId: string;
  /** the source office's parent, its parent, ... (X9) */
  ancestors: string[];
}

/** How a record type is read and what JavaScript adds to each record. */
export interface RecordShape {
  /**
   * `json`: the store may write the record's columns as JSON text; build then
   * reads only `cols` of the row (as they are) and `flags` (only whether they
   * hold a value), and returns only nested fields (NESTED_FIELDS), which follow;
   * `bare`: build reads nothing and adds nothing (it is not called).
   */
  reading: RecordReading;
  build: (r: RecordRow) => Record<string, unknown>;
}

/** Record files made elsewhere (a worker thread): each resolves to its lines, or undefined when it has no records. */
export type RemoteFiles = Map<RecordType, () => Promise<AsyncIterable<Buffer> | undefined>>;

/** Documents, then record files, in path order (documents sort before records). */
export async function* payloadFiles(
  selection: ExportSelection,
  scope: ExportScope,
  header: BundleHeader,
  onRecords?: (n: number) => void,
  remote: RemoteFiles = new Map(),
): AsyncIterable<PayloadFile> {
  for await (const doc of selection.documents()) {
    header.counts.documents++;
    yield { path: documentPath(doc.sha256), content: doc.content, source: () => [doc.content] };
  }
  const shapes = recordShapes(scope, header);
  for (const type of RECORD_TYPES) {
    const made = remote.get(type);
    if (made) {
      const lines = await made();
      if (lines) yield { path: recordFile(type), source: () => lines };
      continue;
    }
    if (!(await selection.hasRecords(type))) continue;
    yield { path: recordFile(type), source: () => recordLines(selection, type, shapes[type], header, onRecords) };
  }
}

/** The lines of one record file in chunks of about 64 KiB; each record is counted in `header`. */
export async function* recordLines(
  reader: ExportRecordReader,
  type: RecordType,
  shape: RecordShape,
  header: BundleHeader,
  onRecords?: (n: number) => void,
): AsyncGenerator<string> {
  let chunk = '';
  let n = 0;
  const line = lineMaker(type, shape);
  for await (const batch of reader.records(type, shape.reading)) {
    for (const r of batch) {
      chunk += line(r);
      n++;
      header.counts[type]++;
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
        onRecords?.(n);
        n = 0;
      }
    }
  }
  if (chunk) yield chunk;
  onRecords?.(n);
}

/**
 * One record's line: the store's JSON text of its columns with the nested
 * fields build gives added, the same text as JSON.stringify of recordBuilder's
 * record; a row that came whole is built in JavaScript.
 */
export function lineMaker(type: RecordType, shape: RecordShape): (r: RecordRow) => string {
  const nested = NESTED_FIELDS[type];
  const keys = nested.map((k) => `,${JSON.stringify(k)}:`);
  const bare = shape.reading.json?.bare === true;
  let build: ReturnType<typeof recordBuilder> | undefined;
  return (r) => {
    if (r.json === undefined) {
      build ??= recordBuilder(type);
      return JSON.stringify(build(r.row, shape.build(r))) + '\n';
    }
    if (bare) return r.json + '}\n';
    const extra = shape.build(r);
    let line = r.json;
    for (const k in extra) {
      if (!nested.includes(k)) throw new BugError(`export: ${type} builds ${k}, not a nested field, from a row SQLite wrote as JSON`);
    }
    for (let i = 0; i < nested.length; i++) {
      const v = extra[nested[i]!];
      if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      line += keys[i] + JSON.stringify(v);
    }
    return line + '}\n';
  };
}

const none = () => ({});

export function recordShapes(scope: ExportScope, header: BundleHeader): Record<RecordType, RecordShape> {
  const ex = header.exclusions;
  const whole: RecordReading = {};
  const origin = ({ row }: RecordRow) => ({ origin: catalogueOrigin(row.office_id!, scope.officeId, scope.ancestors) });
  const drops =
    (rule: (r: Row) => Decision[]) =>
    ({ row }: RecordRow) => (rule(row).forEach((d) => tally(ex, d)), {});
  const bare: RecordReading = { json: { bare: true } };
  return {
    activities: { reading: bare, build: none },
    carriers: { reading: whole, build: origin },
    contacts: { reading: { json: { cols: ['kind'], flags: ['primary_advisor_id', 'referred_by_id', 'custom'] } }, build: drops(contactDrops) },
    employee_census: { reading: bare, build: none },
    key_relations: { reading: bare, build: none },
    letters: { reading: { json: { cols: ['document'] } }, build: ({ row }) => documentOf(row) },
    positions: { reading: { json: { flags: ['custom'] } }, build: drops(positionDrops) },
    products: { reading: whole, build: origin },
    riders: { reading: whole, build: origin },
    service_providers: { reading: whole, build: origin },
    smartpad: { reading: bare, build: none },
    stubs: { reading: whole, build: ({ row }) => stubFields(row, header.stub_salt) },
    ...partyShapes(ex),
  };
}

/** X8: records with party lists (and a policy's riders). */
function partyShapes(ex: BundleHeader['exclusions']): Record<PartyRecordType, RecordShape> {
  const parties = (rows: readonly Row[] | undefined, withShare: boolean) =>
    sortParties(rows ?? []).map((p) => buildParty(p.contact_id!, p.list!, p.role, withShare ? p.share_percent : null));
  return {
    investment_accounts: {
      reading: { json: { flags: ['custom', 'asset_allocation', 'performance'] } },
      build: (r) => (accountDrops(r.row).forEach((d) => tally(ex, d)), { parties: parties(r.parties, false) }),
    },
    pending_cases: { reading: { json: {} }, build: (r) => ({ parties: parties(r.parties, true) }) },
    policies: {
      reading: { json: { cols: ['line_of_business'], flags: ['custom'] } },
      build: (r) => {
        policyDrops(r.row).forEach((d) => tally(ex, d));
        return { riders: (r.riders ?? []).map((x) => buildRiderEntry(x.rider_id!, x.amount)), parties: parties(r.parties, true) };
      },
    },
  };
}

/** B4: a letter's attachment, by content. */
function documentOf(letter: Row): Record<string, unknown> {
  const sha = letter.doc_sha256;
  if (!letter.document || !sha) return {};
  return { document: { path: documentPath(sha), name: letter.document, sha256: sha, size: Number(letter.doc_size) } };
}
