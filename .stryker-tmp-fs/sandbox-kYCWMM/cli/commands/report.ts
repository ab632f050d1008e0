// @ts-nocheck
import { XMLBuilder } from 'fast-xml-parser';
import Papa from 'papaparse';
import type { CommandModule } from 'yargs';
import { carriersProductsReport, type CarriersProductsReport } from '../../src/realign/index.js';
import { ErrorCode, OfficeportError } from '../../src/shared/errors.js';
import { writeOutputFile, checkOutputPath } from '../../src/shared/output-file.js';
import { homeAt, resolveDbPath } from '../../src/store/open.js';
import { unreachable } from '../../src/shared/errors.js';
import { withStore } from '../context.js';
import { print, shellWord, table, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  report: string;
  office: string;
  format?: ReportFormat;
  out?: string;
  force?: boolean;
}

const REPORT_FORMATS = ['table', 'csv', 'xml', 'json'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

const CSV_FIELDS = [
  'carrier_id',
  'carrier_name',
  'naic_code',
  'phone',
  'email',
  'street',
  'city',
  'state',
  'postal_code',
  'product_id',
  'product_name',
  'line_of_business',
  'active',
];

function flatRows(r: CarriersProductsReport): (string | null)[][] {
  return r.carriers.flatMap((c) => {
    const head = [c.id, c.name, c.naic_code, c.phone, c.email, c.street, c.city, c.state, c.postal_code];
    return c.products.length ? c.products.map((p) => [...head, p.id, p.name, p.line_of_business, p.active]) : [[...head, null, null, null, null]];
  });
}

export function renderReport(r: CarriersProductsReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2) + '\n';
    case 'csv':
      return (
        Papa.unparse({ fields: CSV_FIELDS, data: flatRows(r).map((row) => row.map((v) => v ?? '')) }, { escapeFormulae: /^[=+\-@\t\r]/, newline: '\n' }) + '\n'
      );
    case 'xml': {
      const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });
      const doc = {
        '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
        report: {
          '@_title': r.title,
          '@_office': r.office,
          '@_resource_office': r.resource_office,
          carrier: r.carriers.map((c) => ({
            '@_id': c.id,
            name: c.name,
            naic_code: c.naic_code ?? '',
            contact: {
              phone: c.phone ?? '',
              email: c.email ?? '',
              street: c.street ?? '',
              city: c.city ?? '',
              state: c.state ?? '',
              postal_code: c.postal_code ?? '',
            },
            product: c.products.map((p) => ({ '@_id': p.id, name: p.name, line_of_business: p.line_of_business ?? '', active: p.active ?? '' })),
          })),
        },
      };
      return builder.build(doc) as string;
    }
    case 'table': {
      const rows = flatRows(r).map((x) => [
        x[1],
        x[2],
        [x[3], x[4]].filter(Boolean).join(' '),
        [x[5], x[6], x[7], x[8]].filter(Boolean).join(', '),
        x[10],
        x[11],
        x[12],
      ]);
      return [
        `${r.title} (resource office ${r.resource_office})`,
        table(['carrier', 'NAIC', 'phone / email', 'address', 'product', 'line of business', 'active'], rows),
        '',
      ].join('\n');
    }
    default:
      return unreachable(format, 'report format');
  }
}

export const reportCommand: CommandModule<GlobalArgs, Args> = {
  command: 'report <report>',
  describe: 'run a report: carriers-products is "Carriers and Products Only, No Riders - Detail" of the resource catalogue',
  builder: (y) =>
    y
      .positional('report', { type: 'string', choices: ['carriers-products'], demandOption: true })
      .option('office', { type: 'string', demandOption: true, describe: 'the agency office (or its resource office)' })
      .option('format', { type: 'string', choices: REPORT_FORMATS, describe: 'output format (default table; json with --json)' })
      .option('out', { type: 'string', describe: 'write the report to this file instead of standard output; an existing file is refused unless --force' })
      .option('force', { type: 'boolean', describe: 'replace an existing file at --out (never an installation file)' })
      .example('$0 report carriers-products --office Agency', 'print it')
      .example('$0 report carriers-products --office Agency --format csv --out carriers.csv', 'for a spreadsheet'),
  handler: async (args) => {
    // U5: --json promises JSON; a CSV, XML or table asked for at the same time is a contradiction, not a choice to guess
    if (args.json && args.format !== undefined && args.format !== 'json') {
      throw new OfficeportError(ErrorCode.USAGE, `--json asks for JSON but --format asks for ${args.format}; give one of them`, {
        hint: `officeport report ${args.report} --office ${shellWord(args.office)} --format ${args.format} (or --json alone)`,
      });
    }
    const output = { force: args.force, option: '--out', home: homeAt(resolveDbPath(args.db)) };
    // before any work (L1)
    if (args.out) checkOutputPath(args.out, output);
    const r = await withStore(args, (store) => carriersProductsReport(store.realign, args.office));
    const text = renderReport(r, args.format ?? (args.json ? 'json' : 'table'));
    if (!args.out) return void process.stdout.write(text);
    writeOutputFile(args.out, text, output);
    print(`report written to ${args.out}`);
  },
};
