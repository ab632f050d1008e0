// @ts-nocheck
import readline from 'node:readline/promises';
import type { Argv, CommandModule } from 'yargs';
import type { FinalizeCounts } from '../../src/domain/finalize-rules.js';
import { ErrorCode, OfficeportError } from '../../src/shared/errors.js';
import { finalizeReceipt, type FinalizePreview, type FinalizeResult } from '../../src/finalize/index.js';
import { undoFinalize, type UndoFinalizeResult } from '../../src/finalize/index.js';
import { withStore } from '../context.js';
import { emit, table, withProgress, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  receipt?: string;
  office: string;
  user: string;
  archive?: string;
  force?: boolean;
  'dry-run'?: boolean;
  yes?: boolean;
  undone?: string;
}

interface UndoArgs extends GlobalArgs {
  archive: string;
  office: string;
  user: string;
}

const undoCommand: CommandModule<GlobalArgs, UndoArgs> = {
  command: 'undo <archive>',
  describe: 'put back, in one transaction, everything a finalize removed, from its retention archive',
  builder: (y) =>
    y
      .positional('archive', { type: 'string', demandOption: true, describe: 'the retention archive that finalize wrote' })
      .option('office', { type: 'string', demandOption: true, describe: 'the source office (id or name) that was finalized' })
      .option('user', { type: 'string', demandOption: true, describe: 'a user of that office holding data_export (id or username)' })
      .example('$0 finalize undo retention.zip --db source.db --office "North Agency" --user alice', 'refused if ids it would restore are taken now'),
  handler: async (args) => {
    const r = await withStore(args, (store) => undoFinalize(store, { archiveFile: args.archive, office: args.office, user: args.user }));
    emit(args, r, renderUndo);
  },
};

export const finalizeCommand: CommandModule<GlobalArgs, Args> = {
  command: 'finalize [receipt]',
  describe: 'complete a move in the source office: archive, then remove what the receipt confirms arrived; `finalize undo ARCHIVE` puts it back',
  builder: (y) =>
    y
      .command(undoCommand as unknown as CommandModule<GlobalArgs, Args>)
      .positional('receipt', { type: 'string', describe: 'the receipt JSON the import wrote' })
      .option('office', { type: 'string', demandOption: true, describe: 'the source office (id or name) that exported the bundle' })
      .option('user', { type: 'string', demandOption: true, describe: 'a user of that office holding data_export (id or username)' })
      .option('archive', { type: 'string', describe: 'retention archive to write (default: retention-<bundle id>.zip beside the receipt)' })
      .option('force', { type: 'boolean', describe: 'replace an existing file at --archive (never an installation file or the archive of a finalize)' })
      .option('dry-run', { type: 'boolean', describe: 'list what would be removed and detached, and the contacts; write nothing' })
      .option('yes', { type: 'boolean', describe: 'remove without asking (without a terminal finalize needs it)' })
      .option('undone', {
        type: 'string',
        describe:
          'a signed undo notice from the target (import undo writes RECEIPT.undone.json beside the receipt, which is looked for too): the receipt is refused',
      })
      .example(
        '$0 finalize receipt.json --db source.db --office "North Agency" --user alice',
        'asks, then removes the moved clients, keeping a retention archive',
      )
      .example('$0 finalize receipt.json --office O-NORTH --user alice --yes', 'the same without asking (scripts)')
      .example('$0 finalize receipt.json --office O-NORTH --user alice --dry-run --json', 'what finalize would remove, as JSON')
      .example('$0 finalize undo retention.zip --office O-NORTH --user alice', 'put back what that finalize removed') as unknown as Argv<Args>,
  handler: async (args) => {
    if (!args.receipt) throw new OfficeportError(ErrorCode.USAGE, 'name the receipt to finalize: officeport finalize RECEIPT --office O --user U');
    // L2: a person on a terminal is asked; without one, only --yes (or --dry-run) goes on.
    const confirm = args.yes || args['dry-run'] || !process.stdin.isTTY ? undefined : askOnTerminal;
    const r = await withProgress('archiving and removing rows', { json: args.json }, (onProgress) =>
      withStore(args, (store) =>
        finalizeReceipt(store, {
          receiptFile: args.receipt!,
          office: args.office,
          user: args.user,
          archive: args.archive,
          force: args.force,
          dryRun: args['dry-run'],
          yes: args.yes,
          undone: args.undone,
          confirm,
          onProgress,
        }),
      ),
    );
    emit(args, r, render);
  },
};

/** L2: the question, on stderr so that stdout stays the command's output; only the word "yes" goes on (removal is not a one-key answer). */
async function askOnTerminal(p: FinalizePreview): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const refs = p.references > 0 ? `, cut ${p.references} reference${p.references === 1 ? '' : 's'} of staying records` : '';
    const answer = await rl.question(
      `finalize will remove ${p.contacts} moved contact${p.contacts === 1 ? '' : 's'} and ${p.records} record${p.records === 1 ? '' : 's'} in all from ${p.office.name}${refs}, ` +
        `keeping them in the retention archive ${p.archive}.\nRemove them? Type yes to go on: `,
    );
    return /^\s*yes\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

const CONTACTS_SHOWN = 50;

function render(r: FinalizeResult): string[] {
  const out: string[] = [];
  if (r.status === 'already_finalized') {
    out.push(`already finalized: bundle ${r.bundle_id} (accept ${r.accept_id}) was finalized in ${r.office.name} at ${r.finalized_at}; nothing changed`);
    if (r.archive) out.push(`retention archive: ${r.archive}`);
    return out;
  }
  out.push(
    r.status === 'dry_run' ? `dry run, nothing written: bundle ${r.bundle_id} in ${r.office.name}` : `finalized bundle ${r.bundle_id} in ${r.office.name}`,
  );
  if (r.receipt_signature) out.push(signatureLine(r.receipt_signature));
  if (r.counts) out.push(...renderCounts(r.counts));
  const stay = r.outcomes.pending + r.outcomes.dropped;
  if (stay > 0)
    out.push(
      `not confirmed by the receipt (${r.outcomes.pending} pending, ${r.outcomes.dropped} dropped records): kept, unless they cannot exist without a moved contact (then archived)`,
    );
  if (r.contacts) out.push(...renderContacts(r.contacts));
  out.push(r.summary);
  if (r.archive) out.push(`retention archive: ${r.archive}`);
  if (r.would_archive) out.push(`a real run would keep them in the retention archive ${r.would_archive}; run without --dry-run to remove them`);
  return out;
}

/** T4: which form of the receipt's signature verified under the card's key. */
function signatureLine(form: NonNullable<FinalizeResult['receipt_signature']>): string {
  const how =
    form === 'whole-file'
      ? "over the receipt's whole bytes: a receipt signed by an earlier officeport release"
      : "over the statement that names the receipt's SHA-256";
  return `receipt signature verified under the key of the card the bundle was sent to (${how})`;
}

function renderContacts(contacts: { id: string; name: string }[]): string[] {
  if (contacts.length === 0) return [];
  const shown = contacts.slice(0, CONTACTS_SHOWN);
  const more = contacts.length > shown.length ? [`  ... and ${contacts.length - shown.length} more (--json lists them all)`] : [];
  return [
    `moved contacts that would go (${contacts.length}):`,
    table(
      ['contact', 'name'],
      shown.map((c) => [c.id, c.name]),
    ),
    ...more,
  ];
}

function renderCounts(c: FinalizeCounts): string[] {
  const tables = [...new Set([...Object.keys(c.travelled), ...Object.keys(c.not_travelled)])];
  const rows = tables.map((t) => [t, c.travelled[t] ?? 0, c.not_travelled[t] ?? 0]);
  const out = rows.length ? [table(['table', 'moved', 'removed, did not travel (archived)'], rows)] : ['nothing to remove'];
  for (const [k, n] of Object.entries(c.detached)) out.push(`  ${k} set to empty on ${n} staying row(s)`);
  if (c.documents > 0) out.push(`  ${c.documents} letter document(s) removed`);
  return out;
}

function renderUndo(r: UndoFinalizeResult): string[] {
  if (r.status === 'already_undone') {
    return [`the finalize of bundle ${r.bundle_id} (accept ${r.accept_id}) in ${r.office.name} was already undone at ${r.undone_at}; nothing changed`];
  }
  const rows = Object.entries(r.restored).map(([t, n]): (string | number)[] => [t, n]);
  return [
    `undid the finalize of bundle ${r.bundle_id} (accept ${r.accept_id}) in ${r.office.name}`,
    rows.length ? table(['table', 'rows put back'], rows) : 'no rows to put back',
    `  ${r.references} reference(s) of staying records set again, ${r.documents} letter document(s) put back`,
    `the bundle's receipt can be finalized again`,
  ];
}
