// @ts-nocheck
import type { CommandModule } from 'yargs';
import { LISTABLE, list, type Listable } from '../../src/installation/index.js';
import { withStore } from '../context.js';
import { emit, table, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  what: Listable;
  office?: string;
  set?: string;
}

export const listCommand: CommandModule<GlobalArgs, Args> = {
  command: 'list <what>',
  describe: 'list offices, users, sets or contacts of the installation',
  builder: (y) =>
    y
      .positional('what', { choices: LISTABLE, demandOption: true })
      .option('office', { type: 'string', describe: 'office id or name' })
      .option('set', { type: 'string', describe: 'only the contacts of this set' })
      .example('$0 list offices --db source.db', 'every office with its kind, region and parent')
      .example('$0 list contacts --office "North Agency" --set "Move to Springfield"', 'the members of a set'),
  handler: async (args) => {
    const rows = await withStore(args, (store) => list(store.sets, { what: args.what, office: args.office, set: args.set }));
    emit(args, rows, (r) => {
      if (r.length === 0) return `no ${args.what}`;
      const headers = Object.keys(r[0]!);
      return table(
        headers,
        r.map((row) => headers.map((h) => row[h])),
      );
    });
  },
};
