// @ts-nocheck
// `npm run bench` (P1, P2): generate, load, export, verify and import a
// synthetic installation at several sizes, each step in its own process
// (bench/run-step.ts) so that its peak RSS is its own, next to a floor measured
// on the same data in the same run:
//   load   -> sqlite3 `.import --csv` of the generated CSVs into an empty file
//   export -> `zip -r -6 -q` of the bag folder (the bundle unzipped)
//   verify -> `unzip -t -q` of the bundle plus `sha256sum -c` in the bag folder
//   import -> every NDJSON row of the bundle inserted into an empty SQLite file
//             (better-sqlite3, one transaction, one prepared statement per type)
// export-to -> the same export encrypted to the target office's address card
//             (export --to), beside the one in clear: the cost of encryption
// import-to -> the import of that encrypted bundle, opened with the office's own
//             keys and its receipt signed, into a second target like the first
// The exported office is "Agency 1", the first of the generator's three US
// agency offices (about 32% of the contacts), exported whole (--all) by its
// user "exporter", addressed to "Bench Target"/"importer": a fresh, empty
// agency office of a separate installation loaded from a tiny CSV folder (its
// resource parent holds the same catalogue), so import measures creating every
// contact and its records, with catalogue links resolved by name.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Papa from 'papaparse';
import type { StepReport } from './run-step.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUN_STEP = path.join(HERE, 'run-step.js');
const FLOOR_IMPORT = path.join(HERE, 'floor-import.js');
const RSS_LIMIT_MB = 300;
const SOURCE_OFFICE = 'Agency 1';
const SOURCE_USER = 'exporter';
const TARGET_OFFICE = 'Bench Target';
const TARGET_USER = 'importer';
/** The generator's resource office, whose catalogue the target's resource office copies. */
const RESOURCE_OFFICE = 'O-R';
const BUNDLE_ID = '00000000-0000-4000-8000-000000000001';

export interface Row {
  step: string;
  records: number;
  seconds: number;
  cpu_seconds: number;
  records_per_second: number;
  peak_rss_mb: number;
  floor_seconds: number | null;
  ratio: number | null;
  under_300mb: boolean;
}

export interface SizeResult {
  contacts: number;
  /** where the installations lived: 'sqlite' or 'postgres' */
  store?: string;
  /** 1-minute load average before and after: wall times mean little on a busy machine */
  load_average: [number, number];
  rows: Row[];
}

interface Options {
  sizes: number[];
  json: boolean;
  keep: boolean;
  /** G5: besides SQLite, the steps on PostgreSQL: 'postgres' starts a throwaway server; an address uses that server */
  postgres?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [10_000, 100_000], json: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') o.json = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--large') o.sizes = [...new Set([...o.sizes, 1_000_000])];
    else if (a === '--sizes' || a === '--contacts') o.sizes = parseSizes(argv[++i]);
    else if (a === '--db') {
      const v = argv[++i] ?? '';
      if (v === 'postgres' || /^postgres(ql)?:\/\//.test(v)) o.postgres = v;
      else if (v !== 'sqlite') throw new Error(`--db wants sqlite, postgres (a throwaway local server) or a postgres:// address; got "${v}"`);
    } else throw new Error(`unknown option ${a}; use --sizes N[,N...], --contacts N, --large, --db postgres, --json, --keep`);
  }
  return o;
}

function parseSizes(text: string | undefined): number[] {
  const sizes = (text ?? '').split(',').map((s) => Number(s.replace(/_/g, '')));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 50)) {
    throw new Error(`--sizes wants whole numbers of contacts of at least 50, comma separated; got "${text ?? ''}"`);
  }
  return sizes;
}

/** One step in its own process, run in the work folder so that anything it writes by default lands there. */
function runStep(cwd: string, step: string, args: string[]): StepReport {
  const r = spawnSync(process.execPath, [RUN_STEP, step, ...args], { cwd, encoding: 'utf8', maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`step ${step} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as StepReport;
}

/** Seconds of one external command, timed around spawnSync; it must succeed. */
function timeCommand(cmd: string, args: string[], cwd: string, input?: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, input, encoding: 'utf8', maxBuffer: 64 << 20, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw new Error(`floor command ${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`floor command ${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  return seconds;
}

function floorLoad(work: string, genDir: string): number {
  const csvs = fs
    .readdirSync(genDir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  const script = ['.bail on', 'PRAGMA journal_mode=WAL;', 'PRAGMA synchronous=NORMAL;', 'BEGIN;']
    .concat(
      csvs.map((f) => `.import --csv '${path.join(genDir, f)}' "${f.replace(/\.csv$/, '')}"`),
      ['COMMIT;'],
    )
    .join('\n');
  return timeCommand('sqlite3', [path.join(work, 'floor-load.db')], work, script + '\n');
}

/**
 * The target installation: one empty agency office whose resource parent holds
 * the same catalogue as the source's resource office (copied from the
 * generated CSVs), as two installations of one vendor would.
 */
function writeTarget(dir: string, genDir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'installation.csv'), 'id,name\n7d3f0c52-9a51-4d7e-9d0e-3b8f4a1c2e60,Bench Target Installation\n');
  fs.writeFileSync(
    path.join(dir, 'offices.csv'),
    `id,name,parent_id,kind,region\n${RESOURCE_OFFICE},Bench Resource,,resource,US\nO-T,${TARGET_OFFICE},${RESOURCE_OFFICE},agency,US\n`,
  );
  fs.writeFileSync(path.join(dir, 'users.csv'), `id,office_id,username,full_name,rights\nU-T-1,O-T,${TARGET_USER},Bench Importer,data_import\n`);
  for (const file of ['carriers.csv', 'products.csv', 'riders.csv', 'service_providers.csv']) {
    const parsed = Papa.parse<Record<string, string>>(fs.readFileSync(path.join(genDir, file), 'utf8'), { header: true, skipEmptyLines: true });
    const rows = parsed.data.filter((r) => r.office_id === RESOURCE_OFFICE);
    fs.writeFileSync(path.join(dir, file), Papa.unparse(rows, { columns: parsed.meta.fields, newline: '\n' }) + '\n');
  }
}

function row(r: StepReport, floor: number | null, records = r.records): Row {
  const mb = r.max_rss_kb / 1024;
  return {
    step: r.step,
    records,
    seconds: r.seconds,
    cpu_seconds: r.cpu_seconds,
    records_per_second: records / r.seconds,
    peak_rss_mb: mb,
    floor_seconds: floor,
    ratio: floor === null ? null : r.seconds / floor,
    under_300mb: mb < RSS_LIMIT_MB,
  };
}

function note(opts: Options, text: string): void {
  if (!opts.json) process.stderr.write(`${text}\n`);
}

/** The steps that work on installations, on one kind of store; `db(name)` is where installation `name` lives. */
function storeSteps(
  work: string,
  db: (name: string) => string,
  opts: Options,
  tag: string,
): Record<'load' | 'exp' | 'ver' | 'imp' | 'expTo' | 'impTo', StepReport> {
  const p = (...xs: string[]) => path.join(work, ...xs);
  fs.mkdirSync(p(tag));
  const out = (f: string) => p(tag, f);
  note(opts, `[${tag}] load`);
  const load = runStep(work, 'load', [db('source'), p('gen')]);
  note(opts, `[${tag}] export`);
  const exp = runStep(work, 'export', [db('source'), SOURCE_OFFICE, SOURCE_USER, TARGET_OFFICE, TARGET_USER, out('bundle.zip')]);
  note(opts, `[${tag}] verify`);
  const ver = runStep(work, 'verify', [out('bundle.zip')]);
  note(opts, `[${tag}] import`);
  runStep(work, 'load', [db('target'), p('target')]);
  const imp = runStep(work, 'import', [db('target'), out('bundle.zip'), TARGET_OFFICE, TARGET_USER, out('receipt.json')]);
  // T2: the same export, encrypted to the target office's address card, beside the one in clear (the cost of encryption)
  note(opts, `[${tag}] export --to`);
  // a second target like the first, so the encrypted bundle's import does the same work as the plain one
  runStep(work, 'load', [db('target_to'), p('target')]);
  runStep(work, 'address', [db('target_to'), TARGET_OFFICE, TARGET_USER, out('target.card.json')]);
  const expTo = runStep(work, 'export-to', [db('source'), SOURCE_OFFICE, SOURCE_USER, out('target.card.json'), out('bundle.zip.age')]);
  // T3/T4: its import, opened with the office's own keys, with a signed receipt
  note(opts, `[${tag}] import of the encrypted bundle`);
  const impTo = runStep(work, 'import-to', [db('target_to'), out('bundle.zip.age'), TARGET_OFFICE, TARGET_USER, out('receipt-to.json')]);
  return { load, exp, ver, imp, expTo, impTo };
}

function stepRows(r: ReturnType<typeof storeSteps>, floors: Floors): Row[] {
  return [
    row(r.load, floors.load),
    row(r.exp, floors.export),
    row(r.ver, floors.verify),
    row(r.imp, floors.import, r.exp.records),
    row(r.expTo, floors.export),
    row(r.impTo, floors.import, r.expTo.records),
  ];
}

interface Floors {
  load: number;
  export: number;
  verify: number;
  import: number;
}

/** The floors, on the generated data and the bundle SQLite's export wrote, the same for every store of the run. */
function measureFloors(work: string, bundle: string): Floors {
  const p = (...xs: string[]) => path.join(work, ...xs);
  const load = floorLoad(work, p('gen'));
  fs.mkdirSync(p('unzipped'));
  timeCommand('unzip', ['-q', bundle, '-d', p('unzipped')], work);
  const bagName = `officeport-bundle-${BUNDLE_ID}`;
  const exp = timeCommand('zip', ['-r', '-6', '-q', p('floor.zip'), bagName], p('unzipped'));
  const verify = timeCommand('unzip', ['-t', '-q', bundle], work) + timeCommand('sha256sum', ['-c', '--quiet', 'manifest-sha256.txt'], p('unzipped', bagName));
  const imp = timeCommand(process.execPath, [FLOOR_IMPORT, p('floor-import.db'), p('unzipped', bagName)], work);
  return { load, export: exp, verify, import: imp };
}

/** G5: a PostgreSQL server for the run: a throwaway one, or the one at the address given. */
async function postgresServer(opts: Options): Promise<{ url: string; stop(): void } | undefined> {
  if (!opts.postgres) return undefined;
  if (opts.postgres !== 'postgres') return { url: opts.postgres, stop: () => undefined };
  const { startCluster } = (await import(pathToFileURL(path.join(HERE, '../../scripts/pg-cluster.mjs')).href)) as {
    startCluster(): Promise<{ url: string; stop(): void }>;
  };
  return startCluster();
}

function databaseAt(server: string, name: string): string {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

async function benchSize(contacts: number, opts: Options, server: string | undefined): Promise<SizeResult[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `officeport-bench-${contacts}-`));
  const p = (...xs: string[]) => path.join(work, ...xs);
  const load0 = os.loadavg()[0]!;
  const run = `${Date.now().toString(36)}${process.pid}`;
  try {
    note(opts, `[${contacts}] generate in ${work}`);
    const gen = runStep(work, 'generate', [p('gen'), String(contacts), '1']);
    writeTarget(p('target'), p('gen'));
    const sqlite = storeSteps(work, (name) => p(`${name}.db`), opts, 'sqlite');
    const sqliteLoad: [number, number] = [load0, os.loadavg()[0]!];
    note(opts, `[${contacts}] floors`);
    const floors = measureFloors(work, p('sqlite', 'bundle.zip'));
    const results: SizeResult[] = [{ contacts, store: 'sqlite', load_average: sqliteLoad, rows: [row(gen, null), ...stepRows(sqlite, floors)] }];
    if (server) {
      const pg0 = os.loadavg()[0]!;
      const pg = storeSteps(work, (name) => databaseAt(server, `officeport_bench_${run}_${name}`), opts, 'postgres');
      results.push({ contacts, store: 'postgres', load_average: [pg0, os.loadavg()[0]!], rows: [row(gen, null), ...stepRows(pg, floors)] });
    }
    return results;
  } finally {
    if (opts.keep) note(opts, `kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

const fmt = (n: number | null, digits: number): string => (n === null ? '-' : n.toFixed(digits));

export function renderTable(r: SizeResult): string {
  const headers = ['step', 'records', 'seconds', 'cpu s', 'records/s', 'peak RSS MB', 'floor s', 'ratio step/floor', `< ${RSS_LIMIT_MB} MB`];
  const cells = r.rows.map((x) => [
    x.step,
    String(x.records),
    fmt(x.seconds, 2),
    fmt(x.cpu_seconds, 2),
    fmt(Math.round(x.records_per_second), 0),
    fmt(x.peak_rss_mb, 0),
    fmt(x.floor_seconds, 2),
    fmt(x.ratio, 2),
    x.under_300mb ? 'yes' : 'NO',
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  const la = r.load_average.map((x) => x.toFixed(1)).join(' -> ');
  const where = r.store === 'postgres' ? ', PostgreSQL' : r.store === 'sqlite' ? ', SQLite' : '';
  return [`${r.contacts} contacts${where} (load average ${la})`, line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function machine(): Record<string, string | number> {
  return { nproc: os.availableParallelism(), memory_mb: Math.round(os.totalmem() / 2 ** 20), node: process.version, cpu: os.cpus()[0]?.model ?? '?' };
}

async function main(): Promise<void> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const results: SizeResult[] = [];
  const server = await postgresServer(opts);
  try {
    for (const n of opts.sizes) {
      for (const r of await benchSize(n, opts, server?.url)) {
        results.push(r);
        if (!opts.json) process.stdout.write(`${renderTable(r)}\n\n`);
      }
    }
  } finally {
    server?.stop();
  }
  if (opts.json) process.stdout.write(JSON.stringify({ machine: machine(), date: new Date().toISOString(), results }, null, 2) + '\n');
  else
    process.stdout.write(
      `machine: ${Object.entries(machine())
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
    );
}

// Run only as a program, so that tests can import renderTable.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
