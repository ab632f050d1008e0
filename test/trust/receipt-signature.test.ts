// The signing and checking of receipts and undo notices, on keys made here
// (node:crypto Ed25519), checked with openssl as a source office would.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/cli.js';
import { skipWithoutTool } from '../helpers/tools.js';
import {
  keyFingerprint,
  requireNotUndone,
  requireSignedReceipt,
  signFileBeside,
  signatureFileOf,
  undoNoticeFileOf,
  writeUndoNotice,
  type SignerCard,
  type SigningKey,
} from '../../src/trust/receipt-signature.js';

function officeKey(): SigningKey {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const ed25519_public_pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    ed25519_public_pem,
    ed25519_private_pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: keyFingerprint(ed25519_public_pem),
  };
}

function cardOf(k: SigningKey): SignerCard {
  return {
    installation: { id: 'I-T', name: 'Target' },
    office: { id: 'O-T', name: 'Springfield' },
    ed25519_public_key: k.ed25519_public_pem,
    fingerprint: k.fingerprint,
  };
}

const RECEIPT = `{
  "receipt_version": 1,
  "accept_id": "A1",
  "bundle_id": "B1",
  "outcomes": [
    {"ref":"contacts/1","target_id":"C-9","outcome":"created"},
    {"ref":"contacts/2","target_id":"C-8","outcome":"merged"}
  ]
}
`;

const opensslPresent = spawnSync('openssl', ['version']).status === 0;

/** openssl's own verdict on FILE and FILE.sig under the PEM public key. */
function opensslVerifies(file: string, publicPem: string): boolean {
  const pub = path.join(path.dirname(file), `pub-${crypto.randomUUID()}.pem`);
  fs.writeFileSync(pub, publicPem);
  const r = spawnSync('openssl', ['pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', pub, '-sigfile', signatureFileOf(file), '-in', file], {
    encoding: 'utf8',
  });
  return r.status === 0;
}

function signedReceipt(key: SigningKey): string {
  const file = path.join(tmpDir(), 'receipt.json');
  fs.writeFileSync(file, RECEIPT);
  signFileBeside(file, key);
  return file;
}

describe('receipt signatures', () => {
  it('T4: the signature beside a receipt is 64 raw bytes over the file as written, checked against the card key', () => {
    const key = officeKey();
    const file = signedReceipt(key);
    expect(fs.readFileSync(signatureFileOf(file))).toHaveLength(64);
    expect(() => requireSignedReceipt(file, 'B1', cardOf(key))).not.toThrow();
  });

  it('T4: a receipt with one outcome changed is refused, naming the signature', () => {
    const key = officeKey();
    const file = signedReceipt(key);
    fs.writeFileSync(file, RECEIPT.replace('"merged"', '"created"'));
    expect(() => requireSignedReceipt(file, 'B1', cardOf(key))).toThrow(/does not match its signature .*receipt\.json\.sig.*changed after it was signed/);
  });

  it('T4: a receipt without its signature is refused', () => {
    const key = officeKey();
    const file = signedReceipt(key);
    fs.rmSync(signatureFileOf(file));
    expect(() => requireSignedReceipt(file, 'B1', cardOf(key))).toThrow(/is not signed: bundle B1 was sent encrypted to office Springfield/);
  });

  it("T4: a receipt signed by another office's key is refused, naming both keys when the receipt names its signer", () => {
    const other = officeKey();
    const file = signedReceipt(other);
    const card = cardOf(officeKey());
    expect(() => requireSignedReceipt(file, 'B1', card, { alg: 'Ed25519', key_fingerprint: other.fingerprint })).toThrow(
      new RegExp(`signed by key ${other.fingerprint}, not by the card's key ${card.fingerprint}`),
    );
  });
});

describe('undo notices', () => {
  const undone = (key: SigningKey, receipt: string) =>
    writeUndoNotice(
      receipt,
      {
        bundle_id: 'B1',
        accept_id: 'A1',
        receipt_sha256: crypto.createHash('sha256').update(RECEIPT).digest('hex'),
        target: { installation_id: 'I-T', office_id: 'O-T', user_id: 'U-1' },
        undone_at: '2026-01-02T03:04:05.000Z',
      },
      key,
    );

  it('T5: the notice lies beside the receipt, and a receipt with a notice beside it or named is refused', () => {
    const key = officeKey();
    const receipt = signedReceipt(key);
    const notice = undone(key, receipt);
    expect(notice).toBe(undoNoticeFileOf(receipt));
    expect(path.basename(notice)).toBe('receipt.undone.json');
    expect(JSON.parse(fs.readFileSync(notice, 'utf8'))).toMatchObject({
      bundle_id: 'B1',
      accept_id: 'A1',
      signed_with: { alg: 'Ed25519', key_fingerprint: key.fingerprint },
    });
    const r = { bundle_id: 'B1', accept_id: 'A1' };
    expect(() => requireNotUndone(receipt, r, cardOf(key))).toThrow(/import A1 of bundle B1 was undone in the target at 2026-01-02T03:04:05.000Z/);
    const away = path.join(tmpDir(), 'notice.json');
    fs.renameSync(notice, away);
    fs.renameSync(signatureFileOf(notice), signatureFileOf(away));
    expect(() => requireNotUndone(receipt, r, cardOf(key))).not.toThrow();
    expect(() => requireNotUndone(receipt, r, cardOf(key), away)).toThrow(/was undone in the target/);
  });

  it('T5: a notice that does not verify under the card key is itself refused', () => {
    const key = officeKey();
    const receipt = signedReceipt(key);
    const notice = undone(officeKey(), receipt);
    expect(() => requireNotUndone(receipt, { bundle_id: 'B1', accept_id: 'A1' }, cardOf(key))).toThrow(
      /undo notice .* cannot be trusted: it does not match its signature/,
    );
    fs.rmSync(signatureFileOf(notice));
    expect(() => requireNotUndone(receipt, { bundle_id: 'B1', accept_id: 'A1' }, cardOf(key))).toThrow(/cannot be trusted: it has no signature/);
  });

  it('T5: writing the notice again leaves it as it is, and signs it when its signature went missing', () => {
    const key = officeKey();
    const receipt = signedReceipt(key);
    const notice = undone(key, receipt);
    const before = fs.readFileSync(notice, 'utf8');
    fs.rmSync(signatureFileOf(notice));
    undone(key, receipt);
    expect(fs.readFileSync(notice, 'utf8')).toBe(before);
    expect(() => requireNotUndone(receipt, { bundle_id: 'B1', accept_id: 'A1' }, cardOf(key))).toThrow(/was undone in the target/);
  });
});

describe('openssl checks the same signatures', () => {
  if (skipWithoutTool('T4', 'openssl', opensslPresent, 'apt-get install openssl')) return;

  it('T4: a signed receipt verifies with openssl pkeyutl -verify -rawin against the public key, and an edited one does not', () => {
    const key = officeKey();
    const file = signedReceipt(key);
    expect(opensslVerifies(file, key.ed25519_public_pem)).toBe(true);
    expect(opensslVerifies(file, officeKey().ed25519_public_pem)).toBe(false);
    fs.writeFileSync(file, RECEIPT.replace('"merged"', '"created"'));
    expect(opensslVerifies(file, key.ed25519_public_pem)).toBe(false);
  });

  it('T5: an undo notice verifies with openssl pkeyutl -verify -rawin', () => {
    const key = officeKey();
    const notice = writeUndoNotice(
      signedReceipt(key),
      {
        bundle_id: 'B1',
        accept_id: 'A1',
        receipt_sha256: '0'.repeat(64),
        target: { installation_id: 'I', office_id: 'O', user_id: 'U' },
        undone_at: '2026-01-01T00:00:00.000Z',
      },
      key,
    );
    expect(opensslVerifies(notice, key.ed25519_public_pem)).toBe(true);
  });
});
