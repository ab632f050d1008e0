// @ts-nocheck
// L9: bad bytes are refused, never repaired. Bundles forged from the golden
// export (verify-kit.ts, forge.ts) and CSV folders copied from the samples,
// each with one defect, checked by the real binary.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_LINE_BYTES } from '../src/bundle/bag-reader.js';
import { readSchema } from '../src/bundle/schemas.js';
import { RECORD_TYPES } from '../src/bundle/records.js';
import { bagOf, editLine, goldenParts, grow, setRawLine, type Parts } from './bundle/verify-kit.js';
import { forgeBag } from './fixtures/zips/forge.js';
import { BIN, run, tmpDir } from './helpers/cli.js';
import { SAMPLES, loadInstallation } from './helpers/installation.js';

const C = 'data/records/contacts.ndjson';

async function verifyParts(mutate: (p: Parts) => void): Promise<{ code: number; out: string }> {
  const parts = goldenParts();
  mutate(parts);
  const r = run(['verify', await bagOf(parts)]);
  return { code: r.code, out: r.stdout + r.stderr };
}

/** The golden bundle's files, as forgeBag takes them, with officeport.json given as bytes. */
function forgedWithHeader(header: Buffer, extra: Record<string, Buffer> = {}): string {
  const parts = goldenParts();
  const files: Record<string, Buffer> = { 'officeport.json': header, ...extra };
  for (const [p, b] of parts.files) files[p] = b;
  const zip = path.join(tmpDir('officeport-l9-'), 'b.zip');
  fs.writeFileSync(zip, forgeBag(files, { root: `officeport-bundle-${parts.header.bundle_id}` }));
  return zip;
}

function goldenHeaderText(): string {
  return JSON.stringify(goldenParts().header, null, 2) + '\n';
}

describe('L9: bad bytes in a bundle', () => {
  it('L9: invalid UTF-8 in a record line is a problem naming the file and line, not a silent U+FFFD', async () => {
    const r = await verifyParts((p) =>
      setRawLine(
        p,
        C,
        2,
        Buffer.concat([Buffer.from('{"ref":"contact/A2","kind":"individual","first_name":"Jo'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
      ),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/data\/records\/contacts\.ndjson:2: not valid UTF-8/);
    expect(r.out).not.toContain('internal error');
  });

  it('L9: an invalid byte in the last line (no newline after it) is refused too', async () => {
    const r = await verifyParts((p) => {
      const body = p.files.get(C)!;
      const lines = body.toString('utf8').split('\n').filter(Boolean);
      const last = lines.pop()!;
      const rec = JSON.parse(last) as Record<string, unknown>;
      const raw = Buffer.from(JSON.stringify({ ...rec, city: 'X' }));
      // the closing '"}' after a lone lead byte
      const at = raw.lastIndexOf('X');
      raw[at] = 0xe2;
      p.files.set(C, Buffer.concat([Buffer.from(lines.map((l) => l + '\n').join('')), raw]));
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/data\/records\/contacts\.ndjson:\d+: not valid UTF-8/);
  });

  it('L9: a NUL byte in a record line is a problem naming the file and line', async () => {
    const r = await verifyParts((p) => setRawLine(p, C, 1, Buffer.from('{"ref":"contact/A1","kind":"individual","first_name":"Jo\u0000e"}')));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/data\/records\/contacts\.ndjson:1: .*NUL/);
  });

  it('L9: a \\u0000 escape in a record value is refused with its line and pointer (text never holds NUL)', async () => {
    const r = await verifyParts((p) => editLine(p, C, 2, (c) => ({ ...c, city: 'Spring\u0000field' })));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/data\/records\/contacts\.ndjson:2 \/city: .*NUL/);
  });

  it('L9: a \\u0000 escape inside a party entry of a policy is refused with its pointer', async () => {
    const r = await verifyParts((p) =>
      editLine(p, 'data/records/policies.ndjson', 1, (c) => ({ ...c, parties: [{ contact: 'contact/A1', list: 'advisor', role: 'own\u0000er' }] })),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/data\/records\/policies\.ndjson:1 \/parties\/0\/role: .*NUL/);
  });

  it('L9: half of a surrogate pair written as an escape (\\ud800) is refused with its line and pointer; a whole pair written as escapes is a character', async () => {
    // JSON.stringify writes a lone surrogate as the escape \ud800: valid JSON, but no character and no UTF-8 can hold it
    const lone = await verifyParts((p) => editLine(p, C, 2, (c) => ({ ...c, city: 'Spring\ud800field' })));
    expect(lone.code).toBe(1);
    expect(lone.out).toMatch(/data\/records\/contacts\.ndjson:2 \/city: .*surrogate/);
    const low = await verifyParts((p) => editLine(p, C, 2, (c) => ({ ...c, last_name: 'x\udc00' })));
    expect(low.out).toMatch(/data\/records\/contacts\.ndjson:2 \/last_name: .*surrogate/);
    const pair = await verifyParts((p) => editLine(p, C, 2, (c) => ({ ...c, city: 'Spring\u{1F600}field' })));
    expect(pair.out).not.toMatch(/surrogate/);
    const escapedPair = await verifyParts((p) => editLine(p, C, 2, (c) => JSON.stringify({ ...c, city: 'CITY' }).replace('CITY', 'Spring\\ud83d\\ude00field')));
    expect(escapedPair.out).not.toMatch(/surrogate/);
  });

  it('L9: a record nested 100,000 levels deep is a problem with file and line, not a crash', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r = await verifyParts((p) => editLine(p, C, 2, (c) => JSON.stringify(c).replace(/}$/, `,"city":${deep}}`)));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/data\/records\/contacts\.ndjson:2: nested deeper than 32 levels/);
    expect(r.out).not.toMatch(/internal error|call stack/i);
  });

  it('L9: brackets inside strings do not count as nesting; a deep value in a valid-looking place is still reported by the schema', async () => {
    const r = await verifyParts((p) => editLine(p, C, 2, (c) => ({ ...c, city: '['.repeat(200) })));
    expect(r.code).toBe(0);
    const deep = await verifyParts((p) => editLine(p, C, 2, (c) => JSON.stringify(c).replace(/}$/, `,"city":${'[{"a":'.repeat(20)}1${'}]'.repeat(20)}}`)));
    expect(deep.code).toBe(1);
    expect(deep.out).toMatch(/contacts\.ndjson:2: nested deeper than 32 levels/);
  });

  it('L9: officeport.json nested too deep is a problem, not a crash', () => {
    const h = goldenHeaderText().replace('"tool_version"', `"deep": ${'['.repeat(50_000)}${']'.repeat(50_000)},\n  "tool_version"`);
    const r = run(['verify', forgedWithHeader(Buffer.from(h))]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/officeport\.json: .*nested deeper than 32 levels/);
    expect(r.stdout + r.stderr).not.toMatch(/internal error|call stack/i);
  });

  it('L9: invalid UTF-8 in officeport.json is a problem naming the file and line', () => {
    const text = goldenHeaderText();
    const at = Buffer.from(text).indexOf('"installation_name"');
    const line = text.slice(0, text.indexOf('"installation_name"')).split('\n').length;
    const bytes = Buffer.from(text);
    const bad = Buffer.concat([bytes.subarray(0, at + 23), Buffer.from([0xff]), bytes.subarray(at + 24)]);
    const r = run(['verify', forgedWithHeader(bad)]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(`officeport.json:${line}: not valid UTF-8`);
  });

  it('L9: a \\u0000 escape in officeport.json is refused with its pointer', () => {
    const h = goldenHeaderText().replace(/"installation_name": "([^"]*)"/, '"installation_name": "$1\\u0000x"');
    const r = run(['verify', forgedWithHeader(Buffer.from(h))]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/officeport\.json \/source\/installation_name: .*NUL/);
  });

  it('L9: invalid UTF-8 in bag-info.txt is a problem naming the file and line', () => {
    const parts = goldenParts();
    const payload = [...parts.files];
    const octets = payload.reduce((a, [, b]) => a + b.length, 0);
    const info = Buffer.concat([
      Buffer.from(
        `Payload-Oxum: ${octets}.${payload.length}\nBagging-Date: 2025-04-01\nExternal-Identifier: ${parts.header.bundle_id}\nSource-Organization: Caf`,
      ),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const r = run(['verify', forgedWithHeader(Buffer.from(goldenHeaderText()), { 'bag-info.txt': info })]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('bag-info.txt:4: not valid UTF-8');
  });

  it('L9: every string field of every record schema and of the header has a maxLength (or is an enum)', () => {
    const missing: string[] = [];
    const walk = (s: Record<string, unknown>, where: string) => {
      if (s.type === 'string' && s.enum === undefined && s.const === undefined && typeof s.maxLength !== 'number') missing.push(where);
      for (const [k, v] of Object.entries((s.properties as Record<string, Record<string, unknown>>) ?? {})) walk(v, `${where}/${k}`);
      if (s.items) walk(s.items as Record<string, unknown>, `${where}/*`);
    };
    for (const name of [...RECORD_TYPES, 'officeport'] as const) walk(readSchema(name), name);
    expect(missing).toEqual([]);
  });

  it('L9: the longest record the schemas allow fits the line bound, written with every character escaped', () => {
    // bytes of the longest JSON a schema allows, written without spaces: strings of maxLength characters each
    // written as a 12-byte surrogate pair escape, lists of maxItems entries, every property present, integers of 20 digits
    const longest = (s: Record<string, unknown>): number => {
      if (s.type === 'integer') return 20;
      if (s.type === 'string') return s.enum ? Math.max(...(s.enum as string[]).map((v) => v.length + 2)) : 2 + 12 * (s.maxLength as number);
      if (s.type === 'array') return 2 + (s.maxItems as number) * (1 + longest(s.items as Record<string, unknown>));
      if (s.type === 'object')
        return 2 + Object.entries(s.properties as Record<string, Record<string, unknown>>).reduce((a, [k, v]) => a + k.length + 4 + longest(v), 0);
      throw new Error(`no bound for ${JSON.stringify(s).slice(0, 80)}`);
    };
    const sizes = RECORD_TYPES.map((t) => longest(readSchema(t)));
    expect(Math.max(...sizes)).toBeLessThan(MAX_RECORD_LINE_BYTES);
    expect(Math.max(...sizes)).toBeGreaterThan(MAX_RECORD_LINE_BYTES / 2); // the bound is not far above what a record can be
  });

  it('L9: a field over its maxLength is a problem naming file, line and field', async () => {
    const r = await verifyParts((p) => editLine(p, C, 2, (c) => ({ ...c, last_name: 'x'.repeat(20_000) })));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/data\/records\/contacts\.ndjson:2 \/last_name: .*(longer|characters)/);
  });

  it('L9: maxLength counts characters, not UTF-16 units: 400 emoji (800 units) fit a name of at most 500', async () => {
    const ok = await verifyParts((p) => editLine(p, C, 2, (c) => ({ ...c, last_name: '\u{1F600}'.repeat(400) })));
    expect(ok.out).not.toContain('last_name');
    expect(ok.out).not.toContain('DEPRECATED'); // how the fast validator counts is set without ajv's warning
    expect(ok.code).toBe(0);
    const over = await verifyParts((p) => editLine(p, C, 2, (c) => ({ ...c, last_name: '\u{1F600}'.repeat(501) })));
    expect(over.out).toMatch(/contacts\.ndjson:2 \/last_name: longer than 500 characters \(501\)/);
  });

  it('L9: bad bytes spread over many chunks are the same problems whether worker threads or this thread check the lines', async () => {
    const parts = goldenParts();
    grow(parts, 6000);
    const raw = (n: number, bytes: Buffer) =>
      setRawLine(
        parts,
        C,
        n,
        Buffer.concat([Buffer.from(`{"ref":"contact/Z${String(n).padStart(6, '0')}","kind":"individual","first_name":"`), bytes, Buffer.from('"}')]),
      );
    editLine(parts, C, 4000, (c) => ({ ...c, city: 'a\u0000b' }));
    editLine(parts, C, 5000, (c) => JSON.stringify(c).replace(/}$/, `,"x":${'['.repeat(40)}${']'.repeat(40)}}`));
    editLine(parts, 'data/records/smartpad.ndjson', 5999, (c) => ({ ...c, text: 't'.repeat(500_001) }));
    // raw bytes last: editLine reads the file as UTF-8 and would repair them
    raw(700, Buffer.from([0xed, 0xa0, 0x80])); // an encoded surrogate
    raw(1401, Buffer.from([0xf4, 0x90, 0x80, 0x80])); // above U+10FFFF
    raw(2999, Buffer.from([0x41, 0x00, 0x42]));
    raw(3000, Buffer.from([0xc0, 0xaf])); // overlong
    const zip = await bagOf(parts);
    const outcome = (workers: number) => {
      const r = run(['verify', zip, '--json'], { env: { OFFICEPORT_VERIFY_WORKERS: String(workers) } });
      return (JSON.parse(r.stdout) as { problems: { file: string; line: number; pointer?: string; message: string }[] }).problems;
    };
    const inline = outcome(0);
    expect(outcome(2)).toEqual(inline);
    const own = inline
      .filter((p) => !/refers to|not sorted|not unique/.test(p.message))
      .map((p) => `${p.file.replace('data/records/', '')}:${p.line}${p.pointer ? ' ' + p.pointer : ''}: ${p.message.split(/[;:(]/)[0]}`);
    expect(own).toEqual([
      'contacts.ndjson:700: not valid UTF-8',
      'contacts.ndjson:1401: not valid UTF-8',
      'contacts.ndjson:2999: holds a NUL character ',
      'contacts.ndjson:3000: not valid UTF-8',
      'contacts.ndjson:4000 /city: holds a NUL character ',
      'contacts.ndjson:5000: nested deeper than 32 levels of [ and {',
      'smartpad.ndjson:5999 /text: longer than 500000 characters ',
    ]);
  });

  it('L9: a record line longer than any record can be is refused by verify and import without building it; memory stays within P1', async () => {
    const parts = goldenParts();
    // 50 MB of random letters (a run of one letter would trip the zip ratio limit first)
    const name = Buffer.from(crypto.randomBytes(50 * 1024 * 1024).map((b) => 97 + (b % 26)));
    const lines = parts.files.get(C)!.toString('utf8').split('\n').filter(Boolean);
    const [before, after] = JSON.stringify({ ...(JSON.parse(lines[0]!) as object), first_name: '@NAME@' }).split('@NAME@');
    const rest = lines
      .slice(1)
      .map((l) => l + '\n')
      .join('');
    parts.files.set(C, Buffer.concat([Buffer.from(before!), name, Buffer.from(after! + '\n' + rest)]));
    const dir = tmpDir('officeport-l9-big-');
    const zip = await bagOf(parts, dir);
    const target = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const peak: Record<string, number> = {};
    for (const [step, args] of [
      ['verify', ['verify', zip]],
      ['import', ['import', zip, '--db', target, '--office', 'TG', '--user', 'imp', '--receipt', path.join(dir, 'r.json')]],
    ] as const) {
      const r = spawnSync('/usr/bin/time', ['-f', 'PEAK_KB %M', process.execPath, BIN, ...args], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        cwd: dir,
        maxBuffer: 64 << 20,
      });
      expect(r.status, `${step}: ${r.stderr}`).toBe(1);
      expect(r.stdout + r.stderr, step).toMatch(/contacts\.ndjson:1: line longer than \d+ bytes/);
      peak[step] = Number(/PEAK_KB (\d+)/.exec(r.stderr)![1]) / 1024;
    }
    console.log(`L9: 50 MB field: peak RSS verify ${peak.verify!.toFixed(0)} MB, import ${peak.import!.toFixed(0)} MB`);
    expect(peak.verify).toBeLessThan(400);
    expect(peak.import).toBeLessThan(400);
    expect(fs.existsSync(path.join(dir, 'r.json'))).toBe(false);
  }, 120_000);
});

/** A copy of the source samples with `edit` applied to the bytes of `file` (contacts.csv). */
function csvFolder(edit: (csv: Buffer) => Buffer, file = 'contacts.csv'): string {
  const dir = path.join(tmpDir('officeport-l9-csv-'), 'office');
  fs.cpSync(path.join(SAMPLES, 'source'), dir, { recursive: true });
  const f = path.join(dir, file);
  fs.writeFileSync(f, edit(fs.readFileSync(f)));
  return dir;
}

function loadFolder(dir: string): { code: number; out: string; db: string } {
  const db = path.join(path.dirname(dir), 'inst.db');
  expect(run(['init', '--db', db]).code).toBe(0);
  const r = run(['load', dir, '--db', db]);
  return { code: r.code, out: r.stdout + r.stderr, db };
}

/** Replace the first occurrence of `what` on line `line` (1-based) of a CSV's bytes. */
function onLine(csv: Buffer, line: number, what: string, by: Buffer): Buffer {
  let start = 0;
  for (let i = 1; i < line; i++) start = csv.indexOf(10, start) + 1;
  const at = csv.indexOf(what, start);
  return Buffer.concat([csv.subarray(0, at), by, csv.subarray(at + what.length)]);
}

describe('L9: bad bytes in a CSV file', () => {
  it('L9: invalid UTF-8 in a CSV value is a file:line:column problem and nothing loads', () => {
    const dir = csvFolder((csv) => onLine(csv, 3, 'Linda', Buffer.concat([Buffer.from('Lin'), Buffer.from([0xe9]), Buffer.from('da')])));
    const r = loadFolder(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('contacts.csv:3:4: not valid UTF-8');
    expect(r.out).toContain('nothing was loaded');
    const list = run(['list', 'offices', '--db', r.db]);
    expect(list.stdout).not.toContain('North Agency');
  });

  it('L9: a NUL byte in a CSV value is a file:line:column problem and nothing loads', () => {
    const dir = csvFolder((csv) => onLine(csv, 2, 'Chicago', Buffer.from('Chi\u0000cago')));
    const r = loadFolder(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/contacts\.csv:2:14: .*NUL/);
    expect(r.out).toContain('nothing was loaded');
  });

  it('L9: a CSV value longer than the bundle field it becomes may be is a file:line:column problem and nothing loads', () => {
    const dir = csvFolder((csv) => onLine(csv, 2, 'Robert', Buffer.from('R' + 'o'.repeat(500))));
    const r = loadFolder(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('contacts.csv:2:4: first_name: longer than 500 characters (501)');
    expect(r.out).toContain('nothing was loaded');
    // a party's role becomes /parties/N/role of a policy record
    const parties = loadFolder(csvFolder((csv) => onLine(csv, 2, 'writing_agent', Buffer.from('w'.repeat(501))), 'policy_parties.csv'));
    expect(parties.code).toBe(1);
    expect(parties.out).toMatch(/policy_parties\.csv:2:\d+: role: longer than 500 characters \(501\)/);
  });

  it('L9: invalid UTF-8 in a quoted value over several lines names the line the bad byte is on', () => {
    const dir = csvFolder((csv) =>
      onLine(csv, 2, '100 Lake Shore Dr', Buffer.concat([Buffer.from('"100 Lake\nShore '), Buffer.from([0xc0, 0xaf]), Buffer.from('Dr"')])),
    );
    const r = loadFolder(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('contacts.csv:3:13: not valid UTF-8');
  });
});
