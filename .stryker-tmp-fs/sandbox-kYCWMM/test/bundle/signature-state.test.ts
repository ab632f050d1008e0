// @ts-nocheck
// V5: the one signature state, from officeport.sig's text, the tag manifest's
// bytes and the key given with --trust (src/bundle/signing.ts).
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, publicKeySha256, sign, signatureFileContent, signatureState, signatureWords } from '../../src/bundle/signing.js';

const pair = generateKeyPair();
const priv = createPrivateKey(pair.privateKeyPem);
const pub = createPublicKey(pair.publicKeyPem);
const other = generateKeyPair();
const otherPriv = createPrivateKey(other.privateKeyPem);
const otherPub = createPublicKey(other.publicKeyPem);
const TAG = Buffer.from('0000000000000000000000000000000000000000000000000000000000000000  bagit.txt\n');
const id = publicKeySha256(pub);

describe('V5: signature states', () => {
  it('V5: unsigned, signed (not pinned) and trusted, each in its words', () => {
    const text = signatureFileContent(TAG, priv);
    expect(signatureState(undefined, TAG)).toEqual({ state: 'unsigned' });
    expect(signatureState(text, TAG)).toEqual({ state: 'signed', fingerprint: id, trusted: false });
    expect(signatureState(text, TAG, pub)).toEqual({ state: 'trusted', fingerprint: id });
    expect(signatureWords({ state: 'unsigned' })).toBe('not signed');
    expect(signatureWords({ state: 'signed', fingerprint: id, trusted: false })).toBe(
      `signed by key ${id}, valid (not pinned: give --trust KEY.pub to require this signer)`,
    );
    expect(signatureWords({ state: 'trusted', fingerprint: id })).toBe(`valid, signed by the trusted key ${id}`);
  });

  it('V5: changed bytes, another trusted key, or no signature under --trust are invalid', () => {
    const text = signatureFileContent(TAG, priv);
    const changed = Buffer.from(TAG.toString().replace('bagit', 'bagot'));
    expect(signatureState(text, changed)).toMatchObject({ state: 'invalid', fingerprint: id, why: expect.stringMatching(/does not match/) });
    expect(signatureState(text, TAG, otherPub)).toMatchObject({ state: 'invalid', why: expect.stringMatching(/not by the trusted key/) });
    expect(signatureState(undefined, TAG, pub)).toMatchObject({ state: 'invalid', why: expect.stringMatching(/not signed/) });
  });

  it("V5: a forger's key under the original key id is invalid; under its own id it shows the forger's fingerprint", () => {
    const forged = sign(TAG, otherPriv);
    expect(signatureState(JSON.stringify({ ...forged, public_key_sha256: id }), TAG)).toMatchObject({
      state: 'invalid',
      why: expect.stringMatching(/is not the sha256 of the public key it carries/),
    });
    expect(signatureState(JSON.stringify(forged), TAG)).toEqual({ state: 'signed', fingerprint: publicKeySha256(otherPub), trusted: false });
    expect(signatureState(JSON.stringify(forged), TAG, pub).state).toBe('invalid');
  });

  it('V5: an older signature without its public key is unchecked without --trust, checked with it', () => {
    const { public_key: _carried, ...old } = sign(TAG, priv);
    expect(signatureState(JSON.stringify(old), TAG)).toEqual({ state: 'unchecked', fingerprint: id });
    expect(signatureWords({ state: 'unchecked', fingerprint: id })).toMatch(/^signed by key [0-9a-f]{64}, not checked: give --trust/);
    expect(signatureState(JSON.stringify(old), TAG, pub)).toEqual({ state: 'trusted', fingerprint: id });
    expect(signatureState(JSON.stringify(old), Buffer.from('x'), pub).state).toBe('invalid');
  });

  it('V5: malformed officeport.sig files are invalid, never valid-looking', () => {
    const good = sign(TAG, priv);
    for (const text of [
      'not json',
      '[]',
      'null',
      JSON.stringify({ ...good, algorithm: 'RSA' }),
      JSON.stringify({ ...good, public_key: 'AAAA' }),
      JSON.stringify({ ...good, signature: 1 }),
    ])
      expect(signatureState(text, TAG).state, text).toBe('invalid');
  });
});
