// @ts-nocheck
// `officeport generate` (D5): stream the synthetic installation into a folder
// of CSV files. One buffered write stream per table, flushed in large chunks
// with back-pressure, so memory stays flat at any size; the folder is written
// under a temporary name and renamed only when complete.
import fs from 'node:fs';
import path from 'node:path';
import { syntheticRows, type SynthOptions } from '../domain/synthetic.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { makeScratchDir, publishFolder } from '../shared/output-file.js';
import { csvLine } from '../formats/office-csv.js';
import { TABLES, TABLE_NAMES, columnNames, type TableName } from '../domain/model/tables.js';

export interface GenerateResult {
  dir: string;
  seed: string;
  contacts: number;
  rows: Record<string, number>;
  total: number;
  documents: number;
}

const CHUNK = 1 << 16;

class TableFile {
  private buf = '';
  private readonly out: fs.WriteStream;
  rows = 0;

  constructor(
    file: string,
    readonly columns: string[],
  ) {
    this.out = fs.createWriteStream(file);
    this.buf = csvLine(columns);
  }

  add(row: Record<string, string | undefined>): void {
    this.buf += csvLine(this.columns.map((c) => row[c]));
    this.rows++;
  }

  get pending(): number {
    return this.buf.length;
  }

  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const ok = this.out.write(this.buf);
    this.buf = '';
    if (!ok) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(this.buf, () => resolve());
    });
    this.buf = '';
  }
}

export function checkGenerateOptions(opts: SynthOptions): void {
  if (!Number.isInteger(opts.contacts) || opts.contacts < 1) {
    throw new OfficeportError(ErrorCode.USAGE, `--contacts must be a whole number of at least 1, got ${opts.contacts}`, {
      hint: 'for example: officeport generate out/ --contacts 10000 --seed 42',
    });
  }
  if (!Number.isInteger(opts.offices) || opts.offices < 1 || opts.offices > 50) {
    throw new OfficeportError(ErrorCode.USAGE, `--offices must be a whole number from 1 to 50, got ${opts.offices}`, {
      hint: 'the number of US agency offices; a Canadian office is always added',
    });
  }
}

export async function generateInstallation(dir: string, opts: SynthOptions, onRows?: (n: number) => void): Promise<GenerateResult> {
  checkGenerateOptions(opts);
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new OfficeportError(ErrorCode.REFUSED, `${dir} is not an empty folder; generate writes only into a new or empty one`, {
      hint: 'name a new folder, or remove this one first',
    });
  }
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = makeScratchDir(parent, path.basename(path.resolve(dir))); // L11: a killed run's folder goes with the next one
  try {
    const result = await writeAll(tmp, opts, onRows);
    publishFolder(tmp, dir);
    return { ...result, dir };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function writeAll(tmp: string, opts: SynthOptions, onRows?: (n: number) => void): Promise<GenerateResult> {
  const files = new Map<TableName, TableFile>();
  for (const name of TABLE_NAMES) {
    files.set(name, new TableFile(path.join(tmp, TABLES[name].file), columnNames(TABLES[name])));
  }
  const madeDirs = new Set<string>();
  let documents = 0;
  let sinceFlush = 0;
  try {
    for (const e of syntheticRows(opts)) {
      if ('document' in e) {
        const target = path.join(tmp, 'documents', e.document);
        const folder = path.dirname(target);
        if (!madeDirs.has(folder)) {
          fs.mkdirSync(folder, { recursive: true });
          madeDirs.add(folder);
        }
        fs.writeFileSync(target, e.content);
        documents++;
        continue;
      }
      const f = files.get(e.table)!;
      f.add(e.row);
      if (f.pending > CHUNK) await f.flush();
      if (++sinceFlush === 10_000) {
        onRows?.(sinceFlush);
        sinceFlush = 0;
      }
    }
    onRows?.(sinceFlush);
  } finally {
    for (const f of files.values()) await f.close();
  }
  const rows = Object.fromEntries([...files].map(([name, f]) => [name, f.rows]));
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  return { dir: tmp, seed: opts.seed, contacts: rows.contacts ?? 0, rows, total, documents };
}
