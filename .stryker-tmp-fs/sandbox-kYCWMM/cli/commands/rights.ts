// @ts-nocheck
import type { Argv, CommandModule } from 'yargs';
import { changeRights, showRights } from '../../src/installation/index.js';
import { RIGHTS } from '../../src/domain/model/tables.js';
import { withStore } from '../context.js';
import { emit, table, type GlobalArgs } from '../output.js';

interface ChangeArgs extends GlobalArgs {
  rights: string[];
  office: string;
  user: string;
  as: string;
}

function change(grant: boolean): CommandModule<GlobalArgs, ChangeArgs> {
  const verb = grant ? 'grant' : 'revoke';
  return {
    command: `${verb} <rights..>`,
    describe: `${verb} rights (${RIGHTS.join(', ')}) ${grant ? 'to' : 'from'} a user, as an administrator of the office`,
    builder: (y) =>
      y
        .positional('rights', { type: 'string', array: true, demandOption: true })
        .option('office', { type: 'string', demandOption: true, describe: 'office id or name' })
        .option('user', { type: 'string', demandOption: true, describe: 'the user whose rights change' })
        .option('as', { type: 'string', demandOption: true, describe: 'an administrator (admin right) of the office' })
        .example(
          `$0 rights ${verb} data_export export_contacts_to_office --office "North Agency" --user alice --as admin`,
          `${verb} the two export rights`,
        ) as unknown as Argv<ChangeArgs>,
    handler: async (args) => {
      const r = await withStore(args, (store) =>
        changeRights(store.offices, { office: args.office, user: args.user, admin: args.as, rights: args.rights, grant }),
      );
      emit(args, r, (x) =>
        x.changed
          ? `${x.user} in ${x.office} now holds: ${x.after.join(', ') || '(no rights)'}`
          : `${x.user} in ${x.office} already ${grant ? 'held' : 'lacked'} them; nothing changed (holds: ${x.after.join(', ') || 'no rights'})`,
      );
    },
  };
}

interface ShowArgs extends GlobalArgs {
  office: string;
  user?: string;
}

const show: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show',
  describe: 'show the rights of the users of an office',
  builder: (y) =>
    y
      .option('office', { type: 'string', demandOption: true })
      .option('user', { type: 'string' })
      .example('$0 rights show --office "North Agency"', 'every user and their rights'),
  handler: async (args) => {
    const r = await withStore(args, (store) => showRights(store.offices, args.office, args.user));
    emit(args, r, (x) => [
      `rights in ${x.office}`,
      table(
        ['user', 'name', 'rights'],
        x.users.map((u) => [u.username, u.full_name, u.rights.join(', ')]),
      ),
    ]);
  },
};

export const rightsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'rights <command>',
  describe: 'grant, revoke and show user rights',
  builder: (y) =>
    y
      .command([change(true), change(false), show] as CommandModule<GlobalArgs, never>[])
      .demandCommand(1)
      .example('$0 rights show --office "North Agency"', 'who holds which right')
      .example('$0 rights grant data_import --office "South Agency" --user bob --as sadmin', 'an administrator grants a right'),
  handler: () => undefined,
};
