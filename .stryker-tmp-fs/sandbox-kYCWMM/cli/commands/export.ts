// @ts-nocheck
import type { CommandModule } from 'yargs';
import { ErrorCode, OfficeportError } from '../../src/shared/errors.js';
import { exportBundle, type ExportResult, type Selection } from '../../src/export/index.js';
import { exclusionLines, plainExclusions } from '../../src/domain/exclusion-words.js';
import { withStore } from '../context.js';
import { emit, pasteable, shellWord, style, withProgress, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  office: string;
  user: string;
  set?: string;
  all?: boolean;
  contact?: string[];
  to?: string;
  'to-office'?: string;
  'to-user'?: string;
  out: string;
  session?: string;
  sign?: string;
  'bundle-id'?: string;
  'created-at'?: string;
  force?: boolean;
}

function selectionOf(args: Args): Selection {
  const chosen = [args.set !== undefined, Boolean(args.all), (args.contact?.length ?? 0) > 0].filter(Boolean).length;
  if (chosen !== 1) {
    throw new OfficeportError(ErrorCode.USAGE, 'name what to export: exactly one of --set NAME, --all or --contact ID ...', {
      hint: 'e.g. officeport export --set "Move to Springfield" ...',
    });
  }
  if (args.set !== undefined) return { mode: 'set', set: args.set };
  if (args.all) return { mode: 'all' };
  return { mode: 'contacts', contacts: args.contact!.map(String) };
}

export const exportCommand: CommandModule<GlobalArgs, Args> = {
  command: 'export',
  describe: 'export a set, some contacts or a whole office into a bundle for another office',
  builder: (y) =>
    y
      .option('office', { type: 'string', demandOption: true, describe: 'source office (id or name)' })
      .option('user', { type: 'string', demandOption: true, describe: 'exporting user (id or username) with data_export and export_contacts_to_office' })
      .option('set', { type: 'string', describe: 'export the contacts of this set of the source office' })
      .option('all', { type: 'boolean', describe: 'export every contact and business of the source office' })
      .option('contact', { type: 'array', string: true, describe: 'export just these contact ids' })
      .option('to', {
        type: 'string',
        describe: "the receiving office's address card (officeport address): the bundle is addressed from it and encrypted to the office's key",
      })
      .option('to-office', { type: 'string', describe: 'target office (id or name), here or in another installation; the bundle is then written in clear' })
      .option('to-user', { type: 'string', describe: 'receiving user of the target office (id or username), with --to-office' })
      .option('out', { type: 'string', demandOption: true, describe: 'bundle file to write (.zip); an existing file is refused unless --force' })
      .option('force', { type: 'boolean', describe: 'replace an existing file at --out (never an installation file)' })
      .option('session', { type: 'string', describe: 'export session id, to rebuild key relations across bundles (default: the bundle id)' })
      .option('sign', { type: 'string', describe: 'Ed25519 private key (PEM) to sign the bundle with' })
      .option('bundle-id', { type: 'string', describe: 'fix the bundle id (UUID) for a reproducible bundle' })
      .option('created-at', { type: 'string', describe: 'fix the creation time (ISO 8601); SOURCE_DATE_EPOCH works too' })
      .example(
        '$0 export --db source.db --office "North Agency" --user alice --set "Move to Springfield" --to springfield.card.json --out move.zip.age',
        'export a set to the office whose address card this is, encrypted to it',
      )
      .example(
        '$0 export --db source.db --office "North Agency" --user alice --set "Move to Springfield" --to-office "Springfield Agency" --to-user dana --out move.zip',
        'export a set to an office of another installation, in clear',
      )
      .example(
        '$0 export --office O-NORTH --user alice --contact C-1001 C-1002 --to-office O-SOUTH --to-user bob --out two.zip --session spring-move',
        'export two contacts within one installation, as part of the session spring-move',
      ),
  handler: async (args) => {
    const selection = selectionOf(args);
    targetOf(args);
    const r = await withProgress('exporting records', { json: args.json }, (onProgress) =>
      withStore(args, (store) =>
        exportBundle(store, {
          office: args.office,
          user: args.user,
          selection,
          to: args.to,
          toOffice: args['to-office'],
          toUser: args['to-user'],
          out: args.out,
          session: args.session,
          signKeyFile: args.sign,
          bundleId: args['bundle-id'],
          createdAt: args['created-at'],
          force: args.force,
          onProgress,
        }),
      ),
    );
    // --json names each exclusion by a plain key, not by the rule id officeport.json keeps
    emit(args, { ...r, exclusions: plainExclusions(r.exclusions) }, () => renderExport(r));
  },
};

/** The target: an address card, or an office and user named by typing; never both. */
function targetOf(args: Args): void {
  const named = args['to-office'] !== undefined || args['to-user'] !== undefined;
  if (args.to !== undefined && named) {
    throw new OfficeportError(ErrorCode.USAGE, '--to names the target by its address card; --to-office and --to-user cannot be given with it', {
      hint: 'leave out --to-office and --to-user: the card names the office and the user',
    });
  }
  if (args.to === undefined && (args['to-office'] === undefined || args['to-user'] === undefined)) {
    throw new OfficeportError(ErrorCode.USAGE, "name the target: --to CARD (the receiving office's address card), or --to-office and --to-user", {
      hint: 'the receiving office writes its card with: officeport address --office OFFICE --user USER --out CARD',
    });
  }
}

function renderExport(r: ExportResult): string[] {
  const to = r.encrypted_to;
  const lines = [
    `${style('green', 'wrote')} ${r.out}${r.signed ? ' (signed)' : ''}${to ? ' (encrypted)' : ''}`,
    to
      ? `  encrypted to office ${to.office.name} (${to.office.id}), user ${to.user.username}, of installation ${to.installation.name} (${to.installation.id}); key fingerprint ${to.fingerprint}`
      : `  ${style('yellow', 'warning:')} the bundle holds personal data in clear: anyone who copies the file reads it; export with --to CARD (the receiving office's address card) to encrypt it to that office`,
    `  bundle ${r.bundle_id}, session ${r.session_id}, created ${r.created_at}`,
    `  tagmanifest sha256 ${r.tagmanifest_sha256}`,
    '  records:',
  ];
  for (const [k, n] of Object.entries(r.counts)) if (n > 0) lines.push(`    ${k.padEnd(20)} ${n}`);
  const ex = exclusionLines(r.exclusions).map((e) => `    ${String(e.count).padStart(4)}  ${e.what.replace(/_/g, ' ').padEnd(30)} ${e.reason}`);
  if (ex.length) lines.push('  not exported (count, what, why):', ...ex);
  if (to) lines.push(`next: give ${shellWord(r.out)} to ${to.office.name}; only that office's keys decrypt it`);
  else lines.push(pasteable(`next: officeport verify ${shellWord(r.out)}`));
  return lines;
}
