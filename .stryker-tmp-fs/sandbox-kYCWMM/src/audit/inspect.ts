// @ts-nocheck
// inspect (V2): what a bundle holds, as plain data for the terminal, --json,
// the HTML audit view and the import dry run. It verifies the bundle first and
// reports the outcome, with the signature's state as verify worked it out (V5:
// the CLI exits 1 for an invalid bundle); it never shows a tax id (stubs carry only a hash,
// contacts' tax ids are masked).
import type { KeyObject } from 'node:crypto';
import { openBag, type OpenedBag } from '../bundle/bag-reader.js';
import { inputName, type BundleInput } from '../bundle/byte-source.js';
import { recordFile, type BundleHeader, type BundleRecord, type Counts, type Origin } from '../bundle/records.js';
import { ErrorCode, OfficeportError, type Problem } from '../shared/errors.js';
import { verifyBundle } from './verify.js';
import { signatureJson, type SignatureReport } from '../bundle/signing.js';
import { EXCLUSION_REASONS, exclusionLines as plainExclusionLines, type PlainExclusion } from '../domain/exclusion-words.js';

/** Plain-language reasons for each exclusion (rule/what), as an auditor reads them. */
export { EXCLUSION_REASONS };

/** One exclusion of the header: `rule` is the rule's plain key (never_exported, ...), not its id. */
export type ExclusionLine = PlainExclusion;

export interface CatalogueItem {
  ref: string;
  name: string;
  carrier?: string;
}

export type CatalogueKind = 'carriers' | 'products' | 'riders' | 'service_providers';

export interface PersonLine {
  ref: string;
  kind: string;
  name: string;
  birth_date?: string;
  /** contacts: `***-**-1234` (an SSN) or `**-***1234` (an EIN); stubs: whether a salted hash travels */
  tax_id?: string;
}

export interface InspectReport {
  file: string;
  verification: { valid: boolean; problems: Problem[] };
  /** V5: the signature's state as verify worked it out, with its sentence */
  signature: SignatureReport;
  header: Omit<BundleHeader, 'counts' | 'exclusions' | 'stub_salt'>;
  counts: Counts;
  exclusions: ExclusionLine[];
  catalogue: Record<CatalogueKind, Record<Origin, CatalogueItem[]>>;
  contacts: { total: number; shown: PersonLine[] };
  stubs: { total: number; shown: PersonLine[] };
  documents: { count: number; bytes: number };
}

/** Lists longer than this are cut in the report (the counts stay exact). */
export const MAX_LISTED = 500;

export async function inspectBundle(input: BundleInput, opts: { trust?: KeyObject } = {}): Promise<InspectReport> {
  const file = inputName(input);
  const verified = await verifyBundle(input, { trust: opts.trust });
  if (!verified.header) {
    throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${file} cannot be inspected: its header is unreadable or the zip is unsafe`, {
      problems: verified.problems,
      hint: `see every problem with: officeport verify ${file}`,
    });
  }
  // read again for the summary; the verdict and the signature's state are verify's
  const { bag } = await openBag(input);
  if (!bag) throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${file} cannot be opened`, { problems: verified.problems });
  try {
    const { counts, exclusions, stub_salt: _salt, ...header } = verified.header;
    return {
      file,
      verification: { valid: verified.valid, problems: verified.problems },
      signature: verified.signature ?? signatureJson({ state: 'unsigned' }),
      header,
      counts,
      exclusions: exclusionLines(exclusions),
      catalogue: await readCatalogue(bag),
      contacts: await readPeople(bag, 'contacts'),
      stubs: await readPeople(bag, 'stubs'),
      documents: await measureDocuments(bag),
    };
  } finally {
    await bag.close();
  }
}

export function exclusionLines(ex: BundleHeader['exclusions']): ExclusionLine[] {
  return plainExclusionLines(ex as unknown as Record<string, Record<string, number>>);
}

import { maskTaxId } from '../domain/matching.js';

async function* records(bag: OpenedBag, file: string): AsyncIterable<BundleRecord> {
  if (!bag.paths.includes(file)) return;
  for await (const { text } of bag.lines(file)) {
    try {
      yield JSON.parse(text) as BundleRecord;
    } catch {
      // verify already reported it
    }
  }
}

async function readCatalogue(bag: OpenedBag): Promise<InspectReport['catalogue']> {
  const out = {} as InspectReport['catalogue'];
  for (const kind of ['carriers', 'products', 'riders', 'service_providers'] as const) {
    out[kind] = { source_office: [], parent_office: [] };
    for await (const r of records(bag, recordFile(kind))) {
      const list = out[kind][r.origin as Origin];
      if (!list || list.length >= MAX_LISTED) continue;
      const item: CatalogueItem = { ref: r.ref, name: String(r.name ?? '') };
      if (typeof r.carrier === 'string') item.carrier = r.carrier;
      list.push(item);
    }
  }
  return out;
}

function nameOf(r: BundleRecord): string {
  if (r.kind === 'business') return String(r.business_name ?? '');
  return [r.first_name, r.middle_name, r.last_name].filter((x) => typeof x === 'string').join(' ');
}

async function readPeople(bag: OpenedBag, type: 'contacts' | 'stubs'): Promise<{ total: number; shown: PersonLine[] }> {
  const shown: PersonLine[] = [];
  let total = 0;
  for await (const r of records(bag, recordFile(type))) {
    total++;
    if (shown.length >= MAX_LISTED) continue;
    const line: PersonLine = { ref: r.ref, kind: String(r.kind ?? ''), name: nameOf(r) };
    if (typeof r.birth_date === 'string') line.birth_date = r.birth_date;
    if (type === 'contacts' && typeof r.tax_id === 'string') line.tax_id = maskTaxId(r.tax_id, line.kind);
    if (type === 'stubs' && typeof r.tax_id_hash === 'string') line.tax_id = 'salted hash';
    shown.push(line);
  }
  return { total, shown };
}

async function measureDocuments(bag: OpenedBag): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  for (const p of bag.paths) {
    if (!p.startsWith('data/documents/')) continue;
    count++;
    try {
      for await (const chunk of bag.stream(p)) bytes += chunk.length;
    } catch {
      // verify already reported it
    }
  }
  return { count, bytes };
}
