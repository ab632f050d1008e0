// @ts-nocheck
// Verifying a retention archive (M2): the same bag checks as a bundle (done by
// the caller through openBag/checkPayload), then its own header schema, and
// every archived row against the office data layout it was taken from, so
// that an archive can be trusted years later without the installation.
import { HEADER_FILE, type OpenedBag } from '../bundle/bag-reader.js';
import { LEGACY_RETENTION, schemaPath, validate, validateWith } from '../bundle/schemas.js';
import {
  LEGACY_RETENTION_FORMAT_VERSION,
  RETENTION_FORMAT_VERSION,
  retentionRowSchema,
  retentionSchemaFiles,
  retentionSchemaOf,
} from '../bundle/retention-schemas.js';
import { ZipEntryError } from '../bundle/zip-reader.js';
import { checkValue } from '../domain/values.js';
import type { Problem } from '../shared/errors.js';
import { TABLES, TABLE_NAMES, type Table, type TableName } from '../domain/model/tables.js';

export const RETENTION_FORMAT = 'officeport-retention';
const MAX_PROBLEMS = 1000;

export interface RetentionHeader {
  format: typeof RETENTION_FORMAT;
  format_version: string;
  archive_id: string;
  bundle_id: string;
  counts: Record<string, number>;
  source: { office_name: string; installation_name: string };
  /** B11: each record file's schema and the header's, as carried under schemas/ (absent in format 1.0) */
  schemas?: Record<string, string>;
}

type RowCheck = (row: Record<string, unknown>) => Problem[];

/** L3: a line of rowids_<file>: the rowid the row on the same line of <file> had in the installation. */
const ROWID: RowCheck = () => [];

/** B11: the row against the schema the archive carries; when it passes, against the layout's value rules too (a real date, JSON text). */
function schemaThenLayout(schema: string, layout: RowCheck): RowCheck {
  if (layout === ROWID) return ROWID; // its check is the carried rowid schema's (an integer from 1), with a plainer message
  return (row) => {
    const bad = validateWith(`retention:${schema}`, () => retentionRowSchema(schema), row);
    return bad.length > 0 ? bad : layout(row);
  };
}

/**
 * B11: an archive carries the schema of its header and of every archived row
 * type, byte for byte those this officeport makes for its format: an archive
 * may not loosen the rules its rows are checked against.
 */
async function checkCarriedSchemas(bag: OpenedBag, add: (p: Problem) => void): Promise<void> {
  const want = retentionSchemaFiles();
  const paths = new Set(want.map((w) => w.path));
  for (const p of bag.paths)
    if (p.startsWith('schemas/') && !paths.has(p)) add({ file: p, message: `not a schema of a retention archive of format ${RETENTION_FORMAT_VERSION}` });
  for (const w of want) {
    if (!bag.paths.includes(w.path)) {
      add({ file: w.path, message: `missing: a retention archive of format ${RETENTION_FORMAT_VERSION} carries it` });
      continue;
    }
    let text: string;
    try {
      text = await bag.readTagFile(w.path);
    } catch (e) {
      if (!(e instanceof ZipEntryError)) add({ file: w.path, message: `not readable: ${(e as Error).message}` });
      continue;
    }
    if (!Buffer.from(text, 'utf8').equals(w.content))
      add({
        file: w.path,
        message: `differs from the schema this officeport makes for retention archives of format ${RETENTION_FORMAT_VERSION}; an archive may not change the rules its rows are checked against`,
      });
  }
}

/** What a record file of the archive must hold: rows of a layout table, one of the two index files, or the rowids of a row file. */
function rowCheckFor(name: string): RowCheck | undefined {
  if (name.startsWith('rowids_')) return rowCheckFor(name.slice('rowids_'.length)) && !name.slice('rowids_'.length).startsWith('rowids_') ? ROWID : undefined;
  if (name === 'detached_references') return fields(['table', 'id', 'column', 'value']);
  if (name === 'documents') return fields(['path', 'sha256', 'size', 'file']);
  const table = name.replace(/^travelled_/, '');
  return (TABLE_NAMES as readonly string[]).includes(table) ? layoutRow(TABLES[table as TableName]) : undefined;
}

function fields(names: string[]): RowCheck {
  return (row) => {
    const missing = names.filter((n) => !(n in row));
    return missing.map((m) => ({ pointer: `/${m}`, message: 'required field is missing' }));
  };
}

/** Every column of the table, in the layout's value rules, and nothing else. */
function layoutRow(t: Table): RowCheck {
  return (row) => {
    const out: Problem[] = [];
    for (const key of Object.keys(row)) {
      if (!t.columns.some((c) => c.name === key)) out.push({ pointer: `/${key}`, message: `not a column of ${t.file}` });
    }
    for (const c of t.columns) {
      const v = row[c.name];
      if (!(c.name in row)) out.push({ pointer: `/${c.name}`, message: `column of ${t.file} is missing` });
      else if (v === null) {
        if (c.required) out.push({ pointer: `/${c.name}`, message: 'required value is empty' });
      } else if (typeof v !== 'string') out.push({ pointer: `/${c.name}`, message: 'expected the CSV text of the value or null' });
      else {
        const msg = checkValue(c, v);
        if (msg) out.push({ pointer: `/${c.name}`, message: msg });
      }
    }
    return out;
  };
}

export async function checkRetentionArchive(bag: OpenedBag, value: unknown, problems: Problem[], read: Set<string>): Promise<RetentionHeader | undefined> {
  const add = (p: Problem) => problems.length < MAX_PROBLEMS && problems.push(p);
  const version = (value as { format_version?: unknown } | null)?.format_version;
  // B11: an archive of format 1.0 carried no schemas: its rows are checked against the layout, as then
  const legacy = version === LEGACY_RETENTION_FORMAT_VERSION;
  if (!legacy && version !== RETENTION_FORMAT_VERSION) {
    add({
      file: HEADER_FILE,
      pointer: '/format_version',
      message: `unknown retention archive format version ${JSON.stringify(version ?? null)}; this officeport reads ${LEGACY_RETENTION_FORMAT_VERSION}, ${RETENTION_FORMAT_VERSION} (upgrade officeport)`,
    });
    return undefined;
  }
  if (legacy)
    for (const p of bag.paths.filter((p) => p.startsWith('schemas/')))
      add({ file: p, message: `unexpected in a retention archive of format ${version}, which carried no schemas` });
  else await checkCarriedSchemas(bag, add);
  const bad = validate(legacy ? LEGACY_RETENTION : 'retention', value);
  for (const p of bad) add({ file: HEADER_FILE, ...p });
  const header = bad.length === 0 ? (value as RetentionHeader) : undefined;
  const counts: Record<string, number> = {};
  for (const file of bag.paths.filter((p) => p.startsWith('data/records/'))) {
    const name = file.slice('data/records/'.length).replace(/\.ndjson$/, '');
    const layout = rowCheckFor(name);
    const schema = retentionSchemaOf(name);
    const check = legacy || !layout || !schema ? layout : schemaThenLayout(schema, layout);
    if (header?.schemas && schema && header.schemas[file] !== schemaPath(schema))
      add({
        file: HEADER_FILE,
        pointer: `/schemas/${file.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        message: `should name ${schemaPath(schema)}, the schema of ${file}`,
      });
    if (!check) {
      add({
        file,
        message:
          'not a file of a retention archive (expected <table>.ndjson, travelled_<table>.ndjson, their rowids_ files, detached_references.ndjson or documents.ndjson)',
      });
      continue;
    }
    read.add(file);
    counts[name] = await checkRows(bag, file, check, add);
  }
  for (const name of Object.keys(counts).filter((n) => n.startsWith('rowids_'))) {
    const rows = name.slice('rowids_'.length);
    if ((counts[rows] ?? 0) !== counts[name])
      add({ file: `data/records/${name}.ndjson`, message: `holds ${counts[name]} rowids for ${counts[rows] ?? 0} rows of ${rows}.ndjson` });
  }
  counts.documents_files = bag.paths.filter((p) => p.startsWith('data/documents/')).length;
  if (header) {
    for (const [name, n] of Object.entries(header.counts)) {
      if ((counts[name] ?? 0) !== n) add({ file: HEADER_FILE, pointer: `/counts/${name}`, message: `says ${n}, but the archive holds ${counts[name] ?? 0}` });
    }
    for (const name of Object.keys(counts)) {
      if (!(name in header.counts))
        add({ file: HEADER_FILE, pointer: `/counts/${name}`, message: `the archive holds ${name} but the header does not count it` });
    }
    const extId = bag.bagInfo.find(([k]) => k.toLowerCase() === 'external-identifier')?.[1];
    if (extId !== header.archive_id)
      add({ file: 'bag-info.txt', message: `External-Identifier ${JSON.stringify(extId ?? '')} differs from the archive id ${header.archive_id}` });
  }
  return header;
}

async function checkRows(bag: OpenedBag, file: string, check: RowCheck, add: (p: Problem) => void): Promise<number> {
  let n = 0;
  try {
    for await (const { text, line } of bag.lines(file)) {
      n++;
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch (e) {
        add({ file, line, message: `not a JSON row: ${(e as Error).message}` });
        continue;
      }
      if (check === ROWID) {
        if (!Number.isSafeInteger(row) || (row as number) < 1) add({ file, line, message: `expected a row id (a positive integer), got ${text.slice(0, 40)}` });
        continue;
      }
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        add({ file, line, message: 'expected a JSON object' });
        continue;
      }
      for (const p of check(row as Record<string, unknown>)) add({ file, line, ...p });
    }
  } catch (e) {
    if (!(e instanceof ZipEntryError)) throw e; // checksum problems are already in bag.problems
  }
  return n;
}
