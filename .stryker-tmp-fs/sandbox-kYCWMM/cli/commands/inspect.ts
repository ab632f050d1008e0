// @ts-nocheck
import type { CommandModule } from 'yargs';
import { ErrorCode, formatProblem, OfficeportError } from '../../src/shared/errors.js';
import { inspectFile, type ArchiveReport, type DryRunTarget, type InspectReport, type PersonLine } from '../../src/audit/index.js';
import { homeAt, resolveDbPath } from '../../src/store/open.js';
import { withStore } from '../context.js';
import { startsAsAge, withBundle, type KeySources } from '../../src/trust/index.js';
import { identityOption, keySources } from '../bundle-keys.js';
import { emit, style, table, type GlobalArgs } from '../output.js';
import { dryRunOptions, jsonOf, renderAccept } from './import.js';

interface Args extends GlobalArgs {
  file: string;
  trust?: string;
  html?: string;
  office?: string;
  user?: string;
  force?: boolean;
  identity?: string;
}

export const inspectCommand: CommandModule<GlobalArgs, Args> = {
  command: 'inspect <file>',
  describe: 'summarise a bundle: header, counts, what was left behind and why, carriers by origin, stubs, documents',
  builder: (y) =>
    identityOption(dryRunOptions(y))
      .positional('file', { type: 'string', demandOption: true, describe: 'the bundle (.zip)' })
      .option('trust', { type: 'string', describe: 'require the signature to be by this Ed25519 public key (PEM)' })
      .example('$0 inspect move.zip', 'what the bundle holds and what stayed behind, and why')
      .option('html', { type: 'string', describe: 'also write a self-contained HTML audit report to this file; an existing file is refused unless --force' })
      .option('force', { type: 'boolean', describe: 'replace an existing file at --html (never an installation file)' })
      .example('$0 inspect move.zip --json > audit.json', 'the same as JSON for other tools')
      .example('$0 inspect retention-UUID.zip', 'a retention archive of finalize: what it removed, per table, and from which receipt')
      .example('$0 inspect move.zip --html audit.html', 'a printable audit report with charts, readable offline')
      .example('$0 inspect move.zip --db target.db --office "Springfield Agency" --user dana', 'also what an import would do, writing nothing'),
  handler: async (args) => {
    const installation = resolveDbPath(args.db);
    const target = dryRunTarget(args);
    const inspect = (keys: KeySources, dryRun?: DryRunTarget) =>
      withBundle(args.file, keys, (file) =>
        inspectFile({ file, trust: args.trust, html: args.html, force: args.force, installation, home: homeAt(installation) }, dryRun),
      );
    // with a dry run the office's own keys open an encrypted bundle addressed to it
    const inspected =
      target && startsAsAge(args.file)
        ? await withStore(args, (store) => inspect(keySources(args, store, target.office), { ...target, withInstallation: (fn) => fn(store) }))
        : await inspect(keySources(args), target && { ...target, withInstallation: (fn) => withStore(args, fn) });
    if (inspected.archive) {
      emit(args, inspected.archive, renderArchive);
      if (!inspected.archive.verification.valid) process.exitCode = 1;
      return;
    }
    const r = inspected;
    const dry = r.dryRun && {
      json: jsonOf(r.dryRun),
      text: ['', style('bold', `import dry run into ${target!.office} for ${target!.user}`), ...renderAccept(r.dryRun)],
    };
    const json = { ...r.report, ...(r.html ? { html_report: r.html } : {}), ...(dry ? { import_dry_run: dry.json } : {}) };
    emit(args, json, (x) => [...renderInspect(x), ...(dry ? dry.text : []), ...(r.html ? ['', `audit report written to ${r.html}`] : [])]);
    // V5: an invalid bundle (a bad signature among its problems) is reported, then refused by the exit code
    if (!r.report.verification.valid) process.exitCode = 1;
  },
};

/** The office and user of the import dry run, or undefined when --office/--user were not given. */
function dryRunTarget(args: Args): { office: string; user: string } | undefined {
  if (!args.office && !args.user) return undefined;
  if (!args.office || !args.user) throw new OfficeportError(ErrorCode.USAGE, 'the import dry run needs both --office and --user (and --db)');
  return { office: args.office, user: args.user };
}

function people(title: string, list: { total: number; shown: PersonLine[] }): string[] {
  if (list.total === 0) return [];
  const rows = list.shown.map((p) => [p.ref, p.kind, p.name, p.birth_date, p.tax_id]);
  const more = list.total > list.shown.length ? [`  ... and ${list.total - list.shown.length} more`] : [];
  return ['', style('bold', `${title} (${list.total})`), table(['ref', 'kind', 'name', 'birth date', 'tax id'], rows), ...more];
}

export function renderInspect(r: InspectReport): string[] {
  const h = r.header;
  const out = [
    `${style('bold', 'bundle')} ${h.bundle_id} (${h.format} ${h.format_version}, ${r.verification.valid ? style('green', 'valid') : style('red', 'INVALID')})`,
    `  signature: ${r.signature.text}`,
    `  created ${h.created_at} by officeport ${h.tool_version}, session ${h.session_id}`,
    `  from ${h.source.office_name} (${h.source.office_id}) of ${h.source.installation_name}, user ${h.source.username}`,
    `  to office ${h.target.office}, user ${h.target.user}`,
    `  selection: ${h.selection.mode}${h.selection.set ? ` ${JSON.stringify(h.selection.set)}` : ''}`,
    ...r.verification.problems.slice(0, 20).map((p) => `  ${style('red', 'problem')} ${formatProblem(p)}`),
    '',
    style('bold', 'records'),
    table(
      ['type', 'count'],
      Object.entries(r.counts).map(([k, n]) => [k, n]),
    ),
  ];
  if (r.exclusions.length > 0) {
    out.push(
      '',
      style('bold', 'not exported'),
      table(
        ['what', 'count', 'why'],
        r.exclusions.map((e) => [e.what.replace(/_/g, ' '), e.count, e.reason]),
      ),
    );
  }
  const cat: (string | undefined)[][] = [];
  for (const [kind, byOrigin] of Object.entries(r.catalogue)) {
    for (const [origin, items] of Object.entries(byOrigin)) for (const i of items) cat.push([kind, origin, i.ref, i.name, i.carrier]);
  }
  if (cat.length > 0)
    out.push('', style('bold', 'carriers, products, riders, service providers by origin'), table(['kind', 'origin', 'ref', 'name', 'carrier'], cat));
  out.push(...people('contacts', r.contacts), ...people('stubs (referenced, not exported; never created in the target)', r.stubs));
  out.push('', `${style('bold', 'documents')}: ${r.documents.count} files, ${r.documents.bytes} bytes`);
  return out;
}

/** A retention archive of finalize: what it removed and where it came from. */
export function renderArchive(r: ArchiveReport): string[] {
  const h = r.header as Record<string, string | Record<string, string> | undefined>;
  const src = (h.source ?? {}) as Record<string, string>;
  const out = [
    `${style('bold', 'retention archive')} ${String(h.archive_id ?? '')} (${String(h.format ?? '')} ${String(h.format_version ?? '')}, ${r.verification.valid ? style('green', 'valid') : style('red', 'INVALID')})`,
    `  written ${String(h.created_at ?? '')} by officeport ${String(h.tool_version ?? '')} when finalize removed the moved clients`,
    `  from ${src.office_name ?? ''} (${src.office_id ?? ''}) of ${src.installation_name ?? ''}, user ${src.username ?? ''}`,
    `  bundle ${String(h.bundle_id ?? '')}, session ${String(h.session_id ?? '')}, accept ${String(h.accept_id ?? '')}`,
    `  receipt sha256 ${String(h.receipt_sha256 ?? '')}`,
    ...r.verification.problems.slice(0, 20).map((p) => `  ${style('red', 'problem')} ${formatProblem(p)}`),
    '',
    style('bold', 'rows removed, per table'),
    table(
      ['table', 'travelled (now in the target)', 'did not travel (kept only here)'],
      r.removed.map((x) => [x.table, x.travelled, x.not_travelled]),
    ),
  ];
  const detached = Object.entries(r.detached);
  if (detached.length > 0) out.push('', style('bold', 'references of staying records set to empty'), table(['table.column', 'count'], detached));
  out.push('', `${style('bold', 'documents')}: ${r.documents} letter documents kept`);
  return out;
}
