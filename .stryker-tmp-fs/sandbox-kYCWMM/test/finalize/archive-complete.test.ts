// @ts-nocheck
// M2: the retention archive holds every row finalize removed, from every
// table, with the values the source held. The check does not ask finalize
// which tables it touches: it compares the source's dump before and after, by
// table, and looks each vanished row up in the archive; a row that stayed with
// a changed value must have the old value in detached_references.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { checkPayload, openBag } from '../../src/bundle/bag-reader.js';
import { exportSample, handReceipt, writeJson } from '../fixtures/finalize/hand-receipt.js';
import { run } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/installation.js';

type Row = Record<string, string>;

function ok(args: string[]): string {
  const r = run(args);
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} -> ${r.code}\n${r.stderr}`);
  return r.stdout;
}

let n = 0;
/** The dump's tables (file name without .csv -> rows) and its documents (relative path -> bytes). */
function dump(db: string): { tables: Record<string, Row[]>; documents: Record<string, Buffer> } {
  const out = path.join(path.dirname(db), `dump-${n++}`);
  ok(['dump', out, '--db', db]);
  const tables: Record<string, Row[]> = {};
  for (const f of fs.readdirSync(out).filter((x) => x.endsWith('.csv'))) {
    tables[f.slice(0, -4)] = Papa.parse<Row>(fs.readFileSync(path.join(out, f), 'utf8'), { header: true, skipEmptyLines: true }).data;
  }
  const documents: Record<string, Buffer> = {};
  const docs = path.join(out, 'documents');
  if (fs.existsSync(docs)) {
    for (const f of fs.readdirSync(docs, { recursive: true }) as string[]) {
      const p = path.join(docs, f);
      if (fs.statSync(p).isFile()) documents[f] = fs.readFileSync(p);
    }
  }
  return { tables, documents };
}

/** Every data/records file of the archive (name -> rows, null cells as ''), and the bytes of every payload document. */
async function readArchive(file: string): Promise<{ files: Record<string, Row[]>; payload: Record<string, Buffer> }> {
  const { bag, problems } = await openBag(file);
  expect(problems).toEqual([]);
  await checkPayload(bag!);
  expect(bag!.problems).toEqual([]);
  const files: Record<string, Row[]> = {};
  const payload: Record<string, Buffer> = {};
  for (const p of bag!.paths) {
    if (p.startsWith('data/records/')) {
      const rows: Row[] = [];
      for await (const { text } of bag!.lines(p)) {
        if (text) rows.push(Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]) => [k, v === null ? '' : String(v)])));
      }
      files[p.slice('data/records/'.length, -'.ndjson'.length)] = rows;
    } else if (p.startsWith('data/documents/')) {
      const chunks: Buffer[] = [];
      for await (const c of bag!.stream(p)) chunks.push(c);
      payload[p] = Buffer.concat(chunks);
    }
  }
  await bag!.close();
  return { files, payload };
}

/** A row's identity in its table: its id, or (tables without one) all its values. */
const keyOf = (r: Row) => (r.id !== undefined ? `id:${r.id}` : JSON.stringify(Object.entries(r).sort()));
const canon = (r: Row) => JSON.stringify(Object.entries(r).sort());

async function finalizeAndCompare(
  receiptOf: (bundle: string, dir: string, db: string) => Promise<string>,
): Promise<{ removed: number; detached: number; tables: string[]; after: Record<string, Row[]>; archived: Record<string, Row[]> }> {
  const { dir, db, bundle } = exportSample('officeport-archive-complete-');
  const receipt = await receiptOf(bundle, dir, db);
  const before = dump(db);
  const out = JSON.parse(ok(['finalize', receipt, '--db', db, '--office', 'North Agency', '--user', 'alice', '--yes', '--json'])) as { archive: string };
  const after = dump(db);
  const { files, payload } = await readArchive(out.archive);
  const detached = files.detached_references ?? [];

  let removed = 0;
  let changed = 0;
  const tables = new Set<string>();
  expect(Object.keys(after.tables).sort()).toEqual(Object.keys(before.tables).sort());
  for (const [table, rows] of Object.entries(before.tables)) {
    const stayed = new Map(after.tables[table]!.map((r) => [keyOf(r), r]));
    const archived = new Map([...(files[table] ?? []), ...(files[`travelled_${table}`] ?? [])].map((r) => [keyOf(r), r]));
    for (const row of rows) {
      const now = stayed.get(keyOf(row));
      if (!now) {
        removed++;
        tables.add(table);
        const kept = archived.get(keyOf(row));
        expect(kept, `${table} row ${keyOf(row)} left the source but is not in the retention archive`).toBeDefined();
        expect(canon(kept!), `${table} row ${keyOf(row)}: the archive holds other values than the source did`).toBe(canon(row));
        continue;
      }
      for (const [column, value] of Object.entries(row)) {
        if (now[column] === value) continue;
        changed++;
        // finalize only cuts references (sets them empty); the old value is in detached_references
        expect(now[column], `${table} ${row.id}.${column} changed to a value, not cut`).toBe('');
        expect(detached, `${table} ${row.id}.${column} was cut but the archive does not say what it held`).toContainEqual({ table, id: row.id, column, value });
      }
    }
    // and the archive holds no row of this table that is still in the source
    for (const k of archived.keys()) expect(stayed.has(k), `the archive holds ${table} ${k}, which is still in the source`).toBe(false);
  }
  expect(detached).toHaveLength(changed);

  // documents that left the source are in the archive, byte for byte
  const index = files.documents ?? [];
  for (const [doc, bytes] of Object.entries(before.documents)) {
    if (after.documents[doc]) continue;
    const entry = index.find((d) => d.path === doc);
    expect(entry, `document ${doc} left the source but is not in the archive's index`).toBeDefined();
    expect(entry!.sha256).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
    expect(payload[entry!.file!]?.equals(bytes), `document ${doc}: the archive's bytes differ`).toBe(true);
  }
  return { removed, detached: changed, tables: [...tables].sort(), after: after.tables, archived: files };
}

describe('the retention archive is complete', () => {
  it('M2: every row finalize removes, from every table, is in the archive with its values; every cut reference too (hand receipt with a pending contact and a dropped policy)', async () => {
    const r = await finalizeAndCompare(async (bundle, dir) => {
      const receipt = await handReceipt(bundle, {
        outcome: (x) => {
          const rec = x.record;
          if (rec.ref === 'contact/C-1106' || rec.primary_contact === 'contact/C-1106' || rec.contact === 'contact/C-1106') return 'pending';
          return rec.ref === 'policy/P-1007' ? 'dropped' : undefined;
        },
      });
      return writeJson(path.join(dir, 'receipt.json'), receipt);
    });
    // the comparison saw the removals of this case, not an empty diff
    expect(r.removed).toBeGreaterThan(50);
    expect(r.detached).toBeGreaterThan(0);
    expect(r.tables).toEqual(expect.arrayContaining(['contacts', 'key_relations', 'leads', 'letters', 'policies', 'policy_parties', 'set_members']));
  }, 60_000);

  it('X10, M3: a pending case of a moved contact that did not arrive stays in the source, its contact cut; the case a commission names leaves with the contact', async () => {
    // PC-1 (of C-1101) is dropped by the import; PC-3 (of C-1104) is named by commission CM-2, so it never travels (X10).
    const r = await finalizeAndCompare(async (bundle, dir) => {
      const receipt = await handReceipt(bundle, { outcome: (x) => (x.record.ref === 'case/PC-1' ? 'dropped' : undefined) });
      expect(receipt.outcomes.map((o) => o.ref)).toEqual(expect.arrayContaining(['contact/C-1101', 'contact/C-1104', 'case/PC-1']));
      expect(receipt.outcomes.map((o) => o.ref)).not.toContain('case/PC-3');
      return writeJson(path.join(dir, 'receipt.json'), receipt);
    });
    const cases = new Map(r.after.pending_cases!.map((c) => [c.id, c]));
    expect(cases.get('PC-1'), 'the dropped case stays in the source').toMatchObject({ id: 'PC-1', primary_contact_id: '' });
    expect(cases.has('PC-3'), 'the case a commission names left with its contact').toBe(false);
    expect(r.archived.pending_cases!.map((c) => c.id)).toEqual(['PC-3']);
    expect(r.archived.detached_references).toContainEqual({ table: 'pending_cases', id: 'PC-1', column: 'primary_contact_id', value: 'C-1101' });
  }, 60_000);

  it('M2: the same holds after a real import into the sample target (its own receipt, stubs linked, census rows dropped)', async () => {
    const r = await finalizeAndCompare(async (bundle, dir) => {
      const target = path.join(dir, 'target.db');
      ok(['init', '--db', target]);
      ok(['load', path.join(SAMPLES, 'target'), '--db', target]);
      const receipt = path.join(dir, 'receipt.json');
      ok(['import', bundle, '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
      return receipt;
    });
    expect(r.removed).toBeGreaterThan(50);
    expect(r.tables).toEqual(expect.arrayContaining(['contacts', 'employee_census', 'key_relations', 'policies']));
  }, 60_000);
});
