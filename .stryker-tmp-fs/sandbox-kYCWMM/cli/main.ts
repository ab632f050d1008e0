// @ts-nocheck
// The one binary (C1). Every command lives in cli/commands/; this file owns the
// only top-level catch, the exit codes (C4) and --debug stack traces.
import fs from 'node:fs';
import path from 'node:path';
import yargs, { type Argv } from 'yargs';
import { ErrorCode, OfficeportError, formatProblem, type Problem } from '../src/shared/errors.js';
import { VERSION } from '../src/shared/version.js';
import { COMMANDS, loadCommands } from './commands/index.js';
import { currentInstallation } from './context.js';
import { pasteable, setHintOptions, style } from './output.js';

export async function main(given: string[]): Promise<number> {
  const argv = helpAsOption(given);
  const debug = argv.includes('--debug');
  const json = argv.includes('--json') || argv.some((a) => a.startsWith('--json='));
  setHintOptions(argv, Object.keys(COMMANDS));
  let commands;
  try {
    commands = await loadCommands(argv);
  } catch (e) {
    return report(e, debug, json);
  }
  const parser: Argv = yargs(argv)
    .scriptName('officeport')
    .usage('$0 <command> [options]\n\nMove clients between CRM offices as self-verifying bundles.')
    .example('$0 demo', 'the whole move on the sample installations, step by step')
    .example('$0 load samples/source --db source.db', 'an installation from the CSV layout')
    .example('$0 help <command>', 'the options and examples of one command (or: $0 <command> --help)')
    .example('$0 completion >> ~/.bashrc', 'complete commands and options with the Tab key (bash, zsh or fish, as $SHELL says)')
    .option('db', {
      type: 'string',
      describe: 'installation: a file, or postgres://USER@HOST:PORT/DB on a server (default: $OFFICEPORT_DB or ./officeport.db)',
      global: true,
    })
    .option('json', { type: 'boolean', describe: 'machine-readable output (errors too, as JSON on stderr; see docs/errors.md)', global: true })
    .option('debug', { type: 'boolean', describe: 'print stack traces of errors', global: true })
    .command(commands)
    .command({
      command: 'help [command..]',
      describe: 'show the help of a command, or this overview',
      builder: (y) => y.example('$0 help export', 'the options and examples of export').example('$0 help realign apply', 'the help of a subcommand'),
      // main() turns `help CMD` into `CMD --help` before yargs parses; this entry lists it and completes it.
      handler: () => {
        parser.showHelp('log');
      },
    })
    .command({
      command: 'completion',
      describe: 'print a shell completion script for commands and options (bash, zsh or fish, as $SHELL says)',
      builder: (y) =>
        y
          .example('$0 completion >> ~/.bashrc', 'install it for bash (open a new shell, then: officeport ex<Tab>)')
          .example('$0 completion >> ~/.zshrc', 'install it for zsh (with SHELL=/bin/zsh)')
          .example('source <($0 completion)', 'try it in the current bash shell'),
      handler: () => {
        parser.showCompletionScript();
      },
    })
    .demandCommand(1, 'name a command; see officeport --help')
    .strict()
    .recommendCommands()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Throwing stops yargs: a handler must never run after a usage error.
      throw err ?? new UsageError(msg);
    });
  try {
    await parser.parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return report(e, debug, json);
  }
}

class UsageError extends Error {}

/**
 * U7: `help CMD [SUB]` is `CMD [SUB] --help`, and `help` alone the overview.
 * A name that is no command is left to yargs, which answers with the closest one.
 */
export function helpAsOption(argv: readonly string[]): string[] {
  const at = argv.findIndex((a, i) => !a.startsWith('-') && argv[i - 1] !== '--db');
  if (at < 0 || argv[at] !== 'help') return [...argv];
  const before = argv.slice(0, at);
  const named = argv.slice(at + 1);
  const first = named.find((a) => !a.startsWith('-'));
  if (first === undefined) return [...before, ...named, '--help'];
  if (!(first in COMMANDS) && first !== 'completion' && first !== 'help') return [...before, ...named];
  return [...before, ...named, '--help'];
}

/** What went wrong, as text or (U5) as JSON: one shape for every kind of failure. */
interface Failure {
  code: ErrorCode;
  message: string;
  hint?: string;
  problems: Problem[];
  exitCode: 1 | 2;
}

function failureOf(e: unknown): Failure {
  if (e instanceof UsageError || (e instanceof Error && e.name === 'YError')) {
    return { code: ErrorCode.USAGE, message: e.message, hint: 'see officeport --help, or officeport <command> --help', problems: [], exitCode: 2 };
  }
  if (e instanceof OfficeportError) return { code: e.code, message: e.message, hint: e.hint, problems: e.problems, exitCode: e.exitCode };
  const io = sqliteProblem(e, currentInstallation) ?? fileSystemProblem(e);
  if (io) return { code: ErrorCode.ENVIRONMENT, message: io.message, hint: io.hint, problems: [], exitCode: 1 };
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: ErrorCode.INTERNAL,
    message: `internal error: ${message}`,
    hint: 'run again with --debug for the stack trace, and report it',
    problems: [],
    exitCode: 1,
  };
}

function report(e: unknown, debug: boolean, json: boolean): number {
  const err = process.stderr;
  const f = failureOf(e);
  const hint = f.hint === undefined ? undefined : pasteable(f.hint);
  const stack = debug && e instanceof Error ? e.stack : undefined;
  if (json) {
    // U5: the same fields in every case, so a caller reads error.code without guessing
    const error = { code: f.code, message: f.message, hint: hint ?? null, problems: f.problems, ...(stack ? { stack } : {}) };
    err.write(JSON.stringify({ error }, null, 2) + '\n');
    return f.exitCode;
  }
  if (f.code === ErrorCode.USAGE && !(e instanceof OfficeportError)) {
    err.write(`officeport: ${f.message}\n(${hint})\n`);
    return f.exitCode;
  }
  err.write(`${f.code === ErrorCode.INTERNAL ? 'officeport:' : style('red', 'officeport:', err)} ${f.message}\n`);
  const shown = f.problems.slice(0, 200);
  for (const p of shown) err.write(`  ${formatProblem(p)}\n`);
  if (f.problems.length > shown.length) err.write(`  ... and ${f.problems.length - shown.length} more\n`);
  if (hint && !(stack && f.code === ErrorCode.INTERNAL)) err.write(`${f.code === ErrorCode.INTERNAL ? 'hint:' : style('dim', 'hint:', err)} ${hint}\n`);
  if (stack) err.write(`${stack}\n`);
  return f.exitCode;
}

// L10: what the environment refused, named in plain words; never "internal error".
const FS_REASONS: Record<string, [string, string]> = {
  ENOENT: ['no such file or folder', 'check the path; folders are not created for output files'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'check the path'],
  EISDIR: ['it is a folder, not a file', 'name a file'],
  EACCES: ['permission denied', 'choose a place you may write to, or fix the permissions'],
  EPERM: ['operation not permitted', 'choose a place you may write to, or fix the permissions'],
  EROFS: ['the file system is read-only', 'choose a place on a writable file system'],
  ENOSPC: ['the disk is full', 'free some space and run again'],
  EDQUOT: ['the disk quota is used up', 'free some space and run again'],
  EFBIG: ['the file grew beyond what the file system allows', 'choose another place'],
  EIO: ['input/output error', 'check the disk and the file system, then run again'],
  EMFILE: ['too many open files', 'raise the limit of open files (ulimit -n) and run again'],
  EEXIST: ['it exists already', 'name a new path'],
  ENOTEMPTY: ['the folder is not empty', 'name a new or empty folder'],
};

/** A file-system error (a path the user gave that cannot be read or written) is a refusal, not our bug. */
function fileSystemProblem(e: unknown): { message: string; hint: string } | undefined {
  const x = e as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof x?.code !== 'string' || !(x.code in FS_REASONS)) return undefined;
  const [why, hint] = FS_REASONS[x.code]!;
  const what = typeof x.syscall === 'string' ? ` (${x.syscall})` : '';
  if (typeof x.path === 'string') return { message: `cannot use ${x.path}: ${why}${what}`, hint };
  return { message: `a file could not be written or read: ${why}${what}`, hint };
}

/** Why the installation file or its folder cannot be written, as the file system says (root passes permission checks, not a read-only mount). */
function whyNotWritable(file: string): string | undefined {
  const probe = (p: string, what: string): string | undefined => {
    try {
      fs.accessSync(p, fs.constants.W_OK);
      return undefined;
    } catch (e) {
      const c = (e as NodeJS.ErrnoException).code;
      if (c === 'EROFS') return 'it is on a read-only file system';
      if (c === 'EACCES' || c === 'EPERM') return `${what} is read-only for this user (permission denied)`;
      return undefined;
    }
  };
  return (
    probe(path.dirname(path.resolve(file)), 'its folder (where SQLite keeps its -wal and -shm files)') ??
    (fs.existsSync(file) ? probe(file, 'the file') : undefined)
  );
}

/** SQLite reports a full disk as an I/O error when its -shm file cannot grow: ask the file system. */
function diskFull(file: string): boolean {
  try {
    const s = fs.statfsSync(path.dirname(path.resolve(file)));
    return s.bavail * s.bsize < 1 << 20;
  } catch {
    return false;
  }
}

/** SQLite's result codes (better-sqlite3 puts them in `code`) for the installation file. */
function sqliteProblem(e: unknown, installation: string | undefined): { message: string; hint: string } | undefined {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const file = installation ? `the installation ${installation}` : 'the installation';
  const unchanged = 'nothing was changed';
  const why = installation ? whyNotWritable(installation) : undefined;
  if (code.startsWith('SQLITE_READONLY') || (code.startsWith('SQLITE_CANTOPEN') && why)) {
    return {
      message: `cannot write ${file}: ${why ?? 'it is read-only (the file, or its folder, where SQLite keeps its -wal and -shm files)'}; ${unchanged}`,
      hint: 'make the file and its folder writable for this user, or copy the installation to a writable place and use --db',
    };
  }
  if (code === 'SQLITE_FULL' || (code.startsWith('SQLITE_IOERR') && installation && diskFull(installation)))
    return { message: `cannot write ${file}: the disk is full; ${unchanged}`, hint: 'free some space and run again' };
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return {
      message: `cannot open ${file} (${code}): the file or its folder cannot be read or written`,
      hint: 'check that the file and its folder exist and that this user may read and write both (SQLite creates -wal and -shm files beside it)',
    };
  }
  if (code === 'SQLITE_PERM' || code === 'SQLITE_AUTH')
    return { message: `cannot use ${file}: permission denied; ${unchanged}`, hint: 'run as a user who may write it, or fix the permissions' };
  if (code === 'SQLITE_NOTADB')
    return {
      message: `${installation ?? 'the file'} is not an officeport installation: it is not a SQLite database`,
      hint: 'name the installation file with --db',
    };
  if (code.startsWith('SQLITE_CORRUPT')) return { message: `${file} is damaged (${code})`, hint: 'restore the installation from a backup' };
  if (code.startsWith('SQLITE_IOERR')) {
    return {
      message: `cannot read or write ${file}: input/output error (${code}); ${unchanged}`,
      hint: 'check the disk and the file system (full, read-only, removed?), then run again',
    };
  }
  return undefined;
}
