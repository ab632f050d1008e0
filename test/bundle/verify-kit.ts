// Bags for the verify tests: the golden export fixture's parts, edited, then
// written with writeBag.
import fs from 'node:fs';
import path from 'node:path';
import { writeBag } from '../../src/bundle/bag-writer.js';
import { ROOT, tmpDir } from '../helpers/cli.js';

const GOLDEN = path.join(ROOT, 'test/golden/export-fixture');

export interface Parts {
  header: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** payload path -> content */
  files: Map<string, Buffer>;
}

export function goldenParts(): Parts {
  const files = new Map<string, Buffer>();
  for (const sub of ['data/documents', 'data/records'])
    for (const f of fs.readdirSync(path.join(GOLDEN, sub)).sort()) files.set(`${sub}/${f}`, fs.readFileSync(path.join(GOLDEN, sub, f)));
  return { header: JSON.parse(fs.readFileSync(path.join(GOLDEN, 'officeport.json'), 'utf8')), files };
}

export function linesOf(parts: Parts, file: string): string[] {
  const text = parts.files.get(file)!.toString('utf8');
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}

export function setLines(parts: Parts, file: string, lines: string[]): void {
  parts.files.set(file, Buffer.from(lines.map((l) => l + '\n').join('')));
}

/** Replace line `n` (1-based) of a record file through `edit`. */
export function editLine(parts: Parts, file: string, n: number, edit: (rec: Record<string, unknown>) => Record<string, unknown> | string): void {
  const lines = linesOf(parts, file);
  const out = edit(JSON.parse(lines[n - 1]!) as Record<string, unknown>);
  lines[n - 1] = typeof out === 'string' ? out : JSON.stringify(out);
  setLines(parts, file, lines);
}

/**
 * Append `n` contacts (contact/Z000001...) to contacts.ndjson and `n` smartpad
 * notes about them to smartpad.ndjson, so that the bag has record files of
 * thousands of lines; the header's counts follow.
 */
export function grow(parts: Parts, n: number): void {
  const contacts = linesOf(parts, 'data/records/contacts.ndjson');
  const notes = linesOf(parts, 'data/records/smartpad.ndjson');
  const note = JSON.parse(notes[0]!) as Record<string, unknown>;
  for (let i = 1; i <= n; i++) {
    const id = String(i).padStart(6, '0');
    contacts.push(JSON.stringify({ ref: `contact/Z${id}`, kind: 'individual', first_name: `F${i}`, last_name: `L${i}`, email: `z${i}@example.test` }));
    notes.push(JSON.stringify({ ...note, ref: `note/Z${id}`, contact: `contact/Z${id}` }));
  }
  setLines(parts, 'data/records/contacts.ndjson', contacts);
  setLines(parts, 'data/records/smartpad.ndjson', notes);
  parts.header.counts.contacts = contacts.length;
  parts.header.counts.smartpad = notes.length;
}

export async function bagOf(parts: Parts, dir = tmpDir('officeport-verify-')): Promise<string> {
  const out = path.join(dir, 'b.zip');
  await writeBag({
    outFile: out,
    rootName: `officeport-bundle-${parts.header.bundle_id}`,
    createdAt: new Date(parts.header.created_at),
    bagInfo: { 'External-Identifier': parts.header.bundle_id, 'Source-Organization': 'Test' },
    payload: [...parts.files.entries()].map(([p, content]) => ({ path: p, source: () => [content] })),
    tagFiles: () => [{ path: 'officeport.json', content: JSON.stringify(parts.header, null, 2) + '\n' }],
  });
  return out;
}
