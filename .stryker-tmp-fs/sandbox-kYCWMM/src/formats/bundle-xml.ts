// @ts-nocheck
// V4: a bundle's records as one XML document (docs/xml-format.md). fast-xml-parser
// has no streaming writer, so each record is built on its own with XMLBuilder and
// appended to the file: memory holds one record at a time, whatever the bundle size.
import fs from 'node:fs';
import { once } from 'node:events';
import { XMLBuilder } from 'fast-xml-parser';
import { recordName, type BundleRecord, type BundleView } from './bundle-csv.js';

export const XML_NAMESPACE = 'urn:officeport:bundle-xml:1.0';

/** Array fields and the element name of one entry. */
const ENTRY_NAMES: Readonly<Record<string, string>> = { parties: 'party', riders: 'policy_rider' };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  processEntities: false, // values are escaped by escapeXml below, newlines included
  suppressEmptyNode: false,
});

// Characters XML 1.0 cannot hold at all, not even as character references.
// eslint-disable-next-line no-control-regex -- the control characters XML 1.0 cannot hold are what this pattern finds
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text or attribute value, escaped. Line breaks and tabs become character
 * references so they survive attribute normalisation and indentation; characters
 * XML cannot carry become U+FFFD (documented in xml-format.md).
 */
export function escapeXml(v: string): string {
  return v
    .replace(ILLEGAL, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A field name usable as an element name; anything else goes in a <field name="..."> element. */
function isElementName(k: string): boolean {
  return NAME.test(k) && !/^xml/i.test(k);
}

type XmlNode = Record<string, unknown>;

function scalar(v: unknown): string {
  return escapeXml(typeof v === 'string' ? v : String(v));
}

function addChild(node: XmlNode, name: string, value: unknown): void {
  const prev = node[name];
  if (prev === undefined) node[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else node[name] = [prev, value];
}

/** Object fields to child elements, keeping the record's key order. */
function toNode(obj: BundleRecord, entryName: (key: string) => string): XmlNode {
  const node: XmlNode = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined) continue;
    let value: unknown;
    if (Array.isArray(v)) {
      const entry = entryName(k);
      value = { [entry]: v.map((item) => (item !== null && typeof item === 'object' ? toNode(item as BundleRecord, entryName) : scalar(item))) };
    } else if (typeof v === 'object') value = toNode(v as BundleRecord, entryName);
    else value = scalar(v);
    if (isElementName(k)) addChild(node, k, value);
    else addChild(node, 'field', typeof value === 'string' ? { '@_name': escapeXml(k), '#text': value } : { '@_name': escapeXml(k), ...(value as XmlNode) });
  }
  return node;
}

const entryName = (k: string) => ENTRY_NAMES[k] ?? 'entry';

/** One record as an indented XML element, e.g. <contact ref="contact/C-1">...</contact>. */
export function recordXml(type: string, rec: BundleRecord, indent = '    '): string {
  const { ref, ...fields } = rec;
  const node: XmlNode = { '@_ref': scalar(ref ?? ''), ...toNode(fields, entryName) };
  return indentLines(builder.build({ [recordName(type)]: node }) as string, indent);
}

function indentLines(xml: string, indent: string): string {
  // safe: escaped values hold no raw line breaks, so every line break is markup
  return (
    xml
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => indent + l)
      .join('\n') + '\n'
  );
}

function headerXml(header: Record<string, unknown>, countKey: 'type' | 'file' = 'type'): string {
  const { counts, exclusions, ...rest } = header;
  const node = toNode(rest as BundleRecord, entryName);
  node.counts = {
    count: Object.entries((counts ?? {}) as Record<string, number>).map(([key, n]) => ({ [`@_${countKey}`]: escapeXml(key), '#text': String(n) })),
  };
  if (countKey === 'file') return indentLines(builder.build({ header: node }) as string, '  ');
  const excl: XmlNode[] = [];
  for (const [rule, items] of Object.entries((exclusions ?? {}) as Record<string, Record<string, number>>)) {
    for (const [what, n] of Object.entries(items ?? {})) {
      excl.push({ '@_rule': escapeXml(rule), '@_what': escapeXml(what), '#text': String(n) });
    }
  }
  node.exclusions = { exclusion: excl };
  return indentLines(builder.build({ header: node }) as string, '  ');
}

/** Streams the XML document to `file`; returns records written per type. */
export async function writeBundleXml(view: BundleView, file: string): Promise<Record<string, number>> {
  const out = fs.createWriteStream(file, { encoding: 'utf8', flags: 'wx', mode: 0o600 }); // a private temporary file (L11)
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const written: Record<string, number> = {};
  try {
    const h = view.header;
    await write('<?xml version="1.0" encoding="UTF-8"?>\n');
    await write(`<officeport-bundle xmlns="${XML_NAMESPACE}" format-version="${scalar(h.format_version ?? '')}" bundle-id="${scalar(h.bundle_id ?? '')}">\n`);
    await write(headerXml(h));
    for (const type of view.types) {
      await write(`  <records type="${escapeXml(type)}">\n`);
      let n = 0;
      for await (const rec of view.records(type)) {
        await write(recordXml(type, rec));
        n++;
      }
      written[type] = n;
      await write('  </records>\n');
    }
    await write('</officeport-bundle>\n');
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return written;
}

/**
 * M2: a retention archive's rows as one XML document (docs/xml-format.md):
 * <officeport-retention> with the archive's header, then one <rows file="...">
 * per record file of the archive, one <row> per line, one element per column
 * holding a value (an empty cell is an absent element). Returns rows per file.
 */
export async function writeArchiveXml(view: BundleView, file: string): Promise<Record<string, number>> {
  const out = fs.createWriteStream(file, { encoding: 'utf8', flags: 'wx', mode: 0o600 }); // a private temporary file (L11)
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const written: Record<string, number> = {};
  try {
    const h = view.header;
    await write('<?xml version="1.0" encoding="UTF-8"?>\n');
    await write(
      `<officeport-retention xmlns="${XML_NAMESPACE}" format-version="${scalar(h.format_version ?? '')}" archive-id="${scalar(h.archive_id ?? '')}" bundle-id="${scalar(h.bundle_id ?? '')}">\n`,
    );
    await write(headerXml(h, 'file'));
    for (const name of view.types) {
      await write(`  <rows file="${escapeXml(name)}">\n`);
      let n = 0;
      for await (const rec of view.records(name)) {
        await write(indentLines(builder.build({ row: toNode(rec, entryName) }) as string, '    '));
        n++;
      }
      written[name] = n;
      await write('  </rows>\n');
    }
    await write('</officeport-retention>\n');
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return written;
}
