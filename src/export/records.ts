// export, step 2 (B3, B4, X8): the payload. Each record file is one ordered
// SELECT over the selection tables export-select.ts filled, streamed line by line;
// party lists and riders are read alongside their records in the same order,
// so nothing is held in memory but the current record.
import {
  buildParty,
  buildRiderEntry,
  documentPath,
  NESTED_FIELDS,
  recordFile,
  RECORD_TYPES,
  recordBuilder,
  SPECS,
  type BundleHeader,
  type PartyRecordType,
  type RecordType,
  type Row,
} from '../bundle/records.js';
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
import { sel, type ExportScope } from './select.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/sqlite/db.js';

export interface TypeQuery {
  /** FROM ... WHERE ... naming the source table as `t` */
  from: string;
  /** columns beyond t.* */
  also?: string;
  /** the ORDER BY that puts rows in id order (x.id when the TEMP table of ids drives the query) */
  order: string;
  build: (row: Row) => Record<string, unknown>;
  /**
   * The record's columns are written as JSON text by SQLite (recordSql): build
   * reads only `cols` of the row (as they are) and `flags` (only whether they
   * hold a value), and returns only nested fields (NESTED_FIELDS), which follow;
   * `bare`: build reads nothing and adds nothing (it is not called).
   */
  sql?: { cols?: string[]; flags?: string[]; bare?: boolean };
}

/** Record files made elsewhere (a worker thread): each resolves to its lines, or undefined when it has no records. */
export type RemoteFiles = Map<RecordType, () => Promise<AsyncIterable<Buffer> | undefined>>;

/** Documents, then record files, in path order (documents sort before records). */
export async function* payloadFiles(
  db: Db,
  scope: ExportScope,
  header: BundleHeader,
  onRecords?: (n: number) => void,
  remote: RemoteFiles = new Map(),
): AsyncIterable<PayloadFile> {
  const docs = db.prepare(
    `SELECT d.sha256, d.content FROM documents d WHERE d.path IN
       (SELECT l.document FROM letters l JOIN ${sel('x_letters')} x ON x.id = l.id) GROUP BY d.sha256 ORDER BY d.sha256`,
  );
  for (const doc of docs.iterate() as Iterable<{ sha256: string; content: Buffer }>) {
    header.counts.documents++;
    yield { path: documentPath(doc.sha256), content: doc.content, source: () => [doc.content] };
  }
  const queries = typeQueries(db, scope, header);
  for (const type of RECORD_TYPES) {
    const made = remote.get(type);
    if (made) {
      const lines = await made();
      if (lines) yield { path: recordFile(type), source: () => lines };
      continue;
    }
    if (!hasRecords(db, queries[type], scope)) continue;
    yield { path: recordFile(type), source: () => recordLines(db, type, queries[type], scope, header, onRecords) };
  }
}

/** Whether a record file has any record (an empty file is left out of the bag). */
export function hasRecords(db: Db, q: TypeQuery, scope: ExportScope): boolean {
  return db.prepare(`SELECT 1 ${q.from} LIMIT 1`).get(scope.params) !== undefined;
}

export function* recordLines(
  db: Db,
  type: RecordType,
  q: TypeQuery,
  scope: ExportScope,
  header: BundleHeader,
  onRecords?: (n: number) => void,
): Generator<string> {
  let chunk = '';
  let n = 0;
  for (const line of q.sql ? sqlRecords(db, type, q, scope) : builtRecords(db, type, q, scope)) {
    chunk += line;
    n++;
    header.counts[type]++;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
      onRecords?.(n);
      n = 0;
    }
  }
  if (chunk) yield chunk;
  onRecords?.(n);
}

/** Record lines built in JavaScript from whole rows. */
function* builtRecords(db: Db, type: RecordType, q: TypeQuery, scope: ExportScope): Generator<string> {
  const rows = rowsOf(db.prepare(`SELECT t.*${q.also ? `, ${q.also}` : ''} ${q.from} ORDER BY ${q.order}`), scope.params);
  const build = recordBuilder(type);
  for (const row of rows) yield JSON.stringify(build(row, q.build(row))) + '\n';
}

/**
 * Record lines whose columns SQLite writes as JSON text (recordSql), with the
 * nested fields build gives added in JavaScript: the same text as
 * JSON.stringify of recordBuilder's record, for about half the CPU (at 100,000
 * contacts, 32,000 contacts: 330-410 ms -> 220 ms), as better-sqlite3 hands over
 * one string per row instead of one per column and no objects are built for it.
 * A row with a value that is not text (a blob in a text column) is built from
 * its whole row in JavaScript instead.
 */
function* sqlRecords(db: Db, type: RecordType, q: TypeQuery, scope: ExportScope): Generator<string> {
  const { cols = [], flags = [] } = q.sql!;
  const columns = [
    `${recordSql(type)} AS ${JSON_COLUMN}`,
    't.id AS id',
    ...cols.map((c) => `t.${c}`),
    ...flags.map((c) => `CASE WHEN typeof(t.${c}) = 'text' THEN t.${c} <> '' ELSE t.${c} END AS ${c}`),
    ...(q.also ? [q.also] : []),
  ];
  const stmt = db.prepare(`SELECT ${columns.join(', ')} ${q.from} ORDER BY ${q.order}`);
  const nested = NESTED_FIELDS[type];
  const keys = nested.map((k) => `,${JSON.stringify(k)}:`);
  let whole: Statement | undefined;
  let build: ReturnType<typeof recordBuilder> | undefined;
  const make = rowMaker(stmt);
  for (const a of stmt.raw(true).iterate(scope.params) as Iterable<unknown[]>) {
    const json = a[0] as string | null;
    if (json !== null && q.sql!.bare) {
      yield json + '}\n';
      continue;
    }
    const row = make(a);
    if (json === null) {
      // Not all text: the whole row, as builtRecords reads it.
      whole ??= db.prepare(`SELECT * FROM (SELECT t.*${q.also ? `, ${q.also}` : ''} ${q.from}) WHERE id = @export_row_id`);
      build ??= recordBuilder(type);
      const full = whole.get({ ...scope.params, export_row_id: row.id }) as Row;
      yield JSON.stringify(build(full, q.build(full))) + '\n';
      continue;
    }
    const extra = q.build(row);
    let line = json;
    for (const k in extra) {
      if (!nested.includes(k)) throw new BugError(`export: ${type} builds ${k}, not a nested field, from a row SQLite wrote as JSON`);
    }
    for (let i = 0; i < nested.length; i++) {
      const v = extra[nested[i]!];
      if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      line += keys[i] + JSON.stringify(v);
    }
    yield line + '}\n';
  }
}

const JSON_COLUMN = 'record_json';

/**
 * SQL for the start of a record's JSON text, `{"ref":...` and its column fields
 * (without the closing brace), as recordBuilder and JSON.stringify make them:
 * fields in schema order, refs from *_id columns, empty values left out; SQLite's
 * json_quote escapes text as JSON.stringify does. NULL when any of the row's
 * values is not text or NULL.
 */
export function recordSql(type: RecordType): string {
  const spec = SPECS[type];
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const cols = ['t.id', ...spec.fields.map((f) => `t.${f.column ?? f.name}`)];
  const text = cols.map((c) => `typeof(${c}) IN ('text', 'null')`).join(' AND ');
  const parts = [`${lit('{"ref":')} || json_quote(${lit(`${spec.prefix}/`)} || t.id)`];
  spec.fields.forEach((f, i) => {
    const c = cols[i + 1]!;
    const v = f.type === 'ref' ? `${lit(`${f.to!}/`)} || ${c}` : c;
    parts.push(`CASE WHEN ${c} IS NULL OR ${c} = '' THEN '' ELSE ${lit(`,${JSON.stringify(f.name)}:`)} || json_quote(${v}) END`);
  });
  return `CASE WHEN ${text} THEN ${parts.join(' || ')} END`;
}

/**
 * Rows as objects keyed by column name, like better-sqlite3's default mode, but
 * read as arrays and turned into objects by a function compiled for the
 * statement's columns: objects of one fixed shape built in JavaScript cost about
 * half of what better-sqlite3 spends building them natively (measured on the
 * contacts query at 100,000 contacts: 300 ms -> 155 ms).
 */
function* rowsOf(stmt: Statement, params: Record<string, string> = {}): Generator<Row> {
  const make = rowMaker(stmt);
  for (const a of stmt.raw(true).iterate(params) as Iterable<unknown[]>) yield make(a);
}

/** A function making a row object of the statement's columns from an array of its values. */
function rowMaker(stmt: Statement): (a: unknown[]) => Row {
  const names = stmt.columns().map((c) => c.name);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- column names come from our own schema, quoted by JSON.stringify
  return new Function('a', `return {${names.map((n, i) => `${JSON.stringify(n)}: a[${i}]`).join(', ')}};`) as (a: unknown[]) => Row;
}

/** Rows of one child table grouped by their owner, read alongside the owners in the same order. */
function childCursor(db: Db, sql: string, key: string): (ownerId: string) => Row[] {
  let it: Iterator<Row> | undefined;
  let next: IteratorResult<Row>;
  return (ownerId) => {
    if (!it) {
      it = rowsOf(db.prepare(sql));
      next = it.next();
    }
    const rows: Row[] = [];
    while (!next.done && (next.value[key] as string) < ownerId) next = it.next();
    while (!next.done && next.value[key] === ownerId) {
      rows.push(next.value);
      next = it.next();
    }
    return rows;
  };
}

const inX = (col: string, x: string) => ({ from: `FROM ${col.split('.')[0]} t WHERE t.${col.split('.')[1]} IN (SELECT id FROM ${sel(x)})`, order: 't.id' });
// Driven by the TEMP table of chosen ids (a WITHOUT ROWID table, so already in id order): one seek per
// exported row, no sort. Joined the other way round, SQLite scanned the whole source table by id.
const own = (x: string, table: string) => ({ from: `FROM ${sel(x)} x CROSS JOIN ${table} t ON t.id = x.id`, order: 'x.id' });
const none = () => ({});

export function typeQueries(db: Db, scope: ExportScope, header: BundleHeader): Record<RecordType, TypeQuery> {
  const ex = header.exclusions;
  const origin = (row: Row) => ({ origin: catalogueOrigin(row.office_id!, scope.officeId, scope.ancestors) });
  const drops = (rule: (r: Row) => Decision[]) => (row: Row) => (rule(row).forEach((d) => tally(ex, d)), {});
  return {
    activities: { ...inX('activities.contact_id', 'x_contacts'), build: none, sql: { bare: true } },
    carriers: { ...own('x_carriers', 'carriers'), build: origin },
    contacts: { ...own('x_contacts', 'contacts'), build: drops(contactDrops), sql: { cols: ['kind'], flags: ['primary_advisor_id', 'referred_by_id', 'custom'] } },
    employee_census: { ...inX('employee_census.business_id', 'x_contacts'), build: none, sql: { bare: true } },
    key_relations: { ...own('x_relations', 'key_relations'), build: none, sql: { bare: true } },
    letters: {
      from: `${own('x_letters', 'letters').from} LEFT JOIN documents d ON d.path = t.document`,
      order: 'x.id',
      also: 'd.sha256 AS doc_sha256, d.size AS doc_size',
      build: documentOf,
      sql: { cols: ['document'] },
    },
    positions: { ...inX('positions.account_id', 'x_accounts'), build: drops(positionDrops), sql: { flags: ['custom'] } },
    products: { ...own('x_products', 'products'), build: origin },
    riders: { ...own('x_riders', 'riders'), build: origin },
    service_providers: { ...own('x_sps', 'service_providers'), build: origin },
    smartpad: { ...inX('smartpad.contact_id', 'x_contacts'), build: none, sql: { bare: true } },
    stubs: { ...own('x_stubs', 'contacts'), build: (row) => stubFields(row, header.stub_salt) },
    ...partyQueries(db, ex),
  };
}

/** X8: records with party lists (and a policy's riders), each list read alongside its records. */
function partyQueries(db: Db, ex: BundleHeader['exclusions']): Record<PartyRecordType, TypeQuery> {
  const parties = (table: string, owner: string, x: string, withShare: boolean) => {
    // Driven by the chosen owners (one index seek each), not a scan of the whole child table's index
    // probing the owners; rows of one owner in rowid order, as that index scan gave them.
    const next = childCursor(db, `SELECT c.* FROM ${sel(x)} x CROSS JOIN ${table} c ON c.${owner} = x.id ORDER BY x.id, c.rowid`, owner);
    return (id: string) => sortParties(next(id)).map((p) => buildParty(p.contact_id!, p.list!, p.role, withShare ? p.share_percent : null));
  };
  const accountParties = parties('account_parties', 'account_id', 'x_accounts', false);
  const caseParties = parties('case_parties', 'case_id', 'x_cases', true);
  const policyParties = parties('policy_parties', 'policy_id', 'x_policies', true);
  const riders = childCursor(
    db,
    `SELECT r.* FROM ${sel('x_policies')} x CROSS JOIN policy_riders r ON r.policy_id = x.id
      WHERE r.rider_id IS NOT NULL ORDER BY x.id, r.rider_id, r.amount`,
    'policy_id',
  );
  return {
    investment_accounts: {
      ...own('x_accounts', 'investment_accounts'),
      build: (row) => (accountDrops(row).forEach((d) => tally(ex, d)), { parties: accountParties(row.id!) }),
      sql: { flags: ['custom', 'asset_allocation', 'performance'] },
    },
    pending_cases: { ...own('x_cases', 'pending_cases'), build: (row) => ({ parties: caseParties(row.id!) }), sql: {} },
    policies: {
      ...own('x_policies', 'policies'),
      build: (row) => {
        policyDrops(row).forEach((d) => tally(ex, d));
        return { riders: riders(row.id!).map((r) => buildRiderEntry(r.rider_id!, r.amount)), parties: policyParties(row.id!) };
      },
      sql: { cols: ['line_of_business'], flags: ['custom'] },
    },
  };
}

/** B4: a letter's attachment, by content. */
function documentOf(letter: Row): Record<string, unknown> {
  const sha = letter.doc_sha256;
  if (!letter.document || !sha) return {};
  return { document: { path: documentPath(sha), name: letter.document, sha256: sha, size: Number(letter.doc_size) } };
}

