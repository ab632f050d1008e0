// @ts-nocheck
// R9: a pairing proposal for every local record, written as a CSV a user can
// review (and edit), and applied row by row, each exact pair its own migration.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { CATALOGUE_KINDS, isRealigned, proposePairings, type CatalogueKind, type MigrationPlan, type PairingRow } from '../domain/realign-rules.js';
import { ErrorCode, OfficeportError, type Problem } from '../shared/errors.js';
import { writeOutputFile, type OutputOptions } from '../shared/output-file.js';
import { applyMigration, planMigration, resolveRecord, type AppliedMigration, type RealignContext } from './migrate.js';
import type { RealignLookups, RealignStore } from '../store/port.js';

export const PLAN_COLUMNS = ['kind', 'local_id', 'local_name', 'resource_id', 'resource_name', 'match', 'action'] as const;

const cliKind = (k: CatalogueKind) => k.replace('_', '-');
const KIND_BY_CLI = new Map(CATALOGUE_KINDS.map((k) => [cliKind(k), k]));

export async function pairingsFor(store: RealignLookups, ctx: Pick<RealignContext, 'office' | 'resource'>): Promise<PairingRow[]> {
  return proposePairings(await store.allRecords(ctx.office.id), await store.allRecords(ctx.resource.id));
}

/** Write the plan CSV (temporary name, then rename), safe to open in a spreadsheet. */
export function writePlanFile(file: string, rows: readonly PairingRow[], output: OutputOptions = {}): void {
  const csv = Papa.unparse(
    {
      fields: [...PLAN_COLUMNS],
      data: rows.map((r) => [cliKind(r.kind), r.local_id, r.local_name, r.resource_id ?? '', r.resource_name ?? '', r.match, r.action]),
    },
    { escapeFormulae: /^[=+\-@\t\r]/, newline: '\n' },
  );
  writeOutputFile(file, csv + '\n', { option: '--out', ...output });
}

/** Undo the spreadsheet guard that writePlanFile added to cells starting like a formula. */
const unguard = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

export interface PlanFileRow {
  line: number;
  kind: CatalogueKind;
  local_id: string;
  resource_id: string;
  /** the resource name the plan proposed (for the rename advice of a near match) */
  resource_name: string;
  match: string;
  action: string;
}

export function readPlanFile(file: string): PlanFileRow[] {
  if (!fs.existsSync(file))
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no plan file ${file}`, { hint: 'write one with: officeport realign plan --office O --out PLAN.csv' });
  const parsed = Papa.parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true });
  const name = path.basename(file);
  const problems: Problem[] = [];
  const fields = parsed.meta.fields ?? [];
  for (const c of ['kind', 'local_id', 'resource_id', 'match', 'action']) {
    if (!fields.includes(c)) problems.push({ file: name, line: 1, message: `missing column ${c}` });
  }
  const rows: PlanFileRow[] = [];
  parsed.data.forEach((raw, i) => {
    const line = i + 2;
    const kind = KIND_BY_CLI.get(unguard(raw.kind ?? ''));
    if (!kind)
      return problems.push({
        file: name,
        line,
        column: 'kind',
        message: `expected carrier, product, rider or service-provider, got ${JSON.stringify(raw.kind)}`,
      });
    rows.push({
      line,
      kind,
      local_id: unguard(raw.local_id ?? ''),
      resource_id: unguard(raw.resource_id ?? ''),
      resource_name: unguard(raw.resource_name ?? ''),
      match: raw.match ?? '',
      action: raw.action ?? '',
    });
  });
  if (problems.length > 0) {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${name} is not a realignment plan`, { problems, hint: 'write one with: officeport realign plan' });
  }
  return rows;
}

export type ApplyItem = { row: PlanFileRow; status: 'planned'; plan: MigrationPlan } | { row: PlanFileRow; status: 'skipped' | 'refused'; reason: string };

const ORDER: Record<CatalogueKind, number> = { carrier: 0, product: 1, rider: 2, service_provider: 3 };

/** Which rows run and the plan of each, computed before anything changes. */
export async function prepareApply(store: RealignLookups, ctx: RealignContext, rows: readonly PlanFileRow[]): Promise<ApplyItem[]> {
  const sorted = [...rows].sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.line - b.line);
  const items: ApplyItem[] = [];
  for (const row of sorted) items.push(await prepareRow(store, ctx, row));
  return items;
}

async function prepareRow(store: RealignLookups, ctx: RealignContext, row: PlanFileRow): Promise<ApplyItem> {
  const done = await alreadyRealigned(store, ctx, row);
  if (done) return { row, status: 'skipped', reason: done };
  if (row.action === 'keep') return { row, status: 'skipped', reason: 'no resource record of that name: it stays a local record; nothing to do' };
  if (row.action === 'repoint-with-carrier')
    return { row, status: 'skipped', reason: 'no resource record of that name: the migration of its carrier re-points it to the resource carrier' };
  if (row.match !== 'exact') return { row, status: 'skipped', reason: renameAdvice(ctx, row) };
  if (row.action === 'with-carrier') return { row, status: 'skipped', reason: 'migrated by the migration of its carrier' };
  if (row.action !== 'realign') return { row, status: 'skipped', reason: `action ${row.action} is not a migration` };
  try {
    const local = await resolveRecord(store, row.kind, ctx.office, row.local_id, 'local');
    const resource = await resolveRecord(store, row.kind, ctx.resource, row.resource_id, 'resource');
    return { row, status: 'planned', plan: await planMigration(store, ctx, local, resource) };
  } catch (e) {
    if (e instanceof OfficeportError) return { row, status: 'refused', reason: e.message };
    throw e;
  }
}

/** A row whose local record a realignment already migrated (X_, no_pcm_activity): which one, so that nothing is advised. */
async function alreadyRealigned(store: RealignLookups, ctx: RealignContext, row: PlanFileRow): Promise<string | undefined> {
  const [local, ...more] = await store.findRecords(row.kind, ctx.office.id, row.local_id);
  if (!local || more.length > 0 || !isRealigned(local)) return undefined;
  const entries = await store.entriesHoldingRecords(ctx.office.id, [local]);
  return entries.length > 0 ? `already applied as realignment #${entries[entries.length - 1]}; nothing to do` : 'already realigned; nothing to do';
}

/** R8: a near match is migrated only once the names are equal: the rename that makes them so. */
function renameAdvice(ctx: RealignContext, row: PlanFileRow): string {
  if (row.match !== 'near' || !row.resource_name) return `${row.match || 'no'} match: rename the local record to the exact resource name, then plan again`;
  const name = JSON.stringify(row.resource_name);
  return `near match: rename it to ${name} (officeport rename ${cliKind(row.kind)} ${row.local_id} ${name} --office ${ctx.office.id} --user ${ctx.user.username}), then plan again`;
}

export type ApplyOutcome =
  { row: PlanFileRow; status: 'applied'; applied: AppliedMigration } | { row: PlanFileRow; status: 'skipped' | 'refused' | 'failed'; reason: string };

/** Each planned row as its own migration: own transaction, own journal entry. One failing does not stop the others. */
export async function applyPlanned(store: RealignStore, ctx: RealignContext, items: readonly ApplyItem[]): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const item of items) {
    if (item.status !== 'planned') {
      outcomes.push(item);
      continue;
    }
    try {
      outcomes.push({ row: item.row, status: 'applied', applied: await applyMigration(store, ctx, item.plan) });
    } catch (e) {
      if (e instanceof OfficeportError) outcomes.push({ row: item.row, status: 'failed', reason: e.message });
      else throw e;
    }
  }
  return outcomes;
}
