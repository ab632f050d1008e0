// @ts-nocheck
// L1-L12, model-based: random sequences of the move's commands across two
// installations (export, import, inbox add, partial inbox accept, reject,
// import undo, finalize, finalize undo, re-import), each run with the real
// binary, and after every step the lifecycle's invariant:
//   - every record the source office held at the start is live in the source
//     office or held by a retention archive that `finalize undo` puts back
//     (finalize archives what travelled as well as what did not);
//   - every source record the target's import map names is live in the target;
//   - the target never holds one source record twice;
//   - no command crashes: exit 0 or a refusal (1) in plain words.
// OFFICEPORT_MODEL_RUNS raises the number of sequences (default 8, in CI).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPayload, openBag } from '../src/bundle/bag-reader.js';
import { TABLES, TABLE_NAMES, type TableName } from '../src/domain/model/tables.js';
import { run, tmpDir } from './helpers/cli.js';
import { SAMPLES, loadInstallation } from './helpers/installation.js';

const SOURCE_OFFICE = 'O-NORTH';
const TARGET_OFFICE = 'T-SPRING';
const SOURCE_INSTALLATION = '5b0c7a52-3c1e-4b8e-9a61-1f2d3e4a5b6c';
/** The set "Move to Springfield" and two contacts outside it. */
const MOVABLE = ['C-1101', 'C-1102', 'C-1103', 'C-1104', 'C-1105', 'C-1106', 'C-1201', 'C-1107'];
const SRC = ['--office', 'North Agency', '--user', 'alice'];
const TGT = ['--office', 'Springfield Agency', '--user', 'dana'];
const FINALIZE_YES = ['--yes']; // without a terminal finalize asks for --yes (L2)

interface Archive {
  file: string;
  undone: boolean;
}
interface Real {
  dir: string;
  source: string;
  target: string;
  bundles: string[];
  inbox: string[];
  receipts: string[];
  archives: Archive[];
  /** every row of every office table of the source at the start, by table and key */
  start: Map<string, Set<string>>;
  files: number;
  log: string[];
}
type Model = Record<string, never>;

function officeport(r: Real, args: string[]): { code: number; stdout: string; stderr: string } {
  const res = run(args, { cwd: r.dir });
  r.log.push(`officeport ${args.join(' ')} -> ${res.code}${res.code ? `: ${res.stderr.split('\n')[0]}` : ''}`);
  // A step may be refused (exit 1) but never crash or misuse its options.
  if (res.code !== 0 && res.code !== 1) throw new Error(`exit ${res.code}\n${r.log.join('\n')}\n${res.stderr}`);
  if (/internal error/i.test(res.stderr)) throw new Error(`crash\n${r.log.join('\n')}\n${res.stderr}`);
  return res;
}

const fresh = (r: Real, stem: string, ext: string) => path.join(r.dir, `${stem}-${++r.files}.${ext}`);

function liveSourceContacts(r: Real): string[] {
  const db = new Database(r.source, { readonly: true });
  try {
    const ids = db.prepare(`SELECT id FROM contacts WHERE office_id = ?`).pluck().all(SOURCE_OFFICE) as string[];
    return MOVABLE.filter((c) => ids.includes(c));
  } finally {
    db.close();
  }
}

/** A row's identity: its id, or for a table without ids the row itself. */
function keyOf(table: TableName, row: Record<string, unknown>): string {
  if (TABLES[table].columns.some((c) => c.name === 'id')) return `${table}/${row.id}`;
  const cols = TABLES[table].columns.filter((c) => !c.dumpOnly).map((c) => c.name);
  return `${table}/${JSON.stringify(cols.map((c) => row[c] ?? null))}`;
}

/** Rows of the source office (and rows hanging off its records) per table. */
function officeRows(file: string): Map<string, Set<string>> {
  const db = new Database(file, { readonly: true });
  const out = new Map<string, Set<string>>();
  try {
    for (const t of TABLE_NAMES) {
      if (['installation', 'offices', 'users'].includes(t)) continue;
      const rows = db.prepare(`SELECT * FROM ${t}`).all() as Record<string, unknown>[];
      out.set(t, new Set(rows.map((row) => keyOf(t, row))));
    }
  } finally {
    db.close();
  }
  return out;
}

/** Keys of every row a retention archive holds (travelled or not). */
async function archiveKeys(file: string): Promise<Set<string>> {
  const { bag, problems } = await openBag(file);
  expect(problems, `archive ${file} verifies`).toEqual([]);
  const keys = new Set<string>();
  try {
    for (const p of bag!.paths) {
      const m = /^data\/records\/(?:travelled_)?(\w+)\.ndjson$/.exec(p);
      if (!m || !(TABLE_NAMES as readonly string[]).includes(m[1]!)) continue;
      for await (const { text } of bag!.lines(p)) if (text) keys.add(keyOf(m[1] as TableName, JSON.parse(text)));
    }
    await checkPayload(bag!);
    expect(bag!.problems, `archive ${file} verifies`).toEqual([]);
  } finally {
    await bag!.close();
  }
  return keys;
}

async function checkInvariant(r: Real): Promise<void> {
  const now = officeRows(r.source);
  const held = new Set<string>();
  for (const a of r.archives) if (!a.undone && fs.existsSync(a.file)) for (const k of await archiveKeys(a.file)) held.add(k);
  const lost: string[] = [];
  for (const [t, keys] of r.start) for (const k of keys) if (!now.get(t)!.has(k) && !held.has(k)) lost.push(k);
  expect(lost, `records neither in the source nor in a retention archive after:\n${r.log.join('\n')}`).toEqual([]);

  const db = new Database(r.target, { readonly: true });
  try {
    // Every mapped source record is live in the target.
    const map = db
      .prepare(`SELECT source_ref, target_table, target_id FROM import_map WHERE source_installation = ? AND office_id = ?`)
      .all(SOURCE_INSTALLATION, TARGET_OFFICE) as { source_ref: string; target_table: string; target_id: string }[];
    const missing = map.filter((m) => !db.prepare(`SELECT 1 FROM ${m.target_table} WHERE id = ?`).get(m.target_id));
    expect(missing, `import map names rows the target lacks after:\n${r.log.join('\n')}`).toEqual([]);
    // No source record twice in the target.
    for (const t of TABLE_NAMES) {
      if (!TABLES[t].columns.some((c) => c.name === 'origin_ref')) continue;
      const twice = db
        .prepare(`SELECT origin_ref, count(*) AS n FROM ${t} WHERE origin_ref IS NOT NULL AND office_id = ? GROUP BY origin_ref HAVING n > 1`)
        .all(TARGET_OFFICE);
      expect(twice, `${t} held twice in the target after:\n${r.log.join('\n')}`).toEqual([]);
    }
  } finally {
    db.close();
  }
}

/** A self-contained copy of an installation (WAL checkpointed into the main file). */
function copyDb(from: string, to: string): void {
  const db = new Database(from);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fs.copyFileSync(from, to);
}

// ---- commands ---------------------------------------------------------------

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
const subset = (xs: readonly string[], mask: number) => xs.filter((_, i) => (mask >> i) & 1);

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    this.act(r);
    await checkInvariant(r);
  }
  abstract act(r: Real): void;
  abstract toString(): string;
}

class Export extends Step {
  constructor(readonly mask: number) {
    super();
  }
  act(r: Real): void {
    const chosen = subset(liveSourceContacts(r), this.mask);
    if (chosen.length === 0) return;
    const out = fresh(r, 'bundle', 'zip');
    const res = officeport(r, [
      'export',
      '--db',
      r.source,
      ...SRC,
      '--contact',
      ...chosen,
      '--to-office',
      'Springfield Agency',
      '--to-user',
      'dana',
      '--out',
      out,
    ]);
    if (res.code === 0) r.bundles.push(out);
  }
  toString = () => `export(${this.mask})`;
}

class Import extends Step {
  constructor(readonly bundle: number) {
    super();
  }
  act(r: Real): void {
    const b = pick(r.bundles, this.bundle);
    if (!b) return;
    const receipt = fresh(r, 'receipt', 'json');
    officeport(r, ['import', b, '--db', r.target, ...TGT, '--receipt', receipt]);
    if (fs.existsSync(receipt)) r.receipts.push(receipt);
  }
  toString = () => `import(${this.bundle})`;
}

class InboxAdd extends Step {
  constructor(readonly bundle: number) {
    super();
  }
  act(r: Real): void {
    const b = pick(r.bundles, this.bundle);
    if (!b) return;
    const res = officeport(r, ['inbox', 'add', b, '--db', r.target, ...TGT, '--json']);
    if (res.code === 0) {
      const id = (JSON.parse(res.stdout) as { id: string }).id;
      if (!r.inbox.includes(id)) r.inbox.push(id);
    }
  }
  toString = () => `inbox-add(${this.bundle})`;
}

class InboxAccept extends Step {
  constructor(
    readonly entry: number,
    readonly mask: number,
  ) {
    super();
  }
  act(r: Real): void {
    const id = pick(r.inbox, this.entry);
    if (!id) return;
    const contacts = subset(MOVABLE, this.mask).map((c) => `contact/${c}`);
    const receipt = fresh(r, 'receipt', 'json');
    // Contacts the bundle does not hold are refused (exit 1): a partial accept names some it does.
    officeport(r, ['inbox', 'accept', id, '--db', r.target, ...TGT, '--receipt', receipt, ...(contacts.length ? ['--contact', ...contacts] : [])]);
    if (fs.existsSync(receipt)) r.receipts.push(receipt);
  }
  toString = () => `inbox-accept(${this.entry}, ${this.mask})`;
}

class InboxReject extends Step {
  constructor(readonly entry: number) {
    super();
  }
  act(r: Real): void {
    const id = pick(r.inbox, this.entry);
    if (id) officeport(r, ['inbox', 'reject', id, '--db', r.target, ...TGT]);
  }
  toString = () => `inbox-reject(${this.entry})`;
}

class ImportUndo extends Step {
  constructor(readonly receipt: number) {
    super();
  }
  act(r: Real): void {
    const f = pick(r.receipts, this.receipt);
    if (f) officeport(r, ['import', 'undo', f, '--db', r.target, ...TGT]);
  }
  toString = () => `import-undo(${this.receipt})`;
}

class Finalize extends Step {
  constructor(readonly receipt: number) {
    super();
  }
  act(r: Real): void {
    const f = pick(r.receipts, this.receipt);
    if (!f) return;
    const archive = fresh(r, 'retention', 'zip');
    officeport(r, ['finalize', f, '--db', r.source, ...SRC, '--archive', archive, ...FINALIZE_YES]);
    if (fs.existsSync(archive)) r.archives.push({ file: archive, undone: false });
  }
  toString = () => `finalize(${this.receipt})`;
}

class FinalizeUndo extends Step {
  constructor(readonly archive: number) {
    super();
  }
  act(r: Real): void {
    const a = pick(r.archives, this.archive);
    if (!a) return;
    const res = officeport(r, ['finalize', 'undo', a.file, '--db', r.source, ...SRC]);
    if (res.code === 0) a.undone = true;
  }
  toString = () => `finalize-undo(${this.archive})`;
}

const n = fc.nat({ max: 15 });
const mask = fc.integer({ min: 1, max: (1 << MOVABLE.length) - 1 });
const commands = fc.commands(
  [
    mask.map((m) => new Export(m)),
    mask.map((m) => new Export(m)),
    n.map((i) => new Import(i)),
    n.map((i) => new InboxAdd(i)),
    fc.tuple(n, fc.integer({ min: 0, max: (1 << MOVABLE.length) - 1 })).map(([i, m]) => new InboxAccept(i, m)),
    n.map((i) => new InboxReject(i)),
    n.map((i) => new ImportUndo(i)),
    n.map((i) => new Finalize(i)),
    n.map((i) => new FinalizeUndo(i)),
  ],
  { maxCommands: 14, size: 'max' },
);

describe('lifecycle model', () => {
  it('L3, I9, M1: every source record stays live in the source, in the target, or in a retention archive that finalize undo puts back, over random sequences of the move', async () => {
    const base = tmpDir('officeport-model-');
    const source = loadInstallation(path.join(SAMPLES, 'source'), base);
    const target = loadInstallation(path.join(SAMPLES, 'target'), base);
    const start = officeRows(source);
    expect(start.get('contacts')!.size).toBeGreaterThan(MOVABLE.length);
    let sequences = 0;
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const dir = tmpDir('officeport-model-run-');
        const real: Real = {
          dir,
          source: path.join(dir, 'source.db'),
          target: path.join(dir, 'target.db'),
          bundles: [],
          inbox: [],
          receipts: [],
          archives: [],
          start,
          files: 0,
          log: [],
        };
        copyDb(source, real.source);
        copyDb(target, real.target);
        // Every sequence starts from the set's export, so that its first steps have a bundle to work on.
        new Export((1 << MOVABLE.length) - 1).act(real);
        expect(real.bundles).toHaveLength(1);
        await fc.asyncModelRun(() => ({ model: {} as Model, real }), cmds);
        // A retention archive holds only what a command puts back: undo every finalize, newest first,
        // and the source office holds every record it held at the start again.
        for (const a of [...real.archives].reverse()) {
          if (a.undone) continue;
          const res = officeport(real, ['finalize', 'undo', a.file, '--db', real.source, ...SRC]);
          expect(res.code, `finalize undo ${a.file}\n${real.log.join('\n')}\n${res.stderr}`).toBe(0);
          a.undone = true;
        }
        await checkInvariant(real);
        sequences++;
        steps += real.log.length;
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: Number(process.env.OFFICEPORT_MODEL_RUNS ?? 8), seed: Number(process.env.OFFICEPORT_MODEL_SEED ?? 20261204) },
    );
    expect(sequences).toBeGreaterThan(0);
    expect(steps).toBeGreaterThan(sequences);
    console.log(`lifecycle model: ${sequences} sequences, ${steps} commands`);
  }, 900_000);
});
