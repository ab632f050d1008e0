// @ts-nocheck
// load and dump of the office CSV layout (D2, D3). Load streams every file
// through papaparse into the store in batches inside one write transaction;
// references are checked by the store afterwards, so memory stays flat however
// large the folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
// The bundle's schemas bound what a column may hold (L9): a value no bundle may carry is refused here already.
import { columnMaxLengths } from '../bundle/schemas.js';
import { checkValue } from '../domain/values.js';
import { ErrorCode, OfficeportError, type Problem } from '../shared/errors.js';
import { checkOutputFolder, makeScratchDir, publishFolder } from '../shared/output-file.js';
import { countNewlines, csvLine, StrictText } from '../formats/office-csv.js';
import type { OnProgress } from '../shared/progress.js';
import type { Cells, ConstraintViolation, LoadSession, Store } from '../store/port.js';
import { TABLES, TABLE_NAMES, type Column, type Table, type TableName } from '../domain/model/tables.js';

const MAX_PROBLEMS = 1000;

export interface LoadResult {
  rows: Record<string, number>;
  documents: number;
}

export interface LoadOptions {
  /** bytes of the CSV files read so far, of their total size (U6) */
  onProgress?: OnProgress;
}

/** Maps the load ordinals of one table's rows back to the CSV line each row came from. */
class LineMap {
  /** 1-based column number of each column in the file's header. */
  columns = new Map<string, number>();
  private breaks: { rowid: number; delta: number }[] = [];
  private delta = Number.NaN;
  record(rowid: number, line: number): void {
    const d = line - rowid;
    if (d !== this.delta) {
      this.breaks.push({ rowid, delta: d });
      this.delta = d;
    }
  }
  lineOf(rowid: number): number {
    let lo = 0;
    let hi = this.breaks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.breaks[mid]!.rowid <= rowid) lo = mid;
      else hi = mid - 1;
    }
    return rowid + (this.breaks[lo]?.delta ?? 0);
  }
}

class Problems {
  list: Problem[] = [];
  add(p: Problem): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(p);
  }
  get count(): number {
    return this.list.length;
  }
}

export async function loadDir(store: Store, dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `${dir} is not a folder`, {
      hint: 'name a folder of CSV files in the office data layout',
    });
  }
  const known = new Set<string>([...TABLE_NAMES.map((t) => TABLES[t].file), 'documents']);
  const problems = new Problems();
  for (const entry of fs.readdirSync(dir)) {
    if (!known.has(entry) && entry.toLowerCase().endsWith('.csv')) {
      problems.add({ file: entry, message: 'unknown file; expected one of the files of office-data-format.md' });
    }
  }
  const result: LoadResult = { rows: {}, documents: 0 };
  const lineMaps = new Map<TableName, LineMap>();
  // The emptiness check runs inside the write transaction: a second load that
  // waited for the first one sees its rows and refuses (S5).
  await store.installation.load(async (session) => {
    if (!(await session.isEmpty())) {
      throw new OfficeportError(ErrorCode.NOT_EMPTY, 'this installation already holds data; load only fills an empty one', {
        hint: 'load into a new installation: officeport init --db NEW.db && officeport load DIR --db NEW.db',
      });
    }
    const read = bytesRead(dir, opts.onProgress);
    for (const name of TABLE_NAMES) {
      const t = TABLES[name];
      const file = path.join(dir, t.file);
      if (!fs.existsSync(file)) {
        result.rows[name] = 0;
        continue;
      }
      const lines = new LineMap();
      lineMaps.set(name, lines);
      result.rows[name] = await loadFile(session, t, file, lines, problems, read);
    }
    await checkReferences(session, lineMaps, problems);
    result.documents = await loadDocuments(session, dir, lineMaps.get('letters'), problems);
    if (result.rows.installation !== 1) {
      problems.add({ file: 'installation.csv', message: 'expected exactly one row (the installation id and name)' });
    }
    if (problems.count > 0) throw loadError(problems);
  });
  return result;
}

function loadError(problems: Problems): OfficeportError {
  const n = problems.count;
  return new OfficeportError(ErrorCode.LOAD_FAILED, `nothing was loaded: ${n}${n >= MAX_PROBLEMS ? '+' : ''} problem${n === 1 ? '' : 's'} found`, {
    problems: problems.list,
    hint: 'fix the values named above and run load again',
  });
}

/**
 * U6: progress in bytes of the CSV files, whose sizes are known before
 * anything is read; called with each chunk read. Undefined without onProgress.
 */
function bytesRead(dir: string, onProgress: OnProgress | undefined): ((n: number) => void) | undefined {
  if (!onProgress) return undefined;
  let total = 0;
  for (const name of TABLE_NAMES) {
    const file = path.join(dir, TABLES[name].file);
    if (fs.existsSync(file)) total += fs.statSync(file).size;
  }
  let done = 0;
  onProgress(0, total);
  return (n) => onProgress((done += n), total);
}

/** The cells of a row that inserts nothing. */
const EMPTY: Cells = [];

/** Rows are inserted in batches of this many (one store call each). */
const BATCH_ROWS = 1000;

/** A parsed row on its way to the store, with the problems found in it so far. */
interface PendingRow {
  cells: Cells;
  raw: string[];
  line: number;
  /** the problems found in it, in the order found (none: undefined) */
  problems?: Problem[];
  /** false for the header, blank lines and rows of the wrong width: nothing to insert */
  insert: boolean;
}

/** Where the problems of the row being parsed go: onto the row, until its batch went to the store. */
class RowProblems {
  row: PendingRow | undefined;
  add(p: Problem): void {
    (this.row!.problems ??= []).push(p);
  }
}

async function loadFile(
  session: LoadSession,
  t: Table,
  file: string,
  lines: LineMap,
  all: Problems,
  onBytes: ((n: number) => void) | undefined,
): Promise<number> {
  // The problems of each row are kept with it until its batch went to the
  // store, so that they are reported in file order with the store's refusals.
  let problems: { add(p: Problem): void } = all;
  const rowProblems = new RowProblems();
  let pending: PendingRow[] = [];
  let columns: string[] = [];
  let present: number[] = [];
  let inserted = 0;
  const fname = t.file;
  const byName = new Map(t.columns.map((c) => [c.name, c]));
  let header: (Column | undefined)[] | undefined;
  let line = 1;
  let count = 0;
  const kindCol = t.requiredByKind ? t.columns.findIndex((c) => c.name === 'kind') : -1;
  const maxLengths = columnMaxLengths().get(t.name);
  let maxOf: (number | undefined)[] = [];

  const onHeader = (raw: string[]): void => {
    const cells = raw.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
    header = cells.map((h, i) => {
      const col = byName.get(h);
      if (!col) problems.add({ file: fname, line: 1, column: i + 1, message: `unknown column ${JSON.stringify(h)}` });
      return col;
    });
    const seen = new Set<string>();
    cells.forEach((h, i) => lines.columns.set(h, i + 1));
    cells.forEach((h, i) => {
      if (seen.has(h)) problems.add({ file: fname, line: 1, column: i + 1, message: `column ${JSON.stringify(h)} appears twice` });
      seen.add(h);
    });
    for (const c of t.columns) {
      if (c.required && !seen.has(c.name)) {
        problems.add({ file: fname, line: 1, column: cells.length + 1, message: `missing required column ${JSON.stringify(c.name)}` });
      }
    }
    for (const [kind, cols] of Object.entries(t.requiredByKind ?? {})) {
      for (const c of cols) {
        if (!seen.has(c)) {
          problems.add({ file: fname, line: 1, column: cells.length + 1, message: `missing column ${JSON.stringify(c)}, required for ${kind} rows` });
        }
      }
    }
    maxOf = header.map((c) => (c ? maxLengths?.get(c.name) : undefined));
    present = header.flatMap((c, i) => (c ? [i] : []));
    columns = present.map((i) => header![i]!.name);
  };

  const strict = new StrictText();
  const onRow = (raw: string[], row: PendingRow): void => {
    const rowLine = line;
    line += 1 + raw.reduce((n, cell) => n + countNewlines(cell), 0);
    if (strict.bad.size > 0) reportBadBytes(strict.bad, fname, rowLine, line, raw, problems);
    if (!header) return onHeader(raw);
    if (raw.length === 1 && raw[0] === '') return; // blank line
    count++;
    if (raw.length !== header.length) {
      problems.add({
        file: fname,
        line: rowLine,
        column: Math.min(raw.length, header.length) + 1,
        message: `expected ${header.length} fields, found ${raw.length}`,
      });
      return;
    }
    const values: (string | null)[] = raw.map((cell, i) => {
      const col = header![i];
      if (!col) return null;
      if (cell === '') {
        if (col.required) {
          problems.add({ file: fname, line: rowLine, column: i + 1, message: `${col.name} is required and empty` });
        }
        return null;
      }
      const max = maxOf[i];
      if (max !== undefined && cell.length > max) {
        // L9: String.length is never below the characters; count them only when it is over
        const n = [...cell].length;
        if (n > max)
          problems.add({ file: fname, line: rowLine, column: i + 1, message: `${col.name}: longer than ${max} characters (${n}); a bundle cannot carry it` });
      }
      const msg = checkValue(col, cell);
      if (msg) {
        problems.add({ file: fname, line: rowLine, column: i + 1, message: `${col.name}: ${msg}` });
      }
      return cell;
    });
    if (kindCol >= 0) {
      const ki = header.findIndex((c) => c?.name === 'kind');
      const kind = ki >= 0 ? values[ki] : null;
      for (const need of (kind && t.requiredByKind?.[kind]) || []) {
        const ni = header.findIndex((c) => c?.name === need);
        if (ni >= 0 && !values[ni]) {
          problems.add({ file: fname, line: rowLine, column: ni + 1, message: `${need} is required for ${/^[aeiou]/.test(kind ?? '') ? 'an' : 'a'} ${kind}` });
        }
      }
    }
    // Rows with bad values are still inserted (all columns are TEXT) so that the
    // reference check below reports real dangling ids, not echoes of this row.
    if (columns.length === 0) return;
    row.cells = present.map((i) => values[i] ?? null);
    row.insert = true;
  };

  /** Sends the pending rows to the store in one batch, then reports their problems and refusals in file order. */
  const flush = async (): Promise<void> => {
    const rows = pending;
    pending = [];
    const batch = rows.filter((r) => r.insert);
    const refused =
      batch.length > 0
        ? await session.insert(
            t.name,
            columns,
            batch.map((r) => r.cells),
          )
        : [];
    const violations = new Map(refused.map((x) => [batch[x.index]!, x.violation]));
    for (const r of rows) {
      if (r.problems) for (const p of r.problems) all.add(p);
      if (!r.insert) continue;
      const v = violations.get(r);
      if (v) reportViolation(v, t, header!, r.raw, r.line, all);
      else lines.record(++inserted, r.line);
    }
  };

  await new Promise<void>((resolve, reject) => {
    const bytes = fs.createReadStream(file);
    if (onBytes) bytes.on('data', (chunk) => onBytes(chunk.length));
    const input = bytes.pipe(strict);
    input.on('error', reject);
    // a full batch pauses the file while the store takes it (at most one chunk of rows more is parsed meanwhile)
    let flushing: Promise<void> = Promise.resolve();
    const send = () => {
      input.pause();
      flushing = flushing.then(flush).then(() => void input.resume());
      flushing.catch(reject);
    };
    Papa.parse<string[]>(input, {
      header: false,
      delimiter: ',',
      skipEmptyLines: false,
      step: (res) => {
        const row: PendingRow = { cells: EMPTY, raw: res.data, line, insert: false };
        rowProblems.row = row;
        problems = rowProblems;
        for (const err of res.errors) {
          problems.add({ file: fname, line, column: 1, message: `malformed CSV: ${err.message}` });
        }
        onRow(res.data, row);
        problems = all;
        pending.push(row);
        if (pending.length >= BATCH_ROWS) send();
      },
      complete: () => {
        flushing = flushing.then(flush);
        flushing.then(resolve, reject);
      },
      error: (err: Error) => reject(err),
    });
  });
  // bad bytes on lines no row was seen to cover (e.g. inside a malformed quote)
  for (const [at, message] of strict.bad) problems.add({ file: fname, line: at, column: 1, message });
  if (!header) problems.add({ file: fname, line: 1, column: 1, message: 'empty file: expected a header row' });
  return count;
}

/**
 * The bad lines among a row's lines [from, to) as problems of the row, each at
 * the first cell showing a bad byte (U+FFFD or NUL after decoding), and taken
 * out of `bad`.
 */
function reportBadBytes(bad: Map<number, string>, file: string, from: number, to: number, cells: string[], problems: { add(p: Problem): void }): void {
  for (let at = from; at < Math.max(to, from + 1); at++) {
    const message = bad.get(at);
    if (message === undefined) continue;
    bad.delete(at);
    const mark = message.includes('NUL') ? '\0' : '\uFFFD';
    // the cell holding the mark on this physical line: count the lines the cells before it span
    let line = from;
    let column = 1;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      const lines = cell.split('\n');
      if (line + lines.length - 1 >= at && lines[at - line]?.includes(mark)) {
        column = i + 1;
        break;
      }
      line += lines.length - 1;
    }
    problems.add({ file, line: at, column, message });
  }
}

function reportViolation(v: ConstraintViolation, t: Table, header: (Column | undefined)[], raw: string[], line: number, problems: Problems): void {
  if (v.kind === 'missing_value') return; // the empty required cell is already reported
  if (v.kind === 'duplicate') {
    const cols = v.columns;
    const i = header.findIndex((c) => c?.name === cols[cols.length - 1]);
    const what = cols.map((c) => `${c} ${JSON.stringify(raw[header.findIndex((h) => h?.name === c)] ?? '')}`).join(', ');
    problems.add({ file: t.file, line, column: i + 1, message: `duplicate ${what}: already used by an earlier row` });
    return;
  }
  problems.add({ file: t.file, line, column: 1, message: `refused: ${v.columns.join(', ')}` });
}

async function checkReferences(session: LoadSession, lineMaps: Map<TableName, LineMap>, problems: Problems): Promise<void> {
  for (const name of TABLE_NAMES) {
    const t = TABLES[name];
    const lines = lineMaps.get(name);
    if (!lines) continue;
    for (const col of t.columns) {
      if (!col.ref) continue;
      const rows = await session.danglingReferences(name, col.name, col.ref, MAX_PROBLEMS);
      if (rows.length === 0) continue;
      const colIndex = lines.columns.get(col.name) ?? col.name;
      for (const r of rows) {
        problems.add({
          file: t.file,
          line: lines.lineOf(r.ordinal),
          column: colIndex,
          message: `${col.name}: no ${col.ref} row has id ${JSON.stringify(r.value)}`,
        });
      }
    }
  }
}

async function loadDocuments(session: LoadSession, dir: string, letterLines: LineMap | undefined, problems: Problems): Promise<number> {
  const root = path.join(dir, 'documents');
  let n = 0;
  if (fs.existsSync(root)) {
    for (const rel of walk(root)) {
      const content = fs.readFileSync(path.join(root, rel));
      await session.addDocument({ path: rel, sha256: crypto.createHash('sha256').update(content).digest('hex'), size: content.length, content });
      n++;
    }
  }
  const missing = await session.lettersWithoutDocument(MAX_PROBLEMS);
  for (const m of missing) {
    problems.add({
      file: 'letters.csv',
      line: letterLines?.lineOf(m.ordinal),
      column: letterLines?.columns.get('document') ?? 'document',
      message: `document: no file documents/${m.document}`,
    });
  }
  return n;
}

function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(root, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

// ---------------------------------------------------------------- dump

export interface DumpResult {
  rows: Record<string, number>;
  documents: number;
}

/** Write every table and documents/ into `dir`, which must not exist or be empty. */
export async function dumpDir(store: Store, dir: string): Promise<DumpResult> {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new OfficeportError(ErrorCode.REFUSED, `${dir} is not empty; dump writes only into a new or empty folder`, {
      hint: 'name a new folder',
    });
  }
  checkOutputFolder(dir, { installation: store.home.label });
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  // private (0700) until complete; a killed dump's folder is removed by the next run (L11)
  const tmp = makeScratchDir(parent, path.basename(path.resolve(dir)));
  const result: DumpResult = { rows: {}, documents: 0 };
  try {
    for (const name of TABLE_NAMES) {
      result.rows[name] = await dumpTable(store, TABLES[name], path.join(tmp, TABLES[name].file));
    }
    for await (const d of store.installation.documents()) {
      const target = path.join(tmp, 'documents', d.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, d.content);
      result.documents++;
    }
    publishFolder(tmp, dir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return result;
}

async function dumpTable(store: Store, t: Table, file: string): Promise<number> {
  const cols = t.columns.map((c) => c.name);
  const out = fs.createWriteStream(file);
  let n = 0;
  let buf = csvLine(cols);
  for await (const row of store.installation.rows(t.name, cols)) {
    buf += csvLine(row);
    n++;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  return n;
}
