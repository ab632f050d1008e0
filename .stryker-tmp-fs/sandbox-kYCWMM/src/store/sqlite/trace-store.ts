// @ts-nocheck
// What `officeport trace` reads of one contact (U4), in one call: the bundles
// it left in (export ledger, the refs each bundle held, the export sessions),
// their finalizes and undos (transfer log), what imports made of it (the
// accepts' receipts, their kept copies, the import map) and the inbox entries
// still holding it. Nothing here writes.
import zlib from 'node:zlib';
import type { TraceContact, TraceExport, TraceFacts, TraceFinalize, TraceImport, TraceQuery, TraceStaged, TraceStore } from '../port.js';
import type { Db } from './db.js';
import { keptReceiptPieces } from './receipt-store.js';

const NAME = `CASE c.kind WHEN 'business' THEN c.business_name
  ELSE trim(coalesce(c.first_name, '') || ' ' || c.last_name) END`;

function parseJson(text: string | null): Record<string, unknown> | undefined {
  if (text === null) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export class SqliteTraceStore implements TraceStore {
  constructor(private readonly db: Db) {}

  async contact(q: TraceQuery): Promise<TraceFacts> {
    const read = this.db.transaction(() => {
      const exports = this.exports(q.contactId);
      const imports = this.imports(q);
      const staged = this.staged(q);
      const ids = new Set([q.contactId, ...imports.map((i) => i.target_id).filter((x): x is string => x !== null)]);
      return { contacts: this.contacts([...ids]), exports, imports, staged };
    });
    // one consistent snapshot of everything read
    return read.deferred();
  }

  private contacts(ids: string[]): TraceContact[] {
    if (ids.length === 0) return [];
    return this.db
      .prepare(
        `SELECT c.id, c.office_id, o.name AS office_name, c.kind, ${NAME} AS name, c.origin_ref, c.origin_bundle_id
           FROM contacts c LEFT JOIN offices o ON o.id = c.office_id
          WHERE c.id IN (${ids.map(() => '?').join(', ')}) ORDER BY c.id`,
      )
      .all(...ids) as TraceContact[];
  }

  // ---- as the source: the bundles the contact left in

  /**
   * The bundles that held the contact's ref: by the refs each kept (L4; a
   * contact and a stub share the prefix), and by the export sessions (bundles
   * exported before refs were kept). It travelled in a bundle when the
   * bundle's session exported it (X6 keeps a session's contacts); otherwise
   * the bundle only named it as a stub.
   */
  private bundlesHolding(contactId: string): { bundles: Set<string>; sessions: Set<string> } {
    const sessionRows = this.db.prepare(`SELECT session_id, bundle_id FROM export_session_contacts WHERE contact_id = ?`).all(contactId) as {
      session_id: string;
      bundle_id: string;
    }[];
    const bundles = new Set(sessionRows.map((r) => r.bundle_id));
    const packs = this.db.prepare(`SELECT bundle_id, ids FROM export_bundle_refs WHERE prefix = 'contact' ORDER BY bundle_id, seq`).iterate() as Iterable<{
      bundle_id: string;
      ids: Buffer;
    }>;
    for (const p of packs) {
      if (bundles.has(p.bundle_id)) continue;
      if (zlib.gunzipSync(p.ids).toString('utf8').split('\n').includes(contactId)) bundles.add(p.bundle_id);
    }
    return { bundles, sessions: new Set(sessionRows.map((r) => r.session_id)) };
  }

  private exports(contactId: string): TraceExport[] {
    const { bundles, sessions } = this.bundlesHolding(contactId);
    if (bundles.size === 0) return [];
    const ledger = this.db.prepare(
      `SELECT l.bundle_id, l.session_id, l.created_at, l.office_id, o.name AS office_name, l.user_id, u.username,
              l.target_office, l.target_user, l.file, l.finalized_at
         FROM export_ledger l LEFT JOIN offices o ON o.id = l.office_id LEFT JOIN users u ON u.id = l.user_id
        WHERE l.bundle_id = ?`,
    );
    const out: TraceExport[] = [];
    for (const b of bundles) {
      const row = ledger.get(b) as Omit<TraceExport, 'finalizes' | 'moved'> | undefined;
      if (row) out.push({ ...row, moved: sessions.has(row.session_id), finalizes: this.finalizes(b) });
    }
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.bundle_id.localeCompare(b.bundle_id));
  }

  private finalizes(bundleId: string): TraceFinalize[] {
    const undos = new Map<number, string>();
    const undoRows = this.db.prepare(`SELECT at, summary FROM transfer_log WHERE action = 'finalize_undo' AND bundle_id = ? ORDER BY seq`).all(bundleId) as {
      at: string;
      summary: string;
    }[];
    for (const u of undoRows) {
      const seq = (parseJson(u.summary)?.finalize as { seq?: unknown } | undefined)?.seq;
      if (typeof seq === 'number' && !undos.has(seq)) undos.set(seq, u.at);
    }
    const rows = this.db
      .prepare(`SELECT seq, at, office_id, user_id, summary, receipt FROM transfer_log WHERE action = 'finalize' AND bundle_id = ? ORDER BY seq`)
      .all(bundleId) as { seq: number; at: string; office_id: string | null; user_id: string | null; summary: string; receipt: string | null }[];
    return rows.map((r) => {
      const s = parseJson(r.summary) ?? {};
      const target = parseJson(r.receipt)?.target as Record<string, unknown> | undefined;
      return {
        at: r.at,
        office_id: r.office_id,
        user_id: r.user_id,
        accept_id: str(s.accept_id),
        target: target ? { installation_id: str(target.installation_id), office_id: str(target.office_id), user_id: str(target.user_id) } : null,
        archive: str(s.archive),
        archive_id: str(s.archive_id),
        undone_at: undos.get(r.seq) ?? null,
      };
    });
  }

  // ---- as the target: what imports made of it

  private imports(q: TraceQuery): TraceImport[] {
    const out: TraceImport[] = [];
    const accepts = this.db
      .prepare(
        `SELECT a.accept_id, a.bundle_id, a.office_id, o.name AS office_name, a.user_id, a.at, a.receipt_file, a.undone_at,
                CASE WHEN json_valid(a.receipt) THEN json_extract(a.receipt, '$.source') END AS source,
                CASE WHEN json_valid(a.receipt) THEN json_type(a.receipt, '$.outcomes') END AS listed
           FROM import_accepts a LEFT JOIN offices o ON o.id = a.office_id ORDER BY a.at, a.accept_id`,
      )
      .all() as {
      accept_id: string;
      bundle_id: string;
      office_id: string;
      office_name: string | null;
      user_id: string;
      at: string;
      receipt_file: string | null;
      undone_at: string | null;
      source: string | null;
      listed: string | null;
    }[];
    const listedOutcomes = this.db.prepare(
      `SELECT json_extract(e.value, '$.ref') AS ref, json_extract(e.value, '$.target_id') AS target_id, json_extract(e.value, '$.outcome') AS outcome
         FROM import_accepts a, json_each(CASE WHEN json_valid(a.receipt) THEN a.receipt ELSE '{}' END, '$.outcomes') e
        WHERE a.accept_id = ? AND json_extract(e.value, '$.ref') LIKE 'contact/%'
          AND (json_extract(e.value, '$.ref') = ? OR json_extract(e.value, '$.target_id') = ?)`,
    );
    for (const a of accepts) {
      const source = parseJson(a.source) ?? {};
      const installation = str(source.installation_id) ?? '';
      if (q.fromInstallation !== undefined && installation !== q.fromInstallation) continue;
      const outcomes =
        a.listed === 'array'
          ? (listedOutcomes.all(a.accept_id, q.ref, q.contactId) as { ref: string; target_id: string | null; outcome: string }[])
          : this.keptOutcomes(a.accept_id, q);
      for (const o of outcomes) {
        out.push({
          accept_id: a.accept_id,
          bundle_id: a.bundle_id,
          office_id: a.office_id,
          office_name: a.office_name,
          user_id: a.user_id,
          accepted_at: a.at,
          source_installation: installation,
          source_office_id: str(source.office_id),
          source_office_name: str(source.office_name),
          source_ref: o.ref,
          target_id: o.target_id ?? null,
          outcome: o.outcome,
          receipt_file: a.receipt_file,
          undone_at: a.undone_at,
          mapped_now: false,
        });
      }
    }
    this.withImportMap(q, out);
    return out;
  }

  /** The contact's outcomes in the kept copy of a receipt too large to log whole: one outcome per line. */
  private keptOutcomes(acceptId: string, q: TraceQuery): { ref: string; target_id: string | null; outcome: string }[] {
    const found: { ref: string; target_id: string | null; outcome: string }[] = [];
    const quotedRef = JSON.stringify(q.ref);
    const quotedId = JSON.stringify(q.contactId);
    const look = (line: string) => {
      if (!line.includes(quotedRef) && !line.includes(quotedId)) return;
      const o = parseJson(line.trim().replace(/,$/, ''));
      const ref = str(o?.ref);
      if (o === undefined || ref === null || !ref.startsWith('contact/')) return;
      if (ref === q.ref || o.target_id === q.contactId) found.push({ ref, target_id: str(o.target_id), outcome: str(o.outcome) ?? '' });
    };
    let rest = '';
    for (const piece of keptReceiptPieces(this.db, acceptId)) {
      const lines = (rest + piece.toString('utf8')).split('\n');
      rest = lines.pop()!;
      lines.forEach(look);
    }
    look(rest);
    return found;
  }

  /** Marks the facts the import map still holds, and adds its mappings no kept receipt lists (with the standing accept of their bundle). */
  private withImportMap(q: TraceQuery, out: TraceImport[]): void {
    const rows = this.db
      .prepare(
        `SELECT source_installation, source_ref, office_id, target_id, bundle_id, outcome FROM import_map
          WHERE target_table = 'contacts' AND (source_ref = ? OR target_id = ?) ORDER BY source_installation, source_ref, office_id`,
      )
      .all(q.ref, q.contactId) as {
      source_installation: string;
      source_ref: string;
      office_id: string;
      target_id: string;
      bundle_id: string;
      outcome: string;
    }[];
    const standing = this.db.prepare(
      `SELECT a.accept_id, a.user_id, a.at, a.receipt_file, o.name AS office_name FROM import_accepts a LEFT JOIN offices o ON o.id = a.office_id
        WHERE a.bundle_id = ? AND a.office_id = ? AND a.undone_at IS NULL ORDER BY a.at DESC LIMIT 1`,
    );
    const office = this.db.prepare(`SELECT name FROM offices WHERE id = ?`).pluck();
    const inbox = this.db.prepare(`SELECT source_office FROM inbox WHERE bundle_id = ? AND office_id = ? ORDER BY id LIMIT 1`).pluck();
    for (const m of rows) {
      if (q.fromInstallation !== undefined && m.source_installation !== q.fromInstallation) continue;
      const same = (i: TraceImport) =>
        i.undone_at === null &&
        i.source_installation === m.source_installation &&
        i.source_ref === m.source_ref &&
        i.office_id === m.office_id &&
        i.bundle_id === m.bundle_id;
      const known = out.filter(same);
      if (known.length > 0) {
        for (const i of known) i.mapped_now = i.target_id === m.target_id;
        continue;
      }
      const a = standing.get(m.bundle_id, m.office_id) as
        { accept_id: string; user_id: string; at: string; receipt_file: string | null; office_name: string | null } | undefined;
      out.push({
        accept_id: a?.accept_id ?? null,
        bundle_id: m.bundle_id,
        office_id: m.office_id,
        office_name: a?.office_name ?? (office.get(m.office_id) as string | undefined) ?? null,
        user_id: a?.user_id ?? null,
        accepted_at: a?.at ?? null,
        source_installation: m.source_installation,
        source_office_id: null,
        source_office_name: (inbox.get(m.bundle_id, m.office_id) as string | undefined) ?? null,
        source_ref: m.source_ref,
        target_id: m.target_id,
        outcome: m.outcome,
        receipt_file: a?.receipt_file ?? null,
        undone_at: null,
        mapped_now: true,
      });
    }
  }

  // ---- in the inbox, not accepted

  private staged(q: TraceQuery): TraceStaged[] {
    const rows = this.db
      .prepare(
        `SELECT i.id AS inbox_id, i.bundle_id, i.office_id, i.source_installation, i.source_office, i.added_at, i.status
           FROM inbox_contacts c JOIN inbox i ON i.id = c.inbox_id
          WHERE c.ref = ? AND c.accept_id IS NULL ORDER BY i.added_at, i.id`,
      )
      .all(q.ref) as TraceStaged[];
    return q.fromInstallation === undefined ? rows : rows.filter((r) => r.source_installation === q.fromInstallation);
  }
}
