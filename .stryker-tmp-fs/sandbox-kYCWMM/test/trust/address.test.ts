// @ts-nocheck
// T1: `officeport address` writes the target office's address card; the
// office's keys are made on first use and kept; an administrator of the office
// may write the secret identity for age tools.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { identityToRecipient } from 'age-encryption';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AddressCard } from '../../src/store/port.js';
import { ROOT, run, tmpDir } from '../helpers/cli.js';
import { loadInstallation, SAMPLES } from '../helpers/installation.js';

let db: string;
let dir: string;
beforeAll(() => {
  dir = tmpDir('officeport-address-');
  db = loadInstallation(path.join(SAMPLES, 'target'), dir);
});

function address(args: string[]) {
  return run(['address', '--db', db, ...args]);
}

function card(file: string): AddressCard {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as AddressCard;
}

describe('address cards', () => {
  it("T1: the card names the installation, office and user and carries the office's Ed25519 key, its fingerprint and its age recipient; it passes the card schema", () => {
    const out = path.join(dir, 'dana.card.json');
    const r = address(['--office', 'Springfield Agency', '--user', 'dana', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('age1');
    const c = card(out);
    const [, line] = fs.readFileSync(path.join(SAMPLES, 'target/installation.csv'), 'utf8').trim().split('\n');
    const [instId, instName] = line!.split(',');
    expect(c.installation).toEqual({ id: instId, name: instName });
    expect(c.office).toEqual({ id: 'T-SPRING', name: 'Springfield Agency' });
    expect(c.user).toEqual({ id: 'TU-3', username: 'dana' });
    const key = crypto.createPublicKey(c.ed25519_public_key);
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(c.fingerprint).toBe(
      crypto
        .createHash('sha256')
        .update(key.export({ type: 'spki', format: 'der' }))
        .digest('hex'),
    );
    expect(c.age_recipient).toMatch(/^age1[a-z0-9]{58}$/);
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/address-card.schema.json'), 'utf8'));
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    expect(validate(c), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...c, extra: 1 })).toBe(false);
    const { fingerprint: _f, ...noFingerprint } = c;
    expect(validate(noFingerprint)).toBe(false);
  });

  it("T1: the office's keys are made once and kept: every card of the office carries the same keys, another office's differ", () => {
    const a = path.join(dir, 'k1.json');
    const b = path.join(dir, 'k2.json');
    const other = path.join(dir, 'k3.json');
    expect(address(['--office', 'T-SPRING', '--user', 'dana', '--out', a]).code).toBe(0);
    expect(address(['--office', 'T-SPRING', '--user', 'eve', '--out', b]).code).toBe(0);
    expect(address(['--office', 'Riverside Resource', '--user', 'rsadmin', '--out', other]).code).toBe(0);
    const [ca, cb, co] = [card(a), card(b), card(other)];
    for (const k of ['ed25519_public_key', 'fingerprint', 'age_recipient'] as const) {
      expect(cb[k], k).toBe(ca[k]);
      expect(co[k], k).not.toBe(ca[k]);
    }
    expect(cb.user.username).toBe('eve');
  });

  it('T1: --identity-out is refused for a user who is not an administrator of the office, and nothing is written', () => {
    const out = path.join(dir, 'refused.card.json');
    const id = path.join(dir, 'refused.identity.txt');
    const r = address(['--office', 'Springfield Agency', '--user', 'dana', '--out', out, '--identity-out', id]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('admin');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(id)).toBe(false);
  });

  it("T1: an administrator's --identity-out is private (0600), in the format age reads, of the card's recipient, and never overwritten", async () => {
    const out = path.join(dir, 'admin.card.json');
    const id = path.join(dir, 'admin.identity.txt');
    const r = address(['--office', 'Springfield Agency', '--user', 'tadmin', '--out', out, '--identity-out', id]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.statSync(id).mode & 0o777).toBe(0o600);
    const lines = fs
      .readFileSync(id, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const keys = lines.filter((l) => !l.startsWith('#'));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    expect(await identityToRecipient(keys[0]!)).toBe(card(out).age_recipient);
    const before = fs.readFileSync(id);
    for (const force of [[], ['--force']]) {
      const again = address([
        '--office',
        'Springfield Agency',
        '--user',
        'tadmin',
        '--out',
        path.join(dir, `again${force.length}.json`),
        '--identity-out',
        id,
        ...force,
      ]);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain(id);
      expect(fs.readFileSync(id)).toEqual(before);
    }
  });

  it('T1: an existing card file is refused without --force and replaced with it', () => {
    const out = path.join(dir, 'exists.json');
    fs.writeFileSync(out, 'mine');
    expect(address(['--office', 'Springfield Agency', '--user', 'dana', '--out', out]).code).not.toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe('mine');
    expect(address(['--office', 'Springfield Agency', '--user', 'dana', '--out', out, '--force']).code).toBe(0);
    expect(card(out).office.id).toBe('T-SPRING');
  });
});
