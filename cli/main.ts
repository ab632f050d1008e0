// The one binary (C1). Every command lives in cli/commands/; this file owns the
// only top-level catch, the exit codes (C4) and --debug stack traces.
import yargs from 'yargs';
import { OfficeportError, formatProblem } from '../src/errors.js';
import { VERSION } from '../src/version.js';
import { loadCommands } from './commands/index.js';
import { style } from './output.js';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  let commands;
  try {
    commands = await loadCommands(argv);
  } catch (e) {
    return report(e, debug);
  }
  const parser = yargs(argv)
    .scriptName('officeport')
    .usage('$0 <command> [options]\n\nMove clients between CRM offices as self-verifying bundles.')
    .example('$0 demo', 'the whole move on the sample installations, step by step')
    .example('$0 load samples/source --db source.db', 'an installation from the CSV layout')
    .example('$0 <command> --help', 'the options and examples of one command')
    .option('db', { type: 'string', describe: 'installation file (default: $OFFICEPORT_DB or ./officeport.db)', global: true })
    .option('json', { type: 'boolean', describe: 'machine-readable output', global: true })
    .option('debug', { type: 'boolean', describe: 'print stack traces of errors', global: true })
    .command(commands)
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
    return report(e, debug);
  }
}

class UsageError extends Error {}

function report(e: unknown, debug: boolean): number {
  const err = process.stderr;
  if (e instanceof UsageError || (e instanceof Error && e.name === 'YError')) {
    err.write(`officeport: ${e.message}\n(see officeport --help, or officeport <command> --help)\n`);
    return 2;
  }
  if (e instanceof OfficeportError) {
    err.write(`${style('red', 'officeport:', err)} ${e.message}\n`);
    const shown = e.problems.slice(0, 200);
    for (const p of shown) err.write(`  ${formatProblem(p)}\n`);
    if (e.problems.length > shown.length) err.write(`  ... and ${e.problems.length - shown.length} more\n`);
    if (e.hint) err.write(`${style('dim', 'hint:', err)} ${e.hint}\n`);
    if (debug) err.write(`${e.stack}\n`);
    return e.exitCode;
  }
  const io = fileSystemProblem(e);
  if (io) {
    err.write(`${style('red', 'officeport:', err)} ${io.message}\n${style('dim', 'hint:', err)} ${io.hint}\n`);
    if (debug && e instanceof Error) err.write(`${e.stack}\n`);
    return 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  err.write(`officeport: internal error: ${message}\n`);
  if (debug && e instanceof Error) err.write(`${e.stack}\n`);
  else err.write('hint: run again with --debug for the stack trace, and report it\n');
  return 1;
}

const FS_REASONS: Record<string, [string, string]> = {
  ENOENT: ['no such file or folder', 'check the path; folders are not created for output files'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'check the path'],
  EISDIR: ['it is a folder, not a file', 'name a file'],
  EACCES: ['permission denied', 'choose a place you may write to, or fix the permissions'],
  EPERM: ['operation not permitted', 'choose a place you may write to, or fix the permissions'],
  EROFS: ['the file system is read-only', 'choose another place'],
  ENOSPC: ['the disk is full', 'free some space and run again'],
  EEXIST: ['it exists already', 'name a new path'],
};

/** A file-system error (a path the user gave that cannot be read or written) is a refusal, not our bug. */
function fileSystemProblem(e: unknown): { message: string; hint: string } | undefined {
  const x = e as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof x?.code !== 'string' || !(x.code in FS_REASONS)) return undefined;
  const [why, hint] = FS_REASONS[x.code]!;
  const where = typeof x.path === 'string' ? ` ${x.path}` : '';
  const what = typeof x.syscall === 'string' ? ` (${x.syscall})` : '';
  return { message: `cannot use${where}: ${why}${what}`, hint };
}
