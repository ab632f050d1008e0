// The adapters the store contract runs against: each test file of
// test/store-contract/ runs once per adapter (`for (const adapter of ADAPTERS)`),
// unchanged, so that a second adapter passes exactly what the first one does.
import path from 'node:path';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { tmpDir } from '../helpers/cli.js';

export interface Adapter {
  name: string;
  /** a new, empty installation */
  create(): Store;
}

export const ADAPTERS: readonly Adapter[] = [
  {
    name: 'sqlite',
    create: () => openStore(path.join(tmpDir('officeport-contract-'), 'installation.db'), { create: true }),
  },
];
