// @ts-nocheck
// The data the HTML audit report renders (html-report.ts), and how it is made
// from inspect's summary and the import dry run's decisions. Pure.
import path from 'node:path';
import type { InspectReport } from './inspect.js';
import type { ReceiptOutcome } from '../import/receipt.js';

export interface ReportHeader {
  format_version?: string;
  bundle_id?: string;
  session_id?: string;
  created_at?: string;
  tool_version?: string;
  source?: Record<string, string | undefined>;
  target?: Record<string, string | undefined>;
  selection?: Record<string, string | undefined>;
  counts?: Record<string, number>;
}

/** V5: the signature's state (unsigned, signed, trusted, unchecked, invalid), its signer's fingerprint and its sentence. */
export interface ReportSignature {
  state: string;
  fingerprint?: string;
  text: string;
}

export interface ReportExclusion {
  rule: string;
  what: string;
  count: number;
  reason: string;
}

export interface ReportContact {
  ref: string;
  kind?: string;
  name: string;
  birth_date?: string;
  tax_id?: string;
}

export interface ReportCatalogueItem {
  type: string;
  ref: string;
  name: string;
  origin: string;
  carrier?: string;
}

export interface ReportStub {
  ref: string;
  kind?: string;
  name: string;
  birth_date?: string;
  has_tax_id_hash?: boolean;
}

export interface ReportDocument {
  path: string;
  name?: string;
  size?: number;
  letter?: string;
}

export interface ReportDryRun {
  office: string;
  user: string;
  /** decisions per outcome: created, merged, linked, pending, dropped, ... */
  outcomes: Record<string, number>;
  /** `kind`: the contact's, on a tax_id conflict (V6: masked by kind) */
  conflicts: { ref: string; target_id?: string; field: string; incoming: string; kept: string; kind?: string }[];
  dropped: { record: string; list?: string; role?: string; contact?: string; reason: string }[];
  pending: { record: string; reason: string }[];
  ambiguous: { ref: string; name?: string; candidates: string[] }[];
  /** full lengths of the lists above when they hold only the first rows */
  totals?: Partial<Record<'conflicts' | 'dropped' | 'pending' | 'ambiguous', number>>;
}

export interface AuditReport {
  file: string;
  generatedAt: string;
  header: ReportHeader;
  exclusions: ReportExclusion[];
  verification?: { valid: boolean; problems: string[]; signature?: ReportSignature };
  contacts: ReportContact[];
  /** how many contacts the bundle holds (contacts may be a sample) */
  contactTotal?: number;
  catalogue: ReportCatalogueItem[];
  stubs: ReportStub[];
  stubTotal?: number;
  documents: ReportDocument[];
  documentTotal?: number;
  documentBytes?: number;
  dryRun?: ReportDryRun;
  /** most rows listed per table; the rest is counted */
  rowCap?: number;
}

/** One decision of the import dry run, as receipts write them (src/import/receipt.ts). */
/** One outcome of the dry run: a receipt outcome (I10), whatever its outcome word. */
export type DryRunOutcome = Omit<ReceiptOutcome, 'outcome'> & { outcome: string };

/** The dry-run section from a stream of decisions: exact counts, the first `cap` rows of each list. */
export function dryRunFromOutcomes(
  office: string,
  user: string,
  outcomes: Iterable<DryRunOutcome>,
  cap = 200,
  exactCounts?: Record<string, number>,
): ReportDryRun {
  const d: ReportDryRun = { office, user, outcomes: {}, conflicts: [], dropped: [], pending: [], ambiguous: [] };
  const totals = { conflicts: 0, dropped: 0, pending: 0, ambiguous: 0 };
  for (const o of outcomes) {
    d.outcomes[o.outcome] = (d.outcomes[o.outcome] ?? 0) + 1;
    for (const c of o.conflicts ?? []) {
      if (totals.conflicts++ < cap)
        d.conflicts.push({ ref: o.ref, target_id: o.target_id, field: c.field, incoming: c.incoming, kept: c.target, ...(c.kind ? { kind: c.kind } : {}) });
    }
    if (o.outcome === 'dropped' && totals.dropped++ < cap) {
      d.dropped.push({ record: o.record ?? o.ref, list: o.list, role: o.role, contact: o.contact, reason: o.reason ?? '' });
    }
    if (o.outcome === 'pending' && totals.pending++ < cap) d.pending.push({ record: o.record ?? o.ref, reason: o.reason ?? '' });
    if (o.candidates && o.candidates.length > 1 && !o.choice && totals.ambiguous++ < cap) d.ambiguous.push({ ref: o.ref, candidates: o.candidates });
  }
  d.totals = totals;
  // the outcome list may itself be a sample (import lists at most a few thousand); its counts are exact
  if (exactCounts) d.outcomes = { ...exactCounts };
  return d;
}

/** Ambiguous matches named after the bundle's contacts, where inspect listed them. */
function withContactNames(d: ReportDryRun, r: InspectReport): ReportDryRun {
  const names = new Map(r.contacts.shown.map((c) => [c.ref, c.name]));
  return { ...d, ambiguous: d.ambiguous.map((a) => ({ ...a, name: a.name ?? names.get(a.ref) })) };
}

function signatureOf(r: InspectReport): ReportSignature {
  const s = r.signature;
  return { state: s.state, fingerprint: 'fingerprint' in s ? s.fingerprint : undefined, text: s.text };
}

/** The report's data from inspect's summary (and the dry run, when a target was named). */
export function auditReportFromInspect(r: InspectReport, generatedAt: string, dryRun?: ReportDryRun): AuditReport {
  const catalogue: ReportCatalogueItem[] = [];
  for (const [type, byOrigin] of Object.entries(r.catalogue)) {
    for (const [origin, items] of Object.entries(byOrigin)) {
      for (const i of items) catalogue.push({ type, origin, ref: i.ref, name: i.name, carrier: i.carrier });
    }
  }
  const problems = r.verification.problems.map(
    (p) => [p.file, p.line, p.pointer].filter((x) => x !== undefined && x !== '').join(':') + (p.file ? ': ' : '') + p.message,
  );
  return {
    file: path.basename(r.file),
    generatedAt,
    header: { ...r.header, counts: r.counts as unknown as Record<string, number> },
    exclusions: r.exclusions,
    verification: { valid: r.verification.valid, problems, signature: signatureOf(r) },
    contacts: r.contacts.shown.map((c) => ({ ref: c.ref, kind: c.kind, name: c.name, birth_date: c.birth_date, tax_id: c.tax_id })),
    contactTotal: r.contacts.total,
    catalogue,
    stubs: r.stubs.shown.map((s) => ({ ref: s.ref, kind: s.kind, name: s.name, birth_date: s.birth_date, has_tax_id_hash: Boolean(s.tax_id) })),
    stubTotal: r.stubs.total,
    documents: [],
    documentTotal: r.documents.count,
    documentBytes: r.documents.bytes,
    dryRun: dryRun && withContactNames(dryRun, r),
  };
}

/** The dry-run section from import's dry-run result (its counts are exact; its outcome list may be a sample). */
export function dryRunFromAccept(
  office: string,
  user: string,
  r: { counts: Record<string, number>; outcomes: readonly DryRunOutcome[] },
  cap = 200,
): ReportDryRun {
  return dryRunFromOutcomes(office, user, r.outcomes, cap, r.counts);
}
