// Set-based planning (I3-I9): every record type is planned by a few
// INSERT ... SELECT statements over the staged records instead of one lookup
// and one insert per record. The rows are exactly those the per-record rules
// give (same seq order, outcome, target_id and detail text); only decisions
// that need JavaScript (contacts and stubs with candidates or a plan choice,
// catalogue records: tens) go through the decision functions one by one.
// (The store's side of planning: src/import gives the per-record rules, PlanRules,
// and asks for a type to be planned through ImportStore.planType.)
import type { RecordType } from '../../domain/model/records.js';
import type { TableName } from '../../domain/model/tables.js';
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
      return planRelationsSet(ctx);
    case 'employee_census':
      return planCensusSet(ctx);
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

const LINKED_DETAIL = `'{"reason":"already imported"}'`;

/** Positions, letters, activities, smartpad: created, or linked when an earlier import already brought them. */
function planSimpleSet(ctx: PlanContext, type: RecordType): void {
  ctx.db
    .prepare(
      `INSERT INTO temp.imp_plan (ref, type, outcome, target_id, detail)
     SELECT x.ref, $type, CASE WHEN x.id IS NULL THEN 'created' ELSE 'linked' END, x.id, CASE WHEN x.id IS NULL THEN '{}' ELSE ${LINKED_DETAIL} END
     FROM (SELECT r.seq, r.ref, ${mappedSql(ctx.tableOf[type], 'r.ref')} AS id FROM temp.imp_records r WHERE ${stagedOfType('$type')}) x ORDER BY x.seq`,
    )
    .run({ type, src: ctx.sourceInstallation, office: ctx.officeId });
}

// ---- presence of contacts (I4, I6, I7) ---------------------------------------

/**
 * Whether a contact ref is present in the target office, as presence() in
 * import-plan.ts decides it once contacts and stubs are planned: the bundle's
 * contacts and stubs are looked up in temp.imp_presence (filled once per plan
 * from their plan rows); any other ref is present when an earlier import
 * brought it (I3 (1)), else absent because it is still pending or unknown.
 * Returns SQL for its target id ('new:REF' for a contact this accept creates;
 * NULL when absent), for why it is absent and whether it waits in the inbox,
 * for a LEFT JOIN alias `pr` on it.
 */
function presenceSql(pr: string, ref: string): { target: string; why: string; waits: string } {
  const mapped = mappedSql('contacts', ref);
  const later = `(SELECT b.state FROM temp.imp_bundle_contacts b WHERE b.ref = ${ref}) = 'later'`;
  return {
    target: `CASE WHEN ${pr}.ref IS NOT NULL THEN ${pr}.target_id ELSE ${mapped} END`,
    why: `CASE WHEN ${pr}.ref IS NOT NULL THEN ${pr}.why WHEN ${mapped} IS NOT NULL THEN NULL
               WHEN ${later} THEN ${ref} || ' is not accepted yet (still pending in the inbox)'
               ELSE ${ref} || ' is not present in the target office' END`,
    // L8: absent but still pending in the inbox (Presence.waiting)
    waits: `(${pr}.ref IS NULL AND ${mapped} IS NULL AND coalesce(${later}, 0))`,
  };
}

/** temp.imp_presence for the planned contacts (present) and stubs (present when linked), once per plan. */
function ensurePresence(ctx: PlanContext): void {
  if (ctx.scope.presenceReady) return;
  ctx.scope.presenceReady = true;
  ctx.db.exec(`DELETE FROM temp.imp_presence;
    INSERT INTO temp.imp_presence (ref, target_id, why)
    SELECT p.ref,
      CASE WHEN p.type = 'contacts' THEN coalesce(p.target_id, 'new:' || p.ref) WHEN p.outcome = 'linked' THEN p.target_id END,
      CASE WHEN p.type = 'contacts' OR p.outcome = 'linked' THEN NULL
           ELSE p.ref || ' (' || json_extract(p.detail, '$.name') || '): ' || json_extract(p.detail, '$.reason') END
    FROM temp.imp_plan p WHERE p.type IN ('contacts', 'stubs')`);
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
  db.prepare(
    `INSERT INTO temp.imp_plan (seq, ref, type, outcome, target_id, detail)
     SELECT pseq, ref, $type, CASE WHEN linked_id IS NULL THEN 'created' ELSE 'linked' END, linked_id,
            CASE WHEN linked_id IS NULL THEN '{}' ELSE ${LINKED_DETAIL} END
     FROM temp.imp_owned ORDER BY seq`,
  ).run({ type });
  ensurePresence(ctx);
  planParties(ctx);
}

/** I4, L8 (decideParty): a party entry is linked when its contact is present, pending while it waits in the inbox, else dropped with the reason. */
function planParties(ctx: PlanContext): void {
  const { db } = ctx;
  const pr = presenceSql('pr', 'e.contact');
  // Each field is read once (a MATERIALIZED CTE: a flattened query parsed the entry again for every use).
  // Party fields are non-empty strings when present (schemas), so NULL means absent.
  const opt = (key: string, col: string) => `CASE WHEN ${col} IS NOT NULL THEN ',"${key}":' || json_quote(${col}) ELSE '' END`;
  db.prepare(
    `WITH e AS MATERIALIZED (
       SELECT o.seq AS rseq, o.pseq, o.ref, j.key AS i, j.value ->> '$.contact' AS contact, j.value ->> '$.list' AS list,
              j.value ->> '$.role' AS role, j.value ->> '$.share_percent' AS share
       FROM temp.imp_owned o JOIN temp.imp_records r ON r.seq = o.seq, json_each(r.json, '$.parties') j WHERE o.linked_id IS NULL)
     INSERT INTO temp.imp_plan (seq, ref, type, outcome, target_id, detail)
     SELECT e.pseq + 1 + e.i, e.ref || '#parties/' || e.i, 'party',
            CASE WHEN e.target IS NOT NULL THEN 'linked' WHEN e.waits THEN 'pending' ELSE 'dropped' END,
            CASE WHEN substr(e.target, 1, 4) = 'new:' THEN NULL ELSE e.target END,
            '{"record":' || json_quote(e.ref) || ${opt('contact', 'e.contact')} || ${opt('list', 'e.list')} || ${opt('role', 'e.role')} || ${opt('share_percent', 'e.share')}
              || CASE WHEN e.target IS NULL THEN ',"reason":' || json_quote('party entry (list ' || e.list
                   || CASE WHEN coalesce(e.role, '') != '' THEN ', role ' || e.role ELSE '' END || '): ' || e.why) ELSE '' END || '}'
     FROM (SELECT e.*, ${pr.target} AS target, ${pr.why} AS why, ${pr.waits} AS waits FROM e LEFT JOIN temp.imp_presence pr ON pr.ref = e.contact) e
     ORDER BY e.rseq, e.i`,
  ).run({ src: ctx.sourceInstallation, office: ctx.officeId });
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

/** I6: rebuilt when both contacts are present, else pending for a later bundle of the session (I9: linked when already imported). */
function planRelationsSet(ctx: PlanContext): void {
  const { db } = ctx;
  ensurePresence(ctx);
  const pa = presenceSql('a', 'x.c');
  const pb = presenceSql('b', 'x.rc');
  db.prepare(
    `INSERT INTO temp.imp_plan (ref, type, outcome, target_id, detail)
     SELECT y.ref, 'key_relations',
            CASE WHEN y.id IS NOT NULL THEN 'linked' WHEN y.at IS NOT NULL AND y.bt IS NOT NULL THEN 'created' ELSE 'pending' END,
            y.id,
            CASE WHEN y.id IS NOT NULL THEN ${LINKED_DETAIL} WHEN y.at IS NOT NULL AND y.bt IS NOT NULL THEN '{}'
                 ELSE json_object('reason', 'waiting for a later bundle of the session: ' ||
                   CASE WHEN y.aw IS NOT NULL AND y.bw IS NOT NULL THEN y.aw || '; ' || y.bw ELSE coalesce(y.aw, y.bw) END) END
     FROM (SELECT x.*, ${pa.target} AS at, ${pa.why} AS aw, ${pb.target} AS bt, ${pb.why} AS bw FROM (SELECT r.seq, r.ref, json_extract(r.json, '$.contact') AS c, json_extract(r.json, '$.related_contact') AS rc,
                  ${mappedSql('key_relations', 'r.ref')} AS id
           FROM temp.imp_records r WHERE ${stagedOfType("'key_relations'")}) x
     LEFT JOIN temp.imp_presence a ON a.ref = x.c LEFT JOIN temp.imp_presence b ON b.ref = x.rc) y
     ORDER BY y.seq`,
  ).run({ src: ctx.sourceInstallation, office: ctx.officeId });
}

/** I7, L8 (decideCensus): a census row is kept when its business and its employee are present, pending while the absent ones wait in the inbox (I9: linked when already imported). */
function planCensusSet(ctx: PlanContext): void {
  const { db } = ctx;
  ensurePresence(ctx);
  const pa = presenceSql('a', 'x.c');
  const pb = presenceSql('b', 'x.e');
  db.prepare(
    `INSERT INTO temp.imp_plan (ref, type, outcome, target_id, detail)
     SELECT y.ref, 'employee_census',
            CASE WHEN y.id IS NOT NULL THEN 'linked' WHEN y.at IS NOT NULL AND y.bt IS NOT NULL THEN 'created'
                 WHEN (y.at IS NOT NULL OR y.aq) AND (y.bt IS NOT NULL OR y.bq) THEN 'pending' ELSE 'dropped' END,
            y.id,
            CASE WHEN y.id IS NOT NULL THEN ${LINKED_DETAIL} WHEN y.at IS NULL THEN json_object('reason', 'business ' || y.aw)
                 WHEN y.bt IS NULL THEN json_object('reason', 'employee ' || y.bw) ELSE '{}' END
     FROM (SELECT x.*, ${pa.target} AS at, ${pa.why} AS aw, ${pa.waits} AS aq, ${pb.target} AS bt, ${pb.why} AS bw, ${pb.waits} AS bq
           FROM (SELECT r.seq, r.ref, json_extract(r.json, '$.business') AS c, json_extract(r.json, '$.employee_contact') AS e,
                  ${mappedSql('employee_census', 'r.ref')} AS id
           FROM temp.imp_records r WHERE ${stagedOfType("'employee_census'")}) x
     LEFT JOIN temp.imp_presence a ON a.ref = x.c LEFT JOIN temp.imp_presence b ON b.ref = x.e) y
     ORDER BY y.seq`,
  ).run({ src: ctx.sourceInstallation, office: ctx.officeId });
}
