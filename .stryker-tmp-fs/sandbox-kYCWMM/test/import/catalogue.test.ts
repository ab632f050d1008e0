// @ts-nocheck
// I5 when the target's catalogue has none of the bundle's carriers: same-named
// records of the bundle (a local carrier and its parent office's twin) become
// one recreated record, names never collide, and any constraint the
// installation still enforces surfaces as a clear OfficeportError.
import { describe, expect, it } from 'vitest';
import { OfficeportError } from '../../src/shared/errors.js';
import { exportFrom, importInto, installation, rows, SOURCE, TARGET } from '../fixtures/import/helpers.js';

describe('I5: exact-name resolution of twin catalogue records', () => {
  it('I5: a local carrier and a resource carrier of the same name, neither in the target, become one recreated carrier with its products and riders', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    // the target's resource office holds none of the bundle's names
    tgt.db.exec(`UPDATE carriers SET name = name || ' (resource)' WHERE office_id = 'T-RES'`);
    const r = await importInto(tgt, await exportFrom(src));
    const o = (ref: string) => r.outcomes.find((x) => x.ref === ref)!;
    // CR-1 (Lakeside Resource) and CL-1 (North Agency) are both "Summit Mutual Life"
    expect(o('carrier/CR-1').outcome).toBe('created');
    expect(o('carrier/CL-1')).toMatchObject({ outcome: 'linked', target_id: o('carrier/CR-1').target_id });
    expect(rows(tgt.db, `SELECT count(*) AS n FROM carriers WHERE office_id = 'T-SPRING' AND name = 'Summit Mutual Life'`)).toEqual([{ n: 1 }]);
    // products and riders resolve within that one carrier: PR-1 and PL-1 are both "Summit Term 20"
    expect(o('product/PL-1')).toMatchObject({ outcome: 'linked', target_id: o('product/PR-1').target_id });
    expect(rows(tgt.db, `SELECT carrier_id FROM products WHERE id = ?`, o('product/PR-1').target_id)).toEqual([{ carrier_id: o('carrier/CR-1').target_id }]);
    expect(o('rider/RL-1')).toMatchObject({ outcome: 'linked', target_id: o('rider/RR-1').target_id });
    // every policy points at a carrier and product of the target office
    const orphans = rows(
      tgt.db,
      `SELECT p.id FROM policies p LEFT JOIN carriers c ON c.id = p.carrier_id WHERE p.id LIKE 'IMP-%' AND c.office_id IS NOT 'T-SPRING' AND c.office_id IS NOT 'T-RES'`,
    );
    expect(orphans).toEqual([]);
  });

  it('I5: recreate mode never gives two carriers of this import the same free name', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    // the target office owns "Hometown Benefit Society", so CL-3 is recreated as "Hometown Benefit Society (imported)";
    // the bundle also carries a carrier of exactly that name
    src.db.exec(`UPDATE carriers SET name = 'Hometown Benefit Society (imported)' WHERE id = 'CL-2'`);
    const r = await importInto(tgt, await exportFrom(src), { carriers: 'recreate' });
    const names = rows(tgt.db, `SELECT name FROM carriers WHERE office_id = 'T-SPRING' AND name LIKE 'Hometown%' ORDER BY name`).map((x) => x.name);
    expect(names).toEqual(['Hometown Benefit Society', 'Hometown Benefit Society (imported)', 'Hometown Benefit Society (imported) (imported)']);
    expect(r.counts.created).toBeGreaterThan(0);
  });

  it('I5: a constraint the installation enforces surfaces as an OfficeportError naming what failed, and nothing changes', async () => {
    const src = await installation(SOURCE);
    const tgt = await installation(TARGET);
    // a target with a stricter rule than the bundle knows: policy numbers unique across the installation
    tgt.db.exec(`INSERT INTO policies (id, office_id, primary_contact_id, carrier_id, product_id, policy_number, status)
                 VALUES ('TP-X', 'T-SPRING', 'TC-5001', 'TCR-1', 'TPR-1', 'SML-WL-1998-0042', 'active');
                 CREATE UNIQUE INDEX ux_policy_number ON policies(policy_number)`);
    const before = rows(tgt.db, `SELECT count(*) AS n FROM contacts`);
    const e = await importInto(tgt, await exportFrom(src)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OfficeportError);
    expect((e as OfficeportError).message).toMatch(
      /could not be imported: the installation refused a write \(UNIQUE constraint failed: policies\.policy_number\); nothing was imported/,
    );
    expect((e as OfficeportError).hint).toMatch(/--dry-run/);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM contacts`)).toEqual(before);
    expect(rows(tgt.db, `SELECT count(*) AS n FROM import_map`)).toEqual([{ n: 0 }]);
  });
});
