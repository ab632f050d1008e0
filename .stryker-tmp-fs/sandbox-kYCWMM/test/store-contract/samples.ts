// @ts-nocheck
// The sample installations (samples/README.md) in a store of any adapter,
// loaded, dumped and exported through the port only: the features' own
// functions (loadDir, dumpDir, exportBundle) given a Store the adapter made.
import fs from 'node:fs';
import path from 'node:path';
import { exportBundle, type Selection } from '../../src/export/index.js';
import { dumpDir, loadDir } from '../../src/installation/index.js';
import type { Store } from '../../src/store/port.js';
import { tmpDir } from '../helpers/cli.js';
import { SAMPLES, snapshotDir } from '../helpers/installation.js';
import type { Adapter } from './adapters.js';

export const SOURCE = path.join(SAMPLES, 'source');
export const TARGET = path.join(SAMPLES, 'target');
export const TGT_OFFICE = 'Springfield Agency';
export const TGT_USER = 'dana';

/** Stores a test made, closed when it ends. */
export class Stores {
  private made: Store[] = [];

  /** a new store of `adapter`, loaded from a CSV folder when given */
  async of(adapter: Adapter, csvDir?: string): Promise<Store> {
    const store = adapter.create();
    this.made.push(store);
    if (csvDir) await loadDir(store, csvDir);
    return store;
  }

  closeAll(): void {
    for (const s of this.made.splice(0)) s.close();
  }
}

/** Every CSV file and document of a dump through the port, by relative path. */
export async function dumpOf(store: Store): Promise<Record<string, string>> {
  const dir = path.join(tmpDir('officeport-contract-dump-'), 'd');
  await dumpDir(store, dir);
  const out = snapshotDir(dir);
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  return out;
}

let n = 0;
/** A bundle exported from the source sample (North Agency, alice) to Springfield Agency / dana; the set "Move to Springfield" unless told otherwise. */
export async function exportSample(source: Store, a: { selection?: Selection; session?: string } = {}): Promise<string> {
  const out = path.join(tmpDir('officeport-contract-bundle-'), `bundle-${++n}.zip`);
  await exportBundle(source, {
    office: 'North Agency',
    user: 'alice',
    selection: a.selection ?? { mode: 'set', set: 'Move to Springfield' },
    toOffice: TGT_OFFICE,
    toUser: TGT_USER,
    out,
    session: a.session,
  });
  return out;
}
