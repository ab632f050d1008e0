// @ts-nocheck
import type { CommandModule } from 'yargs';
import { transferLog, type LogEntry } from '../../src/audit/index.js';
import { withStore } from '../context.js';
import { emit, table, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  office?: string;
  bundle?: string;
}

export const logCommand: CommandModule<GlobalArgs, Args> = {
  command: 'log',
  describe: 'list the transfers of this installation (exports, imports, finalizes, undos) in time order',
  builder: (y) =>
    y
      .option('office', { type: 'string', describe: 'only this office (id or name)' })
      .option('bundle', { type: 'string', describe: 'only this bundle id' })
      .example('$0 log --db source.db', 'every transfer of the installation')
      .example('$0 log --office "North Agency" --json', 'one office, as JSON'),
  handler: async (args) => {
    const entries = await withStore(args, (store) => {
      return transferLog(store, { office: args.office, bundle: args.bundle });
    });
    emit(args, { entries }, (x) => renderLog(x.entries));
  },
};

function renderLog(entries: LogEntry[]): string {
  if (entries.length === 0) return 'no transfers logged';
  const rows = entries.map((e) => [
    e.at,
    e.action + (e.finalized_at ? ' (finalized)' : ''),
    e.bundle_id ?? '',
    e.office_name ?? e.office_id ?? '',
    e.username ?? e.user_id ?? '',
    e.target ? `${e.target.office} / ${e.target.user}` : '',
    describeCounts(e),
  ]);
  return table(['time', 'action', 'bundle', 'office', 'user', 'to', 'counts'], rows);
}

function describeCounts(e: LogEntry): string {
  if (e.action === 'export' && e.counts.contacts !== undefined) {
    const records = Object.entries(e.counts).reduce((a, [k, n]) => (k === 'documents' ? a : a + n), 0);
    return `${e.counts.contacts} contacts, ${records} records`;
  }
  const parts = Object.entries(e.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  if (parts.length === 0) return e.summary ?? '';
  return parts.join(', ');
}
