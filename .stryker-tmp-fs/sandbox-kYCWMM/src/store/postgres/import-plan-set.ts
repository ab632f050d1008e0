// @ts-nocheck
// Set-based planning (I3-I9), as ../sqlite/import-plan-set.ts: every record
// type is planned by a few INSERT ... SELECT statements over the staged records
// instead of one lookup and one insert per record. The rows are exactly those
// the per-record rules give (same seq order, outcome, target_id and detail
// text, byte for byte: JSON is written compact, as SQLite's json functions and
// JSON.stringify write it); only decisions that need JavaScript (contacts and
// stubs with candidates or a plan choice, catalogue records: tens) go through
// the decision functions one by one. Party entries, key relations and census
// rows (I4, I6, I7) are decided by class: SQL gives and groups their features,
// the rules decide each class once (planByClass); no SQL here says what
// becomes of them or why.
import type { RecordType } from '../../domain/model/records.js';
import type { TableName } from '../../domain/model/tables.js';
import type { Presence } from '../../domain/reconcile.js';
import type { PlanDecision, PlanRules, PlanScope } from '../port.js';
import { jsonObjectSql, jsonValueSql } from './change-keys.js';
import type { Db } from './db.js';
import { DISPLAY_NAME_SQL, field, pages } from './import-store.js';
import { stagedOfType } from './import-stage.js';

type Rec = Record<string, unknown> & { ref: string };
type Decided = PlanDecision;

/** One type's planning: the accept's scope, the rules that decide single records, and the table of each record type. */
interface PlanContext {
  db: Db;
  scope: PlanScope;
  officeId: string;
  sourceInstallation: string;
  choices: Map<string, string>;
  rules: PlanRules<Rec, unknown>;
  tableOf: Readonly<Record<string, TableName>>;
}

/** json_quote(): the JSON text of a text value (JSON.stringify's), 'null' for none. */
const quote = (sql: string): string => jsonValueSql(`(${sql})::text`);

/** A staged JSON array field as json, or NULL when it is absent or not an array (SQLite's json_each then gives no rows). */
const arrayField = (name: string, r = 'r.json'): string => `CASE WHEN json_typeof(${r}::json -> '${name}') = 'array' THEN ${r}::json -> '${name}' END`;

/** Plans every staged record of one type. */
export function planTypeSet(db: Db, scope: PlanScope, type: RecordType, tableOf: Readonly<Record<string, TableName>>, rules: PlanRules<Rec, unknown>): void {
  const ctx: PlanContext = { db, scope, officeId: scope.officeId, sourceInstallation: scope.sourceInstallation, choices: scope.choices, rules, tableOf };
  switch (type) {
    case 'contacts':
      return planMatched(ctx, 'contacts');
    case 'stubs':
      return planMatched(ctx, 'stubs');
    case 'carriers':
    case 'products':
    case 'riders':
    case 'service_providers':
      return; // planned when first used (I5)
    case 'investment_accounts':
    case 'policies':
    case 'pending_cases':
      return planOwnedSet(ctx, type);
    case 'key_relations':
      return planPairsSet(ctx, 'key_relations', 'contact', 'related_contact');
    case 'employee_census':
      return planPairsSet(ctx, 'employee_census', 'business', 'employee_contact');
    default:
      return planSimpleSet(ctx, type);
  }
}

// ---- I3, I4: contacts and stubs -------------------------------------------

/**
 * Contacts (I3) and stubs (I4): a record with no candidate at all (no import_map
 * row, no tax id or stub hash, no identity key among the target's contacts) and
 * no plan choice is created (contacts) or dropped (stubs) by SQL; the others,
 * usually few, are decided one by one as before. A contact with a candidate is
 * matched on its own first (I3); SQL then groups the matches by the target
 * contact they name, and contestMatch (L12) decides each knowing the other
 * incoming contacts of its group: matching is decided in TypeScript only.
 */
function planMatched(ctx: PlanContext, type: 'contacts' | 'stubs'): void {
  const { db } = ctx;
  db.exec(`DELETE FROM imp_decided`);
  const taxKey =
    type === 'contacts'
      ? `coalesce(${field('kind')}, 'individual') || ':' || r.tax_digits`
      : `coalesce(${field('kind')}, 'individual') || ':' || ${field('tax_id_hash')}`;
  const taxTable = type === 'contacts' ? 'tgt_tax' : 'tgt_hash';
  const choices = [...ctx.choices.keys()];
  // An empty target index matches nothing: it is not looked up then (an empty office).
  const any = (table: string) => db.prepare(`SELECT EXISTS (SELECT 1 FROM ${table})`).pluck().get() === 1;
  const byTax = any(taxTable) ? `OR EXISTS (SELECT 1 FROM ${taxTable} t WHERE t.key = ${taxKey})` : '';
  const byIdentity = any('tgt_ident') ? `OR EXISTS (SELECT 1 FROM tgt_ident i WHERE i.key = r.ident_key)` : '';
  // A page at a time (a re-import may have a candidate for every contact): decided, then written.
  const candidates = db
    .prepare(
      `SELECT r.seq, r.json FROM imp_records r WHERE ${stagedOfType('@type')} AND r.seq > @after AND (
       EXISTS (SELECT 1 FROM import_map m WHERE m.source_installation = @src AND m.source_ref = r.ref AND m.office_id = @office)
       ${byTax} ${byIdentity}
       OR r.ref IN (SELECT json_array_elements_text(@chosen::json)))
     ORDER BY r.seq LIMIT 1000`,
    )
    .raw();
  const chosen = JSON.stringify(choices);
  const pageAfter = (after: number) => candidates.all({ type, after, src: ctx.sourceInstallation, office: ctx.officeId, chosen }) as [number, string][];
  const put = db.prepare(`INSERT INTO imp_decided (ref, outcome, target_id, detail) VALUES (?, ?, ?, ?)`);
  const write = (ref: string, d: Decided) => put.run(ref, d.outcome, d.target_id ?? null, JSON.stringify(d.detail));
  if (type === 'stubs') {
    for (let after = 0, page = pageAfter(after); page.length > 0; page = pageAfter(after)) {
      after = page[page.length - 1]![0];
      for (const [, json] of page) {
        const rec = JSON.parse(json) as Rec;
        write(rec.ref, ctx.rules.decideStub(rec));
      }
    }
  } else {
    // I3 then L12: every candidate's own match first, then each decided knowing which other incoming contacts match its target.
    db.exec(`DELETE FROM imp_match`);
    const keep = db.prepare(`INSERT INTO imp_match (seq, ref, target_id, match) VALUES (?, ?, ?, ?)`);
    for (let after = 0, page = pageAfter(after); page.length > 0; page = pageAfter(after)) {
      after = page[page.length - 1]![0];
      for (const [seq, json] of page) {
        const rec = JSON.parse(json) as Rec;
        const m = ctx.rules.matchContact(rec);
        keep.run(seq, rec.ref, m.target, JSON.stringify(m.match));
      }
    }
    // the rivals in the order SQLite's index on target_id lists them: by seq
    for (const row of pages<{ seq: number; json: string; match: string; rivals: string | null }>(
      db,
      `SELECT * FROM (SELECT m.seq, r.json, m.match,
        CASE WHEN m.target_id IS NOT NULL THEN (SELECT json_agg(o.ref ORDER BY o.seq)::text FROM imp_match o WHERE o.target_id = m.target_id AND o.ref != m.ref) END AS rivals
        FROM imp_match m JOIN imp_records r ON r.seq = m.seq) x`,
      1000,
    )) {
      const rec = JSON.parse(row.json) as Rec;
      const rivals = row.rivals ? (JSON.parse(row.rivals) as string[]) : [];
      write(rec.ref, ctx.rules.decideContact(rec, JSON.parse(row.match) as unknown, rivals));
    }
  }
  const fallback =
    type === 'contacts'
      ? { outcome: 'created', detail: `'{"name":' || ${quote(DISPLAY_NAME_SQL)} || ',"fingerprints":{}}'` }
      : { outcome: 'dropped', detail: `'{"name":' || ${quote(DISPLAY_NAME_SQL)} || ',"reason":"no such contact in the target office"}'` };
  db.prepare(
    `INSERT INTO imp_plan (ref, type, outcome, target_id, detail)
     SELECT r.ref, @type::text, coalesce(d.outcome, '${fallback.outcome}'), d.target_id, coalesce(d.detail, ${fallback.detail})
     FROM imp_records r LEFT JOIN imp_decided d ON d.ref = r.ref WHERE ${stagedOfType('@type')} ORDER BY r.seq`,
  ).run({ type });
}

// ---- I9: already imported ---------------------------------------------------

/** The target id an earlier import made of `refSql` in this office, if that row still exists (I9). */
function mappedSql(table: string, refSql: string): string {
  return `(SELECT m.target_id FROM import_map m WHERE m.source_installation = @src AND m.source_ref = ${refSql} AND m.office_id = @office
             AND m.target_table = '${table}' AND EXISTS (SELECT 1 FROM ${table} t WHERE t.id = m.target_id))`;
}

/** The detail text of a record linked because an earlier import brought it (I9), as a SQL literal: the rule's words. */
const linkedDetail = (ctx: PlanContext) => `'${JSON.stringify({ reason: ctx.rules.imported('').reason }).replace(/'/g, "''")}'`;

/** Positions, letters, activities, smartpad: created, or linked when an earlier import already brought them. */
function planSimpleSet(ctx: PlanContext, type: RecordType): void {
  const LINKED_DETAIL = linkedDetail(ctx);
  ctx.db
    .prepare(
      `INSERT INTO imp_plan (ref, type, outcome, target_id, detail)
     SELECT x.ref, @type::text, CASE WHEN x.id IS NULL THEN 'created' ELSE 'linked' END, x.id, CASE WHEN x.id IS NULL THEN '{}' ELSE ${LINKED_DETAIL} END
     FROM (SELECT r.seq, r.ref, ${mappedSql(ctx.tableOf[type], 'r.ref')} AS id FROM imp_records r WHERE ${stagedOfType('@type')}) x ORDER BY x.seq`,
    )
    .run({ type, src: ctx.sourceInstallation, office: ctx.officeId });
}

// ---- deciding by class (I4, I6, I7) --------------------------------------------

/**
 * The rules (PlanRules.party, relation, census) decide a class of entries at a
 * time, not each entry: SQL gives each entry's features (where each of its
 * contacts stands, whether it has a role, whether an earlier import brought it),
 * groups the entries by them, the rule decides each class once, and one
 * INSERT ... SELECT per class writes the plan rows of its entries. The rule is
 * given a placeholder wherever it would name per-row text (a ref, a list, a
 * role, a target id, why a stub was dropped); the placeholders in its answer are
 * filled row by row from the column they name. Export's decideByClass is the model.
 */
const slot = (column: string) => `\uE000${column}\uE000`;

/** SQL for a text a rule built for a class: its words as literals, each placeholder the column `e.<column>` it names. */
function filled(text: string): string {
  const sql = text.split(/\uE000(\w+)\uE000/).flatMap((part, i) => (i % 2 === 1 ? [`e.${part}`] : part === '' ? [] : [`'${part.replace(/'/g, "''")}'`]));
  return sql.length === 0 ? `''` : sql.join(' || ');
}

/** One class's decision as the plan row gets it: the outcome, SQL for the target id and for the detail text. */
interface ClassRow {
  outcome: string;
  target: string;
  detail: string;
}

/**
 * Plans entries by class: `entries` (SQL, run once into the TEMP table
 * imp_entries) gives each entry's plan seq, ref, features and the columns the
 * placeholders name; `decide` answers for each class of equal features.
 * Features are text or integers (a SQL comparison as ::int, SQLite's 0/1).
 */
function planByClass(
  db: Db,
  type: string,
  entries: string,
  params: Record<string, unknown>,
  seq: string,
  features: string[],
  decide: (k: Record<string, unknown>) => ClassRow,
): void {
  db.exec(`DROP TABLE IF EXISTS pg_temp.imp_entries`);
  db.prepare(`CREATE TEMP TABLE imp_entries AS ${entries}`).run(params);
  const cols = features.join(', ');
  const classes = db.prepare(`SELECT ${cols} FROM imp_entries GROUP BY ${cols}`).all() as Record<string, unknown>[];
  for (const k of classes) {
    const d = decide(k);
    db.prepare(
      `INSERT INTO imp_plan (seq, ref, type, outcome, target_id, detail)
       SELECT ${seq}, e.ref, ?::text, ?::text, ${d.target}, ${d.detail} FROM imp_entries e
       WHERE ${features.map((f) => (k[f] === null || k[f] === undefined ? `e.${f} IS NULL` : `e.${f} = ?`)).join(' AND ')}`,
    ).run(type, d.outcome, ...features.filter((f) => k[f] !== null && k[f] !== undefined).map((f) => k[f]));
  }
  db.exec(`DROP TABLE pg_temp.imp_entries`);
}

/** Where a contact stands, as a feature: present (in the office, or created by this accept), a stub that matched nothing, waiting in the inbox, or unknown. */
type Standing = 'present' | 'stub' | 'waiting' | 'unknown';

/**
 * Where contact `ref` stands, as presence() in src/import/plan-rows.ts tells
 * it once contacts and stubs are planned: the bundle's contacts and stubs are
 * looked up in imp_presence (alias `pr`, filled once per plan from their
 * plan rows); any other ref is present when an earlier import brought it (I3
 * (1)), else absent because it waits in the inbox (L8) or is unknown. Columns
 * `<p>_kind` (the feature, NULL when `skip`), `<p>_ref`, `<p>_why` (a dropped
 * stub's) and, with `target`, `<p>_target` (NULL for a contact this accept creates).
 */
function standingColumns(p: string, pr: string, ref: string, opts: { skip?: string; target?: boolean } = {}): string {
  const mapped = mappedSql('contacts', ref);
  const later = `(SELECT b.state FROM imp_bundle_contacts b WHERE b.ref = ${ref}) = 'later'`;
  const kind = `CASE ${opts.skip ? `WHEN ${opts.skip} THEN NULL` : ''}
      WHEN ${pr}.ref IS NOT NULL THEN CASE WHEN ${pr}.target_id IS NULL THEN 'stub' ELSE 'present' END
      WHEN ${mapped} IS NOT NULL THEN 'present' WHEN ${later} THEN 'waiting' ELSE 'unknown' END`;
  const target = `CASE WHEN ${pr}.ref IS NULL THEN ${mapped} WHEN substr(${pr}.target_id, 1, 4) != 'new:' THEN ${pr}.target_id END`;
  return `${kind} AS ${p}_kind, ${ref} AS ${p}_ref, ${pr}.why AS ${p}_why${opts.target ? `, ${target} AS ${p}_target` : ''}`;
}

/** The presence the rules read for a class whose contact (columns `<p>_...`) stands as `kind`. */
function presenceOf(rules: PlanContext['rules'], kind: Standing, p: string): Presence {
  switch (kind) {
    case 'present':
      return { present: true, target_id: slot(`${p}_target`) };
    case 'stub':
      return { present: false, why: slot(`${p}_why`) };
    case 'waiting':
    case 'unknown':
      return rules.absent(slot(`${p}_ref`), { kind });
  }
}

/** imp_presence for the planned contacts (present) and stubs (present when linked, else why they were dropped), once per plan. */
function ensurePresence(ctx: PlanContext): void {
  if (ctx.scope.presenceReady) return;
  ctx.scope.presenceReady = true;
  const why = filled(ctx.rules.absent(slot('ref'), { kind: 'stub', name: slot('name'), reason: slot('reason') }).why);
  ctx.db.exec(`DELETE FROM imp_presence;
    INSERT INTO imp_presence (ref, target_id, why)
    SELECT e.ref, e.target_id, CASE WHEN e.dropped THEN ${why} END
    FROM (SELECT p.ref, CASE WHEN p.type = 'contacts' THEN coalesce(p.target_id, 'new:' || p.ref) WHEN p.outcome = 'linked' THEN p.target_id END AS target_id,
            NOT (p.type = 'contacts' OR p.outcome = 'linked') AS dropped, ${field('name', 'p.detail')} AS name, ${field('reason', 'p.detail')} AS reason
          FROM imp_plan p WHERE p.type IN ('contacts', 'stubs')) e`);
}

// ---- I4, I5, I9: policies, pending cases, investment accounts ---------------

/**
 * Owned records: each is linked (I9) or created and followed by its party
 * entries (I4); the catalogue records it uses are planned just before it when
 * it is their first use (I5). Catalogue planning stays one by one (tens of
 * records); the records and party entries are placed around it by seq.
 */
function planOwnedSet(ctx: PlanContext, type: RecordType): void {
  const { db } = ctx;
  const params = { type, src: ctx.sourceInstallation, office: ctx.officeId };
  db.exec(`DELETE FROM imp_owned`);
  db.prepare(
    `INSERT INTO imp_owned (seq, ref, linked_id, np, ncat)
     SELECT x.seq, x.ref, x.id, CASE WHEN x.id IS NULL THEN coalesce(json_array_length(${arrayField('parties', 'x.json')}), 0) ELSE 0 END, 0
     FROM (SELECT r.seq, r.ref, r.json, ${mappedSql(ctx.tableOf[type], 'r.ref')} AS id FROM imp_records r WHERE ${stagedOfType('@type')}) x`,
  ).run(params);
  const base = ((db.prepare(`SELECT max(seq) FROM imp_plan`).pluck().get() as number | null) ?? 0) + 1;
  const catalogue = planCatalogueFirstUses(ctx);
  const anchors = new Map<number, number>();
  for (const c of catalogue) anchors.set(c.anchor, (anchors.get(c.anchor) ?? 0) + 1);
  const setCat = db.prepare(`UPDATE imp_owned SET ncat = ? WHERE seq = ?`);
  for (const [anchor, n] of anchors) setCat.run(n, anchor);
  // Each record's plan seq: after everything planned for the records before it, and after its own catalogue rows.
  db.prepare(
    `UPDATE imp_owned SET pseq = w.p FROM
       (SELECT seq, ?::bigint + sum(ncat + 1 + np) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) - 1 - np AS p FROM imp_owned) w
     WHERE w.seq = imp_owned.seq`,
  ).run(base);
  moveCatalogueRows(db, catalogue);
  const LINKED_DETAIL = linkedDetail(ctx);
  db.prepare(
    `INSERT INTO imp_plan (seq, ref, type, outcome, target_id, detail)
     SELECT pseq, ref, @type::text, CASE WHEN linked_id IS NULL THEN 'created' ELSE 'linked' END, linked_id,
            CASE WHEN linked_id IS NULL THEN '{}' ELSE ${LINKED_DETAIL} END
     FROM imp_owned ORDER BY seq`,
  ).run({ type });
  ensurePresence(ctx);
  planParties(ctx);
}

/** I4, L8 (PlanRules.party): each party entry of a created record, decided by class: where its contact stands, whether it has a role. */
function planParties(ctx: PlanContext): void {
  // Each field is read once (a MATERIALIZED CTE). Party fields are non-empty strings when present (schemas), so NULL means absent.
  const opt = (key: string, col: string) => `CASE WHEN ${col} IS NOT NULL THEN ',"${key}":' || ${quote(col)} ELSE '' END`;
  planByClass(
    ctx.db,
    'party',
    `WITH e AS MATERIALIZED (
       SELECT o.seq AS rseq, o.pseq, o.ref, j.i - 1 AS i, j.value ->> 'contact' AS contact, j.value ->> 'list' AS list,
              j.value ->> 'role' AS role, j.value ->> 'share_percent' AS share
       FROM imp_owned o JOIN imp_records r ON r.seq = o.seq
       CROSS JOIN LATERAL json_array_elements(${arrayField('parties')}) WITH ORDINALITY AS j(value, i) WHERE o.linked_id IS NULL)
     SELECT e.pseq + 1 + e.i AS seq, e.ref || '#parties/' || e.i AS ref, e.list, e.role, (coalesce(e.role, '') != '')::int AS has_role,
            '{"record":' || ${quote('e.ref')} || ${opt('contact', 'e.contact')} || ${opt('list', 'e.list')} || ${opt('role', 'e.role')} || ${opt('share_percent', 'e.share')} AS head,
            ${standingColumns('c', 'pr', 'e.contact', { target: true })}
     FROM e LEFT JOIN imp_presence pr ON pr.ref = e.contact`,
    { src: ctx.sourceInstallation, office: ctx.officeId },
    'e.seq',
    ['c_kind', 'has_role'],
    (k) => {
      const d = ctx.rules.party(presenceOf(ctx.rules, k.c_kind as Standing, 'c'), slot('list'), k.has_role === 1 ? slot('role') : undefined);
      if (d.outcome === 'linked') return { outcome: d.outcome, target: filled(d.target_id), detail: `e.head || '}'` };
      return { outcome: d.outcome, target: 'NULL', detail: `e.head || ',"reason":' || ${quote(filled(d.reason))} || '}'` };
    },
  );
}

interface CatalogueRow {
  /** its seq while planning (at the end of the plan) */
  tmp: number;
  /** the staged record whose use planned it */
  anchor: number;
}

type CatalogueType = 'carriers' | 'products' | 'riders' | 'service_providers';

/**
 * I5: the catalogue records used by the created records of imp_owned, planned
 * in the order of their first use (carrier, product, service provider, riders of
 * a record), as the per-record planner did; returns the rows it added.
 */
function planCatalogueFirstUses(ctx: PlanContext): CatalogueRow[] {
  const { db } = ctx;
  // One row per created record, read in JavaScript; a ref is a JSON string (SQLite's ->> gives anything else as a number or JSON)
  const str = (name: string) => `CASE WHEN json_typeof(r.json::json -> '${name}') = 'string' THEN ${field(name)} END`;
  const records = db
    .prepare(
      `SELECT o.seq, ${str('carrier')}, ${str('product')}, ${str('service_provider')}, (r.json::json -> 'riders')::text
     FROM imp_owned o JOIN imp_records r ON r.seq = o.seq WHERE o.linked_id IS NULL ORDER BY o.seq`,
    )
    .raw();
  const firstUse = new Map<string, { type: CatalogueType; anchor: number }>();
  const use = (ref: unknown, type: CatalogueType, anchor: number) => {
    if (typeof ref === 'string' && ref !== '' && !firstUse.has(ref)) firstUse.set(ref, { type, anchor });
  };
  for (const [seq, carrier, product, provider, riders] of records.iterate() as Iterable<[number, unknown, unknown, unknown, string | null]>) {
    use(carrier, 'carriers', seq);
    use(product, 'products', seq);
    use(provider, 'service_providers', seq);
    if (riders) for (const r of JSON.parse(riders) as { rider: string }[]) use(r.rider, 'riders', seq);
  }
  const maxSeq = db.prepare(`SELECT coalesce(max(seq), 0) FROM imp_plan`).pluck();
  const added = db.prepare(`SELECT seq FROM imp_plan WHERE seq > ? ORDER BY seq`).pluck();
  const rows: CatalogueRow[] = [];
  // Map order is first-use order: records in seq order, and within a record carrier, product, provider, riders.
  for (const [ref, u] of firstUse) {
    const before = maxSeq.get() as number;
    ctx.rules.planCatalogue(ref, u.type);
    for (const tmp of added.all(before) as number[]) rows.push({ tmp, anchor: u.anchor });
  }
  return rows;
}

/** The catalogue rows go to their places: just before the record that first used them, in the order they were planned. */
function moveCatalogueRows(db: Db, rows: CatalogueRow[]): void {
  if (rows.length === 0) return;
  const pseq = db.prepare(`SELECT pseq FROM imp_owned WHERE seq = ?`).pluck();
  const move = db.prepare(`UPDATE imp_plan SET seq = ? WHERE seq = ?`);
  const count = new Map<number, number>();
  for (const r of rows) count.set(r.anchor, (count.get(r.anchor) ?? 0) + 1);
  const done = new Map<number, number>();
  for (const r of rows) move.run(-r.tmp, r.tmp);
  for (const r of rows) {
    const k = done.get(r.anchor) ?? 0;
    done.set(r.anchor, k + 1);
    move.run((pseq.get(r.anchor) as number) - count.get(r.anchor)! + k, -r.tmp);
  }
}

// ---- I6, I7: key relations and census ------------------------------------------

/**
 * I6, I7, I9 (PlanRules.imported, relation, census): key relations and census
 * rows, decided by class: whether an earlier import brought the row, else
 * where each of its two contacts (`<a>`, `<b>`) stands.
 */
function planPairsSet(ctx: PlanContext, type: 'key_relations' | 'employee_census', a: string, b: string): void {
  const { db } = ctx;
  ensurePresence(ctx);
  const last = db.prepare(`SELECT coalesce(max(seq), 0) FROM imp_plan`).pluck().get() as number;
  const skip = { skip: 'x.id IS NOT NULL' };
  planByClass(
    db,
    type,
    `SELECT x.ref, x.id, (x.id IS NOT NULL)::int AS imported, row_number() OVER (ORDER BY x.seq) AS n,
            ${standingColumns('a', 'pa', 'x.a', skip)}, ${standingColumns('b', 'pb', 'x.b', skip)}
     FROM (SELECT r.seq, r.ref, ${field(a)} AS a, ${field(b)} AS b, ${mappedSql(type, 'r.ref')} AS id
           FROM imp_records r WHERE ${stagedOfType('@type')}) x
     LEFT JOIN imp_presence pa ON pa.ref = x.a LEFT JOIN imp_presence pb ON pb.ref = x.b ORDER BY x.seq`,
    { type, src: ctx.sourceInstallation, office: ctx.officeId },
    // after the rows planned so far, in staging order (n numbers the entries in it, as SQLite's rowid of the entries table)
    `${last} + e.n`,
    ['imported', 'a_kind', 'b_kind'],
    (k) => {
      if (k.imported === 1) {
        const d = ctx.rules.imported(slot('id'));
        return { outcome: d.outcome, target: filled(d.target_id), detail: jsonObjectSql(['reason'], () => `(${filled(d.reason)})::text`) };
      }
      const [pa, pb] = [presenceOf(ctx.rules, k.a_kind as Standing, 'a'), presenceOf(ctx.rules, k.b_kind as Standing, 'b')];
      const d = type === 'key_relations' ? ctx.rules.relation(pa, pb) : ctx.rules.census(pa, pb);
      if (d.outcome === 'created') return { outcome: d.outcome, target: 'NULL', detail: `'{}'` };
      return { outcome: d.outcome, target: 'NULL', detail: jsonObjectSql(['reason'], () => `(${filled(d.reason)})::text`) };
    },
  );
}
