// Bags for the verify tests: the golden export fixture's parts, edited, then
// written with writeBag.
import fs from 'node:fs';
import path from 'node:path';
import { writeBag } from '../../src/bundle/bag-writer.js';
import { openZip } from '../../src/bundle/zip-reader.js';
import { ROOT, tmpDir } from '../helpers/cli.js';

const GOLDEN = path.join(ROOT, 'test/golden/export-fixture');

export interface Parts {
  header: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the bundle header is read as loose JSON in tests
  /** payload path -> content */
  files: Map<string, Buffer>;
  /** B9: the schemas the bag carries, path (schemas/<name>.schema.json) -> content */
  schemas: Map<string, Buffer>;
}

export function goldenParts(): Parts {
  const files = new Map<string, Buffer>();
  for (const sub of ['data/documents', 'data/records'])
    for (const f of fs.readdirSync(path.join(GOLDEN, sub)).sort()) files.set(`${sub}/${f}`, fs.readFileSync(path.join(GOLDEN, sub, f)));
  const schemas = new Map<string, Buffer>();
  for (const f of fs.readdirSync(path.join(GOLDEN, 'schemas')).sort()) schemas.set(`schemas/${f}`, fs.readFileSync(path.join(GOLDEN, 'schemas', f)));
  return { header: JSON.parse(fs.readFileSync(path.join(GOLDEN, 'officeport.json'), 'utf8')), files, schemas };
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
    tagFiles: () => [
      { path: 'officeport.json', content: JSON.stringify(parts.header, null, 2) + '\n' },
      ...[...parts.schemas].map(([p, content]) => ({ path: p, content })),
    ],
  });
  return out;
}

/** Replace line `n` (1-based) of a record file by raw bytes. */
export function setRawLine(parts: Parts, file: string, n: number, raw: Buffer): void {
  const lines = parts.files.get(file)!.toString('latin1').split('\n');
  lines[n - 1] = raw.toString('latin1');
  parts.files.set(file, Buffer.from(lines.join('\n'), 'latin1'));
}

export interface BrokenCase {
  name: string;
  parts: Parts;
  /** damage the written zip (e.g. flip a byte of an entry's compressed data) */
  damage?: (zip: Buffer, entryRange: (name: string) => { start: number; end: number }) => void;
}

/**
 * Bundles of thousands of lines with defects spread over several chunks
 * (verify cuts record files into runs of about 128 KiB): the problem lists of
 * these are compared with those of the line-by-line implementation.
 */
export function brokenCases(): BrokenCase[] {
  const C = 'data/records/contacts.ndjson';
  const S = 'data/records/smartpad.ndjson';
  const big = () => {
    const p = goldenParts();
    grow(p, 6000);
    return p;
  };
  const cases: BrokenCase[] = [];
  {
    const p = big();
    for (const n of [2, 700, 1401, 2999, 3000, 5999]) editLine(p, C, n, (c) => ({ ...c, birth_date: `${n}/03/1972`, gender: 'x' }));
    editLine(p, C, 1500, () => '{"ref": "contact/Z001497",');
    editLine(p, C, 1600, () => '');
    editLine(p, C, 1700, (c) => '\ufeff' + JSON.stringify(c));
    editLine(p, C, 1800, (c) => JSON.stringify(c) + '\r');
    editLine(p, C, 2500, (c) => ({ ...c, ref: 'contact/Z002400' }));
    editLine(p, C, 4000, (c) => ({ ...c, ref: 'contact/Z003998' }));
    editLine(p, S, 10, (c) => ({ ...c, contact: 'contact/NOPE1' }));
    editLine(p, S, 3500, (c) => ({ ...c, contact: 'contact/NOPE2', extra: 1 }));
    editLine(p, S, 5000, (c) => ({ ...c, contact: 'contact/NOPE3' }));
    editLine(p, 'data/records/letters.ndjson', 1, (c) => ({ ...c, document: { ...(c.document as object), path: 'data/documents/nope' } }));
    editLine(p, 'data/records/policies.ndjson', 1, (c) => ({
      ...c,
      parties: [
        { contact: 'contact/NOPE4', list: 'advisor' },
        { contact: 'contact/Z000001', list: 'advisor' },
      ],
    }));
    setRawLine(
      p,
      C,
      5000,
      Buffer.concat([Buffer.from('{"ref":"contact/Z004999","kind":"individual","first_name":"'), Buffer.from([0xc3, 0x28, 0xe2, 0x82]), Buffer.from('"}')]),
    );
    cases.push({ name: 'many defects', parts: p });
  }
  {
    const p = big();
    const lines = linesOf(p, S);
    p.files.set(S, Buffer.from(lines.join('\n'))); // no newline after the last line
    editLine(p, S, lines.length, (c) => ({ ...c, contact: 'contact/NOPE5' }));
    const body = p.files.get(S)!;
    p.files.set(S, body.subarray(0, body.length - 1));
    cases.push({ name: 'last line without a newline', parts: p });
  }
  {
    const p = big();
    editLine(p, C, 10, (c) => ({ ...c, gender: 'x' }));
    editLine(p, C, 5900, (c) => ({ ...c, gender: 'y' }));
    cases.push({
      name: 'damaged deflate data in the middle of contacts',
      parts: p,
      damage: (zip, range) => {
        const r = range(`officeport-bundle-${p.header.bundle_id}/${C}`);
        const at = r.start + Math.floor((r.end - r.start) * 0.97);
        zip[at] = zip[at]! ^ 0xff;
      },
    });
  }
  {
    const p = big();
    editLine(p, S, 20, (c) => ({ ...c, contact: 'contact/NOPE6' }));
    editLine(p, S, 5990, (c) => ({ ...c, created_at: 'yesterday' }));
    cases.push({
      name: 'CRC-32 in the central directory differs',
      parts: p,
      damage: (zip) => {
        const name = Buffer.from(`officeport-bundle-${p.header.bundle_id}/${S}`);
        for (let at = zip.indexOf(name); at >= 0; at = zip.indexOf(name, at + 1))
          if (zip.readUInt32LE(at - 46) === 0x02014b50) zip.writeUInt32LE((zip.readUInt32LE(at - 46 + 16) ^ 1) >>> 0, at - 46 + 16);
      },
    });
  }
  return cases;
}

/** Each of brokenCases() written as a zip (damaged where the case says), by case name. */
export async function brokenZips(prefix: string): Promise<Map<string, string>> {
  const zips = new Map<string, string>();
  for (const c of brokenCases()) {
    const file = await bagOf(c.parts, tmpDir(prefix));
    if (c.damage) {
      const { zip } = await openZip(file);
      const bytes = fs.readFileSync(file);
      c.damage(bytes, (name) => {
        const e = zip!.entries.find((x) => x.name === name)!;
        return { start: e.dataStart, end: e.dataEnd };
      });
      fs.writeFileSync(file, bytes);
    }
    zips.set(c.name, file);
  }
  return zips;
}
