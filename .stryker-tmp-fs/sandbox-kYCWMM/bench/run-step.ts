// @ts-nocheck
// One benchmark step in its own process, so that its peak RSS is its own (P1).
// Usage: node dist/bench/run-step.js <step> [args...]; prints one JSON line:
// { step, records, seconds, max_rss_kb, detail }. Times are taken inside the
// process around the work itself (process.hrtime.bigint), after module load.
import { exportBundle } from '../src/export/index.js';
import { loadDir } from '../src/installation/index.js';
import { storeOf } from '../src/store/sqlite/store.js';
import { isPostgresAddress, openStore } from '../src/store/open.js';
import type { Store } from '../src/store/port.js';
import { generateInstallation } from '../src/installation/generate.js';
import { importFile } from '../src/import/inbox.js';
import { openInstallation } from '../src/store/sqlite/db.js';
import { verifyBundle } from '../src/audit/verify.js';
import { officeKeySource, withBundle, writeAddressCard } from '../src/trust/index.js';

export interface StepReport {
  step: string;
  records: number;
  seconds: number;
  max_rss_kb: number;
  /** user + system CPU seconds of the step (wall time suffers when the machine is busy) */
  cpu_seconds: number;
  detail?: Record<string, unknown>;
}

type Work = (args: string[]) => Promise<{ records: number; detail?: Record<string, unknown> }>;

/** The installation a step works on: an SQLite file, or a postgres:// address (G5). */
async function withInstallation<T>(db: string, create: boolean, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(db, { create });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

const sum = (o: Record<string, number | undefined>): number => Object.values(o).reduce<number>((a, b) => a + (b ?? 0), 0);

const STEPS: Record<string, Work> = {
  /** generate DIR CONTACTS SEED */
  async generate([dir, contacts, seed]) {
    const r = await generateInstallation(dir!, { contacts: Number(contacts), seed: seed!, offices: 3 });
    return { records: r.total, detail: { rows: r.rows, documents: r.documents } };
  },
  /** load DB DIR (DB must not exist yet); DB is a file or a postgres:// address, as for every step below */
  async load([dbFile, dir]) {
    return withInstallation(dbFile!, true, async (store) => {
      const r = await loadDir(store, dir!);
      return { records: sum(r.rows), detail: { documents: r.documents } };
    });
  },
  /** export DB OFFICE USER TO_OFFICE TO_USER OUT: every contact of OFFICE */
  async export([dbFile, office, user, toOffice, toUser, out]) {
    return withInstallation(dbFile!, false, async (store) => {
      const r = await exportBundle(store, {
        office: office!,
        user: user!,
        selection: { mode: 'all' },
        toOffice: toOffice!,
        toUser: toUser!,
        out: out!,
        bundleId: '00000000-0000-4000-8000-000000000001',
        createdAt: '2025-04-01T09:30:00Z',
      });
      return { records: sum(r.counts as Record<string, number>), detail: { counts: r.counts } };
    });
  },
  /** export-to DB OFFICE USER CARD OUT: every contact of OFFICE, encrypted to the address card (T2) */
  async 'export-to'([dbFile, office, user, card, out]) {
    return withInstallation(dbFile!, false, async (store) => {
      const r = await exportBundle(store, {
        office: office!,
        user: user!,
        selection: { mode: 'all' },
        to: card!,
        out: out!,
        bundleId: '00000000-0000-4000-8000-000000000002',
        createdAt: '2025-04-01T09:30:00Z',
      });
      return { records: sum(r.counts as Record<string, number>), detail: { counts: r.counts } };
    });
  },
  /** address DB OFFICE USER OUT: the office's address card (its keys made on first use) */
  async address([dbFile, office, user, out]) {
    return withInstallation(dbFile!, false, async (store) => {
      await writeAddressCard(store, { office: office!, user: user!, out: out! });
      return { records: 1 };
    });
  },
  /** verify FILE */
  async verify([file]) {
    const r = await verifyBundle(file!);
    if (!r.valid) throw new Error(`bundle invalid: ${JSON.stringify(r.problems.slice(0, 5))}`);
    return { records: sum((r.counts ?? {}) as Record<string, number>) };
  },
  /** import DB FILE OFFICE USER RECEIPT */
  async import([dbFile, file, office, user, receipt]) {
    if (isPostgresAddress(dbFile!)) {
      return withInstallation(dbFile!, false, async (store) => {
        const r = await importFile(store, file!, office!, user!, { receiptFile: receipt });
        return { records: r.outcomes_total, detail: { counts: r.counts, already_imported: r.already_imported } };
      });
    }
    const db = openInstallation(dbFile!);
    // Experiments only: BENCH_PRAGMAS="cache_size=-65536;temp.cache_size=-65536" tries settings without code changes.
    for (const p of (process.env.BENCH_PRAGMAS ?? '').split(';').filter(Boolean)) db.pragma(p);
    try {
      const r = await importFile(storeOf(db), file!, office!, user!, { receiptFile: receipt });
      return { records: r.outcomes_total, detail: { counts: r.counts, already_imported: r.already_imported } };
    } finally {
      db.close();
    }
  },
  /** import-to DB FILE OFFICE USER RECEIPT: an encrypted bundle, opened with OFFICE's own keys (T3); the receipt is signed (T4) */
  async 'import-to'([dbFile, file, office, user, receipt]) {
    return withInstallation(dbFile!, false, async (store) => {
      const r = await withBundle(file!, { officeKeys: officeKeySource(store, office!) }, (input) =>
        importFile(store, input, office!, user!, { receiptFile: receipt }),
      );
      return { records: r.outcomes_total, detail: { counts: r.counts, already_imported: r.already_imported } };
    });
  },
};

async function main(): Promise<void> {
  const [step, ...args] = process.argv.slice(2);
  const work = step ? STEPS[step] : undefined;
  if (!work) {
    process.stderr.write(`usage: run-step.js ${Object.keys(STEPS).join('|')} ARGS...\n`);
    process.exit(2);
  }
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await work(args);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const report: StepReport = {
    step,
    records: r.records,
    seconds,
    max_rss_kb: process.resourceUsage().maxRSS,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    detail: r.detail,
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${step()} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

function step(): string {
  return process.argv[2] ?? 'step';
}
