// @ts-nocheck
// T2: `export --to CARD` addresses the bundle from the receiving office's card
// and encrypts it in the age v1 format; the age command line tool decrypts it
// with the identity an administrator wrote; the zip inside is the bundle (B6).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { envelopeAddress, isAgeFile } from '../../src/trust/envelope.js';
import { openStore } from '../../src/store/open.js';
import type { AddressCard } from '../../src/store/port.js';
import type { BundleHeader } from '../../src/bundle/records.js';
import { run, tmpDir } from '../helpers/cli.js';
import { loadInstallation, SAMPLES } from '../helpers/installation.js';
import { skipWithoutTool } from '../helpers/tools.js';

const AGE = '/usr/bin/age';
const ageMissing = skipWithoutTool('T2', 'age', fs.existsSync(AGE), "Debian's age package");

const ID = '7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const AT = '2025-04-01T09:30:00Z';
const FROM = ['--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield'];

let dir: string;
let source: string;
let cardFile: string;
let identity: string;
let card: AddressCard;
let target: string;

beforeAll(() => {
  dir = tmpDir('officeport-export-to-');
  source = loadInstallation(path.join(SAMPLES, 'source'), dir);
  target = loadInstallation(path.join(SAMPLES, 'target'), dir);
  cardFile = path.join(dir, 'springfield.card.json');
  identity = path.join(dir, 'springfield.identity.txt');
  const r = run(['address', '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--out', cardFile]);
  expect(r.code, r.stderr).toBe(0);
  const a = run([
    'address',
    '--db',
    target,
    '--office',
    'Springfield Agency',
    '--user',
    'tadmin',
    '--out',
    path.join(dir, 'admin.json'),
    '--identity-out',
    identity,
  ]);
  expect(a.code, a.stderr).toBe(0);
  card = JSON.parse(fs.readFileSync(cardFile, 'utf8')) as AddressCard;
});

function exportTo(db: string, out: string, extra: string[] = []) {
  return run(['export', '--db', db, ...FROM, '--to', cardFile, '--out', out, ...extra]);
}

function decrypt(file: string, out: string) {
  return spawnSync(AGE, ['-d', '-i', identity, '-o', out, file], { encoding: 'utf8' });
}

function headerOf(zip: string): BundleHeader {
  const r = spawnSync('unzip', ['-p', zip, '*/officeport.json'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as BundleHeader;
}

describe.skipIf(ageMissing)('export to an address card, with the age tool', () => {
  it('T2: export --to writes an age file the age tool decrypts with the identity, to a zip that passes unzip -t and verify', () => {
    const out = path.join(dir, 'move.zip.age');
    const r = exportTo(source, out);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(out).subarray(0, 22).toString('latin1')).toBe('age-encryption.org/v1\n');
    expect(fs.readFileSync(out).includes(Buffer.from('PK\u0003\u0004', 'latin1'))).toBe(false);
    const zip = path.join(dir, 'move.zip');
    const d = decrypt(out, zip);
    expect(d.status, d.stderr).toBe(0);
    const t = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
    expect(t.status, t.stdout).toBe(0);
    const v = run(['verify', zip]);
    expect(v.code, v.stderr + v.stdout).toBe(0);
  });

  it('T2: the header inside records the card (installation, office, user, key fingerprint, age recipient); the target is the card office of another installation', () => {
    const out = path.join(dir, 'addressed.zip.age');
    expect(exportTo(source, out).code).toBe(0);
    const zip = path.join(dir, 'addressed.zip');
    expect(decrypt(out, zip).status).toBe(0);
    const h = headerOf(zip);
    expect(h.addressed_to).toEqual({
      installation_id: card.installation.id,
      office_id: card.office.id,
      user_id: card.user.id,
      ed25519_fingerprint: card.fingerprint,
      age_recipient: card.age_recipient,
    });
    expect(h.target).toEqual({ office: 'T-SPRING', user: 'TU-3' });
    expect(h.source.installation_id).not.toBe(card.installation.id);
  });

  it('T2: the zip inside is byte for byte the same bundle for the same data, id and time (B6), though each envelope differs', () => {
    // a copy of the installation: the same data and the same secret (the receipt key in the header derives from it)
    const other = path.join(tmpDir('officeport-export-to-b-'), 'copy.db');
    fs.copyFileSync(source, other);
    const third = path.join(tmpDir('officeport-export-to-c-'), 'copy.db');
    fs.copyFileSync(source, third);
    const zips: Buffer[] = [];
    const envelopes: Buffer[] = [];
    for (const [i, db] of [other, other, source].entries()) {
      const out = path.join(dir, `same${i}.zip.age`);
      const r = exportTo(db, out, ['--bundle-id', ID, '--created-at', AT]);
      expect(r.code, r.stderr).toBe(0);
      const zip = path.join(dir, `same${i}.zip`);
      expect(decrypt(out, zip).status).toBe(0);
      zips.push(fs.readFileSync(zip));
      envelopes.push(fs.readFileSync(out));
    }
    expect(zips[1]!.equals(zips[0]!)).toBe(true);
    expect(zips[2]!.equals(zips[0]!)).toBe(true);
    expect(envelopes[1]!.equals(envelopes[0]!)).toBe(false);
    // and an export in clear of the same data, id and time (a third copy) holds the same entries, bytes and
    // CRCs, but for the header that names its target differently and the tag manifest that lists the header
    const clearZip = path.join(dir, 'same-clear.zip');
    const c = run(['export', '--db', third, ...FROM, '--to-office', 'T-SPRING', '--to-user', 'TU-3', '--out', clearZip, '--bundle-id', ID, '--created-at', AT]);
    expect(c.code, c.stderr).toBe(0);
    const entries = (zip: string) =>
      spawnSync('unzip', ['-v', zip], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((l) => /officeport-bundle-/.test(l) && !/(officeport\.json|tagmanifest-sha256\.txt)$/.test(l));
    const inner = entries(path.join(dir, 'same0.zip'));
    expect(inner.length).toBeGreaterThan(10);
    expect(entries(clearZip)).toEqual(inner);
  });

  it('T2: the age header names the installation and office the bundle is for, readable without the identity; the header MAC covers it', () => {
    const out = path.join(dir, 'named.zip.age');
    expect(exportTo(source, out).code).toBe(0);
    expect(isAgeFile(out)).toBe(true);
    expect(envelopeAddress(out)).toEqual({ installation_id: card.installation.id, office_id: 'T-SPRING' });
    const changed = path.join(dir, 'changed.zip.age');
    fs.writeFileSync(changed, fs.readFileSync(out).toString('latin1').replace(' T-SPRING\n', ' T-SPRINX\n'), 'latin1');
    expect(envelopeAddress(changed)?.office_id).toBe('T-SPRINX');
    expect(decrypt(changed, path.join(dir, 'changed.zip')).status).not.toBe(0);
  });
});

describe('export to an address card', () => {
  it('T2: the export ledger keeps the card the bundle was sent to; an export by name keeps none', async () => {
    const out = path.join(dir, 'ledger.zip.age');
    const r = exportTo(source, out, ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const byCard = JSON.parse(r.stdout).bundle_id as string;
    const clear = run([
      'export',
      '--db',
      source,
      ...FROM,
      '--to-office',
      'Springfield Agency',
      '--to-user',
      'dana',
      '--out',
      path.join(dir, 'ledger.zip'),
      '--json',
    ]);
    expect(clear.code, clear.stderr).toBe(0);
    const byName = JSON.parse(clear.stdout).bundle_id as string;
    const store = openStore(source);
    try {
      expect(await store.trust.cardOfBundle(byCard)).toEqual(card);
      expect(await store.trust.cardOfBundle(byName)).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('T2: --to with --to-office or --to-user is a usage error, and nothing is written', () => {
    for (const named of [
      ['--to-office', 'Springfield Agency'],
      ['--to-user', 'dana'],
    ]) {
      const out = path.join(dir, `both${named[0]}.zip`);
      const r = exportTo(source, out, named);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('--to');
      expect(fs.existsSync(out)).toBe(false);
    }
  });

  it('T3: verify and convert open the bundle in the addressed office with its own keys (--office), and without a key say which office can', () => {
    const out = path.join(dir, 'own-keys.zip.age');
    expect(exportTo(source, out).code).toBe(0);
    const none = run(['verify', out]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`office ${card.office.id}`);
    const v = run(['verify', out, '--db', target, '--office', 'Springfield Agency']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^valid: /);
    const csv = path.join(dir, 'own-keys-csv');
    const c = run(['convert', out, '--to', 'csv', '--out', csv, '--db', target, '--office', 'Springfield Agency']);
    expect(c.code, c.stderr).toBe(0);
    expect(fs.readFileSync(path.join(csv, 'contacts.csv'), 'utf8')).toContain('C-1101');
    // another office of the same installation holds no key for it
    const other = run(['verify', out, '--db', target, '--office', 'Riverside Resource']);
    expect(other.code).toBe(1);
  });

  it('T2: an export by --to-office/--to-user says the bundle holds personal data in clear and points to --to; one by card does not', () => {
    const clear = run(['export', '--db', source, ...FROM, '--to-office', 'Springfield Agency', '--to-user', 'dana', '--out', path.join(dir, 'clear.zip')]);
    expect(clear.code, clear.stderr).toBe(0);
    expect(clear.stdout).toMatch(/personal data in clear/);
    expect(clear.stdout).toContain('--to CARD');
    const sealed = exportTo(source, path.join(dir, 'sealed.zip.age'));
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(sealed.stdout).not.toMatch(/in clear/);
    expect(sealed.stdout).toContain('encrypted');
  });

  it("T2: a card of this same installation is checked as --to-office is (the source office itself and a user without the import right are refused), and its keys must be its office's", () => {
    const cardOf = (office: string, user: string) => {
      const f = path.join(dir, `local-${office}-${user}.json`);
      const r = run(['address', '--db', source, '--office', office, '--user', user, '--out', f, '--force']);
      expect(r.code, r.stderr).toBe(0);
      return f;
    };
    const exportWith = (cardPath: string, out: string) => run(['export', '--db', source, ...FROM, '--to', cardPath, '--out', out]);
    const south = exportWith(cardOf('South Agency', 'bob'), path.join(dir, 'south.zip.age'));
    expect(south.code, south.stderr).toBe(0);
    expect(south.stdout).toContain('South Agency');
    const self = exportWith(cardOf('North Agency', 'nadmin'), path.join(dir, 'self.zip.age'));
    expect(self.code).not.toBe(0);
    expect(self.stderr).toContain('source office');
    expect(fs.existsSync(path.join(dir, 'self.zip.age'))).toBe(false);
    // a card of this installation with keys that are not its office's
    const forged = path.join(dir, 'forged.json');
    fs.writeFileSync(
      forged,
      JSON.stringify({
        ...JSON.parse(fs.readFileSync(cardOf('South Agency', 'bob'), 'utf8')),
        ed25519_public_key: card.ed25519_public_key,
        fingerprint: card.fingerprint,
      }),
    );
    const wrongKeys = exportWith(forged, path.join(dir, 'forged.zip.age'));
    expect(wrongKeys.code).not.toBe(0);
    expect(wrongKeys.stderr).toContain('keys');
    expect(fs.existsSync(path.join(dir, 'forged.zip.age'))).toBe(false);
    const noImport = exportWith(cardOf('South Agency', 'sadmin'), path.join(dir, 'noimport.zip.age'));
    expect(noImport.code).not.toBe(0);
    expect(noImport.stderr).toContain('data_import');
    expect(fs.existsSync(path.join(dir, 'noimport.zip.age'))).toBe(false);
  });

  it('T2: a changed card (its fingerprint not its key) is refused before anything is written', () => {
    const bad = path.join(dir, 'bad.card.json');
    fs.writeFileSync(bad, JSON.stringify({ ...card, fingerprint: '0'.repeat(64) }));
    const out = path.join(dir, 'bad.zip.age');
    const r = run(['export', '--db', source, ...FROM, '--to', bad, '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('fingerprint');
    expect(fs.existsSync(out)).toBe(false);
  });
});
