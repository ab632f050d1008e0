// @ts-nocheck
// T4, T5: receipts of a bundle sent to an address card are signed by the
// target office with its Ed25519 key, and so is the notice that an import of
// such a bundle was undone. The form (docs/trust.md):
//   - what is signed is a one-line statement that names the file's kind and
//     the SHA-256 of its bytes exactly as written (the receipt with its seal,
//     or the undo notice):
//       officeport v1 import receipt sha256 <64 hex>\n
//       officeport v1 undo notice sha256 <64 hex>\n
//     so the file is hashed as a stream and never held whole (P1: a receipt is
//     100 to 150 bytes per record it names, 313 MB at 1,000,000 contacts), and
//     a signature made for one kind is never taken for the other; the file's
//     name is not in it (receipts are renamed and written again elsewhere);
//   - the signature is detached, beside the file: FILE.sig holds the 64 raw
//     bytes of the Ed25519 signature (RFC 8032, pure Ed25519) of the statement,
//     the form that `openssl pkeyutl -verify -rawin -pubin -inkey KEY.pem -sigfile FILE.sig -in STATEMENT`
//     checks with the public key of the card, STATEMENT made with sha256sum;
//   - the signed file names the key and the form in `signed_with`
//     {alg, key_fingerprint, form: "sha256-statement"} (the fingerprint is the
//     hex SHA-256 of the key's SPKI DER, as on the card), so a wrong key is
//     named in the refusal; the key finalize checks against is always the one
//     of the card the export ledger recorded, never the one the file names.
//   - files signed by the release before this one have no `form`: their
//     signature is over the file's whole bytes. They are still checked (and
//     written again by `import receipt`) in that form, holding the file in
//     memory once; the form is read from the file, and a file that names the
//     statement form is never checked in the other.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { writeOutputFile, type OutputOptions } from '../shared/output-file.js';

export const SIGNATURE_ALG = 'Ed25519' as const;
const SIGNATURE_BYTES = 64;
/** The `form` of a file signed through its statement (this release on). */
export const STATEMENT_FORM = 'sha256-statement' as const;

/** How a file was signed: through its statement, or (the release before) its whole bytes. */
export type SignatureForm = typeof STATEMENT_FORM | 'whole-file';

/** What a signed file is; the statement names it. */
export type SignedKind = 'import receipt' | 'undo notice';

/** What a signed file says about the key that signed it, and how. */
export interface SignedWith {
  alg: typeof SIGNATURE_ALG;
  key_fingerprint: string;
  /** absent in files the release before this one signed: their signature is over the whole file */
  form?: typeof STATEMENT_FORM;
}

/** The form a signed file names in its `signed_with` (none: the earlier whole-file form). */
export function formOf(signed: { form?: unknown } | undefined): SignatureForm {
  return signed?.form === undefined ? 'whole-file' : STATEMENT_FORM;
}

/** The statement signed for a file of this kind whose bytes hash to `sha256` (hex): one line, newline-ended. */
export function signedStatement(kind: SignedKind, sha256: string): Buffer {
  return Buffer.from(`officeport v1 ${kind} sha256 ${sha256}\n`, 'utf8');
}

/** Hex SHA-256 of a file's bytes, read 1 MiB at a time (a receipt reaches hundreds of megabytes). */
export function sha256OfFile(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n = fs.readSync(fd, buf, 0, buf.length, null); n > 0; n = fs.readSync(fd, buf, 0, buf.length, null)) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** The bytes the signature of FILE covers in that form: its statement, or (earlier form) the file read whole. */
function signedBytes(file: string, kind: SignedKind, form: SignatureForm, sha256?: string): Buffer {
  return form === STATEMENT_FORM ? signedStatement(kind, sha256 ?? sha256OfFile(file)) : fs.readFileSync(file);
}

/** The Ed25519 key pair of an office, as the store keeps it (PEM). */
export interface SigningKey {
  ed25519_private_pem: string;
  ed25519_public_pem: string;
  fingerprint: string;
}

/** Where the detached signature of `file` lies: beside it, FILE.sig. */
export function signatureFileOf(file: string): string {
  return `${file}.sig`;
}

/** Where `import undo` puts the undo notice of a receipt: beside it, RECEIPT.undone.json. */
export function undoNoticeFileOf(receiptFile: string): string {
  return `${receiptFile.replace(/\.json$/i, '')}.undone.json`;
}

/** Hex SHA-256 of the key's SPKI DER: the fingerprint a card shows. */
export function keyFingerprint(publicPem: string): string {
  const der = crypto.createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('hex');
}

export function signedWith(key: Pick<SigningKey, 'fingerprint'>): SignedWith {
  return { alg: SIGNATURE_ALG, key_fingerprint: key.fingerprint, form: STATEMENT_FORM };
}

/** The 64-byte Ed25519 signature of the bytes. */
export function signBytes(bytes: Buffer, privatePem: string): Buffer {
  return crypto.sign(null, bytes, crypto.createPrivateKey(privatePem));
}

export function verifyBytes(bytes: Buffer, signature: Buffer, publicPem: string): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  return crypto.verify(null, bytes, crypto.createPublicKey(publicPem), signature);
}

/** The signature of the file as it is on disk, in the form it names (this release writes the statement form). */
export function signFile(file: string, kind: SignedKind, privatePem: string, form: SignatureForm = STATEMENT_FORM): Buffer {
  return signBytes(signedBytes(file, kind, form), privatePem);
}

export type SignatureCheck = { kind: 'signed'; form: SignatureForm } | { kind: 'missing'; sigFile: string } | { kind: 'mismatch'; sigFile: string };

/** Checks FILE against FILE.sig under the public key, in the form the file names (`sha256` of the file when known). */
export function checkFileSignature(file: string, kind: SignedKind, publicPem: string, form: SignatureForm, sha256?: string): SignatureCheck {
  const sigFile = signatureFileOf(file);
  let sig: Buffer;
  try {
    sig = fs.readFileSync(sigFile);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', sigFile };
    throw e;
  }
  if (sig.length !== SIGNATURE_BYTES) return { kind: 'mismatch', sigFile };
  return verifyBytes(signedBytes(file, kind, form, sha256), sig, publicPem) ? { kind: 'signed', form } : { kind: 'mismatch', sigFile };
}

/** T5: what the target tells the source when it undid the import a signed receipt answers. */
export interface UndoNotice {
  notice: 'officeport import undone';
  notice_version: 1;
  bundle_id: string;
  accept_id: string;
  /** hex SHA-256 of the receipt's bytes as the import wrote them */
  receipt_sha256: string;
  target: { installation_id: string; office_id: string; user_id: string };
  undone_at: string;
  signed_with: SignedWith;
}

export function undoNoticeText(n: UndoNotice): string {
  return `${JSON.stringify(n, null, 2)}\n`;
}

export function sha256Hex(bytes: Buffer | string): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** An undo notice's fields, or what is wrong with them (the signature is checked apart). */
export function parseUndoNotice(text: string): UndoNotice | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  const n = v as Partial<UndoNotice> | null;
  if (!n || typeof n !== 'object' || n.notice !== 'officeport import undone' || n.notice_version !== 1) {
    return 'expected an officeport undo notice ("notice": "officeport import undone", "notice_version": 1)';
  }
  for (const k of ['bundle_id', 'accept_id', 'receipt_sha256', 'undone_at'] as const) {
    if (typeof n[k] !== 'string' || n[k] === '') return `expected a non-empty string at ${k}`;
  }
  return n as UndoNotice;
}

/** The card a bundle was exported to, as far as checking its receipts goes (AddressCard of the store port). */
export interface SignerCard {
  installation: { id: string; name: string };
  office: { id: string; name: string };
  ed25519_public_key: string;
  fingerprint: string;
}

function cardWords(card: SignerCard): string {
  return `office ${card.office.name} (${card.office.id}) of installation ${card.installation.name} (${card.installation.id})`;
}

const REISSUE_HINT =
  'finalize only with the receipt and its signature exactly as the import wrote them; the target can write both again: officeport import receipt BUNDLE --db TARGET --office O --user U --out FILE';

/**
 * T4: the receipt of a bundle sent to a card must come with RECEIPT.sig, the
 * signature of its statement (or, signed by the release before, of its bytes)
 * by the key on that card. `claimed` is what the receipt says signed it and
 * how (the key only words the refusal); `sha256` is the receipt's, when the
 * caller hashed it already. Returns the form that verified.
 */
export function requireSignedReceipt(file: string, bundleId: string, card: SignerCard, claimed?: SignedWith, sha256?: string): SignatureForm {
  const check = checkFileSignature(file, 'import receipt', card.ed25519_public_key, formOf(claimed), sha256);
  if (check.kind === 'signed') return check.form;
  const sentTo = `bundle ${bundleId} was sent encrypted to ${cardWords(card)}`;
  if (check.kind === 'missing') {
    throw new OfficeportError(
      ErrorCode.REFUSED,
      `${file} is not signed: ${sentTo}, so its receipt must come with the signature ${check.sigFile} that the import wrote beside it, and there is none; nothing was changed`,
      { hint: `put the receipt's .sig file beside it. ${REISSUE_HINT}` },
    );
  }
  const other =
    claimed && claimed.key_fingerprint !== card.fingerprint
      ? `it says it was signed by key ${claimed.key_fingerprint}, not by the card's key ${card.fingerprint}`
      : `the receipt was changed after it was signed, or signed by another key than the card's (${card.fingerprint})`;
  throw new OfficeportError(
    ErrorCode.REFUSED,
    `${file} does not match its signature ${check.sigFile} under the key of the card bundle ${bundleId} was sent to (${cardWords(card)}): ${other}; nothing was changed`,
    { hint: REISSUE_HINT },
  );
}

/**
 * T5: a receipt whose import the target undid is refused. The notice lies
 * beside the receipt (RECEIPT.undone.json) or is named with --undone; it
 * counts only when its signature (NOTICE.sig) verifies under the card's key,
 * and a notice that does not verify is itself refused.
 */
export function requireNotUndone(receiptFile: string, receipt: { bundle_id: string; accept_id: string }, card: SignerCard, given?: string): void {
  const beside = undoNoticeFileOf(receiptFile);
  const file = given ?? (fs.existsSync(beside) ? beside : undefined);
  if (!file) return;
  const notice = readSignedNotice(file, card);
  if (notice.accept_id !== receipt.accept_id || notice.bundle_id !== receipt.bundle_id) {
    throw new OfficeportError(
      ErrorCode.REFUSED,
      `the undo notice ${file} is about import ${notice.accept_id} of bundle ${notice.bundle_id}, not about this receipt (import ${receipt.accept_id} of bundle ${receipt.bundle_id}); nothing was changed`,
      { hint: given ? 'name the undo notice written for this receipt with --undone' : `move ${file} away from the receipt: it belongs to another one` },
    );
  }
  throw new OfficeportError(
    ErrorCode.REFUSED,
    `import ${receipt.accept_id} of bundle ${receipt.bundle_id} was undone in the target at ${notice.undone_at} (signed notice ${file}): the contacts did not stay there, so nothing is removed here; nothing was changed`,
    { hint: 'the target can import the bundle again and send the new receipt' },
  );
}

function readSignedNotice(file: string, card: SignerCard): UndoNotice {
  let text: Buffer;
  try {
    text = fs.readFileSync(file);
  } catch (e) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `cannot read the undo notice ${file}: ${(e as Error).message}`, {
      hint: 'name the undo notice that import undo wrote beside the receipt',
    });
  }
  const check = checkFileSignature(file, 'undo notice', card.ed25519_public_key, noticeForm(text.toString('utf8')), sha256Hex(text));
  if (check.kind !== 'signed') {
    const why = check.kind === 'missing' ? `it has no signature (${check.sigFile} is missing)` : `it does not match its signature ${check.sigFile}`;
    throw new OfficeportError(
      ErrorCode.REFUSED,
      `the undo notice ${file} cannot be trusted: ${why} under the key of ${cardWords(card)}, the card the bundle was sent to; nothing was changed`,
      { hint: 'use the undo notice and its .sig file exactly as import undo wrote them in the target office' },
    );
  }
  const n = parseUndoNotice(text.toString('utf8'));
  if (typeof n === 'string') throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is not an undo notice: ${n}; nothing was changed`);
  return n;
}

/** T4: the key an office signs its receipts and undo notices with (the store makes it on first use). */
export async function officeSigningKey(trust: { officeKeys(officeId: string): Promise<SigningKey> }, officeId: string): Promise<SigningKey> {
  const k = await trust.officeKeys(officeId);
  return { ed25519_private_pem: k.ed25519_private_pem, ed25519_public_pem: k.ed25519_public_pem, fingerprint: k.fingerprint };
}

/** Writes FILE.sig, the signature of FILE, beside it (never over a file unless `force`). */
export function publishSignature(file: string, signature: Buffer, opts: OutputOptions = {}): string {
  const sigFile = signatureFileOf(file);
  writeOutputFile(sigFile, signature, opts);
  return sigFile;
}

/** Signs FILE as it is on disk, in the form it names, and writes FILE.sig beside it. */
export function signFileBeside(file: string, kind: SignedKind, key: SigningKey, opts: OutputOptions = {}, form: SignatureForm = STATEMENT_FORM): string {
  return publishSignature(file, signFile(file, kind, key.ed25519_private_pem, form), opts);
}

/** The form an undo notice names (a notice that is not JSON is checked as the earlier form, and refused when its signature does not verify). */
function noticeForm(text: string): SignatureForm {
  try {
    return formOf((JSON.parse(text) as { signed_with?: { form?: unknown } } | null)?.signed_with);
  } catch {
    return 'whole-file';
  }
}

/**
 * The `signed_with` of a receipt's head, if it has one: the head is the text
 * before `"outcomes"` (receipt.ts writes it first), so a large receipt is not
 * parsed for it.
 */
export function receiptSignedWith(receiptText: string): SignedWith | undefined {
  const at = receiptText.indexOf(',\n  "outcomes": [');
  if (at < 0) return undefined;
  try {
    const head = JSON.parse(`${receiptText.slice(0, at)}\n}`) as { signed_with?: SignedWith };
    return head.signed_with?.alg === SIGNATURE_ALG ? head.signed_with : undefined;
  } catch {
    return undefined;
  }
}

/**
 * T5: writes the signed undo notice of a signed receipt beside it
 * (RECEIPT.undone.json and RECEIPT.undone.json.sig). Run again (after a kill,
 * or for an import undone before), it leaves a notice this office signed for
 * this import as it is and signs one whose signature is missing; it never
 * writes over another file.
 */
export function writeUndoNotice(receiptFile: string, notice: Omit<UndoNotice, 'signed_with' | 'notice' | 'notice_version'>, key: SigningKey): string {
  const file = undoNoticeFileOf(receiptFile);
  const sigFile = signatureFileOf(file);
  if (fs.existsSync(file)) {
    const kept = parseUndoNotice(fs.readFileSync(file, 'utf8'));
    const ours = typeof kept !== 'string' && kept.accept_id === notice.accept_id && kept.signed_with?.key_fingerprint === key.fingerprint;
    if (!ours) {
      throw new OfficeportError(ErrorCode.REFUSED, `the import was undone, but ${file} is in the way of its undo notice and is not that notice`, {
        hint: 'move that file away and run import undo again: it writes the notice without undoing anything twice',
      });
    }
    // a notice the release before signed names no form: it is signed again in its own form
    const form = formOf(kept.signed_with);
    if (checkFileSignature(file, 'undo notice', key.ed25519_public_pem, form).kind !== 'signed')
      signFileBeside(file, 'undo notice', key, { force: true }, form);
    return file;
  }
  const full: UndoNotice = { notice: 'officeport import undone', notice_version: 1, ...notice, signed_with: signedWith(key) };
  const text = undoNoticeText(full);
  writeOutputFile(file, text);
  publishSignature(file, signBytes(signedStatement('undo notice', sha256Hex(text)), key.ed25519_private_pem), { force: fs.existsSync(sigFile) });
  return file;
}
