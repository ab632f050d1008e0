// @ts-nocheck
import fs from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { ErrorCode, OfficeportError } from '../../src/shared/errors.js';
import { countsInWords } from '../../src/domain/model/record-words.js';
import { maskTaxId } from '../../src/domain/matching.js';
import { importFile, type AcceptRequest } from '../../src/import/index.js';
import type { AcceptResult } from '../../src/import/index.js';
import { reissueReceipt, type ReissueResult } from '../../src/import/index.js';
import { undoImport, type UndoResult } from '../../src/import/index.js';
import { isAmbiguous } from '../../src/import/index.js';
import { withStore } from '../context.js';
import { withBundle } from '../../src/trust/index.js';
import { identityOption, keySources } from '../bundle-keys.js';
import { emit, style, table, withProgress, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  file: string;
  office: string;
  user: string;
  'dry-run'?: boolean;
  'plan-out'?: string;
  plan?: string;
  contact?: string[];
  carriers?: 'link' | 'recreate';
  'on-ambiguous'?: 'create' | 'fail';
  receipt?: string;
  trust?: string;
  force?: boolean;
  identity?: string;
}

interface UndoArgs extends GlobalArgs {
  receipt: string;
  office: string;
  user: string;
}

interface ReceiptArgs extends GlobalArgs {
  bundle: string;
  office: string;
  user: string;
  out: string;
  accept?: string;
}

/** L5: a lost receipt, issued again from what the installation kept. */
const receiptCommand: CommandModule<GlobalArgs, ReceiptArgs> = {
  command: 'receipt <bundle>',
  describe: "write an import's receipt again (the same accept id, outcomes and seal), e.g. when the file was lost",
  builder: (y) =>
    y
      .positional('bundle', { type: 'string', demandOption: true, describe: 'the bundle that was imported (file, or its bundle id)' })
      .option('office', { type: 'string', demandOption: true, describe: 'the office it was imported into (id or name)' })
      .option('user', { type: 'string', demandOption: true, describe: 'a user of that office with data_import' })
      .option('out', { type: 'string', demandOption: true, describe: 'where to write the receipt (a new file)' })
      .option('accept', { type: 'string', describe: 'which import, when the bundle was accepted in parts (its accept id)' })
      .example(
        '$0 import receipt move.zip --db target.db --office "Springfield Agency" --user dana --out receipt.json',
        'the receipt of that import, once more',
      ),
  handler: async (args) => {
    const r = await withStore(args, (store) =>
      reissueReceipt(store, { bundle: args.bundle, office: args.office, user: args.user, out: args.out, accept: args.accept }),
    );
    emit(args, r, (x: ReissueResult) => [
      `receipt of import ${x.accept_id} of bundle ${x.bundle_id} (${x.accepted_at}) written to ${x.out}`,
      ...(x.signature ? [`its signature by this office's key: ${x.signature}`] : []),
    ]);
  },
};

/** Options shared by import and inbox accept. */
export function acceptOptions<T>(y: Argv<T>) {
  return identityOption(y)
    .option('contact', { type: 'string', array: true, describe: 'accept only these contacts (bundle refs, e.g. contact/C-1001) with their records' })
    .option('carriers', {
      choices: ['link', 'recreate'] as const,
      default: 'link' as const,
      describe: 'link to existing carriers/products by name, or always recreate them',
    })
    .option('on-ambiguous', {
      choices: ['create', 'fail'] as const,
      default: 'create' as const,
      describe: 'when a contact matches several target contacts, or one that another incoming contact matches too: create it anew, or refuse',
    })
    .option('receipt', {
      type: 'string',
      describe: 'where to write the receipt (default: <db>.receipts/receipt-<bundle_id>-<accept_id>.json beside the installation)',
    })
    .option('plan', { type: 'string', describe: 'apply exactly this plan (from --dry-run --plan-out), refusing if the target changed' })
    .option('trust', { type: 'string', describe: 'require a valid signature from this Ed25519 public key (PEM)' })
    .option('force', { type: 'boolean', describe: 'replace an existing file at --receipt or --plan-out (never an installation file)' });
}

export function requestOf(args: Args | (GlobalArgs & Partial<Args>)): AcceptRequest {
  return {
    contacts: args.contact,
    carriers: args.carriers,
    onAmbiguous: args['on-ambiguous'],
    receiptFile: args.receipt,
    planFile: args.plan,
    trust: args.trust,
    dryRun: args['dry-run'] || Boolean(args['plan-out']),
    planOut: args['plan-out'],
    force: args.force,
  };
}

const undoCommand: CommandModule<GlobalArgs, UndoArgs> = {
  command: 'undo <receipt>',
  describe: 'reverse one accept: remove what it created, restore what it merged',
  builder: (y) =>
    y
      .positional('receipt', { type: 'string', demandOption: true, describe: 'the receipt the accept wrote' })
      .option('office', { type: 'string', demandOption: true, describe: 'the target office (id or name)' })
      .option('user', { type: 'string', demandOption: true, describe: 'a user of that office with data_import' })
      .example('$0 import undo receipt.json --db target.db --office "Springfield Agency" --user dana', 'refused if later changes touch the imported records'),
  handler: async (args) => {
    const r = await withStore(args, (store) => undoImport(store, args.receipt, args.office, args.user));
    emit(args, r, renderUndo);
  },
};

export const importCommand: CommandModule<GlobalArgs, Args> = {
  command: 'import [file]',
  describe: 'import a bundle into the target office: verify, match, merge, link, and write a receipt; `import undo RECEIPT` reverses one',
  builder: (y) =>
    acceptOptions(
      y
        .command(undoCommand as unknown as CommandModule<GlobalArgs, Args>)
        .command(receiptCommand as unknown as CommandModule<GlobalArgs, Args>)
        .positional('file', { type: 'string', describe: 'the bundle (.zip)' })
        .option('office', { type: 'string', demandOption: true, describe: 'the target office (id or name)' })
        .option('user', { type: 'string', demandOption: true, describe: 'the user the bundle is addressed to (holds data_import)' })
        .option('dry-run', { type: 'boolean', describe: 'show what would be created, merged, linked, kept pending or dropped; write nothing' })
        .option('plan-out', { type: 'string', describe: 'with the dry run: write one decision per record to this JSON file' }),
    )
      .example(
        '$0 import move.zip --db target.db --office "Springfield Agency" --user dana',
        'import everything; prints where the receipt went (target.db.receipts/...)',
      )
      .example('$0 import move.zip --office T-SPRING --user dana --dry-run --plan-out plan.json', 'plan only; settle ambiguous matches in plan.json')
      .example('$0 import move.zip --office T-SPRING --user dana --plan plan.json', 'apply exactly the reviewed plan')
      .example('$0 import undo receipt.json --office T-SPRING --user dana', 'reverse that import')
      .example('$0 import receipt move.zip --office T-SPRING --user dana --out receipt.json', 'write a lost receipt again') as unknown as Argv<Args>,
  handler: async (args) => {
    if (!args.file) throw new OfficeportError(ErrorCode.USAGE, 'name the bundle to import: officeport import FILE --office O --user U');
    const r = await withProgress('reading records', { json: args.json }, (onProgress) =>
      withStore(args, (store) =>
        withBundle(args.file!, keySources(args, store, args.office), (input) =>
          importFile(store, input, args.office, args.user, { ...requestOf(args), onProgress }),
        ),
      ),
    );
    const again = [
      'officeport import receipt',
      quote(args.file),
      ...(args.db ? ['--db', quote(args.db)] : []),
      '--office',
      quote(args.office),
      '--user',
      quote(args.user),
      '--out',
      'receipt-again.json',
    ];
    emit(args, jsonOf(r), () => renderAccept(r, again.join(' ')));
  },
};

const quote = (s: string) => (/^[\w./@:=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function jsonOf(r: AcceptResult & { inbox_id?: string }) {
  const { head, ...rest } = r;
  return { ...head, ...rest };
}

const LIST_LIMIT = 50;

/** A titled table of at most LIST_LIMIT rows; `total` counts rows a long import left out of its outcome list. */
function section(title: string, rows: string[][], headers: string[], total = rows.length): string[] {
  if (total === 0) return [];
  const shown = rows.slice(0, LIST_LIMIT);
  const more = total > shown.length ? [`  ... and ${total - shown.length} more (see the receipt or --json)`] : [];
  return ['', style('bold', `${title} (${total})`), table(headers, shown), ...more];
}

export function renderAccept(r: AcceptResult & { inbox_id?: string }, reissue?: string): string[] {
  const h = r.head;
  if (r.already_imported) return renderAlready(r, reissue);
  const c = r.counts;
  const out = [
    `${r.dry_run ? style('yellow', 'dry run') + ' (nothing written) of' : style('green', 'imported')} bundle ${h.bundle_id} from ${h.source.office_name}`,
    `  ${c.created} created, ${c.merged} merged, ${c.linked} linked, ${c.pending} pending, ${c.dropped} dropped`,
  ];
  const kinds = ['created', 'merged', 'linked', 'pending', 'dropped'] as const;
  out.push(
    '',
    table(
      ['records', ...kinds],
      Object.entries(r.by_type).map(([t, n]) => [t, ...kinds.map((k) => n[k] ?? '')]),
    ),
  );
  const by = (k: string) => r.outcomes.filter((o) => o.outcome === k);
  out.push(
    ...section(
      'merged into existing contacts',
      by('merged').map((o) => [
        o.ref,
        o.target_id ?? '',
        // V2, V6: a tax id is shown masked, by the contact's kind
        (o.conflicts ?? [])
          .map((x) => {
            const shown = (v: string) => JSON.stringify(x.field === 'tax_id' ? maskTaxId(v, x.kind) : v);
            return `${x.field}: kept ${shown(x.target)}, incoming ${shown(x.incoming)}`;
          })
          .join('; '),
      ]),
      ['ref', 'target', 'conflicts'],
    ),
  );
  // I10: each created contact beside its new target id; the ambiguous ones (I3) are listed once, below.
  const isContact = (o: { ref: string }) => o.ref.startsWith('contact/');
  const created = by('created').filter((o) => isContact(o) && !isAmbiguous(o));
  const ambiguous = r.outcomes.filter(isAmbiguous);
  const createdTotal = (r.by_type.contacts?.created ?? created.length) - ambiguous.length;
  out.push(
    ...section(
      'created contacts',
      created.map((o) => [o.ref, o.target_id ?? '(new)', o.choice ? 'settled in the plan: new' : '']),
      ['ref', 'target', 'note'],
      Math.max(created.length, createdTotal),
    ),
  );
  out.push(
    ...section(
      'ambiguous (created anew)',
      ambiguous.map((o) => [o.ref, o.target_id ?? '(new)', o.candidates!.join(', ')]),
      ['ref', 'target', 'candidates'],
    ),
  );
  out.push(
    ...section(
      'linked',
      by('linked')
        .filter((o) => !o.ref.includes('#'))
        .map((o) => [o.ref, o.target_id ?? '', o.reason ?? '']),
      ['ref', 'target', 'note'],
    ),
  );
  out.push(
    ...section(
      'kept pending',
      by('pending').map((o) => [o.ref, o.reason ?? '']),
      ['ref', 'why'],
    ),
  );
  out.push(
    ...section(
      'dropped',
      by('dropped').map((o) => [o.record ?? o.ref, o.list ?? '', o.role ?? '', o.reason ?? '']),
      ['record', 'list', 'role', 'why'],
    ),
  );
  if (!r.dry_run) out.push('', `receipt: ${r.receipt_file}`);
  if (r.receipt_signature) out.push(`signed by this office's key: ${r.receipt_signature} (the source office needs both files)`);
  return out;
}

/** L5: where the receipts of the earlier imports went, and how to have one again. */
function renderAlready(r: AcceptResult, reissue?: string): string[] {
  const out = [`bundle ${r.head.bundle_id}: already imported; nothing changed`];
  for (const k of r.receipts ?? []) {
    const where = k.file ? `${k.file}${fs.existsSync(k.file) ? '' : ' (no longer there)'}` : '(not recorded)';
    out.push(`  receipt of import ${k.accept_id} (${k.accepted_at})${k.undone ? ', undone' : ''}: ${where}`);
  }
  if (reissue && (r.receipts ?? []).some((k) => !k.undone)) out.push(`  to write a receipt again: ${reissue}`);
  return out;
}

function renderUndo(r: UndoResult): string[] {
  const notice = r.undo_notice ? [`signed undo notice for the source office: ${r.undo_notice} (and ${r.undo_notice}.sig)`] : [];
  if (r.already_undone) return [`import ${r.accept_id} of bundle ${r.bundle_id} was already undone; nothing changed`, ...notice];
  return [
    `undid import ${r.accept_id} of bundle ${r.bundle_id}: removed what it created and put back what it merged: ${countsInWords(r.reverted) || 'nothing'}`,
    ...notice,
  ];
}

// ---- V2: the import dry run inside `inspect --db --office --user` ----

/** Options inspect adds for its dry run. */
export function dryRunOptions<T>(y: Argv<T>) {
  return y
    .option('office', { type: 'string', describe: 'with --db and --user: also show a dry run of importing into this office' })
    .option('user', { type: 'string', describe: 'the receiving user for the dry run' });
}
