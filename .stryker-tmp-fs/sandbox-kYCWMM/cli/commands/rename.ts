// @ts-nocheck
import type { CommandModule } from 'yargs';
import { renameRecord } from '../../src/realign/index.js';
import type { CatalogueKind } from '../../src/domain/realign-rules.js';
import { withStore } from '../context.js';
import { emit, pasteable, shellWord, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  what: string;
  id: string;
  name: string;
  office: string;
  user: string;
}

const KINDS: Record<string, CatalogueKind> = {
  carrier: 'carrier',
  product: 'product',
  rider: 'rider',
  'service-provider': 'service_provider',
};

export const renameCommand: CommandModule<GlobalArgs, Args> = {
  command: 'rename <what> <id> <name>',
  describe: 'rename a local carrier, product, rider or service provider (resource records are read-only)',
  builder: (y) =>
    y
      .positional('what', { type: 'string', choices: Object.keys(KINDS), demandOption: true })
      .positional('id', { type: 'string', demandOption: true, describe: 'id of the local record' })
      .positional('name', { type: 'string', demandOption: true, describe: 'the new name, exactly' })
      .option('office', { type: 'string', demandOption: true, describe: 'office id or name' })
      .option('user', { type: 'string', demandOption: true, describe: 'user id or username holding admin' })
      .example('$0 rename carrier CAR-L2 "Acme Life" --office Agency --user admin', 'match the resource name exactly'),
  handler: async (args) => {
    await withStore(args, async (store) => {
      const r = await renameRecord(store.realign, args.office, args.user, KINDS[args.what]!, args.id, String(args.name));
      emit(args, r, (x) =>
        x.journal_id === null
          ? `${args.what} ${x.id} is already named ${JSON.stringify(x.to)}; nothing changed`
          : pasteable(
              `renamed ${args.what} ${x.id}: ${JSON.stringify(x.from)} -> ${JSON.stringify(x.to)} as realignment #${x.journal_id} (undo: officeport realign undo ${x.journal_id} --office ${shellWord(args.office)} --user ${shellWord(args.user)})`,
            ),
      );
    });
  },
};
