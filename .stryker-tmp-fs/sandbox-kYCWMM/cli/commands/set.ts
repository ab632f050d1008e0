// @ts-nocheck
import type { Argv, CommandModule } from 'yargs';
import { addToSet, createSet, deleteSet, removeFromSet, showSet, type SetSummary } from '../../src/installation/index.js';
import { withStore } from '../context.js';
import { emit, table, type GlobalArgs } from '../output.js';

interface SetArgs extends GlobalArgs {
  name: string;
  office: string;
  contact?: string[];
  'primary-advisor'?: string;
  from?: string;
  user?: string;
}

function withMembers(y: Argv<GlobalArgs>): Argv<SetArgs> {
  return y
    .positional('name', { type: 'string', demandOption: true, describe: 'set name (or id)' })
    .option('office', { type: 'string', demandOption: true, describe: 'office id or name' })
    .option('contact', { type: 'string', array: true, describe: 'contact ids' })
    .option('primary-advisor', { type: 'string', describe: "an advisor's contact id: all the clients of that advisor" })
    .option('from', { type: 'string', describe: 'a CSV file with a contact_id column' }) as unknown as Argv<SetArgs>;
}

const summary = (verb: string) => (s: SetSummary) =>
  `${verb} set ${JSON.stringify(s.name)} (${s.id}) in ${s.office}: ${s.members} members` +
  (s.added !== undefined ? `, ${s.added} added` : '') +
  (s.removed !== undefined ? `, ${s.removed} removed` : '');

const create: CommandModule<GlobalArgs, SetArgs> = {
  command: 'create <name>',
  describe: "create a set from contact ids, an advisor's book, or a CSV of ids",
  builder: (y) =>
    withMembers(y)
      .option('user', { type: 'string', describe: 'owner of the set (a user of the office)' })
      .example('$0 set create "Move to Springfield" --office "North Agency" --contact C-1001 C-1002', 'a set of two contacts')
      .example('$0 set create "Book of Ann" --office "North Agency" --primary-advisor C-1900', "an advisor's whole book")
      .example('$0 set create Q3 --office "North Agency" --from ids.csv', 'ids from a CSV with a contact_id column'),
  handler: async (args) => {
    const r = await withStore(args, (store) =>
      createSet(store.sets, {
        office: args.office,
        name: args.name,
        owner: args.user,
        contacts: args.contact,
        primaryAdvisor: args['primary-advisor'],
        fromFile: args.from,
      }),
    );
    emit(args, r, summary('created'));
  },
};

const add: CommandModule<GlobalArgs, SetArgs> = {
  command: 'add <name>',
  describe: 'add members to a set',
  builder: (y) => withMembers(y).example('$0 set add "Move to Springfield" --office "North Agency" --contact C-1003', 'add one contact'),
  handler: async (args) => {
    const r = await withStore(args, (store) =>
      addToSet(store.sets, { office: args.office, name: args.name, contacts: args.contact, primaryAdvisor: args['primary-advisor'], fromFile: args.from }),
    );
    emit(args, r, summary('updated'));
  },
};

const remove: CommandModule<GlobalArgs, SetArgs> = {
  command: 'remove <name>',
  describe: 'remove members from a set',
  builder: (y) => withMembers(y).example('$0 set remove "Move to Springfield" --office "North Agency" --contact C-1003', 'remove one contact'),
  handler: async (args) => {
    const r = await withStore(args, (store) =>
      removeFromSet(store.sets, { office: args.office, name: args.name, contacts: args.contact, primaryAdvisor: args['primary-advisor'], fromFile: args.from }),
    );
    emit(args, r, summary('updated'));
  },
};

const show: CommandModule<GlobalArgs, SetArgs> = {
  command: 'show <name>',
  describe: 'show the members of a set',
  builder: (y) => withMembers(y).example('$0 set show "Move to Springfield" --office "North Agency"', 'the members'),
  handler: async (args) => {
    const r = await withStore(args, (store) => showSet(store.sets, { office: args.office, name: args.name }));
    emit(args, r, (s) => [
      summary('')(s).trim(),
      table(
        ['id', 'kind', 'name'],
        s.contacts.map((c) => [c.id, c.kind, c.name]),
      ),
    ]);
  },
};

const del: CommandModule<GlobalArgs, SetArgs> = {
  command: 'delete <name>',
  describe: 'delete a set (its contacts stay)',
  builder: (y) => withMembers(y).example('$0 set delete Q3 --office "North Agency"', 'delete the set Q3'),
  handler: async (args) => {
    const r = await withStore(args, (store) => deleteSet(store.sets, { office: args.office, name: args.name }));
    emit(args, r, summary('deleted'));
  },
};

export const setCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'set <command>',
  describe: 'make and change sets of contacts',
  builder: (y) =>
    y
      .command([create, add, remove, show, del] as CommandModule<GlobalArgs, never>[])
      .demandCommand(1)
      .example('$0 set show "Move to Springfield" --office "North Agency"', 'the members of a set')
      .example('$0 set create "Book of Robert" --office "North Agency" --primary-advisor C-1001', "an advisor's whole book"),
  handler: () => undefined,
};
