// @ts-nocheck
// `address` (T1): the target office's address card, and for an administrator
// of the office the age identity that decrypts what is addressed to it.
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { checkOutputPath, openTempBeside, publishFile, writeOutputFile } from '../shared/output-file.js';
import { requireRights } from '../shared/rights.js';
import type { Store } from '../store/port.js';
import { cardText, makeCard, type AddressCard } from './card.js';

export interface AddressOptions {
  office: string;
  user: string;
  out: string;
  force?: boolean;
  /** where to write the office's age identity (administrators only; never overwritten) */
  identityOut?: string;
}

export interface AddressResult {
  out: string;
  card: AddressCard;
  /** the identity file written, if asked */
  identity_out?: string;
}

export async function writeAddressCard(store: Store, opts: AddressOptions): Promise<AddressResult> {
  const output = { force: opts.force, option: '--out', home: store.home };
  checkOutputPath(opts.out, output); // before any work
  if (opts.identityOut !== undefined && path.resolve(opts.identityOut) === path.resolve(opts.out)) {
    throw new OfficeportError(ErrorCode.USAGE, '--identity-out and --out name the same file', {
      hint: 'the card goes to others, the identity stays secret: name two files',
    });
  }
  const identityOutput = { option: '--identity-out', home: store.home };
  if (opts.identityOut !== undefined) checkOutputPath(opts.identityOut, identityOutput); // never overwritten, not even with --force
  const office = await store.offices.requireOffice(opts.office);
  const user = await store.offices.requireUser(office, opts.user);
  if (opts.identityOut !== undefined) requireRights(user, office, ['admin'], "write the office's secret identity");
  const inst = await store.export.installation();
  if (!inst) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, 'this installation is empty (no installation row)', {
      hint: 'load one first: officeport load DIR',
    });
  }
  const keys = await store.trust.officeKeys(office.id);
  const card = makeCard(inst, office, user, keys);
  if (opts.identityOut !== undefined) writeIdentity(opts.identityOut, identityText(card, keys.age_identity), identityOutput);
  writeOutputFile(opts.out, cardText(card), output);
  return { out: opts.out, card, ...(opts.identityOut !== undefined ? { identity_out: opts.identityOut } : {}) };
}

/** The identity file as `age -d -i FILE` reads it: comment lines, then the key. */
function identityText(card: AddressCard, identity: string): string {
  return [
    `# officeport: the secret identity of office ${card.office.name} (${card.office.id})`,
    `# of installation ${card.installation.name} (${card.installation.id}); keep it secret`,
    `# public key: ${card.age_recipient}`,
    identity,
    '',
  ].join('\n');
}

/** Written private (0600) from the start, published only where no file is. */
function writeIdentity(dest: string, text: string, output: { option: string; home: Store['home'] }): void {
  const { tmp, fd } = openTempBeside(dest);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    publishFile(tmp, dest, { ...output, mode: 0o600 });
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
