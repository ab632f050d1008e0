// @ts-nocheck
import type { CommandModule } from 'yargs';
import { runDemo } from '../../src/installation/index.js';
import { print, printJson, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  dir?: string;
}

export const demoCommand: CommandModule<GlobalArgs, Args> = {
  command: 'demo [dir]',
  describe: 'build the sample installations and run the whole move on them, showing each step',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', describe: 'a new or empty folder for the demo files (default: a new temporary folder)' })
      .example('$0 demo', 'run the demo in a new temporary folder')
      .example('$0 demo ./demo-out', 'keep the installations, bundles and receipts in ./demo-out'),
  handler: (args) => {
    const r = runDemo(args.dir, args.json ? () => undefined : print);
    if (args.json) printJson(r);
  },
};
