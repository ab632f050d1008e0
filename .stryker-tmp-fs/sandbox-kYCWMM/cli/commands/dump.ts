// @ts-nocheck
import type { CommandModule } from 'yargs';
import { dumpDir } from '../../src/installation/index.js';
import { withStore } from '../context.js';
import { emit, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  dir: string;
}

export const dumpCommand: CommandModule<GlobalArgs, Args> = {
  command: 'dump <dir>',
  describe: 'write the installation as a folder of CSV files (the layout load reads)',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'a new or empty folder' })
      .example('$0 dump out/ --db target.db', 'write every table and documents/ into out/'),
  handler: async (args) => {
    const r = await withStore(args, (store) => dumpDir(store, args.dir));
    const total = Object.values(r.rows).reduce((a, b) => a + b, 0);
    emit(args, { dir: args.dir, rows: r.rows, total, documents: r.documents }, (x) => `dumped ${x.total} rows and ${x.documents} documents into ${x.dir}`);
  },
};
