// @ts-nocheck
import type { CommandModule } from 'yargs';
import { loadDir } from '../../src/installation/index.js';
import { resolveDbPath } from '../../src/store/open.js';
import { withStore } from '../context.js';
import { emit, withProgress, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  dir: string;
}

export const loadCommand: CommandModule<GlobalArgs, Args> = {
  command: 'load <dir>',
  describe: 'load an installation from a folder of CSV files (office-data-format.md), all or nothing',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'folder of CSV files' })
      .example('$0 load samples/source --db source.db', 'fill the new installation source.db'),
  handler: async (args) => {
    const r = await withProgress('loading CSV files', { unit: 'bytes', json: args.json }, (onProgress) =>
      withStore(args, (store) => loadDir(store, args.dir, { onProgress }), { create: true }),
    );
    const total = Object.values(r.rows).reduce((a, b) => a + b, 0);
    emit(args, { db: resolveDbPath(args.db), rows: r.rows, total, documents: r.documents }, (x) => [
      `loaded ${x.total} rows and ${x.documents} documents into ${x.db}`,
      ...Object.entries(x.rows)
        .filter(([, n]) => n > 0)
        .map(([t, n]) => `  ${t.padEnd(22)} ${n}`),
    ]);
  },
};
