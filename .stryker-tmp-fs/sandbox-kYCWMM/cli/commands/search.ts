// @ts-nocheck
import type { CommandModule } from 'yargs';
import { searchCatalogue } from '../../src/realign/index.js';
import type { CatalogueKind } from '../../src/domain/realign-rules.js';
import { withStore } from '../context.js';
import { emit, style, table, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  what: string;
  office: string;
  name?: string;
}

const KINDS: Record<string, CatalogueKind> = {
  carriers: 'carrier',
  products: 'product',
  riders: 'rider',
  'service-providers': 'service_provider',
};

export const searchCommand: CommandModule<GlobalArgs, Args> = {
  command: 'search <what>',
  describe: 'list local and resource carriers, products, riders or service providers together (resource ones are read-only)',
  builder: (y) =>
    y
      .positional('what', { type: 'string', choices: Object.keys(KINDS), demandOption: true })
      .option('office', { type: 'string', demandOption: true, describe: 'office id or name' })
      .option('name', { type: 'string', describe: 'only names containing this text (case-insensitive)' })
      .example('$0 search carriers --office Agency', 'the blank carrier search')
      .example('$0 search products --office Agency --name term --json', 'products whose name contains "term"'),
  handler: async (args) => {
    await withStore(args, async (store) => {
      const r = await searchCatalogue(store.realign, args.office, KINDS[args.what]!, args.name);
      const rows = r.rows.map((x) => ({
        kind: x.kind,
        id: x.id,
        name: x.name,
        office_id: x.office_id,
        office: x.office_name,
        carrier_id: x.carrier_id ?? null,
        carrier: x.carrier_name,
        pcm_activity: x.pcm_activity,
        active: x.active ?? null,
        readonly: x.readonly,
      }));
      emit(args, rows, (list) => [
        table(
          ['id', 'name', ...(list.some((x) => x.carrier_id) ? ['carrier'] : []), 'office', 'pcm_activity', 'access'],
          list.map((x) => [
            x.id,
            x.name,
            ...(list.some((y) => y.carrier_id) ? [x.carrier ?? ''] : []),
            x.office,
            x.pcm_activity,
            x.readonly ? style('cyan', 'read-only (resource)') : 'local',
          ]),
        ),
        `${list.length} ${args.what} (${list.filter((x) => !x.readonly).length} local, ${list.filter((x) => x.readonly).length} read-only)`,
      ]);
    });
  },
};
