// @ts-nocheck
// The age envelope of a bundle addressed by card (T2). The bundle's zip goes
// through age v1 encryption (the age-encryption package, by age's designer) to
// the card's X25519 recipient, as it is written: the zip is never held whole.
// Besides the recipient's stanza the header carries one of officeport's own:
//   -> officeport-to <installation id> <office id>
// (each id percent-encoded, as URI components are). age tools skip stanza types
// they do not know, and the header's MAC covers it, so a reader can name the
// installation and office a bundle is for without decrypting it, and a changed
// address does not decrypt.
import fs from 'node:fs';
import { Duplex } from 'node:stream';
import type { ReadableStream as WebReadable, WritableStream as WebWritable } from 'node:stream/web';
import { Encrypter, Stanza, type Recipient } from 'age-encryption';
import type { AddressCard } from '../store/port.js';

/** The first line of every age v1 file. */
export const AGE_MAGIC = 'age-encryption.org/v1\n';
/** The type of officeport's addressing stanza. */
export const ADDRESS_STANZA = 'officeport-to';
/** An age header is a few hundred bytes; one with more than this is not read for an address. */
const MAX_HEADER_BYTES = 64 * 1024;

export interface EnvelopeAddress {
  installation_id: string;
  office_id: string;
}

/** An extra recipient that wraps nothing: it only writes the address stanza into the header. */
class AddressRecipient implements Recipient {
  constructor(private readonly address: EnvelopeAddress) {}
  wrapFileKey(): Stanza[] {
    return [new Stanza([ADDRESS_STANZA, encodeURIComponent(this.address.installation_id), encodeURIComponent(this.address.office_id)], new Uint8Array(0))];
  }
}

/**
 * A stream stage that encrypts what is written into it to the card's recipient,
 * in the binary age v1 format, with the address stanza in the header.
 */
export async function encryptingStage(card: AddressCard): Promise<Duplex> {
  const e = new Encrypter();
  e.addRecipient(card.age_recipient);
  e.addRecipient(new AddressRecipient({ installation_id: card.installation.id, office_id: card.office.id }));
  const plain = new TransformStream<Uint8Array, Uint8Array>();
  const sealed = await e.encrypt(plain.readable);
  // the package's stream types are the global (DOM) ones, Duplex.fromWeb's those of node:stream/web: the same objects at run time
  return Duplex.fromWeb({ readable: sealed as unknown as WebReadable, writable: plain.writable as unknown as WebWritable });
}

function readHead(file: string, max: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    const n = fs.readSync(fd, buf, 0, max, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the file is an age v1 file (binary; an armored one starts otherwise). */
export function isAgeFile(file: string): boolean {
  return readHead(file, AGE_MAGIC.length).toString('latin1') === AGE_MAGIC;
}

/**
 * The installation and office an age file is addressed to, from its header's
 * officeport-to stanza, without decrypting (the header's MAC is checked only on
 * decryption); undefined when it is not an age file or has no such stanza.
 */
export function envelopeAddress(file: string): EnvelopeAddress | undefined {
  const head = readHead(file, MAX_HEADER_BYTES).toString('latin1');
  if (!head.startsWith(AGE_MAGIC)) return undefined;
  const end = head.indexOf('\n---');
  const lines = (end < 0 ? head : head.slice(0, end)).split('\n');
  for (const line of lines) {
    const args = line.split(' ');
    if (args[0] !== '->' || args[1] !== ADDRESS_STANZA || args.length !== 4) continue;
    try {
      return { installation_id: decodeURIComponent(args[2]!), office_id: decodeURIComponent(args[3]!) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
