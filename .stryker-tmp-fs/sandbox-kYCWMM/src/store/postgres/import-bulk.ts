// @ts-nocheck
// Set-based apply (P2, I8, I11, I13), as ../sqlite/import-bulk.ts: the
// records of one type that an accept creates are written by a few INSERT ...
// SELECT statements from the staged records (imp_records) and the plan
// (imp_plan), with ids reserved as one block, bundle refs resolved through
// imp_refs and import_map, and the change log written by one statement per
// table. Per record this replaces about ten statements run from JavaScript.
import { REF_TABLE, SPECS, type PartyRecordType, type RecordType } from '../../domain/model/records.js';
import type { Db } from './db.js';
import { reserveIds } from './ids.js';
import { maxRowid, type ChangeLog } from './import-changes.js';
import { field } from './import-store.js';
import { TABLES, type TableName } from '../../domain/model/tables.js';

export interface BulkContext {
  db: Db;
  log: ChangeLog;
  officeId: string;
  sourceInstallation: string;
  bundleId: string;
}

/** A list field of the staged record, else SQL NULL (json_each yields nothing for a missing or null list; json_array_elements would refuse a scalar). */
const arrayOf = (name: string): string => `CASE WHEN json_typeof(r.json::json -> '${name}') = 'array' THEN r.json::json -> '${name}' END`;

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** SQL for the target id of a bundle ref: this accept's, else what an earlier import made of it (if still there). */
export function refSql(ctx: BulkContext, refExpr: string, table: TableName): string {
  return `coalesce((SELECT target_id FROM imp_refs WHERE ref = ${refExpr}),
    (SELECT m.target_id FROM import_map m WHERE m.source_installation = ${lit(ctx.sourceInstallation)} AND m.source_ref = ${refExpr}
       AND m.office_id = ${lit(ctx.officeId)} AND m.target_table = '${table}' AND EXISTS (SELECT 1 FROM ${table} t WHERE t.id = m.target_id)))`;
}

/** Column -> SQL over the staged record `r.json` and its new id `n.id`, as rowOf() builds a row in JavaScript. */
function columnsOf(ctx: BulkContext, type: RecordType, table: TableName, extra: Record<string, string>): [string, string][] {
  const cols = new Set(TABLES[table].columns.map((c) => c.name));
  const out: [string, string][] = [['id', 'n.id']];
  if (cols.has('office_id')) out.push(['office_id', lit(ctx.officeId)]);
  for (const f of SPECS[type].fields) {
    const col = f.type === 'ref' ? f.column! : f.name;
    if (!cols.has(col) || col in extra) continue;
    const name = f.name.replace(/'/g, "''");
    if (f.type === 'ref') out.push([col, refSql(ctx, field(name), REF_TABLE[f.to!]!)]);
    else out.push([col, `CASE WHEN json_typeof(r.json::json -> '${name}') = 'string' THEN nullif(${field(name)}, '') END`]);
  }
  for (const [c, sql] of Object.entries(extra)) out.push([c, sql]);
  return out;
}

/**
 * Creates every record of `type` the plan marks `created` (and that `only`
 * admits), in plan order: ids, rows, refs, import_map rows to be written, and
 * the change log. Returns how many.
 */
export function createAll(ctx: BulkContext, type: RecordType, table: TableName, prefix: string, extra: Record<string, string> = {}): number {
  const { db } = ctx;
  db.exec(`DELETE FROM imp_new`);
  const n = db.prepare(`SELECT count(*) FROM imp_plan WHERE type = ? AND outcome = 'created'`).pluck().get(type) as number;
  if (n === 0) return 0;
  const base = reserveIds(db, table, prefix, n, 'table');
  db.prepare(
    `INSERT INTO imp_new (seq, ref, id) SELECT seq, ref, ?::text || lpad(x.n::text, greatest(6, length(x.n::text)), '0')
     FROM (SELECT seq, ref, ?::bigint + row_number() OVER (ORDER BY seq) - 1 AS n FROM imp_plan WHERE type = ? AND outcome = 'created') x ORDER BY seq`,
  ).run(prefix, base, type);
  const cols = columnsOf(ctx, type, table, extra);
  const before = maxRowid(db, table);
  db.prepare(
    `INSERT INTO ${table} (${cols.map(([c]) => `"${c}"`).join(', ')})
     SELECT ${cols.map(([, sql]) => sql).join(', ')} FROM imp_new n JOIN imp_records r ON r.ref = n.ref AND r.type = ? ORDER BY n.seq`,
  ).run(type);
  ctx.log.logInsertedSince(table, before, ['id']);
  db.exec(`INSERT INTO imp_refs (ref, target_id) SELECT ref, id FROM imp_new ON CONFLICT (ref) DO UPDATE SET target_id = excluded.target_id`);
  // SQLite's INSERT OR REPLACE: a ref already listed leaves its place and takes a new one at the end
  db.exec(`DELETE FROM imp_map_new WHERE ref IN (SELECT ref FROM imp_new)`);
  db.prepare(`INSERT INTO imp_map_new (ref, target_table, target_id, outcome) SELECT ref, ?, id, 'created' FROM imp_new ORDER BY seq`).run(table);
  return n;
}

/** Where the party entries of each record type with party lists go (share_percent on policies and cases). */
export const PARTY_TABLE: Readonly<Record<PartyRecordType, { table: TableName; owner: string; share: boolean }>> = {
  policies: { table: 'policy_parties', owner: 'policy_id', share: true },
  pending_cases: { table: 'case_parties', owner: 'case_id', share: true },
  investment_accounts: { table: 'account_parties', owner: 'account_id', share: false },
};

/** I4: the kept party entries of the records just created (imp_new), and the riders of new policies. */
export function createEntries(ctx: BulkContext, type: RecordType): void {
  const { db } = ctx;
  const p = type in PARTY_TABLE ? PARTY_TABLE[type as PartyRecordType] : undefined;
  if (p) {
    const keyCols = [p.owner, 'contact_id', 'list', 'role', ...(p.share ? ['share_percent'] : [])];
    const before = maxRowid(db, p.table);
    db.prepare(
      `INSERT INTO ${p.table} (${keyCols.map((c) => `"${c}"`).join(', ')})
       SELECT n.id, ${refSql(ctx, `(e.value ->> 'contact')`, 'contacts')}, e.value ->> 'list', e.value ->> 'role'
              ${p.share ? `, e.value ->> 'share_percent'` : ''}
       FROM imp_new n JOIN imp_records r ON r.ref = n.ref AND r.type = ?
       CROSS JOIN LATERAL json_array_elements(${arrayOf('parties')}) WITH ORDINALITY e(value, i)
       JOIN imp_plan d ON d.ref = n.ref || '#parties/' || (e.i - 1)
       WHERE d.outcome = 'linked' ORDER BY n.seq, e.i`,
    ).run(type);
    ctx.log.logInsertedSince(p.table, before, keyCols);
  }
  if (type === 'policies') {
    const before = maxRowid(db, 'policy_riders');
    db.prepare(
      `INSERT INTO policy_riders (policy_id, rider_id, amount)
       SELECT n.id, ${refSql(ctx, `(e.value ->> 'rider')`, 'riders')}, e.value ->> 'amount'
       FROM imp_new n JOIN imp_records r ON r.ref = n.ref AND r.type = 'policies'
       CROSS JOIN LATERAL json_array_elements(${arrayOf('riders')}) WITH ORDINALITY e(value, i)
       ORDER BY n.seq, e.i`,
    ).run();
    ctx.log.logInsertedSince('policy_riders', before, ['policy_id', 'rider_id', 'amount']);
  }
}

/** I11: the import_map rows of this accept, in one pass: new keys inserted, keys of an earlier import updated (logged with their before-image). */
export function writeImportMap(ctx: BulkContext): void {
  const { db, log } = ctx;
  const src = lit(ctx.sourceInstallation);
  const office = lit(ctx.officeId);
  log.scope(ctx.sourceInstallation, ctx.officeId);
  // Keys an earlier import mapped, a page at a time by seq (P1: a re-import of a large bundle never holds them all).
  const existing = db.prepare(
    `SELECT n.seq, n.ref, n.target_table, n.target_id, n.outcome FROM imp_map_new n
     WHERE n.seq > ? AND EXISTS (SELECT 1 FROM import_map m WHERE m.source_installation = ${src} AND m.source_ref = n.ref AND m.office_id = ${office})
     ORDER BY n.seq LIMIT 2000`,
  );
  for (let after = 0; ;) {
    const page = existing.all(after) as { seq: number; ref: string; target_table: string; target_id: string; outcome: string }[];
    if (page.length === 0) break;
    after = page[page.length - 1]!.seq;
    for (const e of page) {
      log.update(
        'import_map',
        { source_installation: ctx.sourceInstallation, source_ref: e.ref, office_id: ctx.officeId },
        {
          target_table: e.target_table,
          target_id: e.target_id,
          bundle_id: ctx.bundleId,
          outcome: e.outcome,
        },
      );
    }
  }
  // Logged before the insert (a new row is one no earlier import mapped), with the digest of the row about to be written.
  const fresh = `FROM imp_map_new n WHERE NOT EXISTS (SELECT 1 FROM import_map m WHERE m.source_installation = ${src} AND m.source_ref = n.ref AND m.office_id = ${office})`;
  // seq numbers for every place of imp_map_new (those of rows that already existed stay unused)
  const { lo, hi } = db.prepare(`SELECT min(seq) AS lo, max(seq) AS hi FROM imp_map_new`).get() as { lo: number | null; hi: number | null };
  const value: Record<string, string> = {
    source_installation: src,
    source_ref: 'n.ref',
    office_id: office,
    target_table: 'n.target_table',
    target_id: 'n.target_id',
    bundle_id: lit(ctx.bundleId),
    outcome: 'n.outcome',
  };
  const digest = log.digestOf(Object.keys(value), (c) => value[c]!);
  if (lo !== null && hi !== null)
    log.logSelected('import_map', hi - lo + 1, `SELECT n.seq - ? AS o, ${log.mapKeySql('n.ref')} AS k, ${digest} AS h ${fresh}`, [lo]);
  db.prepare(
    `INSERT INTO import_map (source_installation, source_ref, office_id, target_table, target_id, bundle_id, outcome)
     SELECT ${src}, n.ref, ${office}, n.target_table, n.target_id, ?, n.outcome ${fresh} ORDER BY n.seq`,
  ).run(ctx.bundleId);
}
