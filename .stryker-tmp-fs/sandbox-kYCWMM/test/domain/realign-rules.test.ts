// @ts-nocheck
// The pure realignment decisions, without a database.
import { describe, expect, it } from 'vitest';
import {
  planCarrierMigration,
  planPurge,
  planSingleMigration,
  proposePairings,
  realignRefusal,
  refKey,
  type CatalogueKind,
} from '../../src/domain/realign-rules.js';
import { rec } from '../fixtures/realign/records.js';

const office = (id: string, kind: string, region: string | null, parent: string | null = null) => ({ id, name: id, kind, region, parent_id: parent });

describe('R1: availability', () => {
  const res = office('RES', 'resource', 'US');
  it('R1: an agency office under a US resource office may realign', () => {
    expect(realignRefusal(office('AG', 'agency', 'US', 'RES'), res)).toBeNull();
  });
  it('R1: Canada and Australia are refused, whether the agency or its resource office is there', () => {
    expect(realignRefusal(office('AG', 'agency', 'CA', 'RES'), res)).toMatch(/Canada and Australia/);
    expect(realignRefusal(office('AG', 'agency', 'au', 'RES'), res)).toMatch(/region AU/);
    expect(realignRefusal(office('AG', 'agency', 'US', 'RES'), office('RES', 'resource', 'CA'))).toMatch(/region CA/);
  });
  it('R1: a resource office, an office without parent, or a non-resource parent is refused', () => {
    expect(realignRefusal(res, undefined)).toMatch(/resource office/);
    expect(realignRefusal(office('AG', 'agency', 'US'), undefined)).toMatch(/no parent office/);
    expect(realignRefusal(office('AG', 'agency', 'US', 'P'), office('P', 'agency', 'US'))).toMatch(/not a resource office/);
  });
});

describe('R5: carrier plan', () => {
  const local = rec('carrier', 'CL', 'AG', 'Acme');
  const resource = rec('carrier', 'CR', 'RES', 'Acme');
  const input = {
    local,
    resource,
    localChildren: [rec('product', 'PL1', 'AG', 'Term', 'CL'), rec('product', 'PL2', 'AG', 'Old Plan', 'CL'), rec('rider', 'RL1', 'AG', 'Waiver', 'CL')],
    resourceChildren: [rec('product', 'PR1', 'RES', 'Term', 'CR'), rec('rider', 'RR1', 'RES', 'Waiver', 'CR'), rec('rider', 'RR9', 'RES', 'Old Plan', 'CR')],
    resourceCarriers: [resource, rec('carrier', 'CR2', 'RES', 'Acme Co')],
    officeCarrierNames: ['Acme'],
    counts: { [refKey({ table: 'policies', column: 'carrier_id' }, 'CL')]: 3, [refKey({ table: 'policies', column: 'product_id' }, 'PL1')]: 2 },
  };
  it('R5: switches carrier content, matched products and riders; renames matched ones and the carrier; re-points the rest', () => {
    const d = planCarrierMigration(input);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const p = d.value;
    expect(p.switches.filter((s) => s.count > 0)).toEqual([
      { table: 'policies', column: 'carrier_id', from: 'CL', to: 'CR', count: 3 },
      { table: 'policies', column: 'product_id', from: 'PL1', to: 'PR1', count: 2 },
    ]);
    expect(p.switches.some((s) => s.table === 'policy_riders' && s.from === 'RL1' && s.to === 'RR1')).toBe(true);
    expect(p.records).toEqual([
      { kind: 'product', id: 'PL1', name: 'Term', why: 'matched', set: { name: 'X_Term', pcm_activity: 'no_pcm_activity' } },
      // a rider named like the product is no match: products match products only
      { kind: 'product', id: 'PL2', name: 'Old Plan', why: 'repointed', set: { carrier_id: 'CR' } },
      { kind: 'rider', id: 'RL1', name: 'Waiver', why: 'matched', set: { name: 'X_Waiver', pcm_activity: 'no_pcm_activity' } },
      { kind: 'carrier', id: 'CL', name: 'Acme', why: 'matched', set: { name: 'X_Acme', pcm_activity: 'no_pcm_activity' } },
    ]);
    expect(p.lines).toContainEqual({ what: 'policies moved to the resource carrier', count: 3 });
  });
  it('R8: names differing in case are refused with the nearest resource names', () => {
    const d = planCarrierMigration({ ...input, local: { ...local, name: 'ACME' } });
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.reason).toMatch(/not exactly equal/);
    expect(d.hints).toEqual(['Acme (CR)']);
  });
  it('R5: refuses when the X_ name is already taken by an earlier migrated carrier', () => {
    const d = planCarrierMigration({ ...input, officeCarrierNames: ['Acme', 'X_Acme'] });
    expect(d.ok).toBe(false);
  });
});

describe('R6: single record plans', () => {
  it('R6: a product on the resource carrier switches its content and is retired', () => {
    const d = planSingleMigration({
      local: rec('product', 'PL', 'AG', 'Term', 'CR'),
      resource: rec('product', 'PR', 'RES', 'Term', 'CR'),
      resourceSiblings: [],
      counts: { [refKey({ table: 'proposals', column: 'product_id' }, 'PL')]: 1 },
    });
    expect(d.ok && d.value.switches.map((s) => [s.table, s.count])).toEqual([
      ['policies', 0],
      ['pending_cases', 0],
      ['proposals', 1],
    ]);
    expect(d.ok && d.value.records[0]!.set).toEqual({ name: 'X_Term', pcm_activity: 'no_pcm_activity' });
  });
  it('R6: a product or rider of another carrier is refused; a service provider has no carrier', () => {
    const d = planSingleMigration({
      local: rec('rider', 'RL', 'AG', 'W', 'CL'),
      resource: rec('rider', 'RR', 'RES', 'W', 'CR'),
      resourceSiblings: [],
      counts: {},
    });
    expect(!d.ok && d.reason).toMatch(/migrates only within its resource carrier/);
    const sp = planSingleMigration({
      local: rec('service_provider', 'SL', 'AG', 'Lab'),
      resource: rec('service_provider', 'SR', 'RES', 'Lab'),
      resourceSiblings: [],
      counts: {},
    });
    expect(sp.ok && sp.value.switches).toEqual([{ table: 'pending_cases', column: 'service_provider_id', from: 'SL', to: 'SR', count: 0 }]);
  });
});

describe('R9: pairings', () => {
  it('R9: proposes exact, near and no matches with the action each needs', () => {
    const local = [
      rec('carrier', 'CL1', 'AG', 'Acme'),
      rec('carrier', 'CL2', 'AG', 'beacon'),
      rec('carrier', 'CL3', 'AG', 'X_Old', undefined, 'no_pcm_activity'),
      rec('product', 'PL1', 'AG', 'Term', 'CL1'),
      rec('product', 'PL2', 'AG', 'Historic', 'CL1'),
      rec('product', 'PL3', 'AG', 'Whole  life', 'CR1'),
      rec('service_provider', 'SL1', 'AG', 'Nowhere Labs'),
    ];
    const resource = [
      rec('carrier', 'CR1', 'RES', 'Acme'),
      rec('carrier', 'CR2', 'RES', 'Beacon'),
      rec('product', 'PR1', 'RES', 'Term', 'CR1'),
      rec('product', 'PR2', 'RES', 'Whole Life', 'CR1'),
    ];
    const rows = proposePairings(local, resource).map((r) => [r.local_id, r.resource_id, r.match, r.action]);
    expect(rows).toEqual([
      ['CL1', 'CR1', 'exact', 'realign'],
      ['CL2', 'CR2', 'near', 'rename'],
      ['CL3', null, 'none', 'done'],
      ['PL1', 'PR1', 'exact', 'with-carrier'],
      ['PL2', null, 'none', 'repoint-with-carrier'],
      ['PL3', 'PR2', 'near', 'rename'],
      ['SL1', null, 'none', 'keep'],
    ]);
  });
});

describe('R11: purge decisions', () => {
  const X = (kind: CatalogueKind, id: string, carrier?: string) => rec(kind, id, 'AG', `X_${id}`, carrier, 'no_pcm_activity');
  it('R11: deletes unreferenced X_ records, products before their carrier; keeps referenced ones and their carrier', () => {
    const d = planPurge([
      { record: X('carrier', 'C1'), references: 0, children: ['P1', 'R1'] },
      { record: X('product', 'P1', 'C1'), references: 0, children: [] },
      { record: X('rider', 'R1', 'C1'), references: 0, children: [] },
      { record: X('carrier', 'C2'), references: 0, children: ['P2'] },
      { record: X('product', 'P2', 'C2'), references: 1, children: [] },
      { record: X('carrier', 'C3'), references: 0, children: ['P3'] },
      { record: rec('product', 'P3', 'AG', 'Live product', 'C3'), references: 0, children: [] },
      { record: rec('service_provider', 'S1', 'AG', 'X_named but active'), references: 0, children: [] },
    ]);
    expect(d.purge.map((r) => r.id)).toEqual(['P1', 'R1', 'C1']);
    expect(d.keep.map((k) => [k.record.id, k.reason])).toEqual([
      ['P2', '1 record(s) still refer to it'],
      ['C2', 'products or riders still on it: P2'],
      ['C3', 'products or riders still on it: P3'],
    ]);
  });
});
