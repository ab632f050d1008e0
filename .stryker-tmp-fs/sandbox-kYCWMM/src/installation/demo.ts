// @ts-nocheck
// D4: the whole flow on the samples, as a new user would type it. Each step
// runs the real binary, shows the command line and what it printed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, OfficeportError } from '../shared/errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), fileURLToPath(import.meta.url).includes('/dist/') ? '../../..' : '../..');
const BIN = path.join(ROOT, 'bin', 'officeport.js');

export interface DemoStep {
  title: string;
  why: string;
  args: string[];
  /** exit codes that count as the step working (a refusal can be the point) */
  expect?: number[];
}

export interface DemoResult {
  dir: string;
  steps: { title: string; command: string; code: number; output: string }[];
}

export function demoSteps(dir: string): DemoStep[] {
  const f = (name: string) => path.join(dir, name);
  const src = ['--db', f('source.db')];
  const tgt = ['--db', f('target.db')];
  const samples = path.join(ROOT, 'samples');
  const north = ['--office', 'North Agency'];
  const spring = ['--office', 'Springfield Agency', '--user', 'dana'];
  return [
    {
      title: 'Load the source installation',
      why: 'Lakeside Financial Group: a resource office, North and South agencies, a Canadian office.',
      args: ['load', path.join(samples, 'source'), ...src],
    },
    {
      title: 'Load the target installation',
      why: 'Riverside Advisors, a separate installation that already knows some of the clients.',
      args: ['load', path.join(samples, 'target'), ...tgt],
    },
    { title: 'The offices of the source', why: 'Agency offices, their resource (catalogue) office, and a Canadian office.', args: ['list', 'offices', ...src] },
    {
      title: 'The set to move',
      why: 'Sets are made where the move starts, in the source office.',
      args: ['set', 'show', 'Move to Springfield', ...north, ...src],
    },
    {
      title: 'Who may export',
      why: 'alice holds data_export and export_contacts_to_office, the two rights an export needs.',
      args: ['rights', 'show', ...north, ...src],
    },
    {
      title: 'Export the set',
      why: 'Exactly the records the rules allow go into a self-verifying BagIt zip; what stays behind is counted, with the reason.',
      args: [
        'export',
        ...north,
        '--user',
        'alice',
        '--set',
        'Move to Springfield',
        '--to-office',
        'Springfield Agency',
        '--to-user',
        'dana',
        '--out',
        f('move.zip'),
        ...src,
      ],
    },
    {
      title: 'Verify the bundle',
      why: 'Zip safety, both BagIt manifests, every record against its schema, every reference.',
      args: ['verify', f('move.zip')],
    },
    {
      title: 'Inspect it against the target, and write the audit report',
      why: 'What the import would create, merge, link, keep pending or drop, and why, without writing to the target; the same as one HTML file for compliance, readable offline and printable.',
      args: ['inspect', f('move.zip'), '--html', f('audit-report.html'), ...spring, ...tgt],
    },
    {
      title: "Convert for auditors' tools",
      why: 'One CSV per record type, formula injection escaped.',
      args: ['convert', f('move.zip'), '--to', 'csv', '--out', f('move-csv')],
    },
    {
      title: 'Import in the target office',
      why: 'Matches existing people, keeps party entries only for contacts present, resolves carriers; one transaction, with a receipt.',
      args: ['import', f('move.zip'), ...spring, '--receipt', f('receipt.json'), ...tgt],
    },
    { title: 'Import again', why: 'Accepting the same bundle twice changes nothing, and says so.', args: ['import', f('move.zip'), ...spring, ...tgt] },
    {
      title: 'Finalize in the source office',
      why: 'Removes what the receipt confirms arrived, after archiving what did not travel.',
      args: ['finalize', f('receipt.json'), ...north, '--user', 'alice', '--archive', f('retention.zip'), '--yes', ...src],
    },
    { title: 'The transfer log of the target', why: 'Every import, with its bundle and counts, for reconciling archives.', args: ['log', ...tgt] },
    {
      title: 'Plan the realignment of North Agency',
      why: 'A pairing for every local carrier, product, rider and service provider.',
      args: ['realign', 'plan', ...north, '--out', f('realign-plan.csv'), ...src],
    },
    {
      title: 'Realign a carrier onto the resource catalogue',
      why: 'Content switches to the resource carrier; matched local records are renamed X_<name> and coded no_pcm_activity.',
      args: ['realign', 'carrier', ...north, '--user', 'nadmin', '--local', 'Summit Mutual Life', '--resource', 'Summit Mutual Life', '--yes', ...src],
    },
    {
      title: 'A near name is refused, with a hint',
      why: 'Names must match exactly; rename first.',
      args: [
        'realign',
        'carrier',
        ...north,
        '--user',
        'nadmin',
        '--local',
        'Granite  State Insurance',
        '--resource',
        'Granite State Insurance',
        '--yes',
        ...src,
      ],
      expect: [1],
    },
    {
      title: 'Not in Canada',
      why: 'Realignment is not available for offices in Canada or Australia.',
      args: [
        'realign',
        'carrier',
        '--office',
        'Maple Agency',
        '--user',
        'madmin',
        '--local',
        'Summit Mutual Life',
        '--resource',
        'Summit Mutual Life',
        '--yes',
        ...src,
      ],
      expect: [1],
    },
    { title: 'The realignment journal', why: 'Every migration can be listed and undone.', args: ['realign', 'log', ...north, ...src] },
  ];
}

function quote(a: string): string {
  return /^[\w./:=@-]+$/.test(a) ? a : `"${a.replace(/(["\\$`])/g, '\\$1')}"`;
}

export function runDemo(dirArg: string | undefined, out: (line: string) => void): DemoResult {
  // Absolute: each step runs with the demo folder as its working directory.
  const dir = path.resolve(dirArg ?? fs.mkdtempSync(path.join(os.tmpdir(), 'officeport-demo-')));
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new OfficeportError(ErrorCode.REFUSED, `${dir} is not empty; the demo writes its installations and bundles into a new folder`, {
      hint: 'name a new folder, or give none and the demo makes one',
    });
  }
  fs.mkdirSync(dir, { recursive: true });
  const result: DemoResult = { dir, steps: [] };
  out(`officeport demo: the whole move on the samples, in ${dir}\n`);
  const steps = demoSteps(dir);
  steps.forEach((step, i) => {
    const command = ['officeport', ...step.args].map(quote).join(' ');
    out(`── ${i + 1}/${steps.length} ${step.title}`);
    out(`   ${step.why}`);
    out(`   $ ${command}`);
    const r = spawnSync(process.execPath, [BIN, ...step.args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const output = `${r.stdout}${r.stderr}`.trimEnd();
    for (const line of output.split('\n')) out(`   │ ${line}`);
    out('');
    const code = r.status ?? 1;
    result.steps.push({ title: step.title, command, code, output });
    if (!(step.expect ?? [0]).includes(code)) {
      throw new OfficeportError(ErrorCode.REFUSED, `demo step ${i + 1} (${step.title}) failed with exit code ${code}`, {
        hint: `run it yourself to see why: ${command}`,
      });
    }
  });
  out(`Done. Everything the demo made is in ${dir}`);
  return result;
}
