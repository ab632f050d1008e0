// @ts-nocheck
// L4: the refs a bundle held are read off its record lines as they stream into
// the bag, however the lines are cut into chunks, as text or as bytes.
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { PayloadFile } from '../../src/bundle/bag-writer.js';
import { HeldRefs } from '../../src/export/held-refs.js';
import { insertHeldRefs } from '../../src/store/sqlite/export-store.js';

const LINES = [
  '{"ref":"contact/C-1","kind":"individual","first_name":"Zoë"}',
  `{"ref":"contact/C-\\"2","note":"${'x'.repeat(3000)}"}`,
  '{"ref":"contact/C-3","kind":"business"}',
];
const TEXT = LINES.join('\n') + '\n';

async function held(files: PayloadFile[]): Promise<Record<string, string[]>> {
  const h = new HeldRefs();
  async function* payload() {
    yield* files;
  }
  for await (const f of h.watch(payload())) {
    const src = f.source();
    if (Symbol.asyncIterator in src) for await (const _ of src);
    else for (const _ of src);
  }
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE export_bundle_refs (bundle_id TEXT, prefix TEXT, seq INTEGER, ids BLOB)`);
  insertHeldRefs(db, 'B', h.packs());
  const out: Record<string, string[]> = {};
  for (const r of db.prepare(`SELECT prefix, ids FROM export_bundle_refs ORDER BY prefix, seq`).all() as { prefix: string; ids: Buffer }[]) {
    (out[r.prefix] ??= []).push(...zlib.gunzipSync(r.ids).toString('utf8').split('\n'));
  }
  return out;
}

function cut<T extends string | Buffer>(whole: T, sizes: number[]): T[] {
  const parts: T[] = [];
  for (let i = 0, k = 0; i < whole.length; k++) {
    const n = sizes[k % sizes.length]!;
    parts.push(whole.slice(i, i + n) as T);
    i += n;
  }
  return parts;
}

describe('the refs a bundle held', () => {
  it('L4: every ref of contacts, policies and stubs is kept, lines cut anywhere, as text or bytes; catalogue files are not read', async () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    for (const sizes of [[1], [7, 3], [64], [TEXT.length]]) {
      const got = await held([
        { path: 'data/records/contacts.ndjson', source: () => cut(TEXT, sizes) },
        {
          path: 'data/records/policies.ndjson',
          source: async function* () {
            yield* cut(Buffer.from('{"ref":"policy/P-1"}\n{"ref":"policy/P-2"}', 'utf8'), sizes);
          },
        },
        { path: 'data/records/stubs.ndjson', source: () => cut(bytes, sizes) },
        { path: 'data/records/carriers.ndjson', source: () => ['{"ref":"carrier/CA-1"}\n'] },
      ]);
      expect(got, String(sizes)).toEqual({ contact: ['C-1', 'C-"2', 'C-3', 'C-1', 'C-"2', 'C-3'], policy: ['P-1', 'P-2'] });
    }
  });
});
