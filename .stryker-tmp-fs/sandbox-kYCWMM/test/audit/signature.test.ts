// @ts-nocheck
// V5: the signature is always checked (officeport.sig carries its public key),
// and verify, inspect and import report one state for it in the same words.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportHostile, forge, loadTarget, tamperBundle, type Exported } from './audit-fixture.js';
import { run, tmpDir } from '../helpers/cli.js';

const IMPORT = ['--office', 'Springfield Agency', '--user', 'dana'];

function unzipSig(bundle: string): Record<string, string> {
  return JSON.parse(execSync(`unzip -p ${JSON.stringify(bundle)} '*/officeport.sig'`, { encoding: 'utf8' })) as Record<string, string>;
}

function contactCount(db: string): number {
  const sql = new Database(db, { readonly: true });
  try {
    return (sql.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;
  } finally {
    sql.close();
  }
}

interface SigJson {
  state: string;
  fingerprint?: string;
  text: string;
}

describe('V5: one signature state, always checked', () => {
  let signed: Exported;
  let keys: string;
  let other: string;
  let fingerprint: string;
  let stale: string;
  let unsigned: string;
  let old: string;
  beforeAll(() => {
    const dir = fs.realpathSync(tmpDir('officeport-v5-'));
    keys = path.join(dir, 'k');
    other = path.join(dir, 'other');
    for (const base of [keys, other]) expect(run(['keygen', '--out', base]).code).toBe(0);
    signed = exportHostile(['--sign', `${keys}.key`]);
    unsigned = exportHostile([], signed).bundle;
    stale = path.join(dir, 'stale.zip');
    forge(signed.bundle, stale);
    old = path.join(dir, 'old.zip');
    fingerprint = execSync(`openssl pkey -pubin -in ${keys}.pub -outform DER | sha256sum`, { encoding: 'utf8' }).split(' ')[0]!;
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('V5: officeport.sig carries the public key (base64 SPKI DER) beside its key id', () => {
    const sig = unzipSig(signed.bundle);
    const der = execSync(`openssl pkey -pubin -in ${keys}.pub -outform DER | base64 -w0`, { encoding: 'utf8' }).trim();
    expect(sig).toMatchObject({ algorithm: 'Ed25519', public_key_sha256: fingerprint, public_key: der });
  });

  it('V5: verify without --trust says who signed it and that it is valid, not pinned', () => {
    const text = run(['verify', signed.bundle]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`signed by key ${fingerprint}, valid (not pinned: give --trust KEY.pub to require this signer)`);
    const j = run(['verify', signed.bundle, '--json']);
    expect(JSON.parse(j.stdout).signature).toMatchObject({ state: 'signed', fingerprint, trusted: false });
  });

  it('V5: verify with --trust says valid, signed by the trusted key', () => {
    const r = run(['verify', signed.bundle, '--trust', `${keys}.pub`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`valid, signed by the trusted key ${fingerprint}`);
    const j = JSON.parse(run(['verify', signed.bundle, '--trust', `${keys}.pub`, '--json']).stdout) as { signature: SigJson };
    expect(j.signature).toMatchObject({ state: 'trusted', fingerprint });
  });

  it('V5: an unsigned bundle is "not signed" for verify and inspect', () => {
    expect(run(['verify', unsigned]).stdout).toContain('signature: not signed');
    const i = run(['inspect', unsigned, '--json']);
    expect(i.code, i.stderr).toBe(0);
    expect((JSON.parse(i.stdout) as { signature: SigJson }).signature).toMatchObject({ state: 'unsigned', text: 'not signed' });
  });

  it('V5: a resealed bundle with a stale signature is refused by verify without --trust, and by inspect', () => {
    const v = run(['verify', stale]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/signature invalid: the signature does not match tagmanifest-sha256\.txt/);
    const j = JSON.parse(run(['verify', stale, '--json']).stdout) as { valid: boolean; signature: SigJson };
    expect(j).toMatchObject({ valid: false, signature: { state: 'invalid', fingerprint } });
    for (const trust of [[], ['--trust', `${keys}.pub`]]) {
      const i = run(['inspect', stale, ...trust]);
      expect(i.code, `inspect ${trust.join(' ')}`).toBe(1);
      expect(i.stdout).toContain('INVALID');
      expect(i.stdout).toContain('signature invalid:');
      expect(i.stdout).not.toMatch(/\bvalid, signed/);
    }
  });

  it('V5: --trust with another key than the signer is refused by verify and inspect', () => {
    for (const cmd of ['verify', 'inspect']) {
      const r = run([cmd, signed.bundle, '--trust', `${other}.pub`]);
      expect(r.code, cmd).toBe(1);
      expect(r.stdout, cmd).toMatch(new RegExp(`signature invalid: made by key ${fingerprint}, not by the trusted key [0-9a-f]{64}`));
    }
  });

  it('V5: import and inbox add refuse the stale-signed bundle without --trust, changing nothing', () => {
    const target = loadTarget(signed.dir);
    const before = contactCount(target);
    for (const cmd of [['import'], ['inbox', 'add']]) {
      const r = run([...cmd, stale, '--db', target, ...IMPORT]);
      expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/officeport\.sig/);
      expect(contactCount(target)).toBe(before);
    }
    expect(JSON.parse(run(['inbox', 'list', '--db', target, ...IMPORT, '--json']).stdout).entries).toEqual([]);
  });

  it('V5: an older signature without its public key is "not checked" without --trust, and checked with it', () => {
    // a signature written before the public key travelled: the same file without that field
    tamperBundle(signed.bundle, old, 'officeport.sig', `  "public_key": "${unzipSig(signed.bundle).public_key}",\n`, '');
    const v = run(['verify', old]);
    expect(v.stdout).toContain(`signed by key ${fingerprint}, not checked: give --trust KEY.pub`);
    expect(v.stdout).not.toMatch(/signed by key [0-9a-f]+, valid|valid, signed/);
    expect(JSON.parse(run(['verify', old, '--json']).stdout).signature).toMatchObject({ state: 'unchecked', fingerprint });
    const t = run(['verify', old, '--trust', `${keys}.pub`]);
    expect(t.code, t.stdout).toBe(0);
    expect(t.stdout).toContain(`valid, signed by the trusted key ${fingerprint}`);
    expect(run(['verify', old, '--trust', `${other}.pub`]).code).toBe(1);
  });

  it('V5, B6: a signed export of the same input (id, time) is byte-identical: the public key and signature are deterministic', () => {
    const [a, b] = ['same-a.zip', 'same-b.zip'].map((f) => path.join(signed.dir, f));
    for (const out of [a!, b!]) {
      const r = run([
        'export',
        '--db',
        signed.db,
        '--office',
        'North Agency',
        '--user',
        'alice',
        '--set',
        'Move to Springfield',
        '--to-office',
        'Springfield Agency',
        '--to-user',
        'dana',
        '--bundle-id',
        '6f0a3c1e-2b4d-4e8f-9a7b-5c3d2e1f0a9b',
        '--created-at',
        '2026-01-02T03:04:05Z',
        '--sign',
        `${keys}.key`,
        '--out',
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(fs.readFileSync(a!).equals(fs.readFileSync(b!))).toBe(true);
    expect(unzipSig(a!).public_key).toBeTruthy();
  });
});
