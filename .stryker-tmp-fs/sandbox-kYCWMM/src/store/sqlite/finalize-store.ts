// @ts-nocheck
// The SQL behind finalize (M1-M4), the finalize part of the store port: the
// receipt's confirmed refs go into a TEMP table, each plan step selects whole
// sets of rows into TEMP removal tables (rowid + travelled flag), archive rows
// are read with .iterate() from those sets and handed out in batches (a row's
// place is its rowid), then deletes and detaches run set-based. No row set is
// held in memory. The TEMP tables live and die with the session's transaction.
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { ConfirmedRef, FinalizeCounts, LedgerEntry, Owner, Step } from '../../domain/finalize-rules.js';
import { removalTables, touchedTables } from '../../domain/finalize-rules.js';
import { BugError, unreachable } from '../../shared/errors.js';
import type { Db } from './db.js';
import { inTransactionAsync } from './transaction.js';
import type { DetachedReference, FinalizeActor, FinalizeEntry, FinalizeRecords, FinalizeSelection, FinalizeSession, FinalizeStore, FinalizeUndoSession, RemovedDocument, RemovedRow } from '../port.js';
import type { Right } from '../../domain/model/tables.js';
import { installationId, requireOffice, requireRights, requireUser } from './offices.js';
import { SqliteFinalizeUndoSession, danglingReferences, findFinalizeOfArchive } from './finalize-undo-store.js';
import { TABLES, columnNames, hasId, type TableName } from '../../domain/model/tables.js';
interface FinalizeScope {
  officeId: string;
  sessionId: string;
}
function readLedger(db: Db, bundleId: string): LedgerEntry | undefined {
  if (stryMutAct_9fa48("0")) {
    {}
  } else {
    stryCov_9fa48("0");
    return db.prepare(`SELECT bundle_id, session_id, office_id, tagmanifest_sha256, finalized_at, receipt_key FROM export_ledger WHERE bundle_id = ?`).get(bundleId) as LedgerEntry | undefined;
  }
}

/** L3: a finalize undone by `finalize undo` (its transfer log entry's seq is named by an undo entry). */
const NOT_UNDONE = stryMutAct_9fa48("1") ? `` : (stryCov_9fa48("1"), `NOT EXISTS (SELECT 1 FROM transfer_log u WHERE u.action = 'finalize_undo' AND json_valid(u.summary)
  AND json_extract(u.summary, '$.finalize.seq') = t.seq)`);

/** M4: the transfer log entry of an earlier finalize of this very receipt (same bundle and accept) that was not undone (L3). */
function findFinalize(db: Db, bundleId: string, acceptId: string): {
  at: string;
  archive: string | null;
} | undefined {
  if (stryMutAct_9fa48("2")) {
    {}
  } else {
    stryCov_9fa48("2");
    return db.prepare(`SELECT at, json_extract(summary, '$.archive') AS archive FROM transfer_log t
        WHERE action = 'finalize' AND bundle_id = ? AND json_valid(summary) AND json_extract(summary, '$.accept_id') = ? AND ${NOT_UNDONE}
        ORDER BY seq LIMIT 1`).get(bundleId, acceptId) as {
      at: string;
      archive: string | null;
    } | undefined;
  }
}

/** Whether a committed finalize wrote its retention archive at this (absolute) path. */
function isRecordedArchive(db: Db, file: string): boolean {
  if (stryMutAct_9fa48("3")) {
    {}
  } else {
    stryCov_9fa48("3");
    return Boolean(db.prepare(stryMutAct_9fa48("4") ? `` : (stryCov_9fa48("4"), `SELECT 1 FROM transfer_log WHERE action = 'finalize' AND json_valid(summary) AND json_extract(summary, '$.archive') = ? LIMIT 1`)).get(file));
  }
}

/** Finalizes logged so far, undone ones included: of this bundle, and of this very receipt (an undone one, L3). */
function countFinalizes(db: Db, bundleId: string, acceptId: string): {
  bundle: number;
  receipt: number;
} {
  if (stryMutAct_9fa48("5")) {
    {}
  } else {
    stryCov_9fa48("5");
    return db.prepare(`SELECT count(*) AS bundle, coalesce(sum(json_valid(summary) AND json_extract(summary, '$.accept_id') = ?), 0) AS receipt
         FROM transfer_log WHERE action = 'finalize' AND bundle_id = ?`).get(acceptId, bundleId) as {
      bundle: number;
      receipt: number;
    };
  }
}

/** L2: the moved contacts selected by selectRemovals, in row order. */
function listMovedContacts(db: Db): {
  id: string;
  kind: string;
  first_name: string | null;
  last_name: string | null;
  business_name: string | null;
}[] {
  if (stryMutAct_9fa48("6")) {
    {}
  } else {
    stryCov_9fa48("6");
    return db.prepare(`SELECT c.id, c.kind, c.first_name, c.last_name, c.business_name FROM contacts c JOIN temp.fin_moved m ON m.id = c.id ORDER BY c.rowid`).all() as {
      id: string;
      kind: string;
      first_name: string | null;
      last_name: string | null;
      business_name: string | null;
    }[];
  }
}
const tableName = (t: string): TableName => {
  if (stryMutAct_9fa48("7")) {
    {}
  } else {
    stryCov_9fa48("7");
    if (stryMutAct_9fa48("10") ? false : stryMutAct_9fa48("9") ? true : stryMutAct_9fa48("8") ? t in TABLES : (stryCov_9fa48("8", "9", "10"), !(t in TABLES))) throw new BugError(stryMutAct_9fa48("11") ? `` : (stryCov_9fa48("11"), `finalize plan names an unknown table ${t}`));
    return t as TableName;
  }
};
const rm = stryMutAct_9fa48("12") ? () => undefined : (stryCov_9fa48("12"), (() => {
  const rm = (t: string) => stryMutAct_9fa48("13") ? `` : (stryCov_9fa48("13"), `temp.fin_rm_${tableName(t)}`);
  return rm;
})());
const q = stryMutAct_9fa48("14") ? () => undefined : (stryCov_9fa48("14"), (() => {
  const q = (c: string) => stryMutAct_9fa48("15") ? `` : (stryCov_9fa48("15"), `"${c.replace(/"/g, stryMutAct_9fa48("16") ? "Stryker was here!" : (stryCov_9fa48("16"), ''))}"`);
  return q;
})());
const MOVED = stryMutAct_9fa48("17") ? `` : (stryCov_9fa48("17"), `(SELECT id FROM temp.fin_moved)`);
const EXPORTED = stryMutAct_9fa48("18") ? `` : (stryCov_9fa48("18"), `(SELECT contact_id FROM export_session_contacts WHERE session_id = :session AND office_id = :office)`);

/** Creates the TEMP tables. Call inside the finalize transaction. */
function createFinalizeTables(db: Db, plan: readonly Step[]): void {
  if (stryMutAct_9fa48("19")) {
    {}
  } else {
    stryCov_9fa48("19");
    db.exec(stryMutAct_9fa48("20") ? `` : (stryCov_9fa48("20"), `DROP TABLE IF EXISTS temp.fin_refs; DROP TABLE IF EXISTS temp.fin_moved`));
    db.exec(stryMutAct_9fa48("21") ? `` : (stryCov_9fa48("21"), `CREATE TEMP TABLE fin_refs (prefix TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (prefix, id)) WITHOUT ROWID`));
    db.exec(stryMutAct_9fa48("22") ? `` : (stryCov_9fa48("22"), `CREATE TEMP TABLE fin_moved (id TEXT PRIMARY KEY) WITHOUT ROWID`));
    for (const t of touchedTables(plan)) {
      if (stryMutAct_9fa48("23")) {
        {}
      } else {
        stryCov_9fa48("23");
        db.exec(stryMutAct_9fa48("24") ? `` : (stryCov_9fa48("24"), `DROP TABLE IF EXISTS ${rm(t)}; CREATE TEMP TABLE fin_rm_${tableName(t)} (rid INTEGER PRIMARY KEY, travelled INTEGER NOT NULL)`));
      }
    }
  }
}
function ownerCondition(owner: Owner): string {
  if (stryMutAct_9fa48("25")) {
    {}
  } else {
    stryCov_9fa48("25");
    if (stryMutAct_9fa48("28") ? false : stryMutAct_9fa48("27") ? true : stryMutAct_9fa48("26") ? owner.via : (stryCov_9fa48("26", "27", "28"), !owner.via)) return stryMutAct_9fa48("29") ? `` : (stryCov_9fa48("29"), `t.${q(owner.column)} IN ${EXPORTED}`);
    const v = owner.via;
    return stryMutAct_9fa48("30") ? `` : (stryCov_9fa48("30"), `t.${q(owner.column)} IN (SELECT p.id FROM ${tableName(v.table)} p WHERE p.office_id = :office AND p.${q(v.column)} IN ${EXPORTED})`);
  }
}
function stepSql(s: Step): string | undefined {
  if (stryMutAct_9fa48("31")) {
    {}
  } else {
    stryCov_9fa48("31");
    const T = tableName(s.table);
    switch (s.op) {
      case stryMutAct_9fa48("33") ? "" : (stryCov_9fa48("33"), 'travelled'):
        if (stryMutAct_9fa48("32")) {} else {
          stryCov_9fa48("32");
          {
            if (stryMutAct_9fa48("34")) {
              {}
            } else {
              stryCov_9fa48("34");
              const office = (stryMutAct_9fa48("35") ? TABLES[T].columns.every(c => c.name === 'office_id') : (stryCov_9fa48("35"), TABLES[T].columns.some(stryMutAct_9fa48("36") ? () => undefined : (stryCov_9fa48("36"), c => stryMutAct_9fa48("39") ? c.name !== 'office_id' : stryMutAct_9fa48("38") ? false : stryMutAct_9fa48("37") ? true : (stryCov_9fa48("37", "38", "39"), c.name === (stryMutAct_9fa48("40") ? "" : (stryCov_9fa48("40"), 'office_id'))))))) ? stryMutAct_9fa48("41") ? `` : (stryCov_9fa48("41"), `AND t.office_id = :office`) : stryMutAct_9fa48("42") ? "Stryker was here!" : (stryCov_9fa48("42"), '');
              return stryMutAct_9fa48("43") ? `` : (stryCov_9fa48("43"), `INSERT OR IGNORE INTO ${rm(T)} (rid, travelled)
              SELECT t.rowid, 1 FROM ${T} t JOIN temp.fin_refs r ON r.prefix = '${s.prefix}' AND r.id = t.id
               WHERE ${ownerCondition(s.owner)} ${office}`);
            }
          }
        }
      case stryMutAct_9fa48("45") ? "" : (stryCov_9fa48("45"), 'with_contact'):
        if (stryMutAct_9fa48("44")) {} else {
          stryCov_9fa48("44");
          {
            if (stryMutAct_9fa48("46")) {
              {}
            } else {
              stryCov_9fa48("46");
              const named = s.columns.map(stryMutAct_9fa48("47") ? () => undefined : (stryCov_9fa48("47"), c => stryMutAct_9fa48("48") ? `` : (stryCov_9fa48("48"), `t.${q(c)} IN ${MOVED}`))).join(stryMutAct_9fa48("49") ? "" : (stryCov_9fa48("49"), ' OR '));
              const only = s.onlyIfNamedBy ? stryMutAct_9fa48("50") ? `` : (stryCov_9fa48("50"), `AND t.id IN (SELECT ${q(s.onlyIfNamedBy.column)} FROM ${tableName(s.onlyIfNamedBy.table)} WHERE ${q(s.onlyIfNamedBy.column)} IS NOT NULL)`) : stryMutAct_9fa48("51") ? "Stryker was here!" : (stryCov_9fa48("51"), '');
              return stryMutAct_9fa48("52") ? `` : (stryCov_9fa48("52"), `INSERT OR IGNORE INTO ${rm(T)} (rid, travelled) SELECT t.rowid, 0 FROM ${T} t WHERE (${named}) ${only}`);
            }
          }
        }
      case stryMutAct_9fa48("54") ? "" : (stryCov_9fa48("54"), 'with_parent'):
        if (stryMutAct_9fa48("53")) {} else {
          stryCov_9fa48("53");
          {
            if (stryMutAct_9fa48("55")) {
              {}
            } else {
              stryCov_9fa48("55");
              const P = tableName(s.parent);
              return stryMutAct_9fa48("56") ? `` : (stryCov_9fa48("56"), `INSERT OR IGNORE INTO ${rm(T)} (rid, travelled)
              SELECT t.rowid, ${s.withParent ? stryMutAct_9fa48("57") ? "" : (stryCov_9fa48("57"), 'r.travelled') : stryMutAct_9fa48("58") ? "" : (stryCov_9fa48("58"), '0')} FROM ${T} t
                JOIN ${P} p ON p.id = t.${q(s.column)} JOIN ${rm(P)} r ON r.rid = p.rowid`);
            }
          }
        }
      case stryMutAct_9fa48("60") ? "" : (stryCov_9fa48("60"), 'detach'):
        if (stryMutAct_9fa48("59")) {} else {
          stryCov_9fa48("59");
          return undefined;
        }
      default:
        if (stryMutAct_9fa48("61")) {} else {
          stryCov_9fa48("61");
          return unreachable(s, stryMutAct_9fa48("62") ? "" : (stryCov_9fa48("62"), 'finalize step'));
        }
    }
  }
}

/** Runs the plan's selections into the TEMP removal tables; returns what would be removed and detached. */
function selectRemovals(db: Db, plan: readonly Step[], scope: FinalizeScope): FinalizeCounts {
  if (stryMutAct_9fa48("63")) {
    {}
  } else {
    stryCov_9fa48("63");
    const params = stryMutAct_9fa48("64") ? {} : (stryCov_9fa48("64"), {
      office: scope.officeId,
      session: scope.sessionId
    });
    for (const s of plan) {
      if (stryMutAct_9fa48("65")) {
        {}
      } else {
        stryCov_9fa48("65");
        const sql = stepSql(s);
        if (stryMutAct_9fa48("68") ? false : stryMutAct_9fa48("67") ? true : stryMutAct_9fa48("66") ? sql : (stryCov_9fa48("66", "67", "68"), !sql)) continue;
        // better-sqlite3 binds the named parameters a statement uses and ignores the others
        db.prepare(sql).run(params);
        if (stryMutAct_9fa48("71") ? s.op === 'travelled' || s.table === 'contacts' : stryMutAct_9fa48("70") ? false : stryMutAct_9fa48("69") ? true : (stryCov_9fa48("69", "70", "71"), (stryMutAct_9fa48("73") ? s.op !== 'travelled' : stryMutAct_9fa48("72") ? true : (stryCov_9fa48("72", "73"), s.op === (stryMutAct_9fa48("74") ? "" : (stryCov_9fa48("74"), 'travelled')))) && (stryMutAct_9fa48("76") ? s.table !== 'contacts' : stryMutAct_9fa48("75") ? true : (stryCov_9fa48("75", "76"), s.table === (stryMutAct_9fa48("77") ? "" : (stryCov_9fa48("77"), 'contacts')))))) {
          if (stryMutAct_9fa48("78")) {
            {}
          } else {
            stryCov_9fa48("78");
            db.exec(stryMutAct_9fa48("79") ? `` : (stryCov_9fa48("79"), `INSERT OR IGNORE INTO temp.fin_moved (id) SELECT c.id FROM contacts c JOIN temp.fin_rm_contacts r ON r.rid = c.rowid`));
          }
        }
      }
    }
    return countRemovals(db, plan);
  }
}

/** L2: a digest of exactly which rows the selection removes (and which contacts move), to check that what was confirmed is what goes. */
function selectionDigest(db: Db, plan: readonly Step[]): string {
  if (stryMutAct_9fa48("80")) {
    {}
  } else {
    stryCov_9fa48("80");
    const h = crypto.createHash(stryMutAct_9fa48("81") ? "" : (stryCov_9fa48("81"), 'sha256'));
    for (const t of removalTables(plan)) {
      if (stryMutAct_9fa48("82")) {
        {}
      } else {
        stryCov_9fa48("82");
        h.update(stryMutAct_9fa48("83") ? `` : (stryCov_9fa48("83"), `\n${t}:`));
        for (const [rid, travelled] of db.prepare(`SELECT rid, travelled FROM ${rm(t)} ORDER BY rid`).raw(true).iterate() as Iterable<[number, number]>) {
          if (stryMutAct_9fa48("84")) {
            {}
          } else {
            stryCov_9fa48("84");
            h.update(stryMutAct_9fa48("85") ? `` : (stryCov_9fa48("85"), `${rid}.${travelled},`));
          }
        }
      }
    }
    h.update(stryMutAct_9fa48("86") ? "" : (stryCov_9fa48("86"), '\nmoved:'));
    for (const id of db.prepare(`SELECT id FROM temp.fin_moved ORDER BY id`).pluck().iterate() as Iterable<string>) h.update(stryMutAct_9fa48("87") ? `` : (stryCov_9fa48("87"), `${id}\u0000`));
    return h.digest(stryMutAct_9fa48("88") ? "" : (stryCov_9fa48("88"), 'hex'));
  }
}
function countRemovals(db: Db, plan: readonly Step[]): FinalizeCounts {
  if (stryMutAct_9fa48("89")) {
    {}
  } else {
    stryCov_9fa48("89");
    const counts: FinalizeCounts = stryMutAct_9fa48("90") ? {} : (stryCov_9fa48("90"), {
      travelled: {},
      not_travelled: {},
      detached: {},
      documents: 0
    });
    for (const t of removalTables(plan)) {
      if (stryMutAct_9fa48("91")) {
        {}
      } else {
        stryCov_9fa48("91");
        const rows = db.prepare(`SELECT travelled, count(*) AS n FROM ${rm(t)} GROUP BY travelled`).all() as {
          travelled: number;
          n: number;
        }[];
        for (const r of rows) (r.travelled ? counts.travelled : counts.not_travelled)[t] = r.n;
      }
    }
    for (const s of plan) {
      if (stryMutAct_9fa48("92")) {
        {}
      } else {
        stryCov_9fa48("92");
        if (stryMutAct_9fa48("95") ? s.op === 'detach' : stryMutAct_9fa48("94") ? false : stryMutAct_9fa48("93") ? true : (stryCov_9fa48("93", "94", "95"), s.op !== (stryMutAct_9fa48("96") ? "" : (stryCov_9fa48("96"), 'detach')))) continue;
        const n = (db.prepare(`SELECT count(*) AS n FROM ${detachedWhere(s)}`).get() as {
          n: number;
        }).n;
        if (stryMutAct_9fa48("100") ? n <= 0 : stryMutAct_9fa48("99") ? n >= 0 : stryMutAct_9fa48("98") ? false : stryMutAct_9fa48("97") ? true : (stryCov_9fa48("97", "98", "99", "100"), n > 0)) counts.detached[stryMutAct_9fa48("101") ? `` : (stryCov_9fa48("101"), `${s.table}.${s.column}`)] = n;
      }
    }
    counts.documents = (db.prepare(`SELECT count(*) AS n FROM documents d WHERE ${orphanedDocument}`).get() as {
      n: number;
    }).n;
    return counts;
  }
}
function detachedWhere(s: Extract<Step, {
  op: 'detach';
}>): string {
  if (stryMutAct_9fa48("102")) {
    {}
  } else {
    stryCov_9fa48("102");
    const T = tableName(s.table);
    return stryMutAct_9fa48("103") ? `` : (stryCov_9fa48("103"), `${T} t WHERE t.${q(s.column)} IN ${MOVED} AND t.rowid NOT IN (SELECT rid FROM ${rm(T)})`);
  }
}
const REMOVED_LETTER_DOCS = stryMutAct_9fa48("104") ? `` : (stryCov_9fa48("104"), `(SELECT l.document FROM letters l JOIN temp.fin_rm_letters r ON r.rid = l.rowid WHERE l.document IS NOT NULL)`);
const orphanedDocument = stryMutAct_9fa48("105") ? `` : (stryCov_9fa48("105"), `d.path IN ${REMOVED_LETTER_DOCS} AND d.path NOT IN
  (SELECT l.document FROM letters l WHERE l.document IS NOT NULL AND l.rowid NOT IN (SELECT rid FROM temp.fin_rm_letters))`);

/** Full CSV rows (every column, as stored) removed from `table`, travelled or not, in rowid order, each with its rowid (L3: undo puts it back in place). */
function* iterateRemoved(db: Db, table: string, travelled: boolean): Generator<RemovedRow> {
  if (stryMutAct_9fa48("106")) {
    {}
  } else {
    stryCov_9fa48("106");
    const T = tableName(table);
    const names = columnNames(TABLES[T]);
    const cols = names.map(stryMutAct_9fa48("107") ? () => undefined : (stryCov_9fa48("107"), c => stryMutAct_9fa48("108") ? `` : (stryCov_9fa48("108"), `t.${q(c)}`))).join(stryMutAct_9fa48("109") ? "" : (stryCov_9fa48("109"), ', '));
    const stmt = db.prepare(stryMutAct_9fa48("110") ? `` : (stryCov_9fa48("110"), `SELECT t.rowid, ${cols} FROM ${T} t JOIN ${rm(T)} r ON r.rid = t.rowid WHERE r.travelled = ? ORDER BY t.rowid`)).raw(stryMutAct_9fa48("111") ? false : (stryCov_9fa48("111"), true));
    for (const v of stmt.iterate(travelled ? 1 : 0) as Iterable<(string | number | null)[]>) {
      if (stryMutAct_9fa48("112")) {
        {}
      } else {
        stryCov_9fa48("112");
        const row: Record<string, string | null> = {};
        names.forEach(stryMutAct_9fa48("113") ? () => undefined : (stryCov_9fa48("113"), (n, i) => row[n] = v[i + 1] as string | null));
        yield stryMutAct_9fa48("114") ? {} : (stryCov_9fa48("114"), {
          row,
          place: v[0] as number
        });
      }
    }
  }
}

/** References of staying rows to moved contacts, as they are before they are cut. */
function* iterateDetached(db: Db, plan: readonly Step[]): Generator<DetachedReference> {
  if (stryMutAct_9fa48("115")) {
    {}
  } else {
    stryCov_9fa48("115");
    for (const s of plan) {
      if (stryMutAct_9fa48("116")) {
        {}
      } else {
        stryCov_9fa48("116");
        if (stryMutAct_9fa48("119") ? s.op === 'detach' : stryMutAct_9fa48("118") ? false : stryMutAct_9fa48("117") ? true : (stryCov_9fa48("117", "118", "119"), s.op !== (stryMutAct_9fa48("120") ? "" : (stryCov_9fa48("120"), 'detach')))) continue;
        if (stryMutAct_9fa48("123") ? false : stryMutAct_9fa48("122") ? true : stryMutAct_9fa48("121") ? hasId(TABLES[tableName(s.table)]) : (stryCov_9fa48("121", "122", "123"), !hasId(TABLES[tableName(s.table)]))) throw new BugError(stryMutAct_9fa48("124") ? `` : (stryCov_9fa48("124"), `finalize can only detach rows with an id (${s.table})`));
        const stmt = db.prepare(stryMutAct_9fa48("125") ? `` : (stryCov_9fa48("125"), `SELECT t.id AS id, t.${q(s.column)} AS value FROM ${detachedWhere(s)} ORDER BY t.rowid`));
        for (const r of stmt.iterate() as Iterable<{
          id: string;
          value: string;
        }>) {
          if (stryMutAct_9fa48("126")) {
            {}
          } else {
            stryCov_9fa48("126");
            yield stryMutAct_9fa48("127") ? {} : (stryCov_9fa48("127"), {
              table: s.table,
              id: r.id,
              column: s.column,
              value: r.value
            });
          }
        }
      }
    }
  }
}

/** Documents named by removed letters (all of them, so the archive stands alone). */
function iterateRemovedDocuments(db: Db): IterableIterator<RemovedDocument> {
  if (stryMutAct_9fa48("128")) {
    {}
  } else {
    stryCov_9fa48("128");
    return db.prepare(`SELECT path, sha256, size, content, rowid AS place FROM documents WHERE path IN ${REMOVED_LETTER_DOCS} ORDER BY path`).iterate() as IterableIterator<RemovedDocument>;
  }
}

/** Applies the selected removals and detaches. Detaches first: they only touch rows that stay. */
function applyRemovals(db: Db, plan: readonly Step[]): void {
  if (stryMutAct_9fa48("129")) {
    {}
  } else {
    stryCov_9fa48("129");
    for (const s of plan) {
      if (stryMutAct_9fa48("130")) {
        {}
      } else {
        stryCov_9fa48("130");
        if (stryMutAct_9fa48("133") ? s.op === 'detach' : stryMutAct_9fa48("132") ? false : stryMutAct_9fa48("131") ? true : (stryCov_9fa48("131", "132", "133"), s.op !== (stryMutAct_9fa48("134") ? "" : (stryCov_9fa48("134"), 'detach')))) continue;
        const T = tableName(s.table);
        db.prepare(stryMutAct_9fa48("135") ? `` : (stryCov_9fa48("135"), `UPDATE ${T} SET ${q(s.column)} = NULL WHERE ${q(s.column)} IN ${MOVED} AND rowid NOT IN (SELECT rid FROM ${rm(T)})`)).run();
      }
    }
    db.prepare(stryMutAct_9fa48("136") ? `` : (stryCov_9fa48("136"), `DELETE FROM documents WHERE path IN (SELECT d.path FROM documents d WHERE ${orphanedDocument})`)).run();
    // Children before parents, so that no statement sees a half-removed owner.
    for (const t of stryMutAct_9fa48("137") ? removalTables(plan) : (stryCov_9fa48("137"), removalTables(plan).reverse())) {
      if (stryMutAct_9fa48("138")) {
        {}
      } else {
        stryCov_9fa48("138");
        db.prepare(stryMutAct_9fa48("139") ? `` : (stryCov_9fa48("139"), `DELETE FROM ${tableName(t)} WHERE rowid IN (SELECT rid FROM ${rm(t)})`)).run();
      }
    }
  }
}
function markFinalized(db: Db, bundleId: string, at: string): void {
  if (stryMutAct_9fa48("140")) {
    {}
  } else {
    stryCov_9fa48("140");
    db.prepare(stryMutAct_9fa48("141") ? `` : (stryCov_9fa48("141"), `UPDATE export_ledger SET finalized_at = COALESCE(finalized_at, ?) WHERE bundle_id = ?`)).run(at, bundleId);
  }
}
function logFinalize(db: Db, e: {
  at: string;
  bundleId: string;
  officeId: string;
  userId: string;
  summary: object;
  receipt: string;
}): void {
  if (stryMutAct_9fa48("142")) {
    {}
  } else {
    stryCov_9fa48("142");
    db.prepare(stryMutAct_9fa48("143") ? `` : (stryCov_9fa48("143"), `INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary, receipt) VALUES (?, 'finalize', ?, ?, ?, ?, ?)`)).run(e.at, e.bundleId, e.officeId, e.userId, JSON.stringify(e.summary), e.receipt);
  }
}
function dropTempTables(db: Db, plan: readonly Step[]): void {
  if (stryMutAct_9fa48("144")) {
    {}
  } else {
    stryCov_9fa48("144");
    for (const t of touchedTables(plan)) db.exec(stryMutAct_9fa48("145") ? `` : (stryCov_9fa48("145"), `DROP TABLE IF EXISTS ${rm(t)}`));
    db.exec(stryMutAct_9fa48("146") ? `` : (stryCov_9fa48("146"), `DROP TABLE IF EXISTS temp.fin_refs; DROP TABLE IF EXISTS temp.fin_moved`));
  }
}

/** The ids a bundle held, pack by pack, for one prefix at a time (finalize loads them into a TEMP table). */
function* heldRefPacks(db: Db, bundleId: string): Generator<{
  prefix: string;
  ids: string[];
}> {
  if (stryMutAct_9fa48("147")) {
    {}
  } else {
    stryCov_9fa48("147");
    // one pack at a time, no statement left open: the caller writes between packs
    const keys = db.prepare(`SELECT prefix, seq FROM export_bundle_refs WHERE bundle_id = ? ORDER BY prefix, seq`).all(bundleId) as {
      prefix: string;
      seq: number;
    }[];
    const pack = db.prepare(stryMutAct_9fa48("148") ? `` : (stryCov_9fa48("148"), `SELECT ids FROM export_bundle_refs WHERE bundle_id = ? AND prefix = ? AND seq = ?`)).pluck();
    for (const k of keys) {
      if (stryMutAct_9fa48("149")) {
        {}
      } else {
        stryCov_9fa48("149");
        const ids = pack.get(bundleId, k.prefix, k.seq) as Buffer;
        yield stryMutAct_9fa48("150") ? {} : (stryCov_9fa48("150"), {
          prefix: k.prefix,
          ids: zlib.gunzipSync(ids).toString(stryMutAct_9fa48("151") ? "" : (stryCov_9fa48("151"), 'utf8')).split(stryMutAct_9fa48("152") ? "" : (stryCov_9fa48("152"), '\n'))
        });
      }
    }
  }
}

/**
 * L4: the confirmed refs of the receipt (temp.fin_refs) that the bundle did not
 * hold, by the refs the export kept in its ledger; the first `limit` and how many.
 */
function refsNotHeld(db: Db, bundleId: string, limit = 20): {
  refs: string[];
  total: number;
} {
  if (stryMutAct_9fa48("153")) {
    {}
  } else {
    stryCov_9fa48("153");
    db.exec(stryMutAct_9fa48("154") ? `` : (stryCov_9fa48("154"), `DROP TABLE IF EXISTS temp.fin_held; CREATE TEMP TABLE fin_held (prefix TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (prefix, id)) WITHOUT ROWID`));
    const ins = db.prepare(stryMutAct_9fa48("155") ? `` : (stryCov_9fa48("155"), `INSERT OR IGNORE INTO temp.fin_held (prefix, id) VALUES (?, ?)`));
    for (const pack of heldRefPacks(db, bundleId)) for (const id of pack.ids) ins.run(pack.prefix, id);
    const missing = stryMutAct_9fa48("156") ? `` : (stryCov_9fa48("156"), `FROM temp.fin_refs r WHERE NOT EXISTS (SELECT 1 FROM temp.fin_held h WHERE h.prefix = r.prefix AND h.id = r.id)`);
    const total = db.prepare(`SELECT count(*) ${missing}`).pluck().get() as number;
    const refs = db.prepare(`SELECT r.prefix || '/' || r.id ${missing} ORDER BY r.prefix, r.id LIMIT ?`).pluck().all(limit) as string[];
    db.exec(stryMutAct_9fa48("157") ? `` : (stryCov_9fa48("157"), `DROP TABLE temp.fin_held`));
    return stryMutAct_9fa48("158") ? {} : (stryCov_9fa48("158"), {
      refs,
      total
    });
  }
}

/** L4: the state of an accept of this installation, for a receipt whose target is this installation. */
function acceptState(db: Db, acceptId: string): 'live' | 'undone' | 'unknown' {
  if (stryMutAct_9fa48("159")) {
    {}
  } else {
    stryCov_9fa48("159");
    const r = db.prepare(`SELECT undone_at FROM import_accepts WHERE accept_id = ?`).get(acceptId) as {
      undone_at: string | null;
    } | undefined;
    if (stryMutAct_9fa48("162") ? false : stryMutAct_9fa48("161") ? true : stryMutAct_9fa48("160") ? r : (stryCov_9fa48("160", "161", "162"), !r)) return stryMutAct_9fa48("163") ? "" : (stryCov_9fa48("163"), 'unknown');
    return (stryMutAct_9fa48("166") ? r.undone_at !== null : stryMutAct_9fa48("165") ? false : stryMutAct_9fa48("164") ? true : (stryCov_9fa48("164", "165", "166"), r.undone_at === null)) ? stryMutAct_9fa48("167") ? "" : (stryCov_9fa48("167"), 'live') : stryMutAct_9fa48("168") ? "" : (stryCov_9fa48("168"), 'undone');
  }
}

// ---------------------------------------------------------------- the port

/** Rows of archive files go to the feature in batches of this many. */
const BATCH = 1000;

/** The ledger and transfer log reads, the same in and out of a session. */
class SqliteFinalizeRecords implements FinalizeRecords {
  constructor(protected readonly db: Db) {}
  async ledger(bundleId: string): Promise<LedgerEntry | undefined> {
    if (stryMutAct_9fa48("169")) {
      {}
    } else {
      stryCov_9fa48("169");
      return readLedger(this.db, bundleId);
    }
  }
  async acceptState(acceptId: string): Promise<'live' | 'undone' | 'unknown'> {
    if (stryMutAct_9fa48("170")) {
      {}
    } else {
      stryCov_9fa48("170");
      return acceptState(this.db, acceptId);
    }
  }
  async isRecordedArchive(file: string): Promise<boolean> {
    if (stryMutAct_9fa48("171")) {
      {}
    } else {
      stryCov_9fa48("171");
      return isRecordedArchive(this.db, file);
    }
  }
  async standingFinalize(bundleId: string, acceptId: string): Promise<{
    at: string;
    archive: string | null;
  } | undefined> {
    if (stryMutAct_9fa48("172")) {
      {}
    } else {
      stryCov_9fa48("172");
      return findFinalize(this.db, bundleId, acceptId);
    }
  }
  async countFinalizes(bundleId: string, acceptId: string): Promise<{
    bundle: number;
    receipt: number;
  }> {
    if (stryMutAct_9fa48("173")) {
      {}
    } else {
      stryCov_9fa48("173");
      return countFinalizes(this.db, bundleId, acceptId);
    }
  }
}
export class SqliteFinalizeStore extends SqliteFinalizeRecords implements FinalizeStore {
  async actor(office: string, user: string, rights: readonly Right[], what: string): Promise<FinalizeActor> {
    if (stryMutAct_9fa48("174")) {
      {}
    } else {
      stryCov_9fa48("174");
      const o = requireOffice(this.db, office);
      const u = requireUser(this.db, o, user);
      requireRights(u, o, rights, what);
      return stryMutAct_9fa48("175") ? {} : (stryCov_9fa48("175"), {
        office: stryMutAct_9fa48("176") ? {} : (stryCov_9fa48("176"), {
          id: o.id,
          name: o.name
        }),
        user: stryMutAct_9fa48("177") ? {} : (stryCov_9fa48("177"), {
          id: u.id,
          username: u.username
        })
      });
    }
  }
  async installation(): Promise<{
    id: string;
    name: string;
  }> {
    if (stryMutAct_9fa48("178")) {
      {}
    } else {
      stryCov_9fa48("178");
      const id = installationId(this.db);
      const name = stryMutAct_9fa48("179") ? (this.db.prepare(`SELECT name FROM installation LIMIT 1`).get() as {
        name: string;
      } | undefined)?.name && '' : (stryCov_9fa48("179"), (stryMutAct_9fa48("180") ? (this.db.prepare(`SELECT name FROM installation LIMIT 1`).get() as {
        name: string;
      } | undefined).name : (stryCov_9fa48("180"), (this.db.prepare(`SELECT name FROM installation LIMIT 1`).get() as {
        name: string;
      } | undefined)?.name)) ?? (stryMutAct_9fa48("181") ? "Stryker was here!" : (stryCov_9fa48("181"), '')));
      return stryMutAct_9fa48("182") ? {} : (stryCov_9fa48("182"), {
        id,
        name
      });
    }
  }
  async preview<T>(read: (s: FinalizeSelection) => Promise<T>): Promise<T> {
    if (stryMutAct_9fa48("183")) {
      {}
    } else {
      stryCov_9fa48("183");
      const {
        db
      } = this;
      return inTransactionAsync(db, async () => {
        if (stryMutAct_9fa48("184")) {
          {}
        } else {
          stryCov_9fa48("184");
          const s = new SqliteFinalizeSession(db);
          const r = await read(s);
          s.dropSelection();
          return r;
        }
      }, stryMutAct_9fa48("185") ? "" : (stryCov_9fa48("185"), 'look'));
    }
  }
  async finalize<T>(work: (s: FinalizeSession) => Promise<T>): Promise<T> {
    if (stryMutAct_9fa48("186")) {
      {}
    } else {
      stryCov_9fa48("186");
      const {
        db
      } = this;
      return inTransactionAsync(db, async () => {
        if (stryMutAct_9fa48("187")) {
          {}
        } else {
          stryCov_9fa48("187");
          const s = new SqliteFinalizeSession(db);
          const r = await work(s);
          s.dropSelection();
          return r;
        }
      });
    }
  }
  async findFinalizeOfArchive(a: {
    bundleId: string;
    acceptId: string;
    receiptSha256: string;
    archiveId: string;
  }): Promise<FinalizeEntry | undefined> {
    if (stryMutAct_9fa48("188")) {
      {}
    } else {
      stryCov_9fa48("188");
      return findFinalizeOfArchive(this.db, a);
    }
  }
  async undo<T>(work: (s: FinalizeUndoSession) => Promise<T>): Promise<T> {
    if (stryMutAct_9fa48("189")) {
      {}
    } else {
      stryCov_9fa48("189");
      return inTransactionAsync(this.db, stryMutAct_9fa48("190") ? () => undefined : (stryCov_9fa48("190"), () => work(new SqliteFinalizeUndoSession(this.db))));
    }
  }
}

/** A finalize's selection lives in TEMP tables of the session's transaction. */
class SqliteFinalizeSession extends SqliteFinalizeRecords implements FinalizeSession {
  private plan: readonly Step[] | undefined;
  private addRef: ((r: ConfirmedRef) => void) | undefined;
  private selection(): readonly Step[] {
    if (stryMutAct_9fa48("191")) {
      {}
    } else {
      stryCov_9fa48("191");
      if (stryMutAct_9fa48("194") ? false : stryMutAct_9fa48("193") ? true : stryMutAct_9fa48("192") ? this.plan : (stryCov_9fa48("192", "193", "194"), !this.plan)) throw new BugError(stryMutAct_9fa48("195") ? "" : (stryCov_9fa48("195"), 'finalize: no selection was started'));
      return this.plan;
    }
  }
  async startSelection(plan: readonly Step[]): Promise<void> {
    if (stryMutAct_9fa48("196")) {
      {}
    } else {
      stryCov_9fa48("196");
      createFinalizeTables(this.db, plan);
      this.plan = plan;
      const ins = this.db.prepare(stryMutAct_9fa48("197") ? `` : (stryCov_9fa48("197"), `INSERT OR IGNORE INTO temp.fin_refs (prefix, id) VALUES (?, ?)`));
      this.addRef = stryMutAct_9fa48("198") ? () => undefined : (stryCov_9fa48("198"), r => void ins.run(r.prefix, r.id));
    }
  }
  async addConfirmed(refs: readonly ConfirmedRef[]): Promise<void> {
    if (stryMutAct_9fa48("199")) {
      {}
    } else {
      stryCov_9fa48("199");
      this.selection();
      for (const r of refs) this.addRef!(r);
    }
  }
  async refsNotHeld(bundleId: string, limit: number): Promise<{
    refs: string[];
    total: number;
  }> {
    if (stryMutAct_9fa48("200")) {
      {}
    } else {
      stryCov_9fa48("200");
      return refsNotHeld(this.db, bundleId, limit);
    }
  }
  async select(scope: {
    officeId: string;
    sessionId: string;
  }): Promise<FinalizeCounts> {
    if (stryMutAct_9fa48("201")) {
      {}
    } else {
      stryCov_9fa48("201");
      return selectRemovals(this.db, this.selection(), scope);
    }
  }
  async movedContacts(): Promise<{
    id: string;
    kind: string;
    first_name: string | null;
    last_name: string | null;
    business_name: string | null;
  }[]> {
    if (stryMutAct_9fa48("202")) {
      {}
    } else {
      stryCov_9fa48("202");
      return listMovedContacts(this.db);
    }
  }
  async selectionDigest(): Promise<string> {
    if (stryMutAct_9fa48("203")) {
      {}
    } else {
      stryCov_9fa48("203");
      return selectionDigest(this.db, this.selection());
    }
  }
  async *removedRows(table: string, travelled: boolean): AsyncIterable<RemovedRow[]> {
    if (stryMutAct_9fa48("204")) {
      {}
    } else {
      stryCov_9fa48("204");
      yield* batches(iterateRemoved(this.db, table, travelled));
    }
  }
  async *detachedReferences(): AsyncIterable<DetachedReference[]> {
    if (stryMutAct_9fa48("205")) {
      {}
    } else {
      stryCov_9fa48("205");
      yield* batches(iterateDetached(this.db, this.selection()));
    }
  }
  async *removedDocuments(): AsyncIterable<RemovedDocument> {
    if (stryMutAct_9fa48("206")) {
      {}
    } else {
      stryCov_9fa48("206");
      yield* iterateRemovedDocuments(this.db);
    }
  }
  async remove(): Promise<void> {
    if (stryMutAct_9fa48("207")) {
      {}
    } else {
      stryCov_9fa48("207");
      applyRemovals(this.db, this.selection());
    }
  }
  async danglingReferences(): Promise<{
    table: string;
    parent: string;
    n: number;
  }[]> {
    if (stryMutAct_9fa48("208")) {
      {}
    } else {
      stryCov_9fa48("208");
      return danglingReferences(this.db);
    }
  }
  async markFinalized(bundleId: string, at: string): Promise<void> {
    if (stryMutAct_9fa48("209")) {
      {}
    } else {
      stryCov_9fa48("209");
      markFinalized(this.db, bundleId, at);
    }
  }
  async logFinalize(e: {
    at: string;
    bundleId: string;
    officeId: string;
    userId: string;
    summary: object;
    receipt: string;
  }): Promise<void> {
    if (stryMutAct_9fa48("210")) {
      {}
    } else {
      stryCov_9fa48("210");
      logFinalize(this.db, e);
    }
  }

  /** Forgets the selection (its TEMP tables) before the transaction ends. */
  dropSelection(): void {
    if (stryMutAct_9fa48("211")) {
      {}
    } else {
      stryCov_9fa48("211");
      if (stryMutAct_9fa48("213") ? false : stryMutAct_9fa48("212") ? true : (stryCov_9fa48("212", "213"), this.plan)) dropTempTables(this.db, this.plan);
      this.plan = undefined;
    }
  }
}
function* batches<T>(rows: Iterable<T>): Generator<T[]> {
  if (stryMutAct_9fa48("214")) {
    {}
  } else {
    stryCov_9fa48("214");
    let batch: T[] = stryMutAct_9fa48("215") ? ["Stryker was here"] : (stryCov_9fa48("215"), []);
    for (const r of rows) {
      if (stryMutAct_9fa48("216")) {
        {}
      } else {
        stryCov_9fa48("216");
        batch.push(r);
        if (stryMutAct_9fa48("219") ? batch.length !== BATCH : stryMutAct_9fa48("218") ? false : stryMutAct_9fa48("217") ? true : (stryCov_9fa48("217", "218", "219"), batch.length === BATCH)) {
          if (stryMutAct_9fa48("220")) {
            {}
          } else {
            stryCov_9fa48("220");
            yield batch;
            batch = stryMutAct_9fa48("221") ? ["Stryker was here"] : (stryCov_9fa48("221"), []);
          }
        }
      }
    }
    if (stryMutAct_9fa48("225") ? batch.length <= 0 : stryMutAct_9fa48("224") ? batch.length >= 0 : stryMutAct_9fa48("223") ? false : stryMutAct_9fa48("222") ? true : (stryCov_9fa48("222", "223", "224", "225"), batch.length > 0)) yield batch;
  }
}