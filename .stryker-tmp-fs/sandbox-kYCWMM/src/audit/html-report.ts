// @ts-nocheck
// V3: one self-contained HTML audit report of a bundle (and of the import dry
// run when a target was given). renderHtmlReport is pure: data in, one string
// out; writeHtmlReport puts it on disk whole or not at all. Everything from
// the bundle is escaped; a Content-Security-Policy forbids scripts and any
// network fetch, so even a bug in escaping could not run code or leak data.
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import type { InspectReport } from './inspect.js';
import { writeOutputFile, type OutputOptions } from '../shared/output-file.js';
import {
  auditReportFromInspect,
  type AuditReport,
  type ReportCatalogueItem,
  type ReportContact,
  type ReportDocument,
  type ReportDryRun,
  type ReportExclusion,
  type ReportStub,
} from './html-report-data.js';
import { REPORT_CSS, barChart, esc, list, section, type Column } from './html-report-parts.js';
import { maskTaxId } from '../domain/matching.js';
import { exclusionTitle } from '../domain/exclusion-words.js';

export * from './html-report-data.js';

const RECORD_LABELS: Record<string, string> = {
  contacts: 'Contacts',
  stubs: 'Stubs (referenced, not moved)',
  key_relations: 'Key relations',
  employee_census: 'Employee census rows',
  carriers: 'Carriers',
  products: 'Products',
  riders: 'Riders',
  service_providers: 'Service providers',
  policies: 'Policies',
  pending_cases: 'Pending cases',
  investment_accounts: 'Investment accounts',
  positions: 'Positions',
  letters: 'Letters',
  activities: 'Activities',
  smartpad: 'SmartPad notes',
  documents: 'Documents',
};
const label = (type: string) => RECORD_LABELS[type] ?? type.replace(/_/g, ' ');

/**
 * Exclusion groups that count fields left off contacts that travel (the
 * primary advisor), not records left behind: shown apart from the records.
 */
const FIELD_GROUPS = new Set(['not_carried']);
const isField = (x: ReportExclusion) => FIELD_GROUPS.has(x.rule);

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function figures(r: AuditReport): string {
  const c = r.header.counts ?? {};
  const excluded = r.exclusions.filter((x) => !isField(x)).reduce((a, x) => a + x.count, 0);
  const fields = r.exclusions.filter(isField).reduce((a, x) => a + x.count, 0);
  const records = total(Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'documents')));
  // what the bundle holds: nothing has moved until an import (I1)
  const items: [string, number, string][] = [
    ['contacts', c.contacts ?? 0, 'Contacts in bundle'],
    ['records', records, 'Records in bundle'],
    ['stubs', c.stubs ?? 0, 'Stubs'],
    ['documents', c.documents ?? 0, 'Documents'],
    ['excluded', excluded, 'Records left behind'],
    ...(fields > 0 ? [['fields', fields, 'Fields left off contacts'] as [string, number, string]] : []),
  ];
  return `<div class="figures">${items
    .map(([id, n, text]) => `<div class="figure" data-figure="${id}"><b>${n.toLocaleString('en-US')}</b><span>${esc(text)}</span></div>`)
    .join('')}</div>`;
}

function headerSection(r: AuditReport): string {
  const h = r.header;
  const s = h.source ?? {};
  const t = h.target ?? {};
  const sel = h.selection ?? {};
  const rows: [string, string | undefined][] = [
    ['Bundle id', h.bundle_id],
    ['Session', h.session_id],
    ['Created', h.created_at],
    ['Format version', h.format_version],
    ['Written by', h.tool_version ? `officeport ${h.tool_version}` : undefined],
    ['Source installation', [s.installation_name, s.installation_id && `(${s.installation_id})`].filter(Boolean).join(' ')],
    ['Source office', [s.office_name, s.office_id && `(${s.office_id})`].filter(Boolean).join(' ')],
    ['Exported by', [s.username, s.user_id && `(${s.user_id})`].filter(Boolean).join(' ')],
    ['Addressed to', t.office || t.user ? `office ${t.office ?? '?'}, user ${t.user ?? '?'}` : undefined],
    ['Selection', sel.mode ? (sel.set ? `${sel.mode} "${sel.set}"` : sel.mode) : undefined],
  ];
  const body = rows
    .filter(([, v]) => v)
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v!)}</td></tr>`)
    .join('');
  const sig = r.verification?.signature;
  // V5: the signature's state and its signer's fingerprint (hex SHA-256 of the public key's SubjectPublicKeyInfo DER)
  const sigRows = sig
    ? `<tr data-signature-state="${esc(sig.state)}"><th scope="row">Signature</th><td>${esc(sig.text)}</td></tr>` +
      (sig.fingerprint
        ? `<tr><th scope="row">Signer's key fingerprint</th><td><code data-fingerprint="${esc(sig.fingerprint)}">${esc(sig.fingerprint)}</code> <span class="muted">(SHA-256 of the public key)</span></td></tr>`
        : '')
    : '';
  return section('header', 'Bundle', `<table class="kv">${body}${sigRows}</table>`);
}

function verificationBadge(r: AuditReport): string {
  const v = r.verification;
  if (!v) return '';
  const cls = v.valid ? 'ok' : 'bad';
  const text = v.valid ? 'Verified: checksums, schemas and references are valid' : `Invalid: ${v.problems.length} problem(s)`;
  const sigClass = { trusted: 'ok', signed: 'neutral', unsigned: 'neutral', unchecked: 'warn', invalid: 'bad' }[v.signature?.state ?? ''] ?? 'neutral';
  const sig = v.signature ? `<span class="badge signature ${sigClass}" data-signature="${esc(v.signature.state)}">${esc(v.signature.text)}</span>` : '';
  const probs = v.problems.length
    ? `<ul class="problems">${v.problems
        .slice(0, 50)
        .map((p) => `<li>${esc(p)}</li>`)
        .join('')}</ul>`
    : '';
  return `<div class="status"><span class="badge ${cls}">${esc(text)}</span>${sig}</div>${probs}`;
}

function countsSection(r: AuditReport): string {
  const order = Object.keys(RECORD_LABELS);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const counts = Object.entries(r.header.counts ?? {})
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([k, n]) => ({ label: label(k), value: n }));
  return section('counts', 'Records per type', barChart(counts, 'Records per type; documents are letter attachments (files)'));
}

function exclusionsSection(r: AuditReport): string {
  const rows = r.exclusions.filter((x) => !isField(x));
  const fields = r.exclusions.filter(isField);
  const fieldCols: Column<ReportExclusion>[] = [
    ['Field', (x) => esc(x.what.replace(/_/g, ' '))],
    ['Contacts', (x) => String(x.count), 'num'],
    ['Why', (x) => esc(x.reason)],
  ];
  const fieldPart = fields.length
    ? `<h3 data-part="fields">Fields left off the contacts in the bundle</h3><p class="muted">These contacts travel; only these fields of theirs stay behind. They are not records and are not counted with them.</p>${list(fields, fieldCols, fields.length)}`
    : '';
  if (rows.length === 0) return section('exclusions', 'Left behind, and why', '<p class="muted">No records were left behind.</p>' + fieldPart);
  const byRule = new Map<string, ReportExclusion[]>();
  for (const x of rows) byRule.set(x.rule, [...(byRule.get(x.rule) ?? []), x]);
  const bars = [...byRule].map(([rule, xs]) => ({
    label: `${exclusionTitle(rule)}: ${xs.length === 1 ? xs[0]!.what.replace(/_/g, ' ') : `${xs.length} kinds of data`}`,
    value: xs.reduce((a, x) => a + x.count, 0),
  }));
  const chart = barChart(bars, 'Records left behind by reason', 'warn');
  const cols: Column<ReportExclusion>[] = [
    ['Records', (x) => esc(x.what.replace(/_/g, ' '))],
    ['Count', (x) => String(x.count), 'num'],
    ['Why they stay behind', (x) => esc(x.reason)],
  ];
  return section('exclusions', 'Left behind, and why', `<h3 data-part="records">Records left behind</h3>${chart}${list(rows, cols, rows.length)}${fieldPart}`);
}

function catalogueSection(r: AuditReport, cap: number): string {
  const byKey = new Map<string, number>();
  for (const c of r.catalogue) byKey.set(`${c.type}\u0000${c.origin}`, (byKey.get(`${c.type}\u0000${c.origin}`) ?? 0) + 1);
  const summary = [...byKey].map(([k, n]) => {
    const [type, origin] = k.split('\u0000') as [string, string];
    return { type, origin, n };
  });
  const sumCols: Column<(typeof summary)[number]>[] = [
    ['Kind', (x) => esc(label(x.type))],
    ['Origin', (x) => `<span class="origin ${x.origin === 'parent_office' ? 'parent' : 'own'}">${esc(x.origin.replace(/_/g, ' '))}</span>`],
    ['Count', (x) => String(x.n), 'num'],
  ];
  const itemCols: Column<ReportCatalogueItem>[] = [
    ['Kind', (x) => esc(label(x.type))],
    ['Name', (x) => esc(x.name)],
    ['Origin', (x) => esc(x.origin.replace(/_/g, ' '))],
    ['Carrier', (x) => esc(x.carrier ?? '')],
    ['Ref', (x) => `<code>${esc(x.ref)}</code>`],
  ];
  const intro = '<p class="muted">Definitions travel with the policies and cases that use them; the import links them by exact name or recreates them.</p>';
  return section(
    'catalogue',
    'Carriers, products, riders and service providers by origin',
    intro + list(summary, sumCols, summary.length) + list(r.catalogue, itemCols, cap),
  );
}

function contactsSection(r: AuditReport, cap: number): string {
  const cols: Column<ReportContact>[] = [
    ['Ref', (x) => `<code>${esc(x.ref)}</code>`],
    ['Kind', (x) => esc(x.kind ?? '')],
    ['Name', (x) => esc(x.name)],
    ['Birth date', (x) => esc(x.birth_date ?? '')],
    ['Tax id', (x) => esc(maskTaxId(x.tax_id, x.kind))],
  ];
  const intro = r.dryRun
    ? '<p class="muted">The contacts the bundle holds; the import dry run above says what an import would do with each.</p>'
    : '<p class="muted">The contacts the bundle holds: an import would move them. Nothing has been imported.</p>';
  return section('contacts', 'Contacts in the bundle', intro + list(r.contacts, cols, cap, r.contactTotal));
}

function stubsSection(r: AuditReport, cap: number): string {
  const cols: Column<ReportStub>[] = [
    ['Ref', (x) => `<code>${esc(x.ref)}</code>`],
    ['Kind', (x) => esc(x.kind ?? '')],
    ['Name', (x) => esc(x.name)],
    ['Birth date', (x) => esc(x.birth_date ?? '')],
    ['Tax id', (x) => (x.has_tax_id_hash ? 'salted hash only' : '')],
  ];
  const intro =
    '<p class="muted">Contacts named in party lists, census rows or relations but not moved. They are used only to match contacts already in the target and are never created there.</p>';
  return section('stubs', 'Stubs', intro + list(r.stubs, cols, cap, r.stubTotal));
}

function documentsSection(r: AuditReport, cap: number): string {
  const cols: Column<ReportDocument>[] = [
    ['Name', (x) => esc(x.name ?? '')],
    ['Letter', (x) => (x.letter ? `<code>${esc(x.letter)}</code>` : '')],
    ['Size', (x) => (x.size === undefined ? '' : `${x.size.toLocaleString('en-US')} B`), 'num'],
    ['Stored as', (x) => `<code>${esc(x.path.replace(/^data\/documents\/(.{12}).*/, '$1…'))}</code>`],
  ];
  const n = r.documentTotal ?? r.documents.length;
  const bytes = r.documentBytes === undefined ? '' : `, ${r.documentBytes.toLocaleString('en-US')} bytes in all`;
  const intro = `<p>${n.toLocaleString('en-US')} letter attachment${n === 1 ? '' : 's'}, stored by content hash and checked against the manifest${esc(bytes)}.</p>`;
  return section('documents', 'Documents', intro + (r.documents.length ? list(r.documents, cols, cap, r.documentTotal) : ''));
}

function dryRunSection(d: ReportDryRun, cap: number): string {
  const chart = barChart(
    Object.entries(d.outcomes).map(([k, n]) => ({ label: k, value: n })),
    'Import decisions by outcome',
    'accent',
  );
  const conflicts = list(
    d.conflicts,
    [
      ['Contact', (x) => `<code>${esc(x.ref)}</code>${x.target_id ? ` → ${esc(x.target_id)}` : ''}`],
      ['Field', (x) => esc(x.field)],
      ['In bundle', (x) => esc(x.field === 'tax_id' ? maskTaxId(x.incoming, x.kind) : x.incoming)],
      ['Kept (target)', (x) => esc(x.field === 'tax_id' ? maskTaxId(x.kept, x.kind) : x.kept)],
    ],
    cap,
    d.totals?.conflicts,
  );
  const dropped = list(
    d.dropped,
    [
      ['Record', (x) => `<code>${esc(x.record)}</code>`],
      ['List', (x) => esc(x.list ?? '')],
      ['Role', (x) => esc(x.role ?? '')],
      ['Contact', (x) => (x.contact ? `<code>${esc(x.contact)}</code>` : '')],
      ['Reason', (x) => esc(x.reason)],
    ],
    cap,
    d.totals?.dropped,
  );
  const pending = list(
    d.pending,
    [
      ['Record', (x) => `<code>${esc(x.record)}</code>`],
      ['Waiting for', (x) => esc(x.reason)],
    ],
    cap,
    d.totals?.pending,
  );
  const ambiguous = list(
    d.ambiguous,
    [
      ['Contact', (x) => `<code>${esc(x.ref)}</code>`],
      ['Name', (x) => esc(x.name ?? '')],
      ['Candidates in target', (x) => esc(x.candidates.join(', '))],
    ],
    cap,
    d.totals?.ambiguous,
  );
  const body = [
    `<p>What <code>import</code> would do in office <b>${esc(d.office)}</b> for user <b>${esc(d.user)}</b>. Nothing was written.</p>`,
    chart,
    `<h3>Merge conflicts (${d.totals?.conflicts ?? d.conflicts.length})</h3><p class="muted">The target's value is kept; the bundle's value is reported.</p>${conflicts}`,
    `<h3>Dropped entries (${d.totals?.dropped ?? d.dropped.length})</h3><p class="muted">Party-list entries and census rows whose contact is not in the target office.</p>${dropped}`,
    `<h3>Pending relations (${d.totals?.pending ?? d.pending.length})</h3>${pending}`,
    `<h3>Ambiguous matches (${d.totals?.ambiguous ?? d.ambiguous.length})</h3><p class="muted">Created anew unless settled in a plan file.</p>${ambiguous}`,
  ];
  return section('dry-run', 'Import dry run', body.join('\n'));
}

/** The whole report as one HTML document. */
export function renderHtmlReport(r: AuditReport): string {
  const cap = r.rowCap ?? 200;
  const title = `Bundle audit: ${r.header.bundle_id ?? r.file}`;
  const parts = [
    headerSection(r),
    countsSection(r),
    exclusionsSection(r),
    // with a target, what the import would do matters most after what the bundle holds
    r.dryRun ? dryRunSection(r.dryRun, cap) : '',
    catalogueSection(r, cap),
    contactsSection(r, cap),
    stubsSection(r, cap),
    documentsSection(r, cap),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="top"><div><h1>Bundle audit report</h1><p class="sub">${esc(r.file)} · generated ${esc(r.generatedAt)} by officeport</p></div>${verificationBadge(r)}</header>
<main>
${figures(r)}
${parts.join('\n')}
</main>
<footer>Tax ids are masked; stubs carry only a salted hash. Lists are capped at ${cap} rows; use <code>officeport convert</code> for every record.</footer>
</body>
</html>
`;
}

/** Write the report whole or not at all: a private temporary file beside `file`, then published (L1: never over a file unless --force). */
export function writeHtmlReport(file: string, html: string, output: OutputOptions = {}): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `cannot write the report: the folder ${dir} does not exist`, {
      hint: 'create the folder first, or name a file in an existing folder',
    });
  }
  writeOutputFile(file, html, { option: '--html', ...output });
}

/** V3: `inspect --html FILE`: render inspect's summary (and dry run) and write it whole. */
export function writeInspectHtml(file: string, r: InspectReport, dryRun?: ReportDryRun, now = new Date(), output: OutputOptions = {}): void {
  writeHtmlReport(file, renderHtmlReport(auditReportFromInspect(r, now.toISOString().replace(/\.\d{3}Z$/, 'Z'), dryRun)), output);
}
