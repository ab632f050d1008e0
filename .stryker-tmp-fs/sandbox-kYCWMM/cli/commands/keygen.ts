// @ts-nocheck
import type { CommandModule } from 'yargs';
import { writeKeyPair } from '../../src/trust/index.js';
import { emit, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  out: string;
}

export const keygenCommand: CommandModule<GlobalArgs, Args> = {
  command: 'keygen',
  describe: 'make an Ed25519 key pair for signing bundles: KEYBASE.key (private, 0600) and KEYBASE.pub',
  builder: (y) =>
    y
      .option('out', { type: 'string', demandOption: true, describe: 'base name of the key files (KEYBASE.key, KEYBASE.pub); never overwritten' })
      .example('$0 keygen --out keys/agency', 'write keys/agency.key and keys/agency.pub')
      .example('$0 export ... --sign keys/agency.key', 'sign a bundle; the receiver runs verify --trust keys/agency.pub'),
  handler: async (args) => {
    const r = await writeKeyPair(args.out);
    emit(args, r, (x) => [
      `wrote private key ${x.privateKeyFile} (keep it secret; mode 0600)`,
      `wrote public key  ${x.publicKeyFile} (give it to the receivers: verify --trust ${x.publicKeyFile})`,
      `key id (sha256 of the public key): ${x.publicKeySha256}`,
    ]);
  },
};
