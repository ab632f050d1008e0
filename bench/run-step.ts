// One benchmark step in its own process, so that its peak RSS is its own (P1).
// Usage: node dist/bench/run-step.js <step> [args...]; prints one JSON line:
// { step, records, seconds, max_rss_kb, detail }. Times are taken inside the
// process around the work itself (process.hrtime.bigint), after module load.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { exportBundle } from '../src/export.js';
import { loadDir } from '../src/formats/office-csv.js';
import { generateInstallation } from '../src/generate.js';
import { importFile } from '../src/inbox.js';
import { openInstallation } from '../src/store/db.js';
import { verifyBundle } from '../src/verify.js';

export interface StepReport {
  step: string;
  records: number;
  seconds: number;
  max_rss_kb: number;
  detail?: Record<string, unknown>;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Work = (args: string[]) => Promise<{ records: number; detail?: Record<string, unknown> }>;

const sum = (o: Record<string, number | undefined>): number => Object.values(o).reduce<number>((a, b) => a + (b ?? 0), 0);

const STEPS: Record<string, Work> = {
  /** generate DIR CONTACTS SEED */
  async generate([dir, contacts, seed]) {
    const r = await generateInstallation(dir!, { contacts: Number(contacts), seed: seed!, offices: 3 });
    return { records: r.total, detail: { rows: r.rows, documents: r.documents } };
  },
  /** load DB DIR (DB must not exist yet) */
  async load([dbFile, dir]) {
    const db = openInstallation(dbFile!, { create: true });
    try {
      const r = await loadDir(db, dir!);
      return { records: sum(r.rows), detail: { documents: r.documents } };
    } finally {
      db.close();
    }
  },
  /** export DB OFFICE USER TO_OFFICE TO_USER OUT: every contact of OFFICE */
  async export([dbFile, office, user, toOffice, toUser, out]) {
    const db = openInstallation(dbFile!);
    try {
      const r = await exportBundle(db, {
        office: office!, user: user!, selection: { mode: 'all' }, toOffice: toOffice!, toUser: toUser!, out: out!,
        bundleId: '00000000-0000-4000-8000-000000000001', createdAt: '2025-04-01T09:30:00Z',
      });
      return { records: sum(r.counts as Record<string, number>), detail: { counts: r.counts } };
    } finally {
      db.close();
    }
  },
  /** verify FILE */
  async verify([file]) {
    const r = await verifyBundle(file!);
    if (!r.valid) throw new Error(`bundle invalid: ${JSON.stringify(r.problems.slice(0, 5))}`);
    return { records: sum((r.counts ?? {}) as Record<string, number>) };
  },
  /** import DB FILE OFFICE USER */
  async import([dbFile, file, office, user]) {
    const db = openInstallation(dbFile!);
    try {
      const r = await importFile(db, dbFile!, file!, office!, user!, {});
      return { records: countRecords(r as unknown as Record<string, unknown>), detail: summary(r as unknown as Record<string, unknown>) };
    } finally {
      db.close();
    }
  },
  /** floor-import DB BAGDIR: the import floor, every NDJSON row inserted into a fresh SQLite file in one transaction */
  async 'floor-import'([dbFile, bagDir]) {
    return { records: await bulkInsertNdjson(dbFile!, path.join(bagDir!, 'data', 'records')) };
  },
};

/** Records an accept touched, from its counts (shape owned by src/import.ts). */
function countRecords(r: Record<string, unknown>): number {
  const counts = (r.counts ?? r.totals) as Record<string, Record<string, number> | number> | undefined;
  if (!counts) return 0;
  let n = 0;
  for (const v of Object.values(counts)) n += typeof v === 'number' ? v : sum(v);
  return n;
}

function summary(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => typeof v !== 'object' || (v !== null && !Array.isArray(v))));
}

async function bulkInsertNdjson(dbFile: string, recordsDir: string): Promise<number> {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  let n = 0;
  try {
    db.exec('BEGIN');
    for (const f of fs.readdirSync(recordsDir).sort()) {
      const table = f.replace(/\.ndjson$/, '');
      const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', `${table}.schema.json`), 'utf8')) as { properties: Record<string, unknown> };
      const cols = Object.keys(schema.properties);
      db.exec(`CREATE TABLE "${table}" (${cols.map((c) => `"${c}" TEXT`).join(', ')})`);
      const insert = db.prepare(`INSERT INTO "${table}" VALUES (${cols.map(() => '?').join(', ')})`);
      const lines = readline.createInterface({ input: fs.createReadStream(path.join(recordsDir, f)), crlfDelay: Infinity });
      for await (const line of lines) {
        const rec = JSON.parse(line) as Record<string, unknown>;
        insert.run(cols.map((c) => {
          const v = rec[c];
          return v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
        }));
        n++;
      }
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  return n;
}

async function main(): Promise<void> {
  const [step, ...args] = process.argv.slice(2);
  const work = step ? STEPS[step] : undefined;
  if (!work) {
    process.stderr.write(`usage: run-step.js ${Object.keys(STEPS).join('|')} ARGS...\n`);
    process.exit(2);
  }
  const t0 = process.hrtime.bigint();
  const r = await work(args);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const report: StepReport = { step, records: r.records, seconds, max_rss_kb: process.resourceUsage().maxRSS, detail: r.detail };
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${step()} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});

function step(): string {
  return process.argv[2] ?? 'step';
}
