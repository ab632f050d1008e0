// @ts-nocheck
// B11: the JSON Schemas (draft 2020-12) a retention archive carries: one per
// archived table, made from its declaration (src/domain/model/tables.ts), one
// for the rowid files, the detached references and the document index, and the
// archive header's (schemas/retention.schema.json). Strict like a bundle's:
// every column listed and required (null for an empty cell), nothing else, a
// maxLength on every string. verify compares the schemas an archive carries
// byte for byte with these, then checks every row against them.
import { removalTables } from '../domain/finalize-rules.js';
import { TABLES, TABLE_NAMES, type Column, type TableName } from '../domain/model/tables.js';
import { MAX_RECORD_LINE_BYTES } from './bag-reader.js';
import { columnMaxLengths, schemaPath, shippedSchemaBytes } from './schemas.js';

export const RETENTION_FORMAT_VERSION = '2.0';
export const LEGACY_RETENTION_FORMAT_VERSION = '1.0';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
/** a column no bundle field bounds (load takes any length): no longer than a record line may be (L9) */
const UNBOUNDED = MAX_RECORD_LINE_BYTES;
const ROWID = 'rowid';
const DETACHED = 'detached_references';
const DOCUMENTS = 'documents';

/** The schema of one column's value: its CSV text, or null for an empty cell (never null when the layout requires it). */
function columnSchema(c: Column, max: number): object {
  const text: Record<string, unknown> = { type: c.required ? 'string' : ['string', 'null'], maxLength: max };
  if (c.required) text.minLength = 1;
  const alt = (values: readonly string[]) => (c.required ? [...values] : [...values, null]);
  switch (c.type) {
    case 'text':
    case 'json':
      return text;
    case 'date':
      return { ...text, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' };
    case 'timestamp':
      return { ...text, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$' };
    case 'decimal':
      return { ...text, pattern: '^-?[0-9]+(\\.[0-9]+)?$' };
    case 'bool':
      return { enum: alt(['true', 'false']) };
    case 'enum':
      return { enum: alt(c.values!) };
    case 'enum_list': {
      const one = `(${c.values!.join('|')})`;
      return { ...text, pattern: `^${one}(;${one})*$` };
    }
  }
}

/** The schema of an archived row of `table`. */
export function tableRowSchema(table: TableName): object {
  const t = TABLES[table];
  const max = columnMaxLengths().get(table);
  return {
    $schema: DRAFT,
    $id: `${table}.schema.json`,
    title: `officeport retention archive ${RETENTION_FORMAT_VERSION}: one removed row of ${t.file} (data/records/${table}.ndjson, travelled_${table}.ndjson)`,
    type: 'object',
    properties: Object.fromEntries(t.columns.map((c) => [c.name, columnSchema(c, max?.get(c.name) ?? UNBOUNDED)])),
    required: t.columns.map((c) => c.name),
    additionalProperties: false,
  };
}

function otherSchema(name: string): object {
  const head = { $schema: DRAFT, $id: `${name}.schema.json` };
  const str = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
  switch (name) {
    case ROWID:
      return { ...head, title: 'the rowid a removed row had in the installation (rowids_<file>.ndjson, line for line)', type: 'integer', minimum: 1 };
    case DETACHED:
      return {
        ...head,
        title: 'a reference of a staying row that finalize set to empty (data/records/detached_references.ndjson)',
        type: 'object',
        properties: { table: str(64), id: str(UNBOUNDED), column: str(64), value: str(UNBOUNDED) },
        required: ['table', 'id', 'column', 'value'],
        additionalProperties: false,
      };
    default:
      return {
        ...head,
        title: 'a removed letter document (data/records/documents.ndjson), its content under data/documents/<sha256>',
        type: 'object',
        properties: {
          path: str(UNBOUNDED),
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', maxLength: 64 },
          size: { type: 'integer', minimum: 0 },
          file: { type: 'string', pattern: '^data/documents/[0-9a-f]{64}$', maxLength: 79 },
          rowid: { type: 'integer', minimum: 1 },
        },
        required: ['path', 'sha256', 'size', 'file', 'rowid'],
        additionalProperties: false,
      };
  }
}

/** The row schemas an archive carries: each archived table's, the rowids', the detached references' and the document index's. */
export function retentionRowSchemaNames(): string[] {
  return [...removalTables(), ROWID, DETACHED, DOCUMENTS];
}

export function retentionRowSchema(name: string): object {
  return (TABLE_NAMES as readonly string[]).includes(name) && name !== DOCUMENTS ? tableRowSchema(name as TableName) : otherSchema(name);
}

/** The bytes an archive carries for a row schema (and verify compares with). */
export function retentionSchemaBytes(name: string): Buffer {
  if (name === 'retention') return shippedSchemaBytes('retention');
  return Buffer.from(JSON.stringify(retentionRowSchema(name), null, 2) + '\n');
}

/** The row schema that checks data/records/<file>.ndjson of an archive, or undefined when no archive holds such a file. */
export function retentionSchemaOf(file: string): string | undefined {
  if (file.startsWith('rowids_'))
    return retentionSchemaOf(file.slice('rowids_'.length)) && !file.slice('rowids_'.length).startsWith('rowids_') ? ROWID : undefined;
  if (file === DETACHED || file === DOCUMENTS) return file;
  const table = file.replace(/^travelled_/, '');
  return removalTables().includes(table) ? table : undefined;
}

/** Every tag file of schemas an archive carries, the header's first. */
export function retentionSchemaFiles(): { path: string; content: Buffer }[] {
  return ['retention', ...retentionRowSchemaNames()].map((n) => ({ path: schemaPath(n), content: retentionSchemaBytes(n) }));
}

/** officeport.json's `schemas` of an archive: the header's schema and each record file's (those written). */
export function retentionSchemaMap(files: string[]): Record<string, string> {
  const out: Record<string, string> = { 'officeport.json': schemaPath('retention') };
  for (const f of files) {
    const m = f.match(/^data\/records\/(.+)\.ndjson$/);
    const s = m && retentionSchemaOf(m[1]!);
    if (s) out[f] = schemaPath(s);
  }
  return out;
}
