// @ts-nocheck
// Every command of the binary, loaded on demand: a run loads only the module of
// the command it names (and its dependencies), so `officeport list` does not
// pay for zip, schema and XML libraries. --help and --version load them all.
// Add a command here and in README.md.
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../output.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own argument type and CommandModule is invariant in it (no unknown or never fits them all)
export type AnyCommand = CommandModule<GlobalArgs, any>;

export const COMMANDS: Readonly<Record<string, () => Promise<AnyCommand>>> = {
  demo: async () => (await import('./demo.js')).demoCommand,
  init: async () => (await import('./init.js')).initCommand,
  load: async () => (await import('./load.js')).loadCommand,
  dump: async () => (await import('./dump.js')).dumpCommand,
  generate: async () => (await import('./generate.js')).generateCommand,
  list: async () => (await import('./list.js')).listCommand,
  rights: async () => (await import('./rights.js')).rightsCommand,
  set: async () => (await import('./set.js')).setCommand,
  log: async () => (await import('./log.js')).logCommand,
  trace: async () => (await import('./trace.js')).traceCommand,
  convert: async () => (await import('./convert.js')).convertCommand,
  keygen: async () => (await import('./keygen.js')).keygenCommand,
  address: async () => (await import('./address.js')).addressCommand,
  export: async () => (await import('./export.js')).exportCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
  inspect: async () => (await import('./inspect.js')).inspectCommand,
  finalize: async () => (await import('./finalize.js')).finalizeCommand,
  realign: async () => (await import('./realign.js')).realignCommand,
  search: async () => (await import('./search.js')).searchCommand,
  report: async () => (await import('./report.js')).reportCommand,
  rename: async () => (await import('./rename.js')).renameCommand,
  import: async () => (await import('./import.js')).importCommand,
  inbox: async () => (await import('./inbox.js')).inboxCommand,
};

/** The modules for a run: the named command's alone, or all of them when none is named. */
export async function loadCommands(argv: readonly string[]): Promise<AnyCommand[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const only = first !== undefined ? COMMANDS[first] : undefined;
  if (only) return [await only()];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}
