// @ts-nocheck
// The keys a command reads an encrypted bundle with: --identity FILE, and in an
// installation the keys of the office the command names (--office).
import type { Argv } from 'yargs';
import type { Store } from '../src/store/port.js';
import { installationKeyHolders, officeKeySource, type KeySources } from '../src/trust/index.js';

export function identityOption<T>(y: Argv<T>) {
  return y.option('identity', {
    type: 'string',
    describe: 'an age identity file (from age-keygen or officeport address --identity-out) that opens an encrypted bundle',
  });
}

/** --identity, plus the keys of `office` in `store` when both are given (and the installation's offices, to name whom a refused bundle is for). */
export function keySources(args: { identity?: string }, store?: Store, office?: string): KeySources {
  if (!store || !office) return { identity: args.identity };
  return { identity: args.identity, officeKeys: officeKeySource(store, office), holders: installationKeyHolders(store) };
}
