// export, step 1 (X2-X10): which rows travel. The chosen ids go into TEMP
// tables of this connection, so the writer can stream each record file with
// one ordered SELECT and nothing is held in memory. Rows whose fate a rule
// decides (letters, key relations, pending cases) are read in pages and put
// to the rule in src/domain/export-rules.ts one by one.
import type { BundleHeader, Row } from './bundle/records.js';
import { caseTravels, catalogueOrigin, letterTravels, relationTravels, tally, type Decision, type Presence } from './domain/export-rules.js';
import { ErrorCode, OfficeportError } from './errors.js';
import type { Db } from './store/db.js';

export type Selection = { mode: 'set'; set: string } | { mode: 'all' } | { mode: 'contacts'; contacts: string[] };

export interface ExportScope {
  officeId: string;
  /** the source office's parent, its parent, ... (X9) */
  ancestors: string[];
  /** named parameters of the record queries */
  params: Record<string, string>;
}

const TEMP_TABLES = [
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
const PAGE = 2000;

export function selectExport(db: Db, header: BundleHeader, selection: Selection): ExportScope {
  const officeId = header.source.office_id;
  for (const t of TEMP_TABLES) {
    db.exec(`DROP TABLE IF EXISTS temp.${t}; CREATE TEMP TABLE ${t} (id TEXT PRIMARY KEY) WITHOUT ROWID`);
  }
  selectContacts(db, officeId, selection);
  db.prepare(
    `INSERT INTO temp.x_session SELECT contact_id FROM export_session_contacts
      WHERE session_id = ? AND office_id = ? AND contact_id NOT IN (SELECT id FROM temp.x_contacts)`,
  ).run(header.session_id, officeId);
  const ex = header.exclusions;
  const x = `(SELECT id FROM temp.x_contacts)`;
  // X3, X10: policies and accounts of exported primary contacts go; cases unless attached to commissions.
  db.exec(`INSERT INTO temp.x_policies SELECT id FROM policies WHERE primary_contact_id IN ${x}`);
  db.exec(`INSERT INTO temp.x_accounts SELECT id FROM investment_accounts WHERE primary_contact_id IN ${x}`);
  decideInPages(db, 'x_cases', `SELECT c.id, EXISTS (SELECT 1 FROM commissions m WHERE m.case_id = c.id) AS attached
     FROM pending_cases c WHERE c.primary_contact_id IN ${x}`, (r) => caseTravels(Number(r.attached) === 1), ex);
  // X5, X10: letters sent to the contact travel; e-mails and letters to others are counted.
  decideInPages(db, 'x_letters', `SELECT c.id, c.kind, c.contact_id, c.recipient_contact_id FROM letters c WHERE c.contact_id IN ${x}`, letterTravels, ex);
  // X6: relations of exported contacts whose other contact is exported now or earlier in the session.
  const presence = (col: string) => `CASE WHEN c.${col} IN ${x} THEN 'bundle'
      WHEN c.${col} IN (SELECT id FROM temp.x_session) THEN 'session' ELSE 'absent' END`;
  decideInPages(
    db,
    'x_relations',
    `SELECT c.id, c.contact_id, c.related_contact_id, ${presence('contact_id')} AS pa, ${presence('related_contact_id')} AS pb
       FROM key_relations c WHERE (c.contact_id IN ${x} OR c.related_contact_id IN ${x})`,
    (r) => relationTravels(r, (id) => (id === r.contact_id ? r.pa : r.pb) as Presence),
    ex,
  );
  countNeverExported(db, ex);
  selectCatalogue(db);
  selectStubs(db);
  const ancestors = ancestorsOf(db, officeId);
  checkCatalogueOwners(db, officeId, ancestors);
  return { officeId, ancestors, params: {} };
}

/** X2: the set, the whole office or the named contacts; an unknown or empty selection is an error. */
function selectContacts(db: Db, officeId: string, s: Selection): void {
  if (s.mode === 'all') {
    db.prepare(`INSERT INTO temp.x_contacts SELECT id FROM contacts WHERE office_id = ?`).run(officeId);
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
      `INSERT OR IGNORE INTO temp.x_contacts SELECT m.contact_id FROM set_members m JOIN contacts c ON c.id = m.contact_id
        WHERE m.set_id = ? AND c.office_id = ?`,
    ).run(set.id, officeId);
    if (count(db, 'x_contacts') === 0) {
      throw new OfficeportError(ErrorCode.REFUSED, `the set ${set.name} has no contacts of this office; nothing to export`, {
        hint: `add contacts with: officeport set add ${JSON.stringify(set.name)} --office ${officeId} --contact ID`,
      });
    }
  } else {
    const missing: string[] = [];
    const ins = db.prepare(`INSERT OR IGNORE INTO temp.x_contacts SELECT id FROM contacts WHERE id = ? AND office_id = ?`);
    for (const id of s.contacts) if (ins.run(id, officeId).changes === 0 && !isIn(db, 'x_contacts', id)) missing.push(id);
    if (missing.length > 0) {
      throw new OfficeportError(ErrorCode.NOT_FOUND, `no contact ${missing.join(', ')} in the source office`, {
        hint: 'name contacts of the source office by id (officeport dump shows them in contacts.csv)',
      });
    }
  }
  if (count(db, 'x_contacts') === 0) {
    throw new OfficeportError(ErrorCode.REFUSED, 'the source office has no contacts to export', { hint: 'choose another office' });
  }
}

/**
 * Read candidate rows in pages (no write while a cursor is open), keep those the
 * rule lets go, count the rest. The candidates are first copied into a TEMP
 * table in one statement, so that each page is a seek by rowid: paging the
 * query itself by id re-ran it and re-sorted every match for every page.
 */
function decideInPages(db: Db, into: string, sql: string, rule: (r: Row) => Decision, ex: BundleHeader['exclusions']): void {
  db.exec(`DROP TABLE IF EXISTS temp.x_candidates; CREATE TEMP TABLE x_candidates AS ${sql}`);
  const page = db.prepare(`SELECT rowid AS x_rowid, * FROM temp.x_candidates WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE}`);
  const ins = db.prepare(`INSERT INTO temp.${into} (id) VALUES (?)`);
  // One transaction per page: an autocommit per row costs a lock round trip each (about 0.3 ms).
  const keep = db.transaction((ids: string[]) => {
    for (const id of ids) ins.run(id);
  });
  let after = 0;
  for (;;) {
    const rows = page.all(after) as (Row & { x_rowid: number })[];
    const go: string[] = [];
    for (const r of rows) {
      const d = rule(r);
      if (d.go) go.push(r.id!);
      else tally(ex, d);
    }
    keep(go);
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.x_rowid;
  }
  db.exec('DROP TABLE temp.x_candidates');
}

/** X10: what exported contacts have that never travels, counted. */
function countNeverExported(db: Db, ex: BundleHeader['exclusions']): void {
  const x = `(SELECT id FROM temp.x_contacts)`;
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const add = (what: string, k: number) => tally(ex, { go: false, rule: 'X10', what }, k);
  add('leads', n(`SELECT count(*) AS n FROM leads WHERE contact_id IN ${x}`));
  add('set_memberships', n(`SELECT count(*) AS n FROM set_members WHERE contact_id IN ${x}`));
  add('event_invitations', n(`SELECT count(*) AS n FROM event_invitations WHERE contact_id IN ${x}`));
  add('proposals', n(`SELECT count(*) AS n FROM proposals WHERE contact_id IN ${x}`));
  add(
    'commissions',
    n(`SELECT count(*) AS n FROM commissions WHERE policy_id IN (SELECT id FROM temp.x_policies)
        OR case_id IN (SELECT id FROM pending_cases WHERE primary_contact_id IN ${x})`),
  );
}

/** X9: carriers, products, riders and service providers of what travels. */
function selectCatalogue(db: Db): void {
  db.exec(`
    INSERT OR IGNORE INTO temp.x_products SELECT product_id FROM policies WHERE id IN (SELECT id FROM temp.x_policies) AND product_id IS NOT NULL;
    INSERT OR IGNORE INTO temp.x_products SELECT product_id FROM pending_cases WHERE id IN (SELECT id FROM temp.x_cases) AND product_id IS NOT NULL;
    INSERT OR IGNORE INTO temp.x_riders SELECT rider_id FROM policy_riders WHERE policy_id IN (SELECT id FROM temp.x_policies) AND rider_id IS NOT NULL;
    INSERT OR IGNORE INTO temp.x_sps SELECT service_provider_id FROM pending_cases WHERE id IN (SELECT id FROM temp.x_cases) AND service_provider_id IS NOT NULL;
    INSERT OR IGNORE INTO temp.x_carriers SELECT carrier_id FROM policies WHERE id IN (SELECT id FROM temp.x_policies) AND carrier_id IS NOT NULL;
    INSERT OR IGNORE INTO temp.x_carriers SELECT carrier_id FROM pending_cases WHERE id IN (SELECT id FROM temp.x_cases) AND carrier_id IS NOT NULL;
    INSERT OR IGNORE INTO temp.x_carriers SELECT carrier_id FROM products WHERE id IN (SELECT id FROM temp.x_products);
    INSERT OR IGNORE INTO temp.x_carriers SELECT carrier_id FROM riders WHERE id IN (SELECT id FROM temp.x_riders);
  `);
}

/** X8, X7, X6: contacts that records name but that are not exported go as stubs. */
function selectStubs(db: Db): void {
  const notX = `NOT IN (SELECT id FROM temp.x_contacts)`;
  db.exec(`
    INSERT OR IGNORE INTO temp.x_stubs SELECT contact_id FROM policy_parties WHERE policy_id IN (SELECT id FROM temp.x_policies) AND contact_id ${notX};
    INSERT OR IGNORE INTO temp.x_stubs SELECT contact_id FROM case_parties WHERE case_id IN (SELECT id FROM temp.x_cases) AND contact_id ${notX};
    INSERT OR IGNORE INTO temp.x_stubs SELECT contact_id FROM account_parties WHERE account_id IN (SELECT id FROM temp.x_accounts) AND contact_id ${notX};
    INSERT OR IGNORE INTO temp.x_stubs SELECT employee_contact_id FROM employee_census WHERE business_id IN (SELECT id FROM temp.x_contacts) AND employee_contact_id ${notX};
    INSERT OR IGNORE INTO temp.x_stubs SELECT contact_id FROM key_relations WHERE id IN (SELECT id FROM temp.x_relations) AND contact_id ${notX};
    INSERT OR IGNORE INTO temp.x_stubs SELECT related_contact_id FROM key_relations WHERE id IN (SELECT id FROM temp.x_relations) AND related_contact_id ${notX};
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
      .prepare(`SELECT id, office_id FROM ${table} WHERE id IN (SELECT id FROM temp.${x}) ORDER BY id`)
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
  return (db.prepare(`SELECT count(*) AS n FROM temp.${t}`).get() as { n: number }).n;
}

function isIn(db: Db, t: string, id: string): boolean {
  return db.prepare(`SELECT 1 FROM temp.${t} WHERE id = ?`).get(id) !== undefined;
}
