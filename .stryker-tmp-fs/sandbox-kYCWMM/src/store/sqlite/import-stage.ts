// @ts-nocheck
// Staging an accept (I1, I2): the verify pass hands every line that parsed and
// passed its schema to a hook, which writes it as it is into temp.imp_records,
// so the bundle is read and parsed once. Once verify says the bundle is valid
// and the contacts of this accept are known, SQL keeps the records of the
// contacts taking part ('now'), the catalogue and the stubs, and fetches the
// letter documents the kept letters need.
// (The store's side of import staging: src/import asks for it through ImportStore.)
import type { RecordType } from '../../domain/model/records.js';
import type { AcceptSelection, ImportStaging, StagedLine } from '../port.js';
import type { Db } from './db.js';
import { inTransaction, inTransactionAsync } from './transaction.js';
import { createStaging, dropStaging } from './import-store.js';

/** temp table (store/import-store.ts): the first and last seq of each staged record type (filled by startStaging once the bundle is valid). */
const TYPE_RANGES = 'imp_type_range';

/**
 * SQL that keeps the staged records of one type (`typeSql`: a parameter or a
 * literal) for the alias `r`, reading only the seq range the type was staged
 * in: temp.imp_records has no index on type, and every full scan read all
 * the staged JSON (about 57 MB at 100,000 contacts). Without a range (records
 * staged some other way) it falls back to the whole table.
 */
export function stagedOfType(typeSql: string, r = 'r'): string {
  return `${r}.seq BETWEEN coalesce((SELECT lo FROM temp.${TYPE_RANGES} WHERE type = ${typeSql}), 0)
            AND coalesce((SELECT hi FROM temp.${TYPE_RANGES} WHERE type = ${typeSql}), 9223372036854775807) AND ${r}.type = ${typeSql}`;
}

export type { ContactState } from '../port.js';

/** A staging in progress during verify; `finish` keeps it (valid bundle) or drops it (I1: nothing of an invalid bundle stays). */
export type Staging = ImportStaging;

/** Starts staging into `db` (TEMP writes only, in one transaction: other writers are not blocked). */
export function startStaging(db: Db): Staging {
  createStaging(db);
  // the ref index is built once after the last insert (sorting once is cheaper than 200,000 index inserts)
  db.exec(`DROP INDEX temp.ix_imp_records_ref`);
  // the matching keys of contacts and stubs come with their lines (the other types have none)
  const add = db.prepare(`INSERT INTO temp.imp_records (type, ref, json, tax_digits, ident_key, tax_masked) VALUES (?, ?, ?, ?, ?, ?)`);
  // 50 rows per statement: about 40% less CPU than one run() per line (0.41 -> 0.26 s for 216,445 lines)
  const ROWS = 50;
  const addMany = db.prepare(
    `INSERT INTO temp.imp_records (type, ref, json, tax_digits, ident_key, tax_masked) VALUES ${Array(ROWS).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`,
  );
  const args: (string | null)[] = [];
  const row = (type: string, l: StagedLine): (string | null)[] => [
    type,
    l.ref,
    l.text,
    l.keys?.taxDigits ?? null,
    l.keys?.identity ?? null,
    l.keys?.maskedTax ?? null,
  ];
  // The first and last seq of each type (records are staged file by file, so a type's range holds little else).
  const ranges = new Map<string, { lo: number; hi: number }>();
  const seen = (type: string, lo: number, hi: number) => {
    const r = ranges.get(type);
    if (!r) ranges.set(type, { lo, hi });
    else {
      r.lo = Math.min(r.lo, lo);
      r.hi = Math.max(r.hi, hi);
    }
  };
  // not inTransaction (transaction.ts): this one spans the caller's hook and finish calls, and finish decides commit or roll back
  const own = !db.inTransaction;
  if (own) db.exec('BEGIN');
  return {
    hook(type, lines) {
      let i = 0;
      for (; i + ROWS <= lines.length; i += ROWS) {
        args.length = 0;
        for (let k = i; k < i + ROWS; k++) {
          const l = lines[k]!;
          args.push(type, l.ref, l.text, l.keys?.taxDigits ?? null, l.keys?.identity ?? null, l.keys?.maskedTax ?? null);
        }
        const last = Number(addMany.run(args).lastInsertRowid);
        seen(type, last - ROWS + 1, last);
      }
      for (; i < lines.length; i++) {
        const seq = Number(add.run(row(type, lines[i]!)).lastInsertRowid);
        seen(type, seq, seq);
      }
    },
    finish(valid) {
      if (valid) {
        db.exec(`CREATE INDEX temp.ix_imp_records_ref ON imp_records(ref)`);
        const put = db.prepare(`INSERT INTO temp.${TYPE_RANGES} (type, lo, hi) VALUES (?, ?, ?)`);
        for (const [type, r] of ranges) put.run(type, r.lo, r.hi);
      }
      if (own && db.inTransaction) db.exec(valid ? 'COMMIT' : 'ROLLBACK');
      if (!valid) dropStaging(db);
    },
  };
}

/** The contact whose state decides whether a record of the type takes part (I2: a contact's records follow it); null: always kept. */
const OWNER_SQL: Readonly<Partial<Record<RecordType, string>>> = {
  contacts: `r.ref`,
  investment_accounts: `json_extract(r.json, '$.primary_contact')`,
  policies: `json_extract(r.json, '$.primary_contact')`,
  pending_cases: `json_extract(r.json, '$.primary_contact')`,
  letters: `json_extract(r.json, '$.contact')`,
  activities: `json_extract(r.json, '$.contact')`,
  smartpad: `json_extract(r.json, '$.contact')`,
  employee_census: `json_extract(r.json, '$.business')`,
  // the relation goes with its contact when that one is of the bundle, else with the related contact
  key_relations: `CASE WHEN EXISTS (SELECT 1 FROM temp.imp_bundle_contacts x WHERE x.ref = json_extract(r.json, '$.contact'))
                   THEN json_extract(r.json, '$.contact') ELSE json_extract(r.json, '$.related_contact') END`,
};

export type { AcceptSelection };

/**
 * Keeps the staged records taking part in this accept: the contacts whose state
 * is 'now' and their records (positions with their account), every stub and
 * catalogue record. Fills temp.imp_bundle_contacts and temp.imp_docs; returns
 * the number of contacts accepted now.
 */
export async function selectStaged(db: Db, sel: AcceptSelection, document: (sha256: string) => Promise<Buffer>): Promise<number> {
  db.prepare(
    `INSERT OR REPLACE INTO temp.imp_bundle_contacts (ref, state)
     SELECT r.ref, CASE WHEN EXISTS (SELECT 1 FROM inbox_contacts i WHERE i.inbox_id = $inbox AND i.ref = r.ref AND i.accept_id IS NOT NULL) THEN 'done'
                        WHEN $selected IS NULL OR r.ref IN (SELECT value FROM json_each($selected)) THEN 'now' ELSE 'later' END
     FROM temp.imp_records r WHERE ${stagedOfType("'contacts'")} ORDER BY r.seq`,
  ).run({ inbox: sel.inboxId ?? null, selected: sel.selected ? JSON.stringify(sel.selected) : null });
  // One pass over the staged records for every owned type (a DELETE per type scanned them all each time), then positions.
  const owner = `CASE r.type ${Object.entries(OWNER_SQL)
    .map(([t, sql]) => `WHEN '${t}' THEN ${sql}`)
    .join(' ')} END`;
  const types = Object.keys(OWNER_SQL)
    .map((t) => `'${t}'`)
    .join(', ');
  // Verify resolved every reference: an owner is a contact or a stub of the bundle. With no stub and every
  // contact accepted now, every record stays, and the scan below (about 0.5 s at 100,000 contacts) is skipped.
  const allNow =
    db
      .prepare(
        `SELECT NOT EXISTS (SELECT 1 FROM temp.imp_bundle_contacts WHERE state != 'now')
                               AND NOT EXISTS (SELECT 1 FROM temp.imp_records r WHERE ${stagedOfType("'stubs'")})`,
      )
      .pluck()
      .get() === 1;
  if (!allNow)
    inTransaction(
      db,
      () => {
        db.exec(`DELETE FROM temp.imp_records WHERE seq IN (SELECT r.seq FROM temp.imp_records r WHERE r.type IN (${types})
               AND coalesce((SELECT b.state FROM temp.imp_bundle_contacts b WHERE b.ref = ${owner}), '') != 'now')`);
        // positions follow their account, when it is staged
        db.exec(`DELETE FROM temp.imp_records WHERE seq IN (SELECT r.seq FROM temp.imp_records r WHERE ${stagedOfType("'positions'")}
               AND NOT EXISTS (SELECT 1 FROM temp.imp_records a WHERE a.ref = json_extract(r.json, '$.account') AND a.type = 'investment_accounts'))`);
      },
      'scratch',
    );
  await stageDocuments(db, document);
  return db.prepare(`SELECT count(*) FROM temp.imp_bundle_contacts WHERE state = 'now'`).pluck().get() as number;
}

/** Letter attachments of the kept letters, read from the bundle before the accept's transaction. */
async function stageDocuments(db: Db, document: (sha256: string) => Promise<Buffer>): Promise<void> {
  const shas = db
    .prepare(
      `SELECT DISTINCT json_extract(r.json, '$.document.sha256') FROM temp.imp_records r WHERE ${stagedOfType("'letters'")} AND json_type(r.json, '$.document.sha256') = 'text'`,
    )
    .pluck()
    .all() as string[];
  const add = db.prepare(`INSERT OR IGNORE INTO temp.imp_docs (sha256, content) VALUES (?, ?)`);
  const put = async (): Promise<void> => {
    for (const sha of shas) add.run(sha, await document(sha));
  };
  if (db.inTransaction) await put();
  else await inTransactionAsync(db, put, 'scratch');
}
