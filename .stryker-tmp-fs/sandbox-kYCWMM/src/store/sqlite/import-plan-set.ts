// @ts-nocheck
// Set-based planning (I3-I9): every record type is planned by a few
// INSERT ... SELECT statements over the staged records instead of one lookup
// and one insert per record. The rows are exactly those the per-record rules
// give (same seq order, outcome, target_id and detail text); only decisions
// that need JavaScript (contacts and stubs with candidates or a plan choice,
// catalogue records: tens) go through the decision functions one by one.
// Party entries, key relations and census rows (I4, I6, I7) are decided by
// class: SQL gives and groups their features, the rules decide each class once
// (planByClass); no SQL here says what becomes of them or why.
// (The store's side of planning: src/import gives the per-record rules, PlanRules,
// and asks for a type to be planned through ImportStore.planType.)
import type { RecordType } from '../../domain/model/records.js';
import type { TableName } from '../../domain/model/tables.js';
import type { Presence } from '../../domain/reconcile.js';
import type { PlanDecision, PlanRules, PlanScope } from '../port.js';
import type { Db } from './db.js';
import { DISPLAY_NAME_SQL, pages } from './import-store.js';
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
  db.exec(`DELETE FROM temp.imp_decided`);
  const taxKey =
    type === 'contacts'
      ? `coalesce(json_extract(r.json, '$.kind'), 'individual') || ':' || r.tax_digits`
      : `coalesce(json_extract(r.json, '$.kind'), 'individual') || ':' || json_extract(r.json, '$.tax_id_hash')`;
  const taxTable = type === 'contacts' ? 'tgt_tax' : 'tgt_hash';
  const choices = [...ctx.choices.keys()];
  // An empty target index matches nothing: it is not looked up then (an empty office).
  const any = (table: string) => db.prepare(`SELECT EXISTS (SELECT 1 FROM temp.${table})`).pluck().get() === 1;
  const byTax = any(taxTable) ? `OR EXISTS (SELECT 1 FROM temp.${taxTable} t WHERE t.key = ${taxKey})` : '';
  const byIdentity = any('tgt_ident') ? `OR EXISTS (SELECT 1 FROM temp.tgt_ident i WHERE i.key = r.ident_key)` : '';
  // A page at a time (a re-import may have a candidate for every contact): decided, then written.
  const candidates = db
    .prepare(
      `SELECT r.seq, r.json FROM temp.imp_records r WHERE ${stagedOfType('$type')} AND r.seq > $after AND (
       EXISTS (SELECT 1 FROM import_map m WHERE m.source_installation = $src AND m.source_ref = r.ref AND m.office_id = $office)
       ${byTax} ${byIdentity}
       OR r.ref IN (SELECT value FROM json_each($chosen)))
     ORDER BY r.seq LIMIT 1000`,
    )
    .raw();
  const chosen = JSON.stringify(choices);
  const pageAfter = (after: number) => candidates.all({ type, after, src: ctx.sourceInstallation, office: ctx.officeId, chosen }) as [number, string][];
  const put = db.prepare(`INSERT INTO temp.imp_decided (ref, outcome, target_id, detail) VALUES (?, ?, ?, ?)`);
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
    db.exec(`DELETE FROM temp.imp_match`);
    const keep = db.prepare(`INSERT INTO temp.imp_match (seq, ref, target_id, match) VALUES (?, ?, ?, ?)`);
    for (let after = 0, page = pageAfter(after); page.length > 0; page = pageAfter(after)) {
      after = page[page.length - 1]![0];
      for (const [seq, json] of page) {
        const rec = JSON.parse(json) as Rec;
        const m = ctx.rules.matchContact(rec);
        keep.run(seq, rec.ref, m.target, JSON.stringify(m.match));
      }
    }
    for (const row of pages<{ seq: number; json: string; match: string; rivals: string | null }>(
      db,
      `SELECT * FROM (SELECT m.seq, r.json, m.match,
        CASE WHEN m.target_id IS NOT NULL THEN (SELECT json_group_array(o.ref) FROM temp.imp_match o WHERE o.target_id = m.target_id AND o.ref != m.ref) END AS rivals
        FROM temp.imp_match m JOIN temp.imp_records r ON r.seq = m.seq)`,
      1000,
    )) {
      const rec = JSON.parse(row.json) as Rec;
      const rivals = row.rivals ? (JSON.parse(row.rivals) as string[]) : [];
      write(rec.ref, ctx.rules.decideContact(rec, JSON.parse(row.match) as unknown, rivals));
    }
  }
  const fallback =
    type === 'contacts'
      ? { outcome: 'created', detail: `json_object('name', ${DISPLAY_NAME_SQL}, 'fingerprints', json_object())` }
      : { outcome: 'dropped', detail: `json_object('name', ${DISPLAY_NAME_SQL}, 'reason', 'no such contact in the target office')` };
  db.prepare(
    `INSERT INTO temp.imp_plan (ref, type, outcome, target_id, detail)
     SELECT r.ref, $type, coalesce(d.outcome, '${fallback.outcome}'), d.target_id, coalesce(d.detail, ${fallback.detail})
     FROM temp.imp_records r LEFT JOIN temp.imp_decided d ON d.ref = r.ref WHERE ${stagedOfType('$type')} ORDER BY r.seq`,
  ).run({ type });
}

// ---- I9: already imported ---------------------------------------------------

/** The target id an earlier import made of `refSql` in this office, if that row still exists (I9). */
function mappedSql(table: string, refSql: string): string {
  return `(SELECT m.target_id FROM import_map m WHERE m.source_installation = $src AND m.source_ref = ${refSql} AND m.office_id = $office
             AND m.target_table = '${table}' AND EXISTS (SELECT 1 FROM ${table} t WHERE t.id = m.target_id))`;
}

/** The detail text of a record linked because an earlier import brought it (I9), as a SQL literal: the rule's words. */
const linkedDetail = (ctx: PlanContext) => `'${JSON.stringify({ reason: ctx.rules.imported('').reason }).replace(/'/g, "''")}'`;

/** Positions, letters, activities, smartpad: created, or linked when an earlier import already brought them. */
function planSimpleSet(ctx: PlanContext, type: RecordType): void {
  const LINKED_DETAIL = linkedDetail(ctx);
  ctx.db
    .prepare(
      `INSERT INTO temp.imp_plan (ref, type, outcome, target_id, detail)
     SELECT x.ref, $type, CASE WHEN x.id IS NULL THEN 'created' ELSE 'linked' END, x.id, CASE WHEN x.id IS NULL THEN '{}' ELSE ${LINKED_DETAIL} END
     FROM (SELECT r.seq, r.ref, ${mappedSql(ctx.tableOf[type], 'r.ref')} AS id FROM temp.imp_records r WHERE ${stagedOfType('$type')}) x ORDER BY x.seq`,
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
 * Plans entries by class: `entries` (SQL, run once into temp.imp_entries) gives
 * each entry's plan seq, ref, features and the columns the placeholders name;
 * `decide` answers for each class of equal features.
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
  db.exec(`DROP TABLE IF EXISTS temp.imp_entries`);
  db.prepare(`CREATE TEMP TABLE imp_entries AS ${entries}`).run(params);
  const cols = features.join(', ');
  const classes = db.prepare(`SELECT ${cols} FROM temp.imp_entries GROUP BY ${cols}`).all() as Record<string, unknown>[];
  for (const k of classes) {
    const d = decide(k);
    db.prepare(
      `INSERT INTO temp.imp_plan (seq, ref, type, outcome, target_id, detail)
       SELECT ${seq}, e.ref, ?, ?, ${d.target}, ${d.detail} FROM temp.imp_entries e WHERE ${features.map((f) => `e.${f} IS ?`).join(' AND ')}`,
    ).run(type, d.outcome, ...features.map((f) => k[f] ?? null));
  }
  db.exec(`DROP TABLE temp.imp_entries`);
}

/** Where a contact stands, as a feature: present (in the office, or created by this accept), a stub that matched nothing, waiting in the inbox, or unknown. */
type Standing = 'present' | 'stub' | 'waiting' | 'unknown';

/**
 * Where contact `ref` stands, as presence() in src/import/plan-rows.ts tells
 * it once contacts and stubs are planned: the bundle's contacts and stubs are
 * looked up in temp.imp_presence (alias `pr`, filled once per plan from their
 * plan rows); any other ref is present when an earlier import brought it (I3
 * (1)), else absent because it waits in the inbox (L8) or is unknown. Columns
 * `<p>_kind` (the feature, NULL when `skip`), `<p>_ref`, `<p>_why` (a dropped
 * stub's) and, with `target`, `<p>_target` (NULL for a contact this accept creates).
 */
function standingColumns(p: string, pr: string, ref: string, opts: { skip?: string; target?: boolean } = {}): string {
  const mapped = mappedSql('contacts', ref);
  const later = `(SELECT b.state FROM temp.imp_bundle_contacts b WHERE b.ref = ${ref}) = 'later'`;
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

/** temp.imp_presence for the planned contacts (present) and stubs (present when linked, else why they were dropped), once per plan. */
function ensurePresence(ctx: PlanContext): void {
  if (ctx.scope.presenceReady) return;
  ctx.scope.presenceReady = true;
  const why = filled(ctx.rules.absent(slot('ref'), { kind: 'stub', name: slot('name'), reason: slot('reason') }).why);
  ctx.db.exec(`DELETE FROM temp.imp_presence;
    INSERT INTO temp.imp_presence (ref, target_id, why)
    SELECT e.ref, e.target_id, CASE WHEN e.dropped THEN ${why} END
    FROM (SELECT p.ref, CASE WHEN p.type = 'contacts' THEN coalesce(p.target_id, 'new:' || p.ref) WHEN p.outcome = 'linked' THEN p.target_id END AS target_id,
            NOT (p.type = 'contacts' OR p.outcome = 'linked') AS dropped, json_extract(p.detail, '$.name') AS name, json_extract(p.detail, '$.reason') AS reason
          FROM temp.imp_plan p WHERE p.type IN ('contacts', 'stubs')) e`);
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
  db.exec(`DELETE FROM temp.imp_owned`);
  db.prepare(
    `INSERT INTO temp.imp_owned (seq, ref, linked_id, np, ncat)
     SELECT x.seq, x.ref, x.id, CASE WHEN x.id IS NULL THEN coalesce(json_array_length(x.json, '$.parties'), 0) ELSE 0 END, 0
     FROM (SELECT r.seq, r.ref, r.json, ${mappedSql(ctx.tableOf[type], 'r.ref')} AS id FROM temp.imp_records r WHERE ${stagedOfType('$type')}) x`,
  ).run(params);
  const base = ((db.prepare(`SELECT max(seq) FROM temp.imp_plan`).pluck().get() as number | null) ?? 0) + 1;
  const catalogue = planCatalogueFirstUses(ctx);
  const anchors = new Map<number, number>();
  for (const c of catalogue) anchors.set(c.anchor, (anchors.get(c.anchor) ?? 0) + 1);
  const setCat = db.prepare(`UPDATE temp.imp_owned SET ncat = ? WHERE seq = ?`);
  for (const [anchor, n] of anchors) setCat.run(n, anchor);
  // Each record's plan seq: after everything planned for the records before it, and after its own catalogue rows.
  db.prepare(
    `UPDATE temp.imp_owned SET pseq = w.p FROM
       (SELECT seq, ? + sum(ncat + 1 + np) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) - 1 - np AS p FROM temp.imp_owned) w
     WHERE w.seq = imp_owned.seq`,
  ).run(base);
  moveCatalogueRows(db, catalogue);
  const LINKED_DETAIL = linkedDetail(ctx);
  db.prepare(
    `INSERT INTO temp.imp_plan (seq, ref, type, outcome, target_id, detail)
     SELECT pseq, ref, $type, CASE WHEN linked_id IS NULL THEN 'created' ELSE 'linked' END, linked_id,
            CASE WHEN linked_id IS NULL THEN '{}' ELSE ${LINKED_DETAIL} END
     FROM temp.imp_owned ORDER BY seq`,
  ).run({ type });
  ensurePresence(ctx);
  planParties(ctx);
}

/** I4, L8 (PlanRules.party): each party entry of a created record, decided by class: where its contact stands, whether it has a role. */
function planParties(ctx: PlanContext): void {
  // Each field is read once (a MATERIALIZED CTE: a flattened query parsed the entry again for every use).
  // Party fields are non-empty strings when present (schemas), so NULL means absent.
  const opt = (key: string, col: string) => `CASE WHEN ${col} IS NOT NULL THEN ',"${key}":' || json_quote(${col}) ELSE '' END`;
  planByClass(
    ctx.db,
    'party',
    `WITH e AS MATERIALIZED (
       SELECT o.seq AS rseq, o.pseq, o.ref, j.key AS i, j.value ->> '$.contact' AS contact, j.value ->> '$.list' AS list,
              j.value ->> '$.role' AS role, j.value ->> '$.share_percent' AS share
       FROM temp.imp_owned o JOIN temp.imp_records r ON r.seq = o.seq, json_each(r.json, '$.parties') j WHERE o.linked_id IS NULL)
     SELECT e.pseq + 1 + e.i AS seq, e.ref || '#parties/' || e.i AS ref, e.list, e.role, coalesce(e.role, '') != '' AS has_role,
            '{"record":' || json_quote(e.ref) || ${opt('contact', 'e.contact')} || ${opt('list', 'e.list')} || ${opt('role', 'e.role')} || ${opt('share_percent', 'e.share')} AS head,
            ${standingColumns('c', 'pr', 'e.contact', { target: true })}
     FROM e LEFT JOIN temp.imp_presence pr ON pr.ref = e.contact`,
    { src: ctx.sourceInstallation, office: ctx.officeId },
    'e.seq',
    ['c_kind', 'has_role'],
    (k) => {
      const d = ctx.rules.party(presenceOf(ctx.rules, k.c_kind as Standing, 'c'), slot('list'), k.has_role === 1 ? slot('role') : undefined);
      if (d.outcome === 'linked') return { outcome: d.outcome, target: filled(d.target_id), detail: `e.head || '}'` };
      return { outcome: d.outcome, target: 'NULL', detail: `e.head || ',"reason":' || json_quote(${filled(d.reason)}) || '}'` };
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
 * I5: the catalogue records used by the created records of temp.imp_owned, planned
 * in the order of their first use (carrier, product, service provider, riders of
 * a record), as the per-record planner did; returns the rows it added.
 */
function planCatalogueFirstUses(ctx: PlanContext): CatalogueRow[] {
  const { db } = ctx;
  // One row per created record (read in JavaScript: four json_extract passes with a GROUP BY were slower).
  const records = db
    .prepare(
      `SELECT o.seq, r.json ->> '$.carrier', r.json ->> '$.product', r.json ->> '$.service_provider', r.json -> '$.riders'
     FROM temp.imp_owned o JOIN temp.imp_records r ON r.seq = o.seq WHERE o.linked_id IS NULL ORDER BY o.seq`,
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
  const maxSeq = db.prepare(`SELECT coalesce(max(seq), 0) FROM temp.imp_plan`).pluck();
  const added = db.prepare(`SELECT seq FROM temp.imp_plan WHERE seq > ? ORDER BY seq`).pluck();
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
  const pseq = db.prepare(`SELECT pseq FROM temp.imp_owned WHERE seq = ?`).pluck();
  const move = db.prepare(`UPDATE temp.imp_plan SET seq = ? WHERE seq = ?`);
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
 * where each of its two contacts (`$.<a>`, `$.<b>`) stands.
 */
function planPairsSet(ctx: PlanContext, type: 'key_relations' | 'employee_census', a: string, b: string): void {
  const { db } = ctx;
  ensurePresence(ctx);
  const last = db.prepare(`SELECT coalesce(max(seq), 0) FROM temp.imp_plan`).pluck().get() as number;
  const skip = { skip: 'x.id IS NOT NULL' };
  planByClass(
    db,
    type,
    `SELECT x.ref, x.id, x.id IS NOT NULL AS imported,
            ${standingColumns('a', 'pa', 'x.a', skip)}, ${standingColumns('b', 'pb', 'x.b', skip)}
     FROM (SELECT r.seq, r.ref, json_extract(r.json, '$.${a}') AS a, json_extract(r.json, '$.${b}') AS b, ${mappedSql(type, 'r.ref')} AS id
           FROM temp.imp_records r WHERE ${stagedOfType('$type')}) x
     LEFT JOIN temp.imp_presence pa ON pa.ref = x.a LEFT JOIN temp.imp_presence pb ON pb.ref = x.b ORDER BY x.seq`,
    { type, src: ctx.sourceInstallation, office: ctx.officeId },
    // after the rows planned so far, in staging order (the rows of the entries table are numbered in it)
    `${last} + e.rowid`,
    ['imported', 'a_kind', 'b_kind'],
    (k) => {
      if (k.imported === 1) {
        const d = ctx.rules.imported(slot('id'));
        return { outcome: d.outcome, target: filled(d.target_id), detail: `json_object('reason', ${filled(d.reason)})` };
      }
      const [pa, pb] = [presenceOf(ctx.rules, k.a_kind as Standing, 'a'), presenceOf(ctx.rules, k.b_kind as Standing, 'b')];
      const d = type === 'key_relations' ? ctx.rules.relation(pa, pb) : ctx.rules.census(pa, pb);
      if (d.outcome === 'created') return { outcome: d.outcome, target: 'NULL', detail: `'{}'` };
      return { outcome: d.outcome, target: 'NULL', detail: `json_object('reason', ${filled(d.reason)})` };
    },
  );
}
