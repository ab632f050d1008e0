// @ts-nocheck
import type { CommandModule } from 'yargs';
import { formatProblem } from '../../src/shared/errors.js';
import { verifyFile } from '../../src/audit/index.js';
import { startsAsAge, withBundle, type KeySources } from '../../src/trust/index.js';
import { withStore } from '../context.js';
import { identityOption, keySources } from '../bundle-keys.js';
import { emit, style, withProgress, type GlobalArgs } from '../output.js';

interface Args extends GlobalArgs {
  file: string;
  trust?: string;
  identity?: string;
  office?: string;
}

export const verifyCommand: CommandModule<GlobalArgs, Args> = {
  command: 'verify <file>',
  describe: 'check a bundle before it is imported: zip safety, BagIt manifests, header, schemas, references, counts',
  builder: (y) =>
    identityOption(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'the bundle (.zip)' })
      .option('office', {
        type: 'string',
        describe: 'in the installation (--db), open an encrypted bundle with the keys of this office, the one it is addressed to',
      })
      .option('trust', {
        type: 'string',
        describe: 'require the signature to be by this Ed25519 public key (PEM); without it a signature is still checked, with the key it carries',
      })
      .example('$0 verify move.zip', 'exit 0 when the bundle is valid, 1 with each problem listed when not')
      .example('$0 verify retention-<bundle-id>.zip', 'a retention archive written by finalize verifies the same way')
      .example('$0 verify move.zip --trust lakeside.pub --json', "also require the exporter's signature; print JSON")
      .example('$0 verify move.zip.age --identity springfield.key', 'an encrypted bundle, opened with the age identity it was encrypted to')
      .example(
        '$0 verify move.zip.age --db target.db --office "Springfield Agency"',
        'an encrypted bundle, in the office it is addressed to, with its own keys',
      ),
  handler: async (args) => {
    const check = (keys: KeySources) =>
      withProgress('verifying records', { json: args.json }, (onProgress) =>
        withBundle(args.file, keys, (input) => verifyFile(input, { trust: args.trust, onProgress })),
      );
    // T3: in the addressed office, its own keys open an encrypted bundle
    const r =
      args.office && startsAsAge(args.file) ? await withStore(args, (store) => check(keySources(args, store, args.office))) : await check(keySources(args));
    const out = {
      valid: r.valid,
      file: args.file,
      kind: r.kind ?? 'bundle',
      bundle_id: r.header?.bundle_id ?? r.retention?.bundle_id ?? null,
      archive_id: r.retention?.archive_id ?? null,
      tagmanifest_sha256: r.tagmanifestSha256 ?? null,
      counts: r.counts ?? {},
      signature: r.signature ?? null,
      schemas: r.schemas ?? null,
      problems: r.problems,
    };
    // V5: the signature's state on its own line, whatever the verdict
    const sigLine = r.signature ? [`  signature: ${r.signature.text}`] : [];
    // B9: which schemas the records were checked against
    const schemasLine = (x: typeof out) =>
      x.schemas
        ? [
            x.schemas.from === 'bundle'
              ? `format ${x.schemas.format_version}: checked against the schemas the bundle carries (the same as this officeport's)`
              : `format ${x.schemas.format_version}: checked against the schemas of this officeport (bundles of this format carry none)`,
          ]
        : [];
    emit(args, out, (x) =>
      x.valid
        ? x.kind === 'retention'
          ? [`${style('green', 'valid')}: ${x.file} (retention archive ${x.archive_id} of bundle ${x.bundle_id})`, ...sigLine]
          : [
              `${style('green', 'valid')}: ${x.file} (bundle ${x.bundle_id}, ${Object.values(x.counts).reduce((a, b) => a + (b ?? 0), 0)} records and documents)`,
              ...sigLine,
              ...schemasLine(x),
            ]
        : [
            `${style('red', 'invalid')}: ${x.file} (${x.problems.length} problem${x.problems.length === 1 ? '' : 's'})`,
            ...sigLine,
            ...schemasLine(x),
            ...x.problems.map((p) => `  ${formatProblem(p)}`),
          ],
    );
    if (!r.valid) process.exitCode = 1;
  },
};
