// @ts-nocheck
// The bundle's JSON Schemas (B3), compiled once. The hot path validates with
// allErrors off; a record that fails is validated again by a second instance
// with allErrors on, so that the message can name every problem of that record.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Problem } from '../shared/errors.js';
import { RECORD_TYPES, SPECS, type RecordType } from './records.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020, opts?: unknown) => Ajv2020;

/** 'officeport@1.0': the header of a bundle of format 1.0, which carried no schemas (derived from the current header schema). */
export type SchemaName = RecordType | 'officeport' | 'retention' | typeof LEGACY_HEADER | typeof LEGACY_RETENTION;
export const LEGACY_HEADER = 'officeport@1.0';
export const LEGACY_RETENTION = 'retention@1.0';

/** schemas/ sits at the package root: two folders up from src/bundle, three from dist/src/bundle. */
export function schemasDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = path.resolve(here, up, 'schemas');
    if (fs.existsSync(path.join(dir, 'officeport.schema.json'))) return dir;
  }
  throw new Error(`schemas/ not found above ${here}`);
}

/** B9: where a bundle carries the schema of `name`, relative to the bag folder (its `$id` is the file name). */
export function schemaPath(name: string): string {
  return `schemas/${name}.schema.json`;
}

const shipped = new Map<string, Buffer>();

/** B9: the bytes of the schema this officeport ships; a bundle of the current format carries exactly these. */
export function shippedSchemaBytes(name: RecordType | 'officeport' | 'retention'): Buffer {
  let b = shipped.get(name);
  if (!b) shipped.set(name, (b = fs.readFileSync(path.join(schemasDir(), `${name}.schema.json`))));
  return b;
}

export function readSchema(name: SchemaName): Record<string, unknown> {
  if (name === LEGACY_HEADER) return legacyOf('officeport', 'officeport-1.0.schema.json');
  if (name === LEGACY_RETENTION) return legacyOf('retention', 'retention-1.0.schema.json');
  return JSON.parse(shippedSchemaBytes(name).toString('utf8')) as Record<string, unknown>;
}

/**
 * The header schema of format 1.0: today's, which is stricter in what it
 * checks, without the `schemas` map that 1.0 did not have. A 1.0 bundle's
 * records are checked against today's record schemas.
 */
function legacyOf(name: 'officeport' | 'retention', id: string): Record<string, unknown> {
  const s = JSON.parse(shippedSchemaBytes(name).toString('utf8')) as { $id: string; required: string[]; properties: Record<string, unknown> };
  s.$id = id;
  s.required = s.required.filter((r) => r !== 'schemas');
  delete s.properties.schemas;
  s.properties.format_version = { const: '1.0' };
  return s;
}

/** A schema made by officeport (a retention archive's row schemas), compiled once under `key`, checked like validate(). */
export function validateWith(key: string, schema: () => object, value: unknown): Problem[] {
  fast ??= new Validators(false);
  if (fast.getOther(key, schema)(value)) return [];
  thorough ??= new Validators(true);
  const fn = thorough.getOther(key, schema);
  fn(value);
  return (fn.errors ?? []).filter((e) => e.keyword !== 'if').map(describeError); // an if/then's own error only repeats its branch's
}

function makeAjv(allErrors: boolean): Ajv2020 {
  // strictRequired off: the names required by kind (B9) are required in an if/then branch, and declared beside it
  const ajv = new Ajv2020({ allErrors, verbose: allErrors, strict: true, strictRequired: false });
  // maxLength counts characters (code points, as JSON Schema says) on the thorough instance. The fast one counts
  // UTF-16 units (String.length, no loop over every string: 10% of verify's CPU on 400,000 short records): never
  // fewer, so it passes nothing the thorough one refuses, and a record it refuses is checked again by the thorough
  // one (validate(), record-chunk.ts). Set after construction: ajv warns on stderr of the option given to it.
  if (!allErrors) ajv.opts.unicode = false;
  addFormats(ajv, { mode: 'fast', formats: ['date', 'date-time', 'uuid'] });
  return ajv;
}

class Validators {
  private readonly ajv: Ajv2020;
  private readonly fns = new Map<string, ValidateFunction>();
  constructor(allErrors: boolean) {
    this.ajv = makeAjv(allErrors);
  }
  get(name: SchemaName): ValidateFunction {
    let fn = this.fns.get(name);
    if (!fn) {
      fn = this.ajv.compile(readSchema(name));
      this.fns.set(name, fn);
    }
    return fn;
  }
  getOther(key: string, schema: () => object): ValidateFunction {
    let fn = this.fns.get(`other:${key}`);
    if (!fn) {
      // without its $id: a row schema of a retention archive shares its file name with a bundle's record schema
      const { $id: _id, ...rest } = schema() as { $id?: string };
      fn = this.ajv.compile(rest);
      this.fns.set(`other:${key}`, fn);
    }
    return fn;
  }
}

let fast: Validators | undefined;
let thorough: Validators | undefined;

/** B9: the schemas a bundle carries, in the order they are written: the header's, then each record type's. */
export const SCHEMA_NAMES: readonly (RecordType | 'officeport')[] = ['officeport', ...RECORD_TYPES];

/** B9: officeport.json's `schemas`: the header's schema and each record file's, as carried in the bag. */
export function carriedSchemaMap(): Record<string, string> {
  const out: Record<string, string> = { 'officeport.json': schemaPath('officeport') };
  for (const t of RECORD_TYPES) out[`data/records/${t}.ndjson`] = schemaPath(t);
  return out;
}

/** B9: the tag files a bundle of the current format carries: every schema of SCHEMA_NAMES, as shipped. */
export function carriedSchemaFiles(): { path: string; content: Buffer }[] {
  return SCHEMA_NAMES.map((n) => ({ path: schemaPath(n), content: shippedSchemaBytes(n) }));
}

/**
 * Validate one value against a schema. Returns [] when valid, else problems
 * with the JSON pointer and a readable message (file and line are the caller's).
 */
export function validate(name: SchemaName, value: unknown): Problem[] {
  fast ??= new Validators(false);
  if (fast.get(name)(value)) return [];
  thorough ??= new Validators(true);
  const fn = thorough.get(name);
  fn(value);
  return (fn.errors ?? []).filter((e) => e.keyword !== 'if').map(describeError); // an if/then's own error only repeats its branch's
}

/**
 * L9: the longest value, in characters, each installation column may hold so
 * that a bundle can carry it: the maxLength of the bundle field it becomes
 * (for an id, its ref's less the prefix; for the installation, offices, users
 * and sets, what officeport.json says of them), by table then column; the shorter
 * where two record types share a table (contacts and stubs). load refuses
 * longer values, so an installation never holds what no bundle may carry.
 */
export function columnMaxLengths(): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const note = (table: string, column: string, max: unknown) => {
    if (typeof max !== 'number') return;
    let cols = out.get(table);
    if (!cols) out.set(table, (cols = new Map()));
    cols.set(column, Math.min(max, cols.get(column) ?? Infinity));
  };
  type Props = Record<string, { maxLength?: number; items?: { properties: Props }; properties?: Props }>;
  // the lists and the document inside records: table, the record type and field holding them, columns -> keys
  const nested: [string, RecordType, string, [string, string][]][] = [
    [
      'policy_parties',
      'policies',
      'parties',
      [
        ['role', 'role'],
        ['share_percent', 'share_percent'],
      ],
    ],
    [
      'case_parties',
      'pending_cases',
      'parties',
      [
        ['role', 'role'],
        ['share_percent', 'share_percent'],
      ],
    ],
    ['account_parties', 'investment_accounts', 'parties', [['role', 'role']]],
    ['policy_riders', 'policies', 'riders', [['amount', 'amount']]],
    ['letters', 'letters', 'document', [['document', 'name']]],
  ];
  for (const [table, type, field, columns] of nested) {
    const holder = (readSchema(type).properties as Props)[field]!;
    const props = holder.items?.properties ?? holder.properties!;
    for (const [column, key] of columns) note(table, column, props[key]?.maxLength);
  }
  // what officeport.json says of the source and the set exported
  const header = readSchema('officeport').properties as Props;
  const source = header.source!.properties!;
  for (const [table, column, max] of [
    ['installation', 'id', source.installation_id?.maxLength],
    ['installation', 'name', source.installation_name?.maxLength],
    ['offices', 'id', source.office_id?.maxLength],
    ['offices', 'name', source.office_name?.maxLength],
    ['users', 'id', source.user_id?.maxLength],
    ['users', 'username', source.username?.maxLength],
    ['sets', 'name', header.selection!.properties!.set?.maxLength],
  ] as const)
    note(table, column, max);
  for (const type of RECORD_TYPES) {
    const spec = SPECS[type];
    const props = readSchema(type).properties as Props;
    note(spec.table, 'id', (props.ref?.maxLength ?? NaN) - spec.prefix.length - 1);
    for (const f of spec.fields) {
      const max = props[f.name]?.maxLength;
      if (max !== undefined) note(spec.table, f.column ?? f.name, f.type === 'ref' ? max - f.to!.length - 1 : max);
    }
  }
  return out;
}

/** The validator validate() tries first (allErrors off): true when `value` passes. */
export function fastValidator(name: SchemaName): (value: unknown) => boolean {
  fast ??= new Validators(false);
  return fast.get(name) as (value: unknown) => boolean;
}

function describeError(e: ErrorObject): Problem {
  const got = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v) : shown(v));
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { pointer: `${e.instancePath}/${String(p.missingProperty)}`, message: 'required field is missing' };
    case 'additionalProperties':
      return { pointer: `${e.instancePath}/${String(p.additionalProperty)}`, message: 'unexpected field (not in the schema)' };
    case 'format':
      return { pointer: e.instancePath, message: `expected ${FORMAT_WORDS[String(p.format)] ?? p.format}, got ${got(e.data)}` };
    case 'enum':
      return { pointer: e.instancePath, message: `expected one of ${(p.allowedValues as unknown[]).join(', ')}, got ${got(e.data)}` };
    case 'const':
      return { pointer: e.instancePath, message: `expected ${got(p.allowedValue)}, got ${got(e.data)}` };
    case 'pattern':
      return { pointer: e.instancePath, message: `expected text matching ${String(p.pattern)}, got ${got(e.data)}` };
    case 'maxLength':
      return { pointer: e.instancePath, message: `longer than ${String(p.limit)} characters (${charCount(e.data)}): ${got(e.data)}` };
    case 'maxItems':
      return { pointer: e.instancePath, message: `more than ${String(p.limit)} entries (${Array.isArray(e.data) ? e.data.length : '?'})` };
    case 'type':
      return { pointer: e.instancePath, message: `expected ${String(p.type)}, got ${got(e.data)}` };
    default:
      return { pointer: e.instancePath, message: `${e.message ?? 'invalid'} (${e.keyword})` };
  }
}

/** A value as JSON for a message: short, and never a walk down a value nested without end (L9). */
function shown(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v !== null && typeof v === 'object') return 'an object';
  return JSON.stringify(v) ?? String(v);
}

function charCount(v: unknown): number {
  if (typeof v !== 'string') return 0;
  let n = 0;
  for (const _ of v) n++;
  return n;
}

const FORMAT_WORDS: Record<string, string> = {
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'an ISO 8601 time with zone (2025-04-01T09:30:00Z)',
  uuid: 'a UUID',
};
