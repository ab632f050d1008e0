// @ts-nocheck
// U5: what a table's rows are, in the words a user reads ("7 policies", not
// "7 policies rows" or "66 import_map"): for summaries such as an import undo's.
import type { TableName } from './tables.js';

type Words = readonly [singular: string, plural: string];

/** Office tables, and the installation's own bookkeeping an undo also reverses. */
const WORDS: Record<TableName | 'documents' | 'inbox' | 'inbox_contacts' | 'import_map', Words> = {
  installation: ['installation record', 'installation records'],
  offices: ['office', 'offices'],
  users: ['user', 'users'],
  contacts: ['contact', 'contacts'],
  leads: ['lead', 'leads'],
  sets: ['set', 'sets'],
  set_members: ['set membership', 'set memberships'],
  key_relations: ['key relation', 'key relations'],
  employee_census: ['employee census entry', 'employee census entries'],
  carriers: ['carrier', 'carriers'],
  carrier_contacts: ['carrier contact', 'carrier contacts'],
  products: ['product', 'products'],
  riders: ['rider', 'riders'],
  service_providers: ['service provider', 'service providers'],
  agent_contracts: ['agent contract', 'agent contracts'],
  appointments: ['appointment', 'appointments'],
  policies: ['policy', 'policies'],
  policy_riders: ['rider on a policy', 'riders on policies'],
  policy_parties: ['party to a policy', 'parties to policies'],
  pending_cases: ['pending case', 'pending cases'],
  case_parties: ['party to a case', 'parties to cases'],
  investment_accounts: ['investment account', 'investment accounts'],
  positions: ['position', 'positions'],
  account_parties: ['party to an account', 'parties to accounts'],
  commissions: ['commission', 'commissions'],
  letters: ['letter', 'letters'],
  activities: ['activity', 'activities'],
  smartpad: ['SmartPad note', 'SmartPad notes'],
  event_invitations: ['event invitation', 'event invitations'],
  proposals: ['proposal', 'proposals'],
  documents: ['letter document', 'letter documents'],
  inbox: ['inbox entry', 'inbox entries'],
  inbox_contacts: ['contact listed in the inbox', 'contacts listed in the inbox'],
  import_map: ['link of a bundle record to its target record', 'links of bundle records to their target records'],
};

/** "1 policy", "7 policies"; a table this list does not know reads with spaces for underscores. */
export function countOf(table: string, n: number): string {
  const w = (WORDS as Record<string, Words | undefined>)[table];
  const [one, many] = w ?? [table.replace(/_/g, ' '), table.replace(/_/g, ' ')];
  return `${n} ${n === 1 ? one : many}`;
}

/** The counts of several tables in plain words, joined by commas, largest first then by name. */
export function countsInWords(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([t, n]) => countOf(t, n))
    .join(', ');
}
