// @ts-nocheck
// Signed receipts and undo notices on the real binary, between the two sample
// installations: the target writes its card, the source exports to it, the
// target imports the encrypted bundle in the addressed office (its own keys),
// and the source finalizes. openssl checks the signatures as a source office
// would, from the card alone.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { Sealer } from '../../src/trust/receipt-seal.js';
import { ROOT, run, runOk, tmpDir } from '../helpers/cli.js';
import { snapshotDir } from '../helpers/installation.js';
import { skipWithoutTool } from '../helpers/tools.js';

const SRC = ['--office', 'North Agency', '--user', 'alice'];
const TGT = ['--office', 'Springfield Agency', '--user', 'dana'];

interface Move {
  dir: string;
  source: string;
  target: string;
  card: string;
  bundle: string;
  receipt: string;
}

/** Two installations, a card of the target, a bundle exported to it and imported there. */
function moveByCard(): Move {
  const dir = tmpDir('officeport-signed-');
  const source = path.join(dir, 'source.db');
  const target = path.join(dir, 'target.db');
  for (const [db, sample] of [
    [source, 'source'],
    [target, 'target'],
  ]) {
    runOk(['init', '--db', db!]);
    runOk(['load', path.join(ROOT, 'samples', sample!), '--db', db!]);
  }
  const card = path.join(dir, 'springfield.card.json');
  runOk(['address', '--db', target, ...TGT, '--out', card]);
  // the office's administrator writes its identity; the import reads the bundle with it
  const identity = path.join(dir, 'springfield.identity.txt');
  runOk([
    'address',
    '--db',
    target,
    '--office',
    'Springfield Agency',
    '--user',
    'tadmin',
    '--out',
    path.join(dir, 'admin.card.json'),
    '--identity-out',
    identity,
  ]);
  const bundle = path.join(dir, 'move.age');
  runOk(['export', '--db', source, '--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield', '--to', card, '--out', bundle]);
  const receipt = path.join(dir, 'receipt.json');
  // in the office the bundle is addressed to, its own keys open it
  runOk(['import', bundle, '--db', target, ...TGT, '--receipt', receipt]);
  return { dir, source, target, card, bundle, receipt };
}

/** The card's Ed25519 public key as a PEM file, for openssl. */
function cardKeyPem(card: string): string {
  const pem = path.join(path.dirname(card), `card-${crypto.randomUUID()}.pem`);
  fs.writeFileSync(pem, (JSON.parse(fs.readFileSync(card, 'utf8')) as { ed25519_public_key: string }).ed25519_public_key);
  return pem;
}

/**
 * openssl's verdict on FILE.sig, as docs/trust.md shows it: the statement
 * made with sha256sum of FILE, then pkeyutl -verify -rawin over the statement.
 */
function opensslVerify(pubPem: string, file: string, kind: 'import receipt' | 'undo notice'): { ok: boolean; out: string } {
  const statement = `${file}.statement`;
  const made = spawnSync('sh', ['-c', `echo "officeport v1 ${kind} sha256 $(sha256sum < "$1" | cut -d' ' -f1)" > "$2"`, 'sh', file, statement]);
  expect(made.status).toBe(0);
  const r = spawnSync('openssl', ['pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', pubPem, '-sigfile', `${file}.sig`, '-in', statement], {
    encoding: 'utf8',
  });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The target office's key pair, as its installation keeps it. */
async function targetKeys(db: string) {
  const store = openStore(db);
  try {
    return await store.trust.officeKeys('T-SPRING');
  } finally {
    store.close();
  }
}

/** What the source installation holds, as `dump` writes it. */
let dumps = 0;
function sourceState(m: Move): Record<string, string> {
  const out = path.join(m.dir, `dump-${dumps++}`);
  runOk(['dump', out, '--db', m.source]);
  const snap = snapshotDir(out);
  fs.rmSync(out, { recursive: true });
  return snap;
}

/** A copy of the receipt (and, unless told not to, its signature) in a folder of its own. */
function copyReceipt(m: Move, name: string, withSig = true): string {
  const dir = path.join(m.dir, name);
  fs.mkdirSync(dir);
  const file = path.join(dir, 'receipt.json');
  fs.copyFileSync(m.receipt, file);
  if (withSig) fs.copyFileSync(`${m.receipt}.sig`, `${file}.sig`);
  return file;
}

/** The receipt with one outcome changed and sealed again with the bundle's receipt key, so that only its signature tells. */
function withOneOutcomeChanged(m: Move, file: string): void {
  resealed(m, file, (body) => body.replace(/"outcome":"created"/, '"outcome":"merged"'));
}

/** The receipt changed by `change` and sealed again with the bundle's receipt key. */
function resealed(m: Move, file: string, change: (body: string) => string): void {
  const text = fs.readFileSync(file, 'utf8');
  const body = text.slice(0, text.lastIndexOf(',\n  "seal": "'));
  const changed = change(body);
  expect(changed).not.toBe(body);
  const bundleId = (JSON.parse(text) as { bundle_id: string }).bundle_id;
  const db = new Database(m.source, { readonly: true });
  const key = db.prepare('SELECT receipt_key FROM export_ledger WHERE bundle_id = ?').pluck().get(bundleId) as string;
  db.close();
  const sealer = new Sealer(key);
  sealer.update(changed);
  fs.writeFileSync(file, changed + sealer.tail());
}

function bundleId(m: Move): string {
  return (JSON.parse(fs.readFileSync(m.receipt, 'utf8')) as { bundle_id: string }).bundle_id;
}

function finalize(m: Move, receipt: string, ...extra: string[]) {
  return run(['finalize', receipt, '--db', m.source, ...SRC, '--yes', ...extra]);
}

const opensslPresent = spawnSync('openssl', ['version']).status === 0;

describe('receipts of a bundle sent to an address card', () => {
  let m: Move;
  beforeAll(() => {
    m = moveByCard();
  }, 120_000);

  it('T4: the import writes the receipt with its signature beside it, naming the key of the card', () => {
    const card = JSON.parse(fs.readFileSync(m.card, 'utf8')) as { fingerprint: string };
    expect(fs.readFileSync(`${m.receipt}.sig`)).toHaveLength(64);
    expect(JSON.parse(fs.readFileSync(m.receipt, 'utf8')).signed_with).toEqual({ alg: 'Ed25519', key_fingerprint: card.fingerprint, form: 'sha256-statement' });
  });

  it('T4: a receipt with one outcome changed is refused, and nothing changes', () => {
    const file = copyReceipt(m, 'changed');
    withOneOutcomeChanged(m, file);
    const before = sourceState(m);
    const r = finalize(m, file);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/does not match its signature .*receipt\.json\.sig under the key of the card/);
    expect(r.stderr).toContain('nothing was changed');
    expect(sourceState(m)).toEqual(before);
  });

  it('T4: a receipt without its signature is refused', () => {
    const file = copyReceipt(m, 'unsigned', false);
    const r = finalize(m, file);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/is not signed: bundle \S+ was sent encrypted to office Springfield Agency/);
  });

  it("T4: a receipt signed with another office's key is refused", async () => {
    const file = copyReceipt(m, 'other-key', false);
    // the same sample office in another installation has keys of its own: its import of the bundle would sign with them
    const other = path.join(m.dir, 'other-target.db');
    runOk(['init', '--db', other]);
    runOk(['load', path.join(ROOT, 'samples/target'), '--db', other]);
    const keys = await targetKeys(other);
    const statement = Buffer.from(`officeport v1 import receipt sha256 ${sha256Of(file)}\n`);
    fs.writeFileSync(`${file}.sig`, crypto.sign(null, statement, crypto.createPrivateKey(keys.ed25519_private_pem)));
    const r = finalize(m, file);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/does not match its signature/);
  });

  it('T4: the signed receipt finalizes, and import receipt issues the same receipt and signature again', () => {
    const again = path.join(m.dir, 'again.json');
    runOk(['import', 'receipt', bundleId(m), '--db', m.target, ...TGT, '--out', again]);
    expect(fs.readFileSync(again)).toEqual(fs.readFileSync(m.receipt));
    expect(fs.readFileSync(`${again}.sig`)).toEqual(fs.readFileSync(`${m.receipt}.sig`));
    const r = finalize(m, m.receipt, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'finalized', receipt_signature: 'sha256-statement' });
  });
});

describe('a receipt signed by the release before (its signature over the whole receipt)', () => {
  it('T4: finalize still accepts it and says which form it checked; import receipt writes it again in that form, byte for byte', async () => {
    const m = moveByCard();
    // the receipt as the release before wrote it: no "form" in signed_with, sealed, the signature over its bytes
    resealed(m, m.receipt, (body) => body.replace(',\n    "form": "sha256-statement"', ''));
    const keys = await targetKeys(m.target);
    fs.writeFileSync(`${m.receipt}.sig`, crypto.sign(null, fs.readFileSync(m.receipt), crypto.createPrivateKey(keys.ed25519_private_pem)));
    // and as that release kept it in the target installation (gzip'd pieces)
    const db = new Database(m.target);
    const acceptId = (JSON.parse(fs.readFileSync(m.receipt, 'utf8')) as { accept_id: string }).accept_id;
    db.prepare('DELETE FROM import_receipts WHERE accept_id = ?').run(acceptId);
    db.prepare('INSERT INTO import_receipts (accept_id, seq, data) VALUES (?, 0, ?)').run(acceptId, zlib.gzipSync(fs.readFileSync(m.receipt)));
    db.close();
    const again = path.join(m.dir, 'again.json');
    runOk(['import', 'receipt', bundleId(m), '--db', m.target, ...TGT, '--out', again]);
    expect(fs.readFileSync(again)).toEqual(fs.readFileSync(m.receipt));
    expect(fs.readFileSync(`${again}.sig`)).toEqual(fs.readFileSync(`${m.receipt}.sig`));
    const dry = finalize(m, m.receipt, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("receipt signature verified under the key of the card the bundle was sent to (over the receipt's whole bytes");
    const r = finalize(m, m.receipt, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'finalized', receipt_signature: 'whole-file' });
  }, 120_000);
});

describe('undo notices', () => {
  let m: Move;
  beforeAll(() => {
    m = moveByCard();
  }, 120_000);

  it('T5: import undo writes a signed notice beside the receipt; finalize refuses the receipt with it beside, and named with --undone', () => {
    const out = runOk(['import', 'undo', m.receipt, '--db', m.target, ...TGT]);
    const notice = path.join(m.dir, 'receipt.undone.json');
    expect(out).toContain(notice);
    const n = JSON.parse(fs.readFileSync(notice, 'utf8'));
    const receiptSha = crypto.createHash('sha256').update(fs.readFileSync(m.receipt)).digest('hex');
    expect(n).toMatchObject({
      notice: 'officeport import undone',
      receipt_sha256: receiptSha,
      bundle_id: JSON.parse(fs.readFileSync(m.receipt, 'utf8')).bundle_id,
    });
    const before = sourceState(m);
    const beside = finalize(m, m.receipt);
    expect(beside.code, beside.stdout).toBe(1);
    expect(beside.stderr).toMatch(/was undone in the target at .*signed notice .*receipt\.undone\.json/);
    const away = path.join(m.dir, 'mail');
    fs.mkdirSync(away);
    for (const f of [notice, `${notice}.sig`]) fs.renameSync(f, path.join(away, path.basename(f)));
    const given = finalize(m, m.receipt, '--undone', path.join(away, 'receipt.undone.json'));
    expect(given.code, given.stdout).toBe(1);
    expect(given.stderr).toMatch(/was undone in the target/);
    expect(sourceState(m)).toEqual(before);
  });

  it('T5: a notice that does not verify under the card key is refused', () => {
    const notice = path.join(m.dir, 'mail', 'receipt.undone.json');
    const forged = path.join(m.dir, 'forged.undone.json');
    fs.writeFileSync(forged, fs.readFileSync(notice, 'utf8').replace(/"undone_at": "[^"]+"/, '"undone_at": "2020-01-01T00:00:00.000Z"'));
    fs.copyFileSync(`${notice}.sig`, `${forged}.sig`);
    const r = finalize(m, m.receipt, '--undone', forged);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/undo notice .*forged\.undone\.json cannot be trusted: it does not match its signature/);
  });
  it('T5: import undo run again (the notice lost, or the command killed after the undo) writes the notice again and undoes nothing twice', () => {
    const notice = path.join(m.dir, 'receipt.undone.json');
    expect(fs.existsSync(notice)).toBe(false);
    const out = runOk(['import', 'undo', m.receipt, '--db', m.target, ...TGT]);
    expect(out).toContain('already undone');
    expect(out).toContain(notice);
    const r = finalize(m, m.receipt);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/was undone in the target/);
  });
});

describe('a bundle exported by name', () => {
  it('T4: its receipt is not signed and finalizes as before', () => {
    const dir = tmpDir('officeport-unsigned-');
    const source = path.join(dir, 'source.db');
    const target = path.join(dir, 'target.db');
    runOk(['init', '--db', source]);
    runOk(['load', path.join(ROOT, 'samples/source'), '--db', source]);
    runOk(['init', '--db', target]);
    runOk(['load', path.join(ROOT, 'samples/target'), '--db', target]);
    const bundle = path.join(dir, 'move.zip');
    runOk(['export', '--db', source, ...SRC, '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana', '--out', bundle]);
    const receipt = path.join(dir, 'receipt.json');
    runOk(['import', bundle, '--db', target, ...TGT, '--receipt', receipt]);
    expect(fs.existsSync(`${receipt}.sig`)).toBe(false);
    expect(JSON.parse(fs.readFileSync(receipt, 'utf8')).signed_with).toBeUndefined();
    const r = run(['finalize', receipt, '--db', source, ...SRC, '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('finalized');
  });
});

describe('openssl checks what the target signed, from the card alone', () => {
  if (skipWithoutTool('T4', 'openssl', opensslPresent, 'apt-get install openssl')) return;
  let m: Move;
  beforeAll(() => {
    m = moveByCard();
  }, 120_000);

  it('T4: the receipt verifies with sha256sum and openssl pkeyutl -verify -rawin against the key on the card', () => {
    const pem = cardKeyPem(m.card);
    const v = opensslVerify(pem, m.receipt, 'import receipt');
    expect(v.ok, v.out).toBe(true);
    // a statement of the other kind over the same bytes is not what was signed
    expect(opensslVerify(pem, m.receipt, 'undo notice').ok).toBe(false);
    const changed = copyReceipt(m, 'changed-openssl');
    withOneOutcomeChanged(m, changed);
    expect(opensslVerify(pem, changed, 'import receipt').ok).toBe(false);
  });

  it('T5: the undo notice verifies with sha256sum and openssl pkeyutl -verify -rawin against the key on the card', () => {
    runOk(['import', 'undo', m.receipt, '--db', m.target, ...TGT]);
    const v = opensslVerify(cardKeyPem(m.card), path.join(m.dir, 'receipt.undone.json'), 'undo notice');
    expect(v.ok, v.out).toBe(true);
  });
});
