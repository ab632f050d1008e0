// @ts-nocheck
import type { CommandModule } from 'yargs';
import { writeAddressCard } from '../../src/trust/index.js';
import { withStore } from '../context.js';
import { emit, shellWord, style, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  office: string;
  user: string;
  out: string;
  force?: boolean;
  'identity-out'?: string;
}

export const addressCommand: CommandModule<GlobalArgs, Args> = {
  command: 'address',
  describe: "write an office's address card: give it to the office that exports to you, so that its bundle is addressed and encrypted to your office",
  builder: (y) =>
    y
      .option('office', { type: 'string', demandOption: true, describe: 'the receiving office (id or name)' })
      .option('user', { type: 'string', demandOption: true, describe: 'the user of the office who will receive the contacts (id or username)' })
      .option('out', { type: 'string', demandOption: true, describe: 'card file to write (JSON); an existing file is refused unless --force' })
      .option('force', { type: 'boolean', describe: 'replace an existing file at --out (never an installation file)' })
      .option('identity-out', {
        type: 'string',
        describe: "also write the office's secret identity for the age tool (administrators of the office only; mode 0600; never overwritten)",
      })
      .example(
        '$0 address --db target.db --office "Springfield Agency" --user dana --out springfield.card.json',
        "write the card of Springfield Agency's user dana",
      )
      .example(
        '$0 address --db target.db --office "Springfield Agency" --user admin --out card.json --identity-out springfield.age-identity.txt',
        'an administrator also writes the identity that `age -d -i` reads',
      ),
  handler: async (args) => {
    const r = await withStore(args, (store) =>
      writeAddressCard(store, { office: args.office, user: args.user, out: args.out, force: args.force, identityOut: args['identity-out'] }),
    );
    emit(args, r, (x) => [
      `${style('green', 'wrote')} address card ${x.out}`,
      `  installation ${x.card.installation.name} (${x.card.installation.id})`,
      `  office ${x.card.office.name} (${x.card.office.id}), user ${x.card.user.username} (${x.card.user.id})`,
      `  key fingerprint (sha256) ${x.card.fingerprint}`,
      `  age recipient ${x.card.age_recipient}`,
      ...(x.identity_out
        ? [`${style('green', 'wrote')} secret identity ${x.identity_out} (mode 0600: keep it secret; it decrypts every bundle addressed to the office)`]
        : []),
      `next: give ${x.out} to the exporting office; there: officeport export ... --to ${shellWord(x.out)}`,
    ]);
  },
};
