// @ts-nocheck
// Address cards (T1): what a target office gives a source so that a bundle is
// addressed without typing names and encrypted to the office's key. The card is
// JSON checked against schemas/address-card.schema.json; its fingerprint must
// be the one of its public key.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { schemasDir } from '../bundle/schemas.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { keyFingerprint } from '../store/office-keys.js';
import type { AddressCard, OfficeKeys } from '../store/port.js';

export type { AddressCard } from '../store/port.js';

export const CARD_FORMAT = 'officeport-address-card';
/** A card is small; anything much larger is not one. */
const MAX_CARD_BYTES = 64 * 1024;

/** The card of an office's user, with the office's public keys. */
export function makeCard(
  installation: { id: string; name: string },
  office: { id: string; name: string },
  user: { id: string; username: string },
  keys: OfficeKeys,
): AddressCard {
  return {
    format: CARD_FORMAT,
    format_version: 1,
    installation: { id: installation.id, name: installation.name },
    office: { id: office.id, name: office.name },
    user: { id: user.id, username: user.username },
    ed25519_public_key: keys.ed25519_public_pem,
    fingerprint: keys.fingerprint,
    age_recipient: keys.age_recipient,
  };
}

/** The card's file content. */
export function cardText(card: AddressCard): string {
  return JSON.stringify(card, null, 2) + '\n';
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(path.join(schemasDir(), 'address-card.schema.json'), 'utf8')) as Record<string, unknown>;
    validator = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  }
  return validator;
}

function badCard(file: string, what: string): OfficeportError {
  return new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not a valid address card: ${what}; nothing was written`, {
    hint: 'ask the receiving office for its card: officeport address --office OFFICE --user USER --out CARD',
  });
}

/** Checks a parsed card: the schema, then that its fingerprint is its key's. */
export function checkCard(value: unknown, file: string): AddressCard {
  const v = validate();
  if (!v(value)) {
    const e = v.errors?.[0];
    const where = e?.instancePath ? `at ${e.instancePath} ` : '';
    throw badCard(file, `${where}${e?.message ?? 'does not match the card format'}`);
  }
  const card = value as AddressCard;
  let fingerprint: string;
  try {
    fingerprint = keyFingerprint(card.ed25519_public_key);
  } catch {
    throw badCard(file, 'its public key is not a readable Ed25519 key');
  }
  if (fingerprint !== card.fingerprint) {
    throw badCard(file, `its fingerprint ${card.fingerprint} is not the one of its public key (${fingerprint}): the card was changed`);
  }
  return card;
}

/** Reads and checks an address card file. */
export function readCard(file: string): AddressCard {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw badCard(file, 'it is not a file');
    if (st.size > MAX_CARD_BYTES) throw badCard(file, `it holds ${st.size} bytes, more than a card ever does`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof OfficeportError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new OfficeportError(ErrorCode.NOT_FOUND, `address card ${file} not found`, {
        hint: 'name the card file the receiving office wrote with: officeport address --office OFFICE --user USER --out CARD',
      });
    }
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badCard(file, 'it is not JSON');
  }
  return checkCard(value, file);
}
