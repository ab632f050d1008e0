// @ts-nocheck
import readline from 'node:readline';
import type { Argv, CommandModule } from 'yargs';
import { KIND_LABEL, type CatalogueKind, type MigrationPlan } from '../../src/domain/realign-rules.js';
import { ErrorCode, OfficeportError } from '../../src/shared/errors.js';
import {
  applyPlanFile,
  migrateRecord,
  planRealignment,
  purgeRealigned,
  realignLog,
  undoRealignment,
  type ApplyItem,
  type Ask,
  type PurgePlan,
} from '../../src/realign/index.js';
import { withStore } from '../context.js';
import { emit, pasteable, print, shellWord, table, type GlobalArgs } from '../output.js';

interface OfficeArgs extends GlobalArgs {
  office: string;
  user: string;
  yes?: boolean;
  'dry-run'?: boolean;
}

const officeOpt = { type: 'string', demandOption: true, describe: 'agency office id or name' } as const;
const userOpt = { type: 'string', demandOption: true, describe: 'user id or username holding admin in the office' } as const;
const yesOpt = { type: 'boolean', describe: 'apply without asking' } as const;
const dryOpt = { type: 'boolean', describe: 'only show what would change' } as const;

/** R7: the plan shown (unless --json), then --yes, or a y/yes typed on a terminal; without a terminal, refuse. */
function ask<P>(args: OfficeArgs, question: (plan: P) => string, show: (plan: P) => void): Ask<P> {
  return {
    show: args.json ? undefined : show,
    confirm: async (plan) => {
      if (args.yes) return true;
      if (!process.stdin.isTTY) {
        throw new OfficeportError(ErrorCode.REFUSED, 'not confirmed, so nothing was changed: there is no terminal to ask on', {
          hint: 'review the plan above (or run with --dry-run), then run again with --yes',
        });
      }
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
      const answer = await new Promise<string>((resolve) => rl.question(`${question(plan)} [y/N] `, resolve));
      rl.close();
      return /^\s*(y|yes)\s*$/i.test(answer);
    },
  };
}

export function renderPlan(p: MigrationPlan): string[] {
  const label = KIND_LABEL[p.kind];
  return [
    `${label} migration: local ${JSON.stringify(p.local.name)} (${p.local.id}) -> resource ${JSON.stringify(p.resource.name)} (${p.resource.id})`,
    ...p.lines.map((l) => `  ${String(l.count).padStart(6)}  ${l.what}`),
    ...p.notes.map((n) => `  note: ${n}`),
  ];
}

function migrateCommand(kind: CatalogueKind): CommandModule<GlobalArgs, OfficeArgs & { local: string; resource: string }> {
  const name = kind.replace('_', '-');
  return {
    command: name,
    describe: `migrate one local ${KIND_LABEL[kind]} onto the resource ${KIND_LABEL[kind]} of exactly the same name`,
    builder: (y) =>
      y
        .option('office', officeOpt)
        .option('user', userOpt)
        .option('local', { type: 'string', demandOption: true, describe: `local ${KIND_LABEL[kind]} id or exact name` })
        .option('resource', { type: 'string', demandOption: true, describe: `resource ${KIND_LABEL[kind]} id or exact name` })
        .option('yes', yesOpt)
        .option('dry-run', dryOpt)
        .example(`$0 realign ${name} --office Agency --user admin --local "Acme Life" --resource "Acme Life" --dry-run`, 'show what would change'),
    handler: async (args) => {
      const request = { office: args.office, user: args.user, kind, local: args.local, resource: args.resource, dryRun: args['dry-run'] };
      const show = (plan: MigrationPlan) => print(renderPlan(plan).join('\n'));
      const r = await withStore(args, (store) =>
        migrateRecord(
          store.realign,
          request,
          ask(args, () => 'Apply this migration?', show),
        ),
      );
      const { plan, applied, ctx } = r;
      if (r.dry_run) return emit(args, { dry_run: true, plan, applied: null }, () => 'dry run: nothing was changed');
      emit(args, { dry_run: false, plan, applied: applied! }, (x) =>
        pasteable(
          `applied as realignment #${x.applied.journal_id} (undo: officeport realign undo ${x.applied.journal_id} --office ${ctx.office.id} --user ${shellWord(ctx.user.username)})`,
        ),
      );
    },
  };
}

const planCommand: CommandModule<GlobalArgs, GlobalArgs & { office: string; out?: string; force?: boolean }> = {
  command: 'plan',
  describe: 'propose a resource pairing for every local record (exact, near, none)',
  builder: (y) =>
    y
      .option('office', officeOpt)
      .option('out', { type: 'string', describe: 'write the plan as CSV here; an existing file is refused unless --force' })
      .option('force', { type: 'boolean', describe: 'replace an existing file at --out (never an installation file)' })
      .example('$0 realign plan --office Agency --out plan.csv', 'review plan.csv, then: officeport realign apply plan.csv ...'),
  handler: async (args) => {
    const r = await withStore(args, (store) => planRealignment(store, { office: args.office, out: args.out, force: args.force }));
    emit(args, r, (x) => [
      table(
        ['kind', 'local id', 'local name', 'resource id', 'resource name', 'match', 'action'],
        x.rows.map((r) => [r.kind.replace('_', '-'), r.local_id, r.local_name, r.resource_id, r.resource_name, r.match, r.action]),
      ),
      ...(x.out ? [`plan written to ${x.out}`] : []),
    ]);
  },
};

const applyCommand: CommandModule<GlobalArgs, OfficeArgs & { plan: string }> = {
  command: 'apply <plan>',
  describe: 'run the exact pairs of a plan CSV, each as its own migration',
  builder: (y) =>
    y
      .positional('plan', { type: 'string', demandOption: true, describe: 'a CSV written by realign plan' })
      .option('office', officeOpt)
      .option('user', userOpt)
      .option('yes', yesOpt)
      .option('dry-run', dryOpt)
      .example('$0 realign apply plan.csv --office Agency --user admin --yes', 'migrate every exact pair'),
  handler: async (args) => {
    const planned = (items: ApplyItem[]) => items.filter((i) => i.status === 'planned').length;
    const show = (items: ApplyItem[]) => {
      for (const i of items)
        print(i.status === 'planned' ? renderPlan(i.plan).join('\n') : `line ${i.row.line} ${i.row.kind} ${i.row.local_id}: ${i.status}: ${i.reason}`);
    };
    const request = { office: args.office, user: args.user, plan: args.plan, dryRun: args['dry-run'] };
    const r = await withStore(args, (store) =>
      applyPlanFile(
        store.realign,
        request,
        ask(args, (items) => `Apply these ${planned(items)} migrations?`, show),
      ),
    );
    if (r.dry_run) return emit(args, { dry_run: true, items: r.items }, () => `${planned(r.items)} migration(s) planned; nothing was changed`);
    const { outcomes } = r;
    // Skipped and refused lines were listed with the plans above; here only what running them did.
    emit(args, { dry_run: false, outcomes }, (x) =>
      x.outcomes
        .filter((o) => o.status === 'applied' || o.status === 'failed')
        .map(
          (o) =>
            `line ${o.row.line} ${o.row.kind} ${o.row.local_id}: ${o.status === 'applied' ? `applied as realignment #${o.applied.journal_id}` : `${o.status}: ${o.reason}`}`,
        ),
    );
    if (outcomes.some((o) => o.status === 'failed' || o.status === 'refused')) process.exitCode = 1;
  },
};

/** One line for a journal summary: the names migrated, or what a purge deleted. */
function describeEntry(summary: unknown): string {
  const s = summary as { local?: string; resource?: string; deleted?: unknown[]; renamed?: string; from?: string; to?: string };
  if (s.deleted) return `deleted ${s.deleted.length} X_ record(s)`;
  if (s.renamed) return `renamed ${s.renamed.replace('_', ' ')} ${JSON.stringify(s.from)} -> ${JSON.stringify(s.to)}`;
  return `${JSON.stringify(s.local)} -> ${JSON.stringify(s.resource)}`;
}

const logCommand: CommandModule<GlobalArgs, GlobalArgs & { office: string }> = {
  command: 'log',
  describe: 'list the realignments of an office (migrations, renames, purges)',
  builder: (y) => y.option('office', officeOpt).example('$0 realign log --office Agency', 'every migration, rename and purge, with its id for undo'),
  handler: async (args) => {
    await withStore(args, async (store) => {
      const r = await realignLog(store.realign, args.office);
      emit(args, r.entries, (entries) =>
        entries.length === 0
          ? `no realignments in office ${r.office.name}`
          : table(
              ['id', 'at', 'kind', 'local', 'resource', 'what', 'by', 'undone'],
              entries.map((e) => [e.id, e.at, e.kind.replace('_', '-'), e.local_id, e.resource_id, describeEntry(e.summary), e.user_id, e.undone_at ?? '']),
            ),
      );
    });
  },
};

const undoCommand: CommandModule<GlobalArgs, OfficeArgs & { id: number }> = {
  command: 'undo <id>',
  describe: 'restore the state before one realignment or rename, if nothing touched its records since',
  builder: (y) =>
    y
      .positional('id', { type: 'number', demandOption: true, describe: 'realignment id (see realign log)' })
      .option('office', officeOpt)
      .option('user', userOpt)
      .example('$0 realign undo 3 --office Agency --user admin', 'put back what realignment #3 changed'),
  handler: async (args) => {
    const r = await withStore(args, (store) => undoRealignment(store.realign, { office: args.office, user: args.user, id: args.id }));
    emit(args, r, (x) =>
      x.already_undone_at
        ? `realignment #${x.id} was already undone at ${x.already_undone_at}; nothing changed`
        : `realignment #${x.id} undone: ${x.rows} rows restored`,
    );
  },
};

const purgeCommand: CommandModule<GlobalArgs, OfficeArgs> = {
  command: 'purge',
  describe: 'delete the X_ records of the office that nothing refers to (itself undoable)',
  builder: (y) =>
    y
      .option('office', officeOpt)
      .option('user', userOpt)
      .option('yes', yesOpt)
      .option('dry-run', dryOpt)
      .example('$0 realign purge --office Agency --user admin --dry-run', 'list what would be deleted'),
  handler: async (args) => {
    const show = (plan: PurgePlan) => {
      print(`${plan.purge.length} X_ record(s) to delete${plan.purge.length ? ':' : ''}`);
      for (const r of plan.purge) print(`  ${r.kind.padEnd(16)} ${r.id}  ${r.name}`);
      for (const k of plan.keep) print(`  kept ${k.record.kind} ${k.record.id} ${k.record.name}: ${k.reason}`);
      if (plan.blocksUndoOf.length) print(`realignments ${plan.blocksUndoOf.map((n) => `#${n}`).join(', ')} can be undone only after undoing this purge`);
    };
    const request = { office: args.office, user: args.user, dryRun: args['dry-run'] };
    const r = await withStore(args, (store) =>
      purgeRealigned(
        store.realign,
        request,
        ask(args, (p) => `Delete these ${p.purge.length} records?`, show),
      ),
    );
    const { plan, applied } = r;
    if (r.dry_run) return emit(args, { dry_run: true, plan, applied: null }, () => 'nothing was changed');
    emit(args, { dry_run: false, plan, applied: applied! }, (x) => `deleted ${x.applied.deleted} record(s) as realignment #${x.applied.journal_id}`);
  },
};

export const realignCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'realign <command>',
  describe: 'realign local carriers, products, riders and service providers onto the resource catalogue',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command([
        migrateCommand('carrier'),
        migrateCommand('product'),
        migrateCommand('rider'),
        migrateCommand('service_provider'),
        planCommand,
        applyCommand,
        logCommand,
        undoCommand,
        purgeCommand,
      ] as CommandModule<GlobalArgs, GlobalArgs>[])
      .demandCommand(1)
      .example('$0 realign carrier --office Agency --user admin --local "Acme Life" --resource "Acme Life"', 'migrate a carrier')
      .example('$0 realign log --office Agency', 'list realignments'),
  handler: () => {},
};
