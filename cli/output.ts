// Rendering shared by every command: --json or readable text, colour only on a
// terminal without NO_COLOR (C2), progress on stderr only when it is a terminal (C3).

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

export interface Progress {
  tick(n?: number): void;
  done(): void;
}

/** A progress bar on stderr when stderr is a terminal; silent otherwise. */
export function progress(label: string, total?: number): Progress {
  const tty = Boolean(process.stderr.isTTY);
  if (!tty) return { tick() {}, done() {} };
  let count = 0;
  let last = 0;
  const draw = () => {
    const width = 30;
    let bar: string;
    if (total && total > 0) {
      const filled = Math.min(width, Math.round((count / total) * width));
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total}`;
    } else bar = `${count}`;
    process.stderr.write(`\r${label} ${bar}`);
  };
  return {
    tick(n = 1) {
      count += n;
      const now = Date.now();
      if (now - last > 100) {
        last = now;
        draw();
      }
    },
    done() {
      draw();
      process.stderr.write('\n');
    },
  };
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
