// @ts-nocheck
// Queries behind `officeport log`: the installation's history of transfers,
// from the export ledger (X11) and the transfer log (I10, M, I13), in time order.
import type { LogEntry } from '../port.js';
import type { Db } from './db.js';

export type { LogEntry };

export interface LogFilter {
  officeId?: string;
  bundleId?: string;
}

interface LedgerRow {
  bundle_id: string;
  office_id: string;
  user_id: string;
  target_office: string;
  target_user: string;
  created_at: string;
  counts: string;
  finalized_at: string | null;
  office_name: string | null;
  username: string | null;
}

interface TransferRow {
  seq: number;
  at: string;
  action: string;
  bundle_id: string | null;
  office_id: string | null;
  user_id: string | null;
  summary: string;
  receipt: string | null;
  office_name: string | null;
  username: string | null;
}

function where(filter: LogFilter, officeCol: string, bundleCol: string): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (filter.officeId !== undefined) {
    parts.push(`${officeCol} = ?`);
    params.push(filter.officeId);
  }
  if (filter.bundleId !== undefined) {
    parts.push(`${bundleCol} = ?`);
    params.push(filter.bundleId);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** Every logged transfer action matching the filter, oldest first. */
export function listTransfers(db: Db, filter: LogFilter = {}): LogEntry[] {
  const lw = where(filter, 'l.office_id', 'l.bundle_id');
  const ledger = db
    .prepare(
      `SELECT l.bundle_id, l.office_id, l.user_id, l.target_office, l.target_user, l.created_at, l.counts,
              l.finalized_at, o.name AS office_name, u.username
         FROM export_ledger l
         LEFT JOIN offices o ON o.id = l.office_id
         LEFT JOIN users u ON u.id = l.user_id
         ${lw.sql}`,
    )
    .all(...lw.params) as LedgerRow[];
  const tw = where(filter, 't.office_id', 't.bundle_id');
  const transfers = db
    .prepare(
      `SELECT t.seq, t.at, t.action, t.bundle_id, t.office_id, t.user_id, t.summary, t.receipt,
              o.name AS office_name, u.username
         FROM transfer_log t
         LEFT JOIN offices o ON o.id = t.office_id
         LEFT JOIN users u ON u.id = t.user_id
         ${tw.sql}`,
    )
    .all(...tw.params) as TransferRow[];
  return mergeLog(ledger, transfers);
}

/**
 * One entry per action. An export is in both tables: the ledger row carries the
 * target, counts and finalization; the transfer_log row, when present, the time
 * the export ran (the ledger holds the bundle's creation time, which --created-at
 * may fix in the past) and its message.
 */
function mergeLog(ledger: LedgerRow[], transfers: TransferRow[]): LogEntry[] {
  const exportsLogged = new Map<string, TransferRow>();
  for (const t of transfers) if (t.action === 'export' && t.bundle_id !== null) exportsLogged.set(t.bundle_id, t);
  const ledgered = new Set(ledger.map((l) => l.bundle_id));
  const out: LogEntry[] = ledger.map((l) => {
    const e = fromLedger(l);
    const t = exportsLogged.get(l.bundle_id);
    if (t) Object.assign(e, { at: t.at, seq: t.seq, summary: textOf(parseJson(t.summary)) ?? t.summary });
    return e;
  });
  for (const t of transfers) {
    if (t.action === 'export' && t.bundle_id !== null && ledgered.has(t.bundle_id)) continue;
    out.push(fromTransfer(t));
  }
  return out.sort((a, b) => compareTime(a.at, b.at) || (a.seq ?? -1) - (b.seq ?? -1) || (a.bundle_id ?? '').localeCompare(b.bundle_id ?? ''));
}

/**
 * Earlier time first. Writers store times to the millisecond; a finalize
 * logged before that kept whole seconds only, so a time without a fraction
 * equals every time of the same second and the insertion order decides.
 */
function compareTime(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isFinite(ta) || !Number.isFinite(tb)) return a < b ? -1 : a > b ? 1 : 0;
  const whole = (t: string) => !/\.\d+Z$/.test(t);
  if ((whole(a) || whole(b)) && Math.floor(ta / 1000) === Math.floor(tb / 1000)) return 0;
  return ta - tb;
}

function fromLedger(l: LedgerRow): LogEntry {
  return {
    at: l.created_at,
    action: 'export',
    bundle_id: l.bundle_id,
    office_id: l.office_id,
    office_name: l.office_name,
    user_id: l.user_id,
    username: l.username,
    target: { office: l.target_office, user: l.target_user },
    counts: numbersOf(parseJson(l.counts)),
    summary: null,
    finalized_at: l.finalized_at,
    source: 'export_ledger',
    seq: null,
  };
}

function fromTransfer(t: TransferRow): LogEntry {
  const summary = parseJson(t.summary);
  const counts = summary === undefined ? {} : numbersOf(summary);
  if (Object.keys(counts).length === 0 && t.receipt !== null) Object.assign(counts, outcomesOf(parseJson(t.receipt)));
  return {
    at: t.at,
    action: t.action,
    bundle_id: t.bundle_id,
    office_id: t.office_id,
    office_name: t.office_name,
    user_id: t.user_id,
    username: t.username,
    target: null,
    counts,
    summary: summary === undefined ? t.summary : textOf(summary),
    finalized_at: null,
    source: 'transfer_log',
    seq: t.seq,
  };
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The numeric fields of a summary object, looking one level into `counts`/`outcomes`. */
function numbersOf(v: unknown): Record<string, number> {
  if (!isObject(v)) return {};
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'number') out[k] = x;
    else if ((k === 'counts' || k === 'outcomes') && isObject(x)) Object.assign(out, numbersOf(x));
  }
  return out;
}

/** Outcome tallies of a receipt (I10): how many source refs were created, merged, ... */
function outcomesOf(receipt: unknown): Record<string, number> {
  if (!isObject(receipt)) return {};
  if (isObject(receipt.counts)) return numbersOf(receipt.counts);
  const items = receipt.records ?? receipt.refs ?? receipt.items ?? receipt.outcomes;
  const list = Array.isArray(items) ? items : isObject(items) ? Object.values(items) : [];
  const out: Record<string, number> = {};
  for (const it of list) {
    const outcome = isObject(it) ? it.outcome : typeof it === 'string' ? it : undefined;
    if (typeof outcome === 'string') out[outcome] = (out[outcome] ?? 0) + 1;
  }
  return out;
}

function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (isObject(v)) {
    for (const k of ['message', 'text', 'summary', 'description']) if (typeof v[k] === 'string') return v[k] as string;
  }
  return null;
}
