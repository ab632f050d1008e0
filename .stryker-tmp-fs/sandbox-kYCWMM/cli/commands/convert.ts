// @ts-nocheck
import type { CommandModule } from 'yargs';
import { ErrorCode, OfficeportError } from '../../src/shared/errors.js';
import { convertBundle, type ConvertFormat } from '../../src/audit/index.js';
import { homeAt, resolveDbPath } from '../../src/store/open.js';
import { startsAsAge, withBundle, type KeySources } from '../../src/trust/index.js';
import { withStore } from '../context.js';
import { identityOption, keySources } from '../bundle-keys.js';
import { emit, table, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  file: string;
  to: ConvertFormat;
  out: string;
  force?: boolean;
  bom?: boolean;
  identity?: string;
  office?: string;
}

export const convertCommand: CommandModule<GlobalArgs, Args> = {
  command: 'convert <file>',
  describe: "write a verified bundle's records (or a retention archive's rows) as CSV files or one XML document, for auditors' tools",
  builder: (y) =>
    identityOption(y)
      .option('office', {
        type: 'string',
        describe: 'in the installation (--db), open an encrypted bundle with the keys of this office, the one it is addressed to',
      })
      .positional('file', { type: 'string', demandOption: true, describe: 'the bundle or retention archive (.zip)' })
      .option('to', { choices: ['csv', 'xml'] as const, demandOption: true, describe: 'csv: one file per record type; xml: one document' })
      .option('out', { type: 'string', demandOption: true, describe: 'csv: a new or empty folder; xml: the file to write' })
      .option('force', {
        type: 'boolean',
        describe: 'xml: replace an existing file at --out (never an installation file); csv never writes into a folder with files',
      })
      .option('bom', { type: 'boolean', describe: 'csv: start every file with a UTF-8 byte order mark, so spreadsheets read the accents right' })
      .example('$0 convert bundle.zip --to csv --out bundle-csv/', 'one CSV per record type, formula-safe for spreadsheets')
      .example('$0 convert bundle.zip --to csv --bom --out bundle-csv/', 'the same, with a byte order mark for spreadsheet programs')
      .example('$0 convert bundle.zip --to xml --out bundle.xml', 'one XML document (docs/xml-format.md)'),
  handler: async (args) => {
    if (args.bom && args.to !== 'csv')
      throw new OfficeportError(ErrorCode.USAGE, '--bom is for CSV files; an XML document names its encoding itself', { hint: 'drop --bom, or use --to csv' });
    const convert = (keys: KeySources) =>
      withBundle(args.file, keys, (input) =>
        convertBundle(input, args.to, args.out, { force: args.force, bom: args.bom, home: homeAt(resolveDbPath(args.db)) }),
      );
    // T3: in the addressed office, its own keys open an encrypted bundle
    const r =
      args.office && startsAsAge(args.file) ? await withStore(args, (store) => convert(keySources(args, store, args.office))) : await convert(keySources(args));
    emit(args, r, (x) => [
      x.archive_id
        ? `converted retention archive ${x.archive_id} (of bundle ${x.bundle_id}) to ${x.format.toUpperCase()} at ${x.out}`
        : `converted bundle ${x.bundle_id} to ${x.format.toUpperCase()} at ${x.out}`,
      table(
        [x.format === 'csv' ? 'file' : 'records', 'rows'],
        x.files.map((f) => [f.file, f.rows]),
      ),
    ]);
  },
};
