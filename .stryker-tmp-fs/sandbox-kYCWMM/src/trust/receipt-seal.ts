// @ts-nocheck
// L4: sealed receipts. The exporting installation derives a receipt key from
// its secret and the bundle id (so the same bundle id gives the same key and
// B6 holds) and puts it in the bundle header; the importer seals the receipt
// file with HMAC-SHA256 under it. The sealed bytes are the receipt file's bytes
// up to its fixed-length tail `,\n  "seal": "<64 hex>"\n}\n`: the seal is the
// last member of the receipt object, so a writer streaming the outcomes knows
// it only at the end and a reader checks it in one pass (docs/bundle-format.md).
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { TrustStore } from '../store/port.js';

const KEY_CONTEXT = 'officeport receipt key v1\0';
const HEX64 = /^[0-9a-f]{64}$/;

/** receipt key = HMAC-SHA256(installation secret, "officeport receipt key v1\0" + bundle id), hex. */
export function deriveReceiptKey(secret: Buffer, bundleId: string): string {
  return crypto
    .createHmac('sha256', secret)
    .update(KEY_CONTEXT + bundleId, 'utf8')
    .digest('hex');
}

/** The receipt key of a bundle this installation exports. */
export async function receiptKeyFor(trust: TrustStore, bundleId: string): Promise<string> {
  return deriveReceiptKey(await trust.installationSecret(), bundleId);
}

/** The receipt's last bytes, after the sealed ones. */
export function sealTail(sealHex: string): string {
  return `,\n  "seal": "${sealHex}"\n}\n`;
}
const TAIL_LENGTH = sealTail('0'.repeat(64)).length;
const TAIL = /^,\n {2}"seal": "([0-9a-f]{64})"\n\}\n$/;

/** An HMAC over the bytes written so far; `tail()` ends the receipt with its seal. */
export class Sealer {
  private readonly mac: crypto.Hmac;
  constructor(keyHex: string) {
    if (!HEX64.test(keyHex)) throw new Error('a receipt key is 64 hex characters');
    this.mac = crypto.createHmac('sha256', Buffer.from(keyHex, 'hex'));
  }
  update(text: string): void {
    this.mac.update(text, 'utf8');
  }
  tail(): string {
    return sealTail(this.mac.digest('hex'));
  }
}

export type SealCheck = 'sealed' | 'missing' | 'mismatch';

/** Checks a receipt file's seal under the key, streaming (receipts reach tens of megabytes). */
export function checkSeal(file: string, keyHex: string): SealCheck {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size < TAIL_LENGTH) return 'missing';
    const tail = Buffer.alloc(TAIL_LENGTH);
    fs.readSync(fd, tail, 0, TAIL_LENGTH, size - TAIL_LENGTH);
    const m = tail.toString('latin1').match(TAIL);
    if (!m) return 'missing';
    const mac = crypto.createHmac('sha256', Buffer.from(keyHex, 'hex'));
    const buf = Buffer.alloc(1 << 20);
    for (let pos = 0; pos < size - TAIL_LENGTH;) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - TAIL_LENGTH - pos), pos);
      if (n <= 0) break;
      mac.update(buf.subarray(0, n));
      pos += n;
    }
    const want = mac.digest();
    return crypto.timingSafeEqual(want, Buffer.from(m[1]!, 'hex')) ? 'sealed' : 'mismatch';
  } finally {
    fs.closeSync(fd);
  }
}
