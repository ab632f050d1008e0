// Ed25519 signatures over tagmanifest-sha256.txt (B7).
//
// The tag manifest holds the sha256 of bagit.txt, bag-info.txt,
// manifest-sha256.txt and officeport.json, and the manifest holds the sha256 of
// every payload file, so a valid signature over it covers the whole bag.
// officeport.sig (at the bag root, not listed in the tag manifest) is JSON:
//   {"algorithm":"Ed25519","public_key_sha256":"<hex sha256 of the SPKI DER>","signature":"<base64>"}
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { ErrorCode, OfficeportError } from '../shared/errors.js';

export const SIGNATURE_ALGORITHM = 'Ed25519';

export interface SignatureFile {
  algorithm: 'Ed25519';
  public_key_sha256: string;
  signature: string;
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
  return {
    algorithm: SIGNATURE_ALGORITHM,
    public_key_sha256: publicKeySha256(privateKey),
    signature: cryptoSign(null, tagmanifest, privateKey).toString('base64'),
  };
}

/** The bytes of officeport.sig. */
export function signatureFileContent(tagmanifest: Buffer, privateKey: KeyObject): string {
  return JSON.stringify(sign(tagmanifest, privateKey), null, 2) + '\n';
}

/**
 * Checks officeport.sig's text against the tag manifest and a trusted public
 * key. Returns null when valid, else what is wrong (a sentence).
 */
export function verifySignature(sigText: string, tagmanifest: Buffer, trusted: KeyObject): string | null {
  let sig: Partial<SignatureFile>;
  try {
    sig = JSON.parse(sigText) as Partial<SignatureFile>;
  } catch {
    return 'is not JSON';
  }
  if (sig === null || typeof sig !== 'object') return 'is not a JSON object';
  if (sig.algorithm !== SIGNATURE_ALGORITHM) return `algorithm is ${JSON.stringify(sig.algorithm)}; expected "Ed25519"`;
  if (typeof sig.signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(sig.signature)) return 'signature is not base64 text';
  const trustedId = publicKeySha256(trusted);
  if (sig.public_key_sha256 !== trustedId)
    return `was made by key ${String(sig.public_key_sha256).slice(0, 16)}…, not by the trusted key ${trustedId.slice(0, 16)}…`;
  const ok = cryptoVerify(null, tagmanifest, trusted, Buffer.from(sig.signature, 'base64'));
  return ok ? null : 'signature does not match tagmanifest-sha256.txt (the bag was changed after signing, or signed by another key)';
}
