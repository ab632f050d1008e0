// @ts-nocheck
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
  signedStatement,
  signedWith,
  undoNoticeFileOf,
  undoNoticeText,
  writeUndoNotice,
  type SignedKind,
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

/**
 * openssl's own verdict on FILE.sig under the PEM public key, over the
 * statement made as docs/trust.md shows: echo with sha256sum of FILE.
 */
function opensslVerifies(file: string, publicPem: string, kind: SignedKind = 'import receipt'): boolean {
  const pub = path.join(path.dirname(file), `pub-${crypto.randomUUID()}.pem`);
  fs.writeFileSync(pub, publicPem);
  const statement = `${file}.statement`;
  const made = spawnSync('sh', ['-c', `echo "officeport v1 ${kind} sha256 $(sha256sum < "$1" | cut -d' ' -f1)" > "$2"`, 'sh', file, statement]);
  expect(made.status).toBe(0);
  const r = spawnSync('openssl', ['pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', pub, '-sigfile', signatureFileOf(file), '-in', statement], {
    encoding: 'utf8',
  });
  return r.status === 0;
}

function signedReceipt(key: SigningKey): string {
  const file = path.join(tmpDir(), 'receipt.json');
  fs.writeFileSync(file, RECEIPT);
  signFileBeside(file, 'import receipt', key);
  return file;
}

const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

describe('receipt signatures', () => {
  it("T4: the signature beside a receipt is 64 raw bytes over the one-line statement naming the receipt's SHA-256, checked against the card key", () => {
    const key = officeKey();
    const file = signedReceipt(key);
    const sig = fs.readFileSync(signatureFileOf(file));
    expect(sig).toHaveLength(64);
    const statement = Buffer.from(`officeport v1 import receipt sha256 ${sha256(RECEIPT)}\n`);
    expect(crypto.verify(null, statement, crypto.createPublicKey(key.ed25519_public_pem), sig)).toBe(true);
    expect(signedWith(key)).toEqual({ alg: 'Ed25519', key_fingerprint: key.fingerprint, form: 'sha256-statement' });
    expect(requireSignedReceipt(file, 'B1', cardOf(key), signedWith(key))).toBe('sha256-statement');
    // the hash the caller computed while reading the receipt is used as it is
    expect(() => requireSignedReceipt(file, 'B1', cardOf(key), signedWith(key), sha256('other bytes'))).toThrow(/does not match its signature/);
  });

  it('T4: a statement signed for an undo notice is not the signature of a receipt with the same bytes', () => {
    const key = officeKey();
    const file = signedReceipt(key);
    fs.writeFileSync(
      signatureFileOf(file),
      crypto.sign(null, signedStatement('undo notice', sha256(RECEIPT)), crypto.createPrivateKey(key.ed25519_private_pem)),
    );
    expect(() => requireSignedReceipt(file, 'B1', cardOf(key), signedWith(key))).toThrow(/does not match its signature/);
  });

  it('T4, T5: a receipt and an undo notice signed by the release before (over their whole bytes, no form named) are still accepted, and said to be', () => {
    const key = officeKey();
    const file = path.join(tmpDir(), 'receipt.json');
    fs.writeFileSync(file, RECEIPT);
    const signWhole = (f: string) =>
      fs.writeFileSync(signatureFileOf(f), crypto.sign(null, fs.readFileSync(f), crypto.createPrivateKey(key.ed25519_private_pem)));
    signWhole(file);
    const earlier = { alg: 'Ed25519' as const, key_fingerprint: key.fingerprint };
    expect(requireSignedReceipt(file, 'B1', cardOf(key), earlier)).toBe('whole-file');
    // the form is the file's: a whole-file signature of a receipt that names the statement form is refused, and the other way round
    expect(() => requireSignedReceipt(file, 'B1', cardOf(key), signedWith(key))).toThrow(/does not match its signature/);
    signFileBeside(file, 'import receipt', key, { force: true });
    expect(() => requireSignedReceipt(file, 'B1', cardOf(key), earlier)).toThrow(/does not match its signature/);
    const notice = undoNoticeFileOf(file);
    const n = {
      notice: 'officeport import undone' as const,
      notice_version: 1 as const,
      bundle_id: 'B1',
      accept_id: 'A1',
      receipt_sha256: sha256(RECEIPT),
      target: { installation_id: 'I-T', office_id: 'O-T', user_id: 'U-1' },
      undone_at: '2026-01-02T03:04:05.000Z',
      signed_with: earlier,
    };
    fs.writeFileSync(notice, undoNoticeText(n));
    signWhole(notice);
    expect(() => requireNotUndone(file, { bundle_id: 'B1', accept_id: 'A1' }, cardOf(key))).toThrow(/was undone in the target/);
  });

  it('T4: a receipt with one outcome changed is refused, naming the signature', () => {
    const key = officeKey();
    const file = signedReceipt(key);
    fs.writeFileSync(file, RECEIPT.replace('"merged"', '"created"'));
    expect(() => requireSignedReceipt(file, 'B1', cardOf(key), signedWith(key))).toThrow(
      /does not match its signature .*receipt\.json\.sig.*changed after it was signed/,
    );
  });

  it('T4: a receipt without its signature is refused', () => {
    const key = officeKey();
    const file = signedReceipt(key);
    fs.rmSync(signatureFileOf(file));
    expect(() => requireSignedReceipt(file, 'B1', cardOf(key), signedWith(key))).toThrow(/is not signed: bundle B1 was sent encrypted to office Springfield/);
  });

  it("T4: a receipt signed by another office's key is refused, naming both keys when the receipt names its signer", () => {
    const other = officeKey();
    const file = signedReceipt(other);
    const card = cardOf(officeKey());
    expect(() => requireSignedReceipt(file, 'B1', card, signedWith(other))).toThrow(
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
      signed_with: { alg: 'Ed25519', key_fingerprint: key.fingerprint, form: 'sha256-statement' },
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

  it('T4: a signed receipt verifies with sha256sum and openssl pkeyutl -verify -rawin against the public key, and an edited one does not', () => {
    const key = officeKey();
    const file = signedReceipt(key);
    expect(opensslVerifies(file, key.ed25519_public_pem)).toBe(true);
    expect(opensslVerifies(file, officeKey().ed25519_public_pem)).toBe(false);
    expect(opensslVerifies(file, key.ed25519_public_pem, 'undo notice')).toBe(false);
    fs.writeFileSync(file, RECEIPT.replace('"merged"', '"created"'));
    expect(opensslVerifies(file, key.ed25519_public_pem)).toBe(false);
  });

  it('T5: an undo notice verifies with sha256sum and openssl pkeyutl -verify -rawin', () => {
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
    expect(opensslVerifies(notice, key.ed25519_public_pem, 'undo notice')).toBe(true);
    expect(opensslVerifies(notice, key.ed25519_public_pem, 'import receipt')).toBe(false);
  });
});
