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
  'to-office': string;
  'to-user': string;
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
      .option('to-office', { type: 'string', demandOption: true, describe: 'target office (id or name), here or in another installation' })
      .option('to-user', { type: 'string', demandOption: true, describe: 'receiving user of the target office (id or username)' })
      .option('out', { type: 'string', demandOption: true, describe: 'bundle file to write (.zip); an existing file is refused unless --force' })
      .option('force', { type: 'boolean', describe: 'replace an existing file at --out (never an installation file)' })
      .option('session', { type: 'string', describe: 'export session id, to rebuild key relations across bundles (default: the bundle id)' })
      .option('sign', { type: 'string', describe: 'Ed25519 private key (PEM) to sign the bundle with' })
      .option('bundle-id', { type: 'string', describe: 'fix the bundle id (UUID) for a reproducible bundle' })
      .option('created-at', { type: 'string', describe: 'fix the creation time (ISO 8601); SOURCE_DATE_EPOCH works too' })
      .example(
        '$0 export --db source.db --office "North Agency" --user alice --set "Move to Springfield" --to-office "Springfield Agency" --to-user dana --out move.zip',
        'export a set to an office of another installation',
      )
      .example(
        '$0 export --office O-NORTH --user alice --contact C-1001 C-1002 --to-office O-SOUTH --to-user bob --out two.zip --session spring-move',
        'export two contacts within one installation, as part of the session spring-move',
      ),
  handler: async (args) => {
    const selection = selectionOf(args);
    const r = await withProgress('exporting records', { json: args.json }, (onProgress) =>
      withStore(args, (store) =>
        exportBundle(store, {
          office: args.office,
          user: args.user,
          selection,
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

function renderExport(r: ExportResult): string[] {
  const lines = [
    `${style('green', 'wrote')} ${r.out}${r.signed ? ' (signed)' : ''}`,
    `  bundle ${r.bundle_id}, session ${r.session_id}, created ${r.created_at}`,
    `  tagmanifest sha256 ${r.tagmanifest_sha256}`,
    '  records:',
  ];
  for (const [k, n] of Object.entries(r.counts)) if (n > 0) lines.push(`    ${k.padEnd(20)} ${n}`);
  const ex = exclusionLines(r.exclusions).map((e) => `    ${String(e.count).padStart(4)}  ${e.what.replace(/_/g, ' ').padEnd(30)} ${e.reason}`);
  if (ex.length) lines.push('  not exported (count, what, why):', ...ex);
  lines.push(pasteable(`next: officeport verify ${shellWord(r.out)}`));
  return lines;
}
