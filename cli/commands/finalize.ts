import type { CommandModule } from 'yargs';
import type { FinalizeCounts } from '../../src/domain/finalize-rules.js';
import { finalizeReceipt, type FinalizeResult } from '../../src/finalize.js';
import { withDb } from '../context.js';
import { emit, table, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  receipt: string;
  office: string;
  user: string;
  archive?: string;
  force?: boolean;
  'dry-run'?: boolean;
}

export const finalizeCommand: CommandModule<GlobalArgs, Args> = {
  command: 'finalize <receipt>',
  describe: 'complete a move in the source office: archive, then remove what the receipt confirms arrived (M1-M4)',
  builder: (y) =>
    y
      .positional('receipt', { type: 'string', demandOption: true, describe: 'the receipt JSON the import wrote' })
      .option('office', { type: 'string', demandOption: true, describe: 'the source office (id or name) that exported the bundle' })
      .option('user', { type: 'string', demandOption: true, describe: 'a user of that office holding data_export (id or username)' })
      .option('archive', { type: 'string', describe: 'retention archive to write (default: retention-<bundle id>.zip beside the receipt)' })
      .option('force', { type: 'boolean', describe: 'replace an existing file at --archive (never an installation file or the archive of a finalize)' })
      .option('dry-run', { type: 'boolean', describe: 'show what would be removed and detached; write nothing' })
      .example('$0 finalize receipt.json --db source.db --office "North Agency" --user alice', 'remove the moved clients, keeping a retention archive')
      .example('$0 finalize receipt.json --office O-NORTH --user alice --dry-run --json', 'what finalize would remove, as JSON'),
  handler: async (args) => {
    const r = await withDb(args, (db) =>
      finalizeReceipt(db, {
        receiptFile: args.receipt,
        office: args.office,
        user: args.user,
        archive: args.archive,
        force: args.force,
        dryRun: args['dry-run'],
      }),
    );
    emit(args, r, render);
  },
};

function render(r: FinalizeResult): string[] {
  const out: string[] = [];
  if (r.status === 'already_finalized') {
    out.push(`already finalized: bundle ${r.bundle_id} (accept ${r.accept_id}) was finalized in ${r.office.name} at ${r.finalized_at}; nothing changed`);
    if (r.archive) out.push(`retention archive: ${r.archive}`);
    return out;
  }
  out.push(r.status === 'dry_run' ? `dry run, nothing written: bundle ${r.bundle_id} in ${r.office.name}` : `finalized bundle ${r.bundle_id} in ${r.office.name}`);
  if (r.counts) out.push(...renderCounts(r.counts));
  const stay = r.outcomes.pending + r.outcomes.dropped;
  if (stay > 0) out.push(`not confirmed by the receipt (${r.outcomes.pending} pending, ${r.outcomes.dropped} dropped records): kept, unless they cannot exist without a moved contact (then archived)`);
  out.push(r.summary);
  if (r.archive) out.push(`retention archive: ${r.archive}`);
  return out;
}

function renderCounts(c: FinalizeCounts): string[] {
  const tables = [...new Set([...Object.keys(c.travelled), ...Object.keys(c.not_travelled)])];
  const rows = tables.map((t) => [t, c.travelled[t] ?? 0, c.not_travelled[t] ?? 0]);
  const out = rows.length ? [table(['table', 'moved', 'removed, did not travel (archived)'], rows)] : ['nothing to remove'];
  for (const [k, n] of Object.entries(c.detached)) out.push(`  ${k} set to empty on ${n} staying row(s)`);
  if (c.documents > 0) out.push(`  ${c.documents} letter document(s) removed`);
  return out;
}
