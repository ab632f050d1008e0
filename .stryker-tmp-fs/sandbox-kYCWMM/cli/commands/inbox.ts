// @ts-nocheck
import type { Argv, CommandModule } from 'yargs';
import { acceptInbox, addFileToInbox, inboxOf, rejectFromInbox, type InboxListing } from '../../src/import/index.js';
import { withStore } from '../context.js';
import { withBundle } from '../../src/trust/index.js';
import { identityOption, keySources } from '../bundle-keys.js';
import { emit, table, type GlobalArgs } from '../output.js';
import { acceptOptions, jsonOf, renderAccept, requestOf } from './import.js';

interface Who extends GlobalArgs {
  office: string;
  user: string;
}

function who<T>(y: Argv<T>) {
  return y
    .option('office', { type: 'string', demandOption: true, describe: 'the target office (id or name)' })
    .option('user', { type: 'string', demandOption: true, describe: 'the receiving user (holds data_import)' });
}

const add: CommandModule<GlobalArgs, Who & { file: string; trust?: string; identity?: string }> = {
  command: 'add <file>',
  describe: 'verify a bundle and stage it for its addressee',
  builder: (y) =>
    who(
      identityOption(
        y.positional('file', { type: 'string', demandOption: true }).option('trust', { type: 'string', describe: 'require a signature from this public key' }),
      ),
    ).example('$0 inbox add move.zip --office "Springfield Agency" --user dana', 'stage the bundle; see it with inbox list'),
  handler: async (args) => {
    const r = await withStore(args, (store) =>
      withBundle(args.file, keySources(args, store, args.office), (input) => addFileToInbox(store, input, args.office, args.user, args.trust)),
    );
    emit(args, { ...r.entry, added: r.added }, (x) => `${x.added ? 'staged' : 'already staged'}: bundle ${x.bundle_id} as inbox entry ${x.id}`);
  },
};

const list: CommandModule<GlobalArgs, Who> = {
  command: 'list',
  describe: 'the pending bundles of this user and their contacts (Show Contact List)',
  builder: (y) => who(y).example('$0 inbox list --office T-SPRING --user dana', 'contacts waiting to be accepted; tax ids masked'),
  handler: async (args) => {
    const entries = await withStore(args, (store) => inboxOf(store, args.office, args.user));
    emit(args, { entries }, (x) => renderList(x.entries));
  },
};

const accept: CommandModule<GlobalArgs, Who & { id: string; identity?: string }> = {
  command: 'accept <id>',
  describe: 'process all, or the selected (--contact), contacts of a staged bundle with their records',
  builder: (y) =>
    acceptOptions(who(y.positional('id', { type: 'string', demandOption: true, describe: 'inbox entry id (or bundle id)' })))
      .example('$0 inbox accept IN-000001 --office T-SPRING --user dana', 'accept everything')
      .example(
        '$0 inbox accept IN-000001 --office T-SPRING --user dana --contact contact/C-1001',
        'accept one contact; the rest stay pending',
      ) as unknown as Argv<Who & { id: string; identity?: string }>,
  handler: async (args) => {
    const r = await withStore(args, (store) => acceptInbox(store, args.id, args.office, args.user, requestOf(args), keySources(args, store, args.office)));
    emit(args, jsonOf(r), () => renderAccept(r));
  },
};

const reject: CommandModule<GlobalArgs, Who & { id: string }> = {
  command: 'reject <id>',
  describe: 'reject a staged bundle',
  builder: (y) =>
    who(y.positional('id', { type: 'string', demandOption: true })).example('$0 inbox reject IN-000001 --office T-SPRING --user dana', 'it leaves the list'),
  handler: async (args) => {
    const r = await withStore(args, (store) => rejectFromInbox(store, args.id, args.office, args.user));
    emit(args, r, (x) => [
      `rejected inbox entry ${x.id} (bundle ${x.bundle_id})`,
      ...(x.dropped.length
        ? [
            '',
            `dropped, waiting for contacts it does not bring (${x.dropped.length})`,
            table(
              ['ref', 'why'],
              x.dropped.map((d) => [d.ref, d.reason]),
            ),
          ]
        : []),
    ]);
  },
};

export const inboxCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'inbox <command>',
  describe: 'bundles staged for a user: add, list, accept, reject',
  builder: (y) =>
    y
      .command(add as unknown as CommandModule<GlobalArgs, GlobalArgs>)
      .command(list as unknown as CommandModule<GlobalArgs, GlobalArgs>)
      .command(accept as unknown as CommandModule<GlobalArgs, GlobalArgs>)
      .command(reject as unknown as CommandModule<GlobalArgs, GlobalArgs>)
      .demandCommand(1)
      .example('$0 inbox list --office T-SPRING --user dana', 'what is waiting'),
  handler: () => {},
};

function renderList(entries: InboxListing[]): string[] {
  if (entries.length === 0) return ['no pending bundles'];
  const out: string[] = [];
  for (const e of entries) {
    out.push(`${e.id}  bundle ${e.bundle_id} from ${e.source_office}, added ${e.added_at} (${e.status})`);
    out.push(
      table(
        ['ref', 'kind', 'name', 'tax id', 'state'],
        e.contacts.map((c) => [c.ref, c.kind, c.name, c.tax_id, c.accepted ? 'accepted' : 'pending']),
      ),
    );
    out.push('');
  }
  return out;
}
