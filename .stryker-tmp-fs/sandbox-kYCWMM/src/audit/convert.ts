// @ts-nocheck
// V4: convert a verified bundle's records to CSV files or one XML document for
// auditors' tools. The bundle is verified first and refused when invalid; the
// output appears whole or not at all (temporary name, then rename).
import fs from 'node:fs';
import path from 'node:path';
import { HEADER_FILE, openBag, type OpenedBag } from '../bundle/bag-reader.js';
import { inputName, type BundleInput } from '../bundle/byte-source.js';
import { RECORD_TYPES } from '../bundle/records.js';
import { readSchema } from '../bundle/schemas.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { RECORD_NAMES, writeBundleCsv, type BundleRecord, type BundleView, type CsvFile, type CsvOptions } from '../formats/bundle-csv.js';
import { writeArchiveXml, writeBundleXml } from '../formats/bundle-xml.js';
import { EXCLUSION_REASONS } from './inspect.js';
import { checkOutputFolder, checkOutputPath, publishFile, publishFolder, tempBeside, type OutputOptions } from '../shared/output-file.js';
import { verifyBundle } from './verify.js';

export type ConvertFormat = 'csv' | 'xml';

export interface ConvertResult {
  format: ConvertFormat;
  out: string;
  bundle_id: string;
  /** set when FILE is a retention archive of finalize (M2): its id; bundle_id is then the bundle it finalized */
  archive_id?: string;
  /** rows per written file (csv) or records per type (xml) */
  files: { file: string; rows: number }[];
}

/** Record types in reading order: contacts first, then what hangs off them (bundle-format.md). */
export const TYPE_ORDER: readonly string[] = [
  ...Object.keys(RECORD_NAMES).filter((t) => (RECORD_TYPES as readonly string[]).includes(t)),
  ...RECORD_TYPES.filter((t) => !(t in RECORD_NAMES)),
];

/** Verifies the bundle (or a retention archive of finalize) and says which it is; refuses it when invalid. */
async function refuseUnlessValid(input: BundleInput): Promise<'bundle' | 'retention'> {
  const file = inputName(input);
  const result = await verifyBundle(input, { accept: 'any' });
  if (!result.valid) {
    const what = result.kind === 'retention' ? 'retention archive' : 'bundle';
    throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${file} is not a valid ${what}; nothing was converted`, {
      problems: result.problems,
      hint: `see every problem with: officeport verify ${file}`,
    });
  }
  return result.kind === 'retention' ? 'retention' : 'bundle';
}

/**
 * A retention archive (M2) as the converters read it: its header, and its row
 * files in name order (data/records/<file>.ndjson), the removed rows as the
 * installation held them. The rowids_ files (where undo puts rows back) are
 * left out: they hold the rows' places, not data.
 */
export async function openArchiveView(bag: OpenedBag): Promise<BundleView> {
  const header = JSON.parse(await bag.readTagFile(HEADER_FILE)) as Record<string, unknown>;
  const files = bag.paths
    .filter((p) => p.startsWith('data/records/') && p.endsWith('.ndjson'))
    .map((p) => p.slice('data/records/'.length, -'.ndjson'.length))
    .filter((n) => !n.startsWith('rowids_'))
    .sort();
  return {
    header,
    types: files,
    kind: 'retention',
    async *records(name: string): AsyncIterable<BundleRecord> {
      for await (const { text } of bag.lines(`data/records/${name}.ndjson`)) if (text.trim() !== '') yield JSON.parse(text) as BundleRecord;
    },
  };
}

/** The bundle as the converters read it: header plus record streams, parsed line by line. */
export async function openBundleView(bag: OpenedBag): Promise<BundleView> {
  const header = JSON.parse(await bag.readTagFile(HEADER_FILE)) as Record<string, unknown>;
  const present = new Set(bag.paths);
  return {
    header,
    types: TYPE_ORDER,
    async *records(type: string): AsyncIterable<BundleRecord> {
      const p = `data/records/${type}.ndjson`;
      if (!present.has(p)) return;
      for await (const { text } of bag.lines(p)) if (text.trim() !== '') yield JSON.parse(text) as BundleRecord;
    },
    schema: (type) => ((RECORD_TYPES as readonly string[]).includes(type) ? readSchema(type as (typeof RECORD_TYPES)[number]) : undefined),
  };
}

function exclusionReason(rule: string, what: string): string {
  return EXCLUSION_REASONS[`${rule}/${what}`] ?? '';
}

function checkParent(out: string): void {
  const dir = path.dirname(path.resolve(out));
  if (!fs.existsSync(dir)) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `the folder ${dir} does not exist`, { hint: 'create it first, or name a path in an existing folder' });
  }
}

/** L1: csv writes a new or empty folder, xml a new file (an existing one only with --force); never an installation file. */
function checkTarget(format: ConvertFormat, out: string, output: OutputOptions): void {
  checkParent(out);
  if (format === 'csv') checkOutputFolder(out, output);
  else checkOutputPath(out, output);
}

/** Convert FILE to `format` at `out`: verify, write to a temporary name, rename. */
export async function convertBundle(input: BundleInput, format: ConvertFormat, out: string, opts: OutputOptions & CsvOptions = {}): Promise<ConvertResult> {
  const file = inputName(input);
  const { bom, ...outputOpts } = opts;
  const output = { option: '--out', ...outputOpts };
  if (!fs.existsSync(file)) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no file ${file}`, { hint: 'name the bundle file that export wrote' });
  }
  checkTarget(format, out, output);
  const kind = await refuseUnlessValid(input);
  const { bag, problems } = await openBag(input);
  if (!bag) throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${file} could not be opened as a bundle`, { problems });
  const view = kind === 'retention' ? await openArchiveView(bag) : await openBundleView(bag);
  const tmp = tempBeside(out); // private until complete (L11)
  try {
    let files: { file: string; rows: number }[];
    if (format === 'csv') {
      fs.mkdirSync(tmp, { mode: 0o700 });
      files = (await writeBundleCsv(view, tmp, exclusionReason, { bom })).map((f: CsvFile) => ({ file: f.file, rows: f.rows }));
    } else {
      const written = kind === 'retention' ? await writeArchiveXml(view, tmp) : await writeBundleXml(view, tmp);
      files = Object.entries(written).map(([type, rows]) => ({ file: type, rows }));
    }
    if (bag.problems.length > 0) {
      throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${file} changed while it was converted; nothing was written`, { problems: bag.problems });
    }
    if (format === 'csv') {
      fs.chmodSync(tmp, 0o755);
      publishFolder(tmp, out, output);
    } else publishFile(tmp, out, output);
    const archive = kind === 'retention' ? { archive_id: String(view.header.archive_id ?? '') } : {};
    return { format, out, bundle_id: String(view.header.bundle_id ?? ''), ...archive, files };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    await bag.close();
  }
}
