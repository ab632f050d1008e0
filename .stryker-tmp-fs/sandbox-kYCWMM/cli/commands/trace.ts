// @ts-nocheck
import type { CommandModule } from 'yargs';
import { traceContact, type TraceReport, type TracedExport, type TracedImport } from '../../src/audit/index.js';
import { withStore } from '../context.js';
import { emit, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  id: string;
  from?: string;
}

export const traceCommand: CommandModule<GlobalArgs, Args> = {
  command: 'trace <id>',
  describe: 'where a contact went (bundles, finalize, undo) or where it came from (source installation, bundle, import, outcome)',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true, describe: 'a contact id of this installation, or the ref a bundle carried (contact/ID)' })
      .option('from', { type: 'string', describe: 'only what came from this source installation (its id, as the receipt names it)' })
      .example('$0 trace C-1101 --db source.db', 'in the source: the bundles the contact left in, the finalize and its retention archive')
      .example('$0 trace contact/C-1101 --db target.db', 'in the target: the source installation, bundle, import and outcome')
      .example('$0 trace IMP-CNT-000001 --db target.db --json', 'a contact the import created, as JSON'),
  handler: async (args) => {
    const report = await withStore(args, (store) => traceContact(store, { id: args.id, from: args.from }));
    emit(args, report, renderTrace);
  },
};

function renderTrace(r: TraceReport): string[] {
  const name = r.name ? ` (${r.name})` : '';
  const lines: string[] = [];
  const label = r.query.includes('/') ? r.ref : `contact ${r.contact_id}`;
  const arrived = r.came.flatMap((i) => (i.target_now ? [i.target_now] : [])).filter((c, k, all) => all.findIndex((x) => x.id === c.id) === k);
  if (r.contact) lines.push(`${label}${name}: here, in ${r.contact.office_name ?? r.contact.office_id}`);
  else if (arrived.length > 0) lines.push(`${label}${name}: here as ${arrived.map((c) => `${c.id}, in ${c.office_name ?? c.office_id}`).join('; ')}`);
  else if (r.state === 'removed') lines.push(`${label}${name}: no longer here, removed by a finalize`);
  else lines.push(`${label}${name}: not in this installation now`);
  if (r.went.length > 0) {
    lines.push('', `in ${r.went.length} bundle(s) exported from here:`);
    for (const e of r.went) lines.push(...renderExport(e));
  }
  if (r.came.length > 0) {
    lines.push('', `came in through ${r.came.length} import(s):`);
    for (const i of r.came) lines.push(...renderImport(i));
  }
  if (r.waiting.length > 0) {
    lines.push('', `waiting in the inbox, not accepted:`);
    for (const w of r.waiting) {
      lines.push(
        `  ${r.ref} in inbox entry ${w.inbox_id} (${w.status}), bundle ${w.bundle_id} from ${w.source_office} of installation ${w.source_installation}`,
      );
    }
  }
  if (r.went.length === 0 && r.came.length === 0 && r.waiting.length === 0) lines.push('never exported or imported: a native contact of this installation');
  return lines;
}

function renderExport(e: TracedExport): string[] {
  const out = [
    `  bundle ${e.bundle_id}${e.moved ? '' : ' (named only: the contact did not travel; the bundle refers to it as an advisor or party)'}`,
    `    exported ${e.created_at} from ${e.office_name ?? e.office_id} by ${e.username ?? e.user_id}, to ${e.target_office} (${e.target_user})${e.file ? `, as ${e.file}` : ''}`,
  ];
  if (e.finalizes.length === 0) out.push('    not finalized: the contact stays in the source office until the receipt is finalized');
  if (!e.moved) {
    for (const f of e.finalizes) out.push(`    finalized ${f.at}${f.undone_at !== null ? `, undone ${f.undone_at}` : ''}: the contact stayed`);
    return out;
  }
  for (const f of e.finalizes) {
    const target = f.target ? ` in installation ${f.target.installation_id ?? '?'}${f.target.office_id ? `, office ${f.target.office_id}` : ''}` : '';
    out.push(`    finalized ${f.at}${f.accept_id ? ` with the receipt of import ${f.accept_id}` : ''}${target}`);
    if (f.archive === null) out.push('      no retention archive recorded');
    else if (!f.archive_found) out.push(`      retention archive written to ${f.archive} (not there now)`);
    else if (f.archive_holds_contact === true) out.push(`      retention archive ${f.archive} (holds the contact's record)`);
    else if (f.archive_holds_contact === false)
      out.push(`      retention archive ${f.archive} (the contact's record is not in it: this finalize did not remove the contact)`);
    else out.push(`      retention archive ${f.archive} (could not be read: ${f.archive_problem ?? 'unknown reason'})`);
    if (f.undone_at !== null) out.push(`      finalize undone ${f.undone_at}: what it removed was put back`);
  }
  return out;
}

function renderImport(i: TracedImport): string[] {
  const from = `installation ${i.source_installation || '?'}${i.source_office_name ? `, office ${i.source_office_name}` : ''}${i.source_office_id ? ` (${i.source_office_id})` : ''}`;
  const into = i.office_name ?? i.office_id;
  const target = i.target_id ? ` ${i.target_id}` : '';
  const now = i.target_id === null ? '' : i.target_now ? '' : ' (not in the installation now)';
  const out = [
    `  ${i.source_ref} from ${from}`,
    `    bundle ${i.bundle_id}, ${i.accept_id ? `import ${i.accept_id}` : 'import'}${i.accepted_at ? ` of ${i.accepted_at}` : ''} into ${into}: ${i.outcome}${target}${now}`,
  ];
  if (i.receipt_file) out.push(`    receipt: ${i.receipt_file}`);
  if (i.undone_at !== null) out.push(`    import undone ${i.undone_at}: what it did was reversed`);
  return out;
}
