// export, step 1 (X2-X10): which rows travel. The chosen ids go into tables
// of a scratch database attached to this connection (SEL), so the writer can stream each record file with
// one ordered SELECT and nothing is held in memory. Rows whose fate a rule
// decides (letters, key relations, pending cases) are read in pages and put
// to the rule in src/domain/export-rules.ts one by one.
import fs from 'node:fs';
import type { BundleHeader, Row } from '../bundle/records.js';
import { caseTravels, catalogueOrigin, letterTravels, relationTravels, tally, type Decision, type Presence } from '../domain/export-rules.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import type { Db } from '../store/sqlite/db.js';
import path from 'node:path';

export type Selection = { mode: 'set'; set: string } | { mode: 'all' } | { mode: 'contacts'; contacts: string[] };

export interface ExportScope {
  officeId: string;
  /** the source office's parent, its parent, ... (X9) */
  ancestors: string[];
  /** named parameters of the record queries */
  params: Record<string, string>;
}

const SELECTION_TABLES = [
  'x_contacts',
  'x_session',
  'x_policies',
  'x_cases',
  'x_accounts',
  'x_letters',
  'x_relations',
  'x_products',
  'x_riders',
  'x_sps',
  'x_carriers',
  'x_stubs',
];

/**
 * Where the chosen ids live: scratch database files attached to the export's
 * connection (not TEMP tables, which no other connection can read), so that a
 * worker thread with its own connection can stream record files too. The chosen
 * contacts have a file of their own (CON): it is complete early, and the worker
 * reads it while this connection still writes the rest of the selection (SEL).
 */
export const SEL = 'x_sel';
export const CON = 'x_con';

/** The qualified name of a selection table. */
export const sel = (table: string): string => `${table === 'x_contacts' ? CON : SEL}.${table}`;

/** The scratch files of a selection in `dir`. */
export function selectionFiles(dir: string): { [SEL]: string; [CON]: string } {
  return { [SEL]: path.join(dir, 'selection.db'), [CON]: path.join(dir, 'contacts.db') };
}

/** Attach fresh scratch databases in `dir`; nothing in them is durable. */
export function attachSelection(db: Db, dir: string): void {
  for (const [schema, file] of Object.entries(selectionFiles(dir))) {
    fs.closeSync(fs.openSync(file, 'wx', 0o600)); // L11: private from the start (SQLite would make it 0644)
    db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file);
    db.pragma(`${schema}.journal_mode = OFF`);
    db.pragma(`${schema}.synchronous = OFF`);
  }
}

export function detachSelection(db: Db): void {
  const attached = new Set((db.pragma('database_list') as { name: string }[]).map((d) => d.name));
  for (const schema of [SEL, CON]) if (attached.has(schema)) db.exec(`DETACH DATABASE ${schema}`);
}

/** `onContacts` hears how many contacts are chosen as soon as they are (the rest of the selection takes longer). */
export function selectExport(db: Db, header: BundleHeader, selection: Selection, onContacts?: (n: number) => void): ExportScope {
  const officeId = header.source.office_id;
  for (const t of SELECTION_TABLES) {
    db.exec(`DROP TABLE IF EXISTS ${sel(t)}; CREATE TABLE ${sel(t)} (id TEXT PRIMARY KEY) WITHOUT ROWID`);
  }
  const contacts = selectContacts(db, officeId, selection);
  onContacts?.(contacts);
  db.prepare(
    `INSERT INTO ${sel('x_session')} SELECT contact_id FROM export_session_contacts
      WHERE session_id = ? AND office_id = ? AND contact_id NOT IN (SELECT id FROM ${sel('x_contacts')})`,
  ).run(header.session_id, officeId);
  const ex = header.exclusions;
  const x = `(SELECT id FROM ${sel('x_contacts')})`;
  // X3, X10: policies and accounts of exported primary contacts go; cases unless attached to commissions.
  // The policies' catalogue ids are kept from the same read (selectCatalogue), not looked up again by id.
  db.exec(`DROP TABLE IF EXISTS temp.x_policy_refs;
    CREATE TEMP TABLE x_policy_refs AS SELECT id, product_id, carrier_id FROM policies WHERE primary_contact_id IN ${x};
    INSERT INTO ${sel('x_policies')} SELECT id FROM temp.x_policy_refs`);
  db.exec(`INSERT INTO ${sel('x_accounts')} SELECT id FROM investment_accounts WHERE primary_contact_id IN ${x}`);
  decideByClass(db, 'x_cases', `SELECT c.id, EXISTS (SELECT 1 FROM commissions m WHERE m.case_id = c.id) AS attached
     FROM pending_cases c WHERE c.primary_contact_id IN ${x}`, ['attached'], (k) => caseTravels(Number(k.attached) === 1), ex);
  // X5, X10: letters sent to the contact travel; e-mails and letters to others are counted.
  decideByClass(
    db,
    'x_letters',
    `SELECT c.id, c.kind, ${named('c.recipient_contact_id')} AS named, c.recipient_contact_id = c.contact_id AS to_contact
       FROM letters c WHERE c.contact_id IN ${x}`,
    ['kind', 'named', 'to_contact'],
    (k) => letterTravels({ kind: k.kind, contact_id: 'c', recipient_contact_id: !isOne(k.named) ? null : isOne(k.to_contact) ? 'c' : 'r' }),
    ex,
  );
  // X6: relations of exported contacts whose other contact is exported now or earlier in the session.
  const presence = (col: string) => `CASE WHEN c.${col} IN ${x} THEN 'bundle'
      WHEN c.${col} IN (SELECT id FROM ${sel('x_session')}) THEN 'session' ELSE 'absent' END`;
  decideByClass(
    db,
    'x_relations',
    `SELECT c.id, ${presence('contact_id')} AS pa, ${presence('related_contact_id')} AS pb, ${named('c.related_contact_id')} AS named
       FROM key_relations c WHERE (c.contact_id IN ${x} OR c.related_contact_id IN ${x})`,
    ['pa', 'pb', 'named'],
    (k) => relationTravels({ contact_id: 'a', related_contact_id: isOne(k.named) ? 'b' : null }, (id) => (id === 'a' ? k.pa : k.pb) as Presence),
    ex,
  );
  countNeverExported(db, ex);
  selectCatalogue(db);
  selectStubs(db);
  const ancestors = ancestorsOf(db, officeId);
  checkCatalogueOwners(db, officeId, ancestors);
  return { officeId, ancestors, params: {} };
}

/** X2: the set, the whole office or the named contacts; an unknown or empty selection is an error. Returns how many. */
function selectContacts(db: Db, officeId: string, s: Selection): number {
  if (s.mode === 'all') {
    db.prepare(`INSERT INTO ${sel('x_contacts')} SELECT id FROM contacts WHERE office_id = ?`).run(officeId);
  } else if (s.mode === 'set') {
    const set = db.prepare(`SELECT id, name FROM sets WHERE office_id = ? AND (name = ? OR id = ?)`).get(officeId, s.set, s.set) as
      | { id: string; name: string }
      | undefined;
    if (!set) {
      throw new OfficeportError(ErrorCode.NOT_FOUND, `no set ${JSON.stringify(s.set)} in the source office`, {
        hint: `see the sets with: officeport list sets --office ${officeId}, or make one with officeport set create`,
      });
    }
    db.prepare(
      `INSERT OR IGNORE INTO ${sel('x_contacts')} SELECT m.contact_id FROM set_members m JOIN contacts c ON c.id = m.contact_id
        WHERE m.set_id = ? AND c.office_id = ?`,
    ).run(set.id, officeId);
    if (count(db, 'x_contacts') === 0) {
      throw new OfficeportError(ErrorCode.REFUSED, `the set ${set.name} has no contacts of this office; nothing to export`, {
        hint: `add contacts with: officeport set add ${JSON.stringify(set.name)} --office ${officeId} --contact ID`,
      });
    }
  } else {
    const missing: string[] = [];
    const ins = db.prepare(`INSERT OR IGNORE INTO ${sel('x_contacts')} SELECT id FROM contacts WHERE id = ? AND office_id = ?`);
    for (const id of s.contacts) if (ins.run(id, officeId).changes === 0 && !isIn(db, 'x_contacts', id)) missing.push(id);
    if (missing.length > 0) {
      throw new OfficeportError(ErrorCode.NOT_FOUND, `no contact ${missing.join(', ')} in the source office`, {
        hint: 'name contacts of the source office by id (officeport dump shows them in contacts.csv)',
      });
    }
  }
  const n = count(db, 'x_contacts');
  if (n === 0) {
    throw new OfficeportError(ErrorCode.REFUSED, 'the source office has no contacts to export', { hint: 'choose another office' });
  }
  return n;
}

/**
 * Put a rule to each class of candidates instead of each row. The rules read only
 * a few features of a row (X3: attached to commissions or not; X5: the kind,
 * whether a recipient is named and whether it is the contact; X6: where each
 * contact stands), so `sql` gives those features besides the id, SQL groups the
 * candidates by them, the rule decides each class once on a row showing just
 * those features, and one INSERT ... SELECT keeps the ids of each class that
 * travels; the others are counted. Row by row (reading every candidate into
 * JavaScript and inserting each kept id) took about 0.3 s at 100,000 contacts.
 */
function decideByClass(db: Db, into: string, sql: string, features: string[], rule: (k: Row) => Decision, ex: BundleHeader['exclusions']): void {
  db.exec(`DROP TABLE IF EXISTS temp.x_candidates; CREATE TEMP TABLE x_candidates AS ${sql}`);
  const cols = features.join(', ');
  const classes = db.prepare(`SELECT ${cols}, count(*) AS n FROM temp.x_candidates GROUP BY ${cols}`).all() as (Row & { n: number })[];
  const keep = db.prepare(`INSERT INTO ${sel(into)} SELECT id FROM temp.x_candidates WHERE ${features.map((f) => `${f} IS ?`).join(' AND ')}`);
  for (const k of classes) {
    const d = rule(k);
    if (d.go) keep.run(...features.map((f) => k[f] ?? null));
    else tally(ex, d, k.n);
  }
  db.exec('DROP TABLE temp.x_candidates');
}

/** 1 when the column holds a value (not NULL, not empty), as the rules read a missing id. */
const named = (col: string) => `(${col} IS NOT NULL AND ${col} <> '')`;
const isOne = (v: unknown) => Number(v) === 1;

/** X10: what exported contacts have that never travels, counted. */
function countNeverExported(db: Db, ex: BundleHeader['exclusions']): void {
  const x = `(SELECT id FROM ${sel('x_contacts')})`;
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const add = (what: string, k: number) => tally(ex, { go: false, rule: 'X10', what }, k);
  add('leads', n(`SELECT count(*) AS n FROM leads WHERE contact_id IN ${x}`));
  add('set_memberships', n(`SELECT count(*) AS n FROM set_members WHERE contact_id IN ${x}`));
  add('event_invitations', n(`SELECT count(*) AS n FROM event_invitations WHERE contact_id IN ${x}`));
  add('proposals', n(`SELECT count(*) AS n FROM proposals WHERE contact_id IN ${x}`));
  add(
    'commissions',
    n(`SELECT count(*) AS n FROM commissions WHERE policy_id IN (SELECT id FROM ${sel('x_policies')})
        OR case_id IN (SELECT id FROM pending_cases WHERE primary_contact_id IN ${x})`),
  );
}

/** X9: carriers, products, riders and service providers of what travels. */
function selectCatalogue(db: Db): void {
  db.exec(`
    INSERT OR IGNORE INTO ${sel('x_products')} SELECT product_id FROM temp.x_policy_refs WHERE product_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_products')} SELECT product_id FROM pending_cases WHERE id IN (SELECT id FROM ${sel('x_cases')}) AND product_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_riders')} SELECT rider_id FROM policy_riders WHERE policy_id IN (SELECT id FROM ${sel('x_policies')}) AND rider_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_sps')} SELECT service_provider_id FROM pending_cases WHERE id IN (SELECT id FROM ${sel('x_cases')}) AND service_provider_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_carriers')} SELECT carrier_id FROM temp.x_policy_refs WHERE carrier_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_carriers')} SELECT carrier_id FROM pending_cases WHERE id IN (SELECT id FROM ${sel('x_cases')}) AND carrier_id IS NOT NULL;
    INSERT OR IGNORE INTO ${sel('x_carriers')} SELECT carrier_id FROM products WHERE id IN (SELECT id FROM ${sel('x_products')});
    INSERT OR IGNORE INTO ${sel('x_carriers')} SELECT carrier_id FROM riders WHERE id IN (SELECT id FROM ${sel('x_riders')});
    DROP TABLE temp.x_policy_refs;
  `);
}

/** X8, X7, X6: contacts that records name but that are not exported go as stubs. */
function selectStubs(db: Db): void {
  const notX = `NOT IN (SELECT id FROM ${sel('x_contacts')})`;
  db.exec(`
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT contact_id FROM policy_parties WHERE policy_id IN (SELECT id FROM ${sel('x_policies')}) AND contact_id ${notX};
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT contact_id FROM case_parties WHERE case_id IN (SELECT id FROM ${sel('x_cases')}) AND contact_id ${notX};
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT contact_id FROM account_parties WHERE account_id IN (SELECT id FROM ${sel('x_accounts')}) AND contact_id ${notX};
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT employee_contact_id FROM employee_census WHERE business_id IN (SELECT id FROM ${sel('x_contacts')}) AND employee_contact_id ${notX};
    DROP TABLE IF EXISTS temp.x_relation_ends;
    CREATE TEMP TABLE x_relation_ends AS SELECT contact_id, related_contact_id FROM key_relations WHERE id IN (SELECT id FROM ${sel('x_relations')});
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT contact_id FROM temp.x_relation_ends WHERE contact_id ${notX};
    INSERT OR IGNORE INTO ${sel('x_stubs')} SELECT related_contact_id FROM temp.x_relation_ends WHERE related_contact_id ${notX};
    DROP TABLE temp.x_relation_ends;
  `);
}

function ancestorsOf(db: Db, officeId: string): string[] {
  const out: string[] = [];
  const parent = db.prepare(`SELECT parent_id FROM offices WHERE id = ?`);
  let cur = (parent.get(officeId) as { parent_id: string | null } | undefined)?.parent_id;
  while (cur && !out.includes(cur) && cur !== officeId) {
    out.push(cur);
    cur = (parent.get(cur) as { parent_id: string | null } | undefined)?.parent_id;
  }
  return out;
}

/** X9: a catalogue record of any other office is not this office's to give away. */
function checkCatalogueOwners(db: Db, officeId: string, ancestors: string[]): void {
  for (const [table, x] of [
    ['carriers', 'x_carriers'],
    ['products', 'x_products'],
    ['riders', 'x_riders'],
    ['service_providers', 'x_sps'],
  ] as const) {
    const bad = db
      .prepare(`SELECT id, office_id FROM ${table} WHERE id IN (SELECT id FROM ${sel(x)}) ORDER BY id`)
      .all()
      .filter((r) => catalogueOrigin((r as Row).office_id!, officeId, ancestors) === undefined) as Row[];
    if (bad.length > 0) {
      throw new OfficeportError(
        ErrorCode.REFUSED,
        `${table} ${bad.map((r) => `${r.id} (office ${r.office_id})`).join(', ')} belong to neither the source office nor its parent office`,
        { hint: `point the exported policies and cases at ${table} of the source office or its parent office, then export again` },
      );
    }
  }
}

function count(db: Db, t: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${sel(t)}`).get() as { n: number }).n;
}

function isIn(db: Db, t: string, id: string): boolean {
  return db.prepare(`SELECT 1 FROM ${sel(t)} WHERE id = ?`).get(id) !== undefined;
}
