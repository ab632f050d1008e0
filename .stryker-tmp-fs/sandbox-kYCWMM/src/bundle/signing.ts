// @ts-nocheck
// Ed25519 signatures over tagmanifest-sha256.txt (B7).
//
// The tag manifest holds the sha256 of bagit.txt, bag-info.txt,
// manifest-sha256.txt and officeport.json, and the manifest holds the sha256 of
// every payload file, so a valid signature over it covers the whole bag.
// officeport.sig (at the bag root, not listed in the tag manifest) is JSON:
//   {"algorithm":"Ed25519","public_key_sha256":"<hex sha256 of the SPKI DER>",
//    "public_key":"<base64 of the SPKI DER>","signature":"<base64>"}
// (docs/bundle-format.md, "The signature file"). The public key travels so that
// verify always checks the signature (V5); `--trust` then pins the signer.
// Bundles signed before it travelled lack `public_key`: their signature is
// checked only against a trusted key.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { ErrorCode, OfficeportError } from '../shared/errors.js';

export const SIGNATURE_ALGORITHM = 'Ed25519';

export interface SignatureFile {
  algorithm: 'Ed25519';
  /** the key id (fingerprint): hex sha256 of the signer's SPKI DER */
  public_key_sha256: string;
  /** base64 of the signer's SPKI DER (absent in bundles signed before it travelled) */
  public_key?: string;
  signature: string;
}

/**
 * V5: what a bundle's signature says, worked out once when the bag is opened
 * and shown in the same words by verify, inspect and the HTML report.
 * - unsigned: no officeport.sig;
 * - signed: the signature checks with the public key it carries, no key pinned;
 * - trusted: it checks, and the signer is the key given with --trust;
 * - unchecked: an older signature without its public key, and no --trust to check it with;
 * - invalid: it does not check, or another key than the trusted one signed (the bundle is invalid).
 * `fingerprint`: hex sha256 of the signer's SubjectPublicKeyInfo DER (the key id).
 */
export type SignatureState =
  | { state: 'unsigned' }
  | { state: 'signed'; fingerprint: string; trusted: false }
  | { state: 'trusted'; fingerprint: string }
  | { state: 'unchecked'; fingerprint: string }
  | { state: 'invalid'; fingerprint?: string; why: string };

/** A signature state with the sentence every surface shows for it (--json carries both). */
export type SignatureReport = SignatureState & { text: string };

/** The state with its sentence. */
export function signatureJson(s: SignatureState): SignatureReport {
  return { ...s, text: signatureWords(s) };
}

/** The one sentence each surface shows for a signature state (V5). */
export function signatureWords(s: SignatureState): string {
  switch (s.state) {
    case 'unsigned':
      return 'not signed';
    case 'signed':
      return `signed by key ${s.fingerprint}, valid (not pinned: give --trust KEY.pub to require this signer)`;
    case 'trusted':
      return `valid, signed by the trusted key ${s.fingerprint}`;
    case 'unchecked':
      return `signed by key ${s.fingerprint}, not checked: give --trust KEY.pub (this older signature does not carry its public key)`;
    case 'invalid':
      return `signature invalid: ${s.why}`;
  }
}

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function generateKeyPair(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Writes KEYBASE.key (private, mode 0600) and KEYBASE.pub. Refuses when either
 * exists; each file appears whole (temporary name, then a hard link that fails
 * if the name was taken meanwhile).
 */
export async function writeKeyPair(keyBase: string): Promise<{ privateKeyFile: string; publicKeyFile: string; publicKeySha256: string }> {
  const privateKeyFile = `${keyBase}.key`;
  const publicKeyFile = `${keyBase}.pub`;
  for (const f of [privateKeyFile, publicKeyFile]) {
    if (fs.existsSync(f))
      throw new OfficeportError(ErrorCode.REFUSED, `${f} already exists; keygen never overwrites a key`, {
        hint: 'choose another --out base name, or move the old key pair away first',
      });
  }
  const pair = generateKeyPair();
  await writeNew(privateKeyFile, pair.privateKeyPem, 0o600);
  try {
    await writeNew(publicKeyFile, pair.publicKeyPem, 0o644);
  } catch (e) {
    await fs.promises.rm(privateKeyFile, { force: true });
    throw e;
  }
  return { privateKeyFile, publicKeyFile, publicKeySha256: publicKeySha256(createPublicKey(pair.publicKeyPem)) };
}

async function writeNew(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.partial`;
  await fs.promises.writeFile(tmp, content, { mode, flag: 'wx' });
  try {
    await fs.promises.chmod(tmp, mode); // writeFile's mode is masked by the umask
    await fs.promises.link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new OfficeportError(ErrorCode.REFUSED, `${file} already exists; keygen never overwrites a key`);
    throw e;
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

/** Reads an Ed25519 private key (PEM) for `--sign KEY`. */
export function readPrivateKey(file: string): KeyObject {
  const pem = readKeyFile(file, 'private');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not a PEM private key`, {
      hint: 'pass the .key file written by `officeport keygen`',
    });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} holds a ${key.asymmetricKeyType} key; expected Ed25519`, {
      hint: 'make a key pair with `officeport keygen --out KEYBASE`',
    });
  return key;
}

/** Reads an Ed25519 public key (PEM) for `--trust PUBKEY`; a private key file is accepted too. */
export function readPublicKey(file: string): KeyObject {
  const pem = readKeyFile(file, 'public');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not a PEM public key`, {
      hint: 'pass the .pub file written by `officeport keygen`',
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} holds a ${key.asymmetricKeyType} key; expected Ed25519`);
  return key;
}

function readKeyFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `cannot read the ${what} key file ${file}: ${(e as Error).message}`, {
      hint: 'make a key pair with `officeport keygen --out KEYBASE`',
    });
  }
}

/** hex sha256 of the public key's SPKI DER: names the key in officeport.sig. */
export function publicKeySha256(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function sign(tagmanifest: Buffer, privateKey: KeyObject): SignatureFile {
  // B6: the public key's DER and an Ed25519 signature are both deterministic
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return {
    algorithm: SIGNATURE_ALGORITHM,
    public_key_sha256: createHash('sha256').update(der).digest('hex'),
    public_key: der.toString('base64'),
    signature: cryptoSign(null, tagmanifest, privateKey).toString('base64'),
  };
}

/** The bytes of officeport.sig. */
export function signatureFileContent(tagmanifest: Buffer, privateKey: KeyObject): string {
  return JSON.stringify(sign(tagmanifest, privateKey), null, 2) + '\n';
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * V5: the state of a bundle's signature. `sigText` is officeport.sig's text
 * (undefined when the bundle has none), `tagmanifest` the exact bytes of
 * tagmanifest-sha256.txt, `trusted` the key given with --trust.
 */
export function signatureState(sigText: string | undefined, tagmanifest: Buffer, trusted?: KeyObject): SignatureState {
  if (sigText === undefined)
    return trusted ? { state: 'invalid', why: 'the bundle is not signed, but a signature by the trusted key is required' } : { state: 'unsigned' };
  const invalid = (why: string, fingerprint?: string): SignatureState => (fingerprint ? { state: 'invalid', fingerprint, why } : { state: 'invalid', why });
  let sig: Partial<Record<keyof SignatureFile, unknown>>;
  try {
    sig = JSON.parse(sigText) as typeof sig;
  } catch {
    return invalid('officeport.sig is not JSON');
  }
  if (sig === null || typeof sig !== 'object' || Array.isArray(sig)) return invalid('officeport.sig is not a JSON object');
  const id = typeof sig.public_key_sha256 === 'string' && /^[0-9a-f]{64}$/.test(sig.public_key_sha256) ? sig.public_key_sha256 : undefined;
  if (sig.algorithm !== SIGNATURE_ALGORITHM) return invalid(`algorithm is ${JSON.stringify(sig.algorithm)}; expected "Ed25519"`, id);
  if (!id) return invalid('public_key_sha256 is not 64 lower-case hex digits');
  if (typeof sig.signature !== 'string' || !BASE64.test(sig.signature)) return invalid('signature is not base64 text', id);
  const trustedId = trusted && publicKeySha256(trusted);
  let key: KeyObject;
  if (sig.public_key === undefined) {
    // an older signature: the key id alone, so only a trusted key can check it
    if (!trusted) return { state: 'unchecked', fingerprint: id };
    key = trusted;
  } else {
    if (typeof sig.public_key !== 'string' || !BASE64.test(sig.public_key)) return invalid('public_key is not base64 text', id);
    const der = Buffer.from(sig.public_key, 'base64');
    try {
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    } catch {
      return invalid('public_key is not a DER SubjectPublicKeyInfo', id);
    }
    if (key.asymmetricKeyType !== 'ed25519') return invalid(`public_key is a ${key.asymmetricKeyType} key; expected Ed25519`, id);
    const carried = createHash('sha256').update(der).digest('hex');
    if (carried !== id) return invalid(`public_key_sha256 ${id} is not the sha256 of the public key it carries (${carried})`, carried);
  }
  if (trustedId !== undefined && id !== trustedId) return invalid(`made by key ${id}, not by the trusted key ${trustedId}`, id);
  if (!cryptoVerify(null, tagmanifest, key, Buffer.from(sig.signature, 'base64')))
    return invalid('the signature does not match tagmanifest-sha256.txt (the bag was changed after signing)', id);
  return trusted ? { state: 'trusted', fingerprint: id } : { state: 'signed', fingerprint: id, trusted: false };
}
