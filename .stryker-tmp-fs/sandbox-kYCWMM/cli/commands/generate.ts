// @ts-nocheck
import type { CommandModule } from 'yargs';
import { generateInstallation } from '../../src/installation/index.js';
import { emit, progress, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  dir: string;
  contacts: number;
  seed: string;
  offices: number;
}

export const generateCommand: CommandModule<GlobalArgs, Args> = {
  command: 'generate <dir>',
  describe: 'write a synthetic, realistic installation as CSV files (deterministic for a seed)',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'a new or empty folder' })
      .option('contacts', { type: 'number', demandOption: true, describe: 'number of contacts and businesses' })
      .option('seed', { type: 'string', default: '1', describe: 'same seed, same bytes' })
      .option('offices', { type: 'number', default: 3, describe: 'US agency offices (a Canadian one is added)' })
      .example('$0 generate big/ --contacts 100000 --seed 42', 'about 1.2 million rows in big/')
      .example('$0 generate small/ --contacts 500 --seed 7 --offices 2 && $0 load small/ --db s.db', 'generate and load'),
  handler: async (args) => {
    const bar = progress('generating rows', { json: args.json });
    bar.tick(0); // the bar starts with the work, so that the rate counts its whole time
    let r;
    try {
      r = await generateInstallation(args.dir, { contacts: args.contacts, seed: String(args.seed), offices: args.offices }, (n) => bar.tick(n));
    } finally {
      bar.done(); // also when it fails: the bar's timer would keep the process alive
    }
    emit(args, r, (x) => [
      `generated ${x.total} rows (${(x.total / x.contacts).toFixed(1)} per contact) and ${x.documents} documents in ${x.dir} (seed ${x.seed})`,
      ...Object.entries(x.rows)
        .filter(([, n]) => n > 0)
        .map(([t, n]) => `  ${t.padEnd(22)} ${n}`),
    ]);
  },
};
