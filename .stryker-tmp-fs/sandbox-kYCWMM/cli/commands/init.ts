// @ts-nocheck
import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { resolveDbPath } from '../../src/store/open.js';
import { SCHEMA_VERSION } from '../../src/store/open.js';
import { withStore } from '../context.js';
import { emit, type GlobalArgs } from '../output.js';

export const initCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'init',
  describe: 'create an empty installation (or migrate an existing one to the current schema)',
  builder: (y) => y.example('$0 init --db agency.db', 'create agency.db'),
  handler: async (args) => {
    const file = resolveDbPath(args.db);
    const existed = fs.existsSync(file);
    await withStore(args, () => undefined, { create: true });
    emit(args, { db: file, created: !existed, schemaVersion: SCHEMA_VERSION }, (r) =>
      r.created ? `created installation ${r.db} (schema version ${r.schemaVersion})` : `installation ${r.db} is at schema version ${r.schemaVersion}`,
    );
  },
};
