// Every command of the binary. Add a command here and in README.md.
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../output.js';
import { demoCommand } from './demo.js';
import { dumpCommand } from './dump.js';
import { exportCommand } from './export.js';
import { verifyCommand } from './verify.js';
import { inspectCommand } from './inspect.js';
import { initCommand } from './init.js';
import { keygenCommand } from './keygen.js';
import { listCommand } from './list.js';
import { loadCommand } from './load.js';
import { generateCommand } from './generate.js';
import { rightsCommand } from './rights.js';
import { setCommand } from './set.js';
import { logCommand } from './log.js';
import { convertCommand } from './convert.js';
import { finalizeCommand } from './finalize.js';
import { realignCommand } from './realign.js';
import { searchCommand } from './search.js';
import { reportCommand } from './report.js';
import { renameCommand } from './rename.js';
import { importCommand } from './import.js';
import { inboxCommand } from './inbox.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<GlobalArgs, any>[] = [demoCommand, initCommand, loadCommand, dumpCommand, generateCommand, listCommand, rightsCommand, setCommand, logCommand, convertCommand, keygenCommand, exportCommand, verifyCommand, inspectCommand, finalizeCommand, realignCommand, searchCommand, reportCommand, renameCommand, importCommand, inboxCommand];
