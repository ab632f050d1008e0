// @ts-nocheck
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportHostile, forge, loadTarget, type Exported } from '../audit/audit-fixture.js';
import { run, tmpDir } from '../helpers/cli.js';

function contactCount(db: string): number {
  const sql = new Database(db, { readonly: true });
  try {
    return (sql.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;
  } finally {
    sql.close();
  }
}

describe('B7: signed bundles', () => {
  let signed: Exported;
  let keys: string;
  let bundles: Record<'forged' | 'otherKey' | 'unsigned', string>;
  beforeAll(() => {
    const dir = fs.realpathSync(tmpDir('officeport-sign-'));
    keys = path.join(dir, 'k');
    const other = path.join(dir, 'other');
    for (const base of [keys, other]) expect(run(['keygen', '--out', base]).code).toBe(0);
    signed = exportHostile(['--sign', `${keys}.key`]);
    bundles = {
      forged: path.join(dir, 'forged.zip'),
      otherKey: exportHostile(['--sign', `${other}.key`], signed).bundle,
      unsigned: exportHostile([], signed).bundle,
    };
    forge(signed.bundle, bundles.forged);
  });

  it('B7: keygen writes a private key readable only by its owner and a public key', () => {
    expect(fs.statSync(`${keys}.key`).mode & 0o077).toBe(0);
    expect(fs.readFileSync(`${keys}.pub`, 'utf8')).toContain('PUBLIC KEY');
    expect(run(['keygen', '--out', keys]).code).toBe(1); // never overwritten
  });

  it('B7: a bundle signed with the trusted key verifies under --trust', () => {
    const r = run(['verify', signed.bundle, '--trust', `${keys}.pub`, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true });
  });

  it('B7: a forged bundle with consistent manifests is refused under --trust', () => {
    // BagIt alone cannot tell; the signature can, and plain verify checks it too (test/audit/signature.test.ts)
    const r = run(['verify', bundles.forged, '--trust', `${keys}.pub`]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/officeport\.sig/);
  });

  it('B7: a bundle signed with another key, and an unsigned one, are refused under --trust', () => {
    const out: string[] = [];
    for (const b of [bundles.otherKey, bundles.unsigned]) {
      const r = run(['verify', b, '--trust', `${keys}.pub`]);
      expect(r.code, b).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/officeport\.sig/);
      out.push(r.stdout + r.stderr);
      expect(run(['verify', b]).code).toBe(0); // valid bundles otherwise
    }
    expect(out[1]).toMatch(/not signed/);
  });

  let target: string;
  it('B7: import --trust refuses the forged, other-key and unsigned bundles and changes nothing', () => {
    target = loadTarget(signed.dir);
    const before = contactCount(target);
    for (const b of [bundles.forged, bundles.otherKey, bundles.unsigned]) {
      const r = run(['import', b, '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--trust', `${keys}.pub`]);
      expect(r.code, `${b}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/signature|signed|officeport\.sig/i);
      expect(contactCount(target)).toBe(before);
    }
  });

  it('B7: import --trust accepts the bundle signed with the trusted key', () => {
    const before = contactCount(target);
    const r = run(['import', signed.bundle, '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--trust', `${keys}.pub`]);
    expect(r.code, r.stderr).toBe(0);
    expect(contactCount(target)).toBeGreaterThan(before);
  });
});
