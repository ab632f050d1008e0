// D4: the whole flow on the samples, as a new user would type it. Each step
// runs the real binary, shows the command line and what it printed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, OfficeportError } from './errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), fileURLToPath(import.meta.url).includes('/dist/') ? '../..' : '..');
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
  return [
    { title: 'Load the source installation', why: 'Lakeside Financial Group: a resource office, North and South agencies, a Canadian office.', args: ['load', path.join(samples, 'source'), ...src] },
    { title: 'Load the target installation', why: 'Riverside Advisors, a separate installation that already knows some of the clients.', args: ['load', path.join(samples, 'target'), ...tgt] },
    { title: 'The offices of the source', why: 'An agency office, its resource (catalogue) office, and a Canadian office.', args: ['list', 'offices', ...src] },
    { title: 'The set to move', why: 'Sets are made where the move starts (D7).', args: ['set', 'show', 'Move to Springfield', '--office', 'North Agency', ...src] },
    { title: 'Who may export and import', why: 'alice holds the two export rights (X1).', args: ['rights', 'show', '--office', 'North Agency', ...src] },
  ];
}

function quote(a: string): string {
  return /^[\w./:=@-]+$/.test(a) ? a : `"${a.replace(/(["\\$`])/g, '\\$1')}"`;
}

export function runDemo(dirArg: string | undefined, out: (line: string) => void): DemoResult {
  const dir = dirArg ?? fs.mkdtempSync(path.join(os.tmpdir(), 'officeport-demo-'));
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
