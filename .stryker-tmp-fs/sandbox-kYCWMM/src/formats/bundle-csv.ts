// @ts-nocheck
// V4: a bundle's records as CSV, one file per record type, for auditors'
// spreadsheets. Arrays inside records (parties, riders) become their own files
// with a column naming the parent record; nested objects (a letter's document)
// become prefixed columns. Every cell that a spreadsheet would run as a formula
// is escaped. Each record file is read twice (columns, then rows), so memory
// does not grow with the bundle.
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import Papa from 'papaparse';
import { BugError } from '../shared/errors.js';

export type BundleRecord = Record<string, unknown>;

/** What the converters read: the header (officeport.json) and each record type as a stream. */
export interface BundleView {
  header: Record<string, unknown>;
  /** record types in output order (the file stems under data/records/) */
  types: readonly string[];
  /** every record of a type, in file order; may be called more than once */
  records(type: string): AsyncIterable<BundleRecord>;
  /** the JSON Schema of a record type, when known: gives every column, even of an empty file */
  schema?(type: string): Record<string, unknown> | undefined;
  /** a retention archive (M2): its header goes to archive.csv, its rows keep the columns they have (no ref) */
  kind?: 'bundle' | 'retention';
}

/** Element/column name of one record of a type: the ref prefix, or `stub`. */
export const RECORD_NAMES: Readonly<Record<string, string>> = {
  contacts: 'contact',
  stubs: 'stub',
  key_relations: 'key_relation',
  employee_census: 'census',
  carriers: 'carrier',
  products: 'product',
  riders: 'rider',
  service_providers: 'service_provider',
  policies: 'policy',
  pending_cases: 'case',
  investment_accounts: 'account',
  positions: 'position',
  letters: 'letter',
  activities: 'activity',
  smartpad: 'note',
};

export function recordName(type: string): string {
  return RECORD_NAMES[type] ?? type.replace(/s$/, '');
}

/**
 * Spreadsheet formula triggers (DESIGN.md, V6): such cells get a leading quote.
 * A cell starting with tab or carriage return, or with `=`, `+`, `-`, `@` or
 * their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20, which spreadsheets
 * fold to the ASCII ones), after any leading whitespace (spreadsheets skip it).
 */
export const FORMULA_TRIGGERS = /^(?:[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/** The UTF-8 byte order mark `--bom` writes first in every CSV file, for spreadsheets that otherwise guess the encoding. */
export const UTF8_BOM = '\uFEFF';

export interface CsvOptions {
  /** start every file with a UTF-8 BOM */
  bom?: boolean;
}

export interface CsvFile {
  file: string;
  rows: number;
  columns: string[];
}

type CsvCells = Record<string, string>;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A record split into its own row and one row per array entry, per child table. */
export function flattenRecord(type: string, rec: BundleRecord): { row: CsvCells; children: Map<string, CsvCells[]> } {
  const row: CsvCells = {};
  const children = new Map<string, CsvCells[]>();
  const parent = recordName(type);
  const ref = cell(rec.ref);
  for (const [key, value] of Object.entries(rec)) {
    if (Array.isArray(value)) {
      const rows = value.map((item) => {
        const child: CsvCells = { [parent]: ref };
        if (item !== null && typeof item === 'object' && !Array.isArray(item)) flattenInto(child, '', item as BundleRecord);
        else child.value = cell(item);
        return child;
      });
      children.set(`${parent}_${key}`, rows);
    } else if (value !== null && typeof value === 'object') {
      flattenInto(row, `${key}_`, value as BundleRecord);
    } else row[key] = cell(value);
  }
  return { row, children };
}

function flattenInto(row: CsvCells, prefix: string, obj: BundleRecord): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flattenInto(row, `${prefix}${k}_`, v as BundleRecord);
    else row[`${prefix}${k}`] = cell(v);
  }
}

/** Writes CSV rows to a file in batches, waiting for the disk when it lags. */
class CsvWriter {
  private readonly out: fs.WriteStream;
  private batch: string[][] = [];
  rows = 0;
  constructor(
    file: string,
    readonly columns: string[],
    opts: CsvOptions,
  ) {
    this.out = fs.createWriteStream(file, { encoding: 'utf8' });
    this.out.write((opts.bom ? UTF8_BOM : '') + Papa.unparse([columns], { escapeFormulae: FORMULA_TRIGGERS }) + '\r\n');
  }
  async add(row: CsvCells): Promise<void> {
    this.batch.push(this.columns.map((c) => row[c] ?? ''));
    this.rows++;
    if (this.batch.length >= 500) await this.flush();
  }
  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const text = Papa.unparse(this.batch, { escapeFormulae: FORMULA_TRIGGERS, newline: '\r\n' }) + '\r\n';
    this.batch = [];
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }
}

function addColumns(seen: Map<string, Set<string>>, table: string, row: CsvCells, first: string): void {
  let cols = seen.get(table);
  if (!cols) seen.set(table, (cols = new Set([first])));
  for (const k of Object.keys(row)) cols.add(k);
}

type Schema = { properties?: Record<string, Schema>; items?: Schema; type?: string };

/** Columns of a record type and its child tables from its schema, in schema order. */
export function columnsFromSchema(type: string, schema: Record<string, unknown>): Map<string, string[]> {
  const parent = recordName(type);
  const tables = new Map<string, string[]>([[type, []]]);
  const objectColumns = (s: Schema, prefix: string, into: string[]) => {
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      if (p.type === 'object') objectColumns(p, `${prefix}${k}_`, into);
      else into.push(`${prefix}${k}`);
    }
  };
  for (const [k, p] of Object.entries((schema as Schema).properties ?? {})) {
    if (p.type === 'array') {
      const cols = [parent];
      if (p.items?.type === 'object') objectColumns(p.items, '', cols);
      else cols.push('value');
      tables.set(`${parent}_${k}`, cols);
    } else if (p.type === 'object') objectColumns(p, `${k}_`, tables.get(type)!);
    else tables.get(type)!.push(k);
  }
  return tables;
}

/** Pass one: the columns of a record type and of its child tables, in first-seen order. */
async function collectColumns(view: BundleView, type: string): Promise<Map<string, string[]>> {
  const seen = new Map<string, Set<string>>();
  seen.set(type, new Set(view.kind === 'retention' ? [] : ['ref']));
  for await (const rec of view.records(type)) {
    const { row, children } = flattenRecord(type, rec);
    for (const k of Object.keys(row)) seen.get(type)!.add(k);
    for (const [child, rows] of children) {
      if (!seen.has(child)) addColumns(seen, child, {}, recordName(type));
      for (const r of rows) addColumns(seen, child, r, recordName(type));
    }
  }
  return new Map([...seen].map(([t, cols]) => [t, [...cols]]));
}

function writerOf(writers: Map<string, CsvWriter>, table: string): CsvWriter {
  const w = writers.get(table);
  if (!w) throw new BugError(`a record holds a list ${table} that its schema does not declare`);
  return w;
}

/** Pass two: one CSV per table of this record type in `dir`. */
async function writeType(view: BundleView, type: string, dir: string, opts: CsvOptions): Promise<CsvFile[]> {
  const schema = view.schema?.(type);
  const columns = schema ? columnsFromSchema(type, schema) : await collectColumns(view, type);
  const writers = new Map<string, CsvWriter>();
  for (const [table, cols] of columns) writers.set(table, new CsvWriter(path.join(dir, `${table}.csv`), cols, opts));
  try {
    for await (const rec of view.records(type)) {
      const { row, children } = flattenRecord(type, rec);
      await writerOf(writers, type).add(row);
      for (const [child, rows] of children) for (const r of rows) await writerOf(writers, child).add(r);
    }
  } finally {
    for (const w of writers.values()) await w.close();
  }
  return [...writers].map(([table, w]) => ({ file: `${table}.csv`, rows: w.rows, columns: w.columns }));
}

/** bundle.csv: the header as field/value pairs; exclusions.csv: one row per rule and item. */
async function writeHeader(view: BundleView, dir: string, reasons: (rule: string, what: string) => string, opts: CsvOptions): Promise<CsvFile[]> {
  const headerFile = view.kind === 'retention' ? 'archive.csv' : 'bundle.csv';
  const fields = new CsvWriter(path.join(dir, headerFile), ['field', 'value'], opts);
  for (const [k, v] of Object.entries(view.header)) {
    if (k === 'exclusions') continue;
    if (v !== null && typeof v === 'object') {
      const flat: CsvCells = {};
      flattenInto(flat, `${k}_`, v as BundleRecord);
      for (const [fk, fv] of Object.entries(flat)) await fields.add({ field: fk, value: fv });
    } else await fields.add({ field: k, value: cell(v) });
  }
  await fields.close();
  if (view.kind === 'retention') return [{ file: headerFile, rows: fields.rows, columns: fields.columns }];
  const excl = new CsvWriter(path.join(dir, 'exclusions.csv'), ['rule', 'what', 'count', 'reason'], opts);
  const exclusions = (view.header.exclusions ?? {}) as Record<string, Record<string, number>>;
  for (const [rule, items] of Object.entries(exclusions)) {
    for (const [what, count] of Object.entries(items ?? {})) {
      await excl.add({ rule, what, count: String(count), reason: reasons(rule, what) });
    }
  }
  await excl.close();
  return [
    { file: headerFile, rows: fields.rows, columns: fields.columns },
    { file: 'exclusions.csv', rows: excl.rows, columns: excl.columns },
  ];
}

/** Write every CSV of the bundle into `dir` (which must exist and be empty). */
export async function writeBundleCsv(
  view: BundleView,
  dir: string,
  reasons: (rule: string, what: string) => string = () => '',
  opts: CsvOptions = {},
): Promise<CsvFile[]> {
  const files = await writeHeader(view, dir, reasons, opts);
  for (const type of view.types) files.push(...(await writeType(view, type, dir, opts)));
  return files;
}
