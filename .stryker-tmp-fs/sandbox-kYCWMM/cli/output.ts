// @ts-nocheck
// Rendering shared by every command: --json or readable text, colour only on a
// terminal without NO_COLOR (C2), progress on stderr only when it is a terminal (C3, U6).
import cliProgress from 'cli-progress';
import type { OnProgress } from '../src/shared/progress.js';

export interface GlobalArgs {
  db?: string;
  json?: boolean;
  debug?: boolean;
}

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env);
}

const codes = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof codes;

export function style(s: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  if (!useColor(stream)) return text;
  const [a, b] = codes[s];
  return `\u001b[${a}m${text}\u001b[${b}m`;
}

export function print(line = ''): void {
  process.stdout.write(line + '\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Print `value` as JSON with --json, else through the text renderer. */
export function emit<T>(args: GlobalArgs, value: T, text: (v: T) => string | string[]): void {
  if (args.json) return printJson(value);
  const out = text(value);
  print(Array.isArray(out) ? out.join('\n') : out);
}

/** A plain aligned table for terminal output. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...cells.map(fmt)].join('\n');
}

export type { OnProgress } from '../src/shared/progress.js';

/** What a progress bar counts: records and rows as numbers, bytes in kB, MB or GB. */
export type ProgressUnit = 'count' | 'bytes';

export interface ProgressOptions {
  /** the total, when known before the first report; a report's own total replaces it */
  total?: number;
  unit?: ProgressUnit;
  /** --json: a script reads the output, so nothing is drawn */
  json?: boolean;
}

export interface Progress {
  /** hand this to a feature; undefined when nothing is drawn, so that the feature spends nothing on counting */
  readonly onProgress: OnProgress | undefined;
  /** adds `n` to what is done (a counter with no report of its own) */
  tick(n?: number): void;
  /** draws the last frame and ends the line */
  done(): void;
}

const SILENT: Progress = { onProgress: undefined, tick() {}, done() {} };

/**
 * A progress bar on stderr (C3, U6), drawn by cli-progress only when stderr is
 * a terminal and not with --json: done of total, rate per second and time
 * left; with no total known, done and the rate only. It starts at the first
 * report, so nothing is drawn for a command that stops before its work (or
 * while finalize asks its question).
 */
export function progress(label: string, opts: ProgressOptions = {}): Progress {
  if (!process.stderr.isTTY || opts.json) return SILENT;
  const unit = opts.unit ?? 'count';
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: (o, p, payload: { known: boolean }) => frame(label, unit, o, p, payload.known),
    barsize: 24,
    fps: 5,
    hideCursor: false,
    linewrap: false,
  });
  let started = false;
  let count = 0;
  let total = opts.total;
  const onProgress: OnProgress = (done, all) => {
    count = done;
    if (all !== undefined) total = all;
    // a bundle may hold more than its header says (verify reports that): the bar then grows with it
    const shown = total === undefined ? done : Math.max(total, done);
    if (!started) {
      // the first frame shows 0 done: a first report of more than 0 would read as a rate of millions per second
      started = true;
      bar.start(shown, 0, { known: total !== undefined });
    }
    if (shown !== bar.getTotal()) bar.setTotal(shown);
    bar.update(done, { known: total !== undefined });
  };
  return {
    onProgress,
    tick(n = 1) {
      onProgress(count + n, total);
    },
    done() {
      if (started) bar.stop();
    },
  };
}

/** Runs `work` with a progress bar (see progress); the bar ends however the work ends, so an error is printed on a line of its own. */
export async function withProgress<T>(label: string, opts: ProgressOptions, work: (onProgress: OnProgress | undefined) => Promise<T>): Promise<T> {
  const bar = progress(label, opts);
  try {
    return await work(bar.onProgress);
  } finally {
    bar.done();
  }
}

/** One frame: `label [=====-----]  50% | 500/1000 | 250/s | ETA 2s`, or `label 500 | 250/s` with no total. */
function frame(label: string, unit: ProgressUnit, o: cliProgress.Options, p: cliProgress.Params, known: boolean): string {
  const seconds = Math.max(((p.stopTime ?? Date.now()) - p.startTime) / 1000, 0.001);
  const rate = p.value / seconds;
  const [scale, suffix] = unit === 'bytes' ? byteScale(Math.max(p.total, p.value)) : [1, ''];
  const amount = (n: number) => (unit === 'bytes' ? (n / scale).toFixed(scale === 1 ? 0 : 1) : String(Math.round(n)));
  const per = `${amount(rate)}${suffix}/s`;
  if (!known) return `${label} ${amount(p.value)}${suffix} | ${per}`;
  const left = p.value >= p.total ? 0 : rate > 0 ? Math.ceil((p.total - p.value) / rate) : undefined;
  const eta = left === undefined ? '--' : cliProgress.Format.TimeFormat(left, o, 1);
  const pct = `${Math.floor(p.progress * 100)}%`.padStart(4);
  return `${label} [${cliProgress.Format.BarFormat(p.progress, o)}] ${pct} | ${amount(p.value)}/${amount(p.total)}${suffix} | ${per} | ETA ${eta}`;
}

/** The divisor and the unit bytes are shown in, chosen once by the total, so done and total read alike. */
function byteScale(total: number): [number, string] {
  if (total >= 1024 ** 3) return [1024 ** 3, ' GB'];
  if (total >= 1024 ** 2) return [1024 ** 2, ' MB'];
  if (total >= 1024) return [1024, ' kB'];
  return [1, ' B'];
}

/** A word as a POSIX shell reads it back: hints print commands a user pastes. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

// U3: a hint names commands a user pastes; they must reach the same installation,
// so each command in a hint carries the --db this invocation was given.
let hintOptions: string[] = [];
let commandNames: readonly string[] = [];

/** Remembers the global options of this invocation (today: --db) and the command names a hint may hold. */
export function setHintOptions(argv: readonly string[], commands: readonly string[]): void {
  hintOptions = [];
  commandNames = commands;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--db' && argv[i + 1] !== undefined) hintOptions = ['--db', argv[i + 1]!];
    else if (a.startsWith('--db=')) hintOptions = ['--db', a.slice('--db='.length)];
  }
}

/**
 * The hint with this invocation's global options put into each officeport
 * command it holds (`officeport --db x.db list offices`), unless that command
 * names its own --db. A command runs from "officeport NAME" to the next
 * separator (`,` `;` `)` `&&` or the end).
 */
export function pasteable(hint: string): string {
  if (hintOptions.length === 0 || commandNames.length === 0) return hint;
  const words = hintOptions.map(shellWord).join(' ');
  const names = commandNames.map((n) => n.replace(/[^a-z-]/g, '')).join('|');
  return hint.replace(new RegExp(`\\bofficeport (?=(?:${names})\\b)([^,;)&]*)`, 'g'), (whole: string, rest: string) =>
    /(^|\s)--db(\s|=)/.test(rest) ? whole : `officeport ${words} ${rest}`,
  );
}
