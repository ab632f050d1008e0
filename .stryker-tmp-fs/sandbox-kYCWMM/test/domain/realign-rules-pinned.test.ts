// @ts-nocheck
// The realignment decisions pinned where a mutation run found them loose
// (issue 13): every message a user reads, every table a migration switches,
// the plan's counted lines, and each branch of pairing and purging.
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_KINDS,
  CONTENT_REFERENCES,
  KIND_LABEL,
  KIND_TABLE,
  checkNames,
  isMigratedName,
  isRealigned,
  migratedName,
  planCarrierMigration,
  planLines,
  planPurge,
  planSingleMigration,
  planTotal,
  proposePairings,
  realignRefusal,
  refKey,
  type CatalogueKind,
  type CatalogueRecord,
  type RecordChange,
  type Switch,
} from '../../src/domain/realign-rules.js';
import { rec } from '../fixtures/realign/records.js';

const office = (id: string, kind: string, region: string | null, parent: string | null = null) => ({ id, name: `${id} name`, kind, region, parent_id: parent });
const sw = (table: string, column: string, count: number, from = 'a', to = 'b'): Switch => ({ table, column, from, to, count });

describe('R5, R6: what a migration switches', () => {
  it('R5: a carrier switches carrier contacts, agent contracts, appointments, policies and pending cases', () => {
    expect(CONTENT_REFERENCES.carrier).toEqual([
      { table: 'carrier_contacts', column: 'carrier_id' },
      { table: 'agent_contracts', column: 'carrier_id' },
      { table: 'appointments', column: 'carrier_id' },
      { table: 'policies', column: 'carrier_id' },
      { table: 'pending_cases', column: 'carrier_id' },
    ]);
  });
  it('R6: a product switches policies, pending cases and proposals; a rider policy riders; a service provider pending cases', () => {
    expect(CONTENT_REFERENCES.product).toEqual([
      { table: 'policies', column: 'product_id' },
      { table: 'pending_cases', column: 'product_id' },
      { table: 'proposals', column: 'product_id' },
    ]);
    expect(CONTENT_REFERENCES.rider).toEqual([{ table: 'policy_riders', column: 'rider_id' }]);
    expect(CONTENT_REFERENCES.service_provider).toEqual([{ table: 'pending_cases', column: 'service_provider_id' }]);
  });
  it('R5: the four catalogue kinds, their tables and the words a user reads', () => {
    expect(CATALOGUE_KINDS).toEqual(['carrier', 'product', 'rider', 'service_provider']);
    expect(KIND_TABLE).toEqual({ carrier: 'carriers', product: 'products', rider: 'riders', service_provider: 'service_providers' });
    expect(KIND_LABEL).toEqual({ carrier: 'carrier', product: 'product', rider: 'rider', service_provider: 'service provider' });
    expect(refKey({ table: 'policies', column: 'carrier_id' }, 'C1')).toBe('policies.carrier_id=C1');
  });
  it('R5: a migrated record is renamed X_ and is realigned only when also coded no_pcm_activity', () => {
    expect(migratedName('Acme')).toBe('X_Acme');
    expect(isMigratedName('X_Acme')).toBe(true);
    expect(isMigratedName('Acme X_')).toBe(false);
    expect(isMigratedName('x_Acme')).toBe(false);
    expect(isRealigned(rec('carrier', 'C', 'AG', 'X_Acme', null, 'no_pcm_activity'))).toBe(true);
    expect(isRealigned(rec('carrier', 'C', 'AG', 'X_Acme', null, 'active'))).toBe(false);
    expect(isRealigned(rec('carrier', 'C', 'AG', 'Acme', null, 'no_pcm_activity'))).toBe(false);
  });
});

describe('R1: availability, message by message', () => {
  const res = office('RES', 'resource', 'US');
  it('R1: each refusal names the office and why', () => {
    expect(realignRefusal(office('AG', 'branch', 'US', 'RES'), res)).toBe('office AG name is a branch office; realignment is for agency offices');
    expect(realignRefusal(office('AG', 'agency', 'US'), undefined)).toBe('office AG name has no parent office; realignment needs a resource parent office');
    expect(realignRefusal(office('AG', 'agency', 'US', 'P'), office('P', 'agency', 'US'))).toBe('the parent office P name of AG name is not a resource office');
    expect(realignRefusal(office('AG', 'agency', 'ca', 'RES'), res)).toBe(
      'realignment is not available in Canada and Australia, and office AG name is in region CA',
    );
    expect(realignRefusal(office('AG', 'agency', 'US', 'RES'), office('RES', 'resource', 'Au'))).toBe(
      'realignment is not available in Canada and Australia, and office RES name is in region AU',
    );
  });
  it('R1: an office without a region, or in another region, may realign', () => {
    expect(realignRefusal(office('AG', 'agency', null, 'RES'), office('RES', 'resource', null))).toBeNull();
    expect(realignRefusal(office('AG', 'agency', 'GB', 'RES'), office('RES', 'resource', 'NZ'))).toBeNull();
    expect(realignRefusal(office('AG', 'agency', 'CAN', 'RES'), office('RES', 'resource', 'AUS'))).toBeNull();
  });
});

describe('R8: exact names', () => {
  it('R8: an exact name passes; another is refused with its ids, the nearest names and the rename command', () => {
    const local = rec('service_provider', 'SL', 'AG', 'Lab One');
    expect(checkNames(local, rec('service_provider', 'SR', 'RES', 'Lab One'), [])).toEqual({ ok: true, value: null });
    const siblings = [
      rec('service_provider', 'S3', 'RES', 'Lab  one'),
      rec('service_provider', 'S1', 'RES', 'Lab One.'),
      rec('service_provider', 'S2', 'RES', 'Far Away Clinic'),
    ];
    const d = checkNames(local, rec('service_provider', 'SR', 'RES', 'LAB ONE'), siblings);
    expect(d).toEqual({
      ok: false,
      reason: 'the local service provider name "Lab One" (SL) is not exactly equal to the resource service provider name "LAB ONE" (SR)',
      hints: ['Lab  one (S3)', 'Lab One. (S1)'],
      hint: 'rename the local service provider to the exact resource name first: officeport rename service-provider SL "LAB ONE" --office AG --user USER',
    });
  });
});

describe('R5: carrier plan, every branch', () => {
  const local = rec('carrier', 'CL', 'AG', 'Acme');
  const resource = rec('carrier', 'CR', 'RES', 'Acme');
  const base = {
    local,
    resource,
    localChildren: [] as CatalogueRecord[],
    resourceChildren: [] as CatalogueRecord[],
    resourceCarriers: [resource],
    officeCarrierNames: ['Acme'],
    counts: {},
  };
  it('R5: with no children the plan switches the five carrier references (zero counts kept) and retires the carrier', () => {
    const d = planCarrierMigration(base);
    expect(d).toEqual({
      ok: true,
      value: {
        kind: 'carrier',
        local,
        resource,
        switches: CONTENT_REFERENCES.carrier.map((r) => ({ ...r, from: 'CL', to: 'CR', count: 0 })),
        records: [{ kind: 'carrier', id: 'CL', name: 'Acme', why: 'matched', set: { name: 'X_Acme', pcm_activity: 'no_pcm_activity' } }],
        lines: [
          { what: 'carrier contacts moved to the resource carrier', count: 0 },
          { what: 'agent contracts moved to the resource carrier', count: 0 },
          { what: 'appointments moved to the resource carrier', count: 0 },
          { what: 'policies moved to the resource carrier', count: 0 },
          { what: 'pending cases moved to the resource carrier', count: 0 },
          { what: 'carriers renamed X_ and coded no_pcm_activity', count: 1 },
        ],
        notes: [],
      },
    });
  });
  it('R8: a carrier with another name is refused before anything else', () => {
    const d = planCarrierMigration({ ...base, resource: rec('carrier', 'CR', 'RES', 'Acme Life'), officeCarrierNames: ['Acme', 'X_Acme'] });
    expect(!d.ok && d.reason).toBe('the local carrier name "Acme" (CL) is not exactly equal to the resource carrier name "Acme Life" (CR)');
    expect(!d.ok && d.hint).toBe('rename the local carrier to the exact resource name first: officeport rename carrier CL "Acme Life" --office AG --user USER');
  });
  it('R5: the X_ name taken is refused with the name and what to do', () => {
    const d = planCarrierMigration({ ...base, officeCarrierNames: ['X_Acme'] });
    expect(d).toEqual({
      ok: false,
      reason: 'the office already has a carrier named "X_Acme", the name this migration gives CL',
      hints: [],
      hint: 'rename or purge that earlier X_ carrier first (officeport realign purge, or officeport rename carrier)',
    });
  });
  it('R5: children are planned by kind then id; a match is the lowest-id resource child of the same kind and name, with a note when several share it', () => {
    const d = planCarrierMigration({
      ...base,
      localChildren: [rec('rider', 'RL', 'AG', 'Waiver', 'CL'), rec('product', 'PL2', 'AG', 'Term', 'CL'), rec('product', 'PL1', 'AG', 'Whole', 'CL')],
      resourceChildren: [
        rec('product', 'PR9', 'RES', 'Term', 'CR'),
        rec('product', 'PR3', 'RES', 'Term', 'CR'),
        rec('product', 'PR5', 'RES', 'Term', 'CR'),
        rec('rider', 'RR1', 'RES', 'Term', 'CR'),
        rec('product', 'PR7', 'RES', 'Waiver', 'CR'),
      ],
      counts: { 'policies.product_id=PL2': 4, 'pending_cases.product_id=PL2': 1, 'policy_riders.rider_id=RL': 9, 'policies.carrier_id=CL': 2 },
    });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.records).toEqual([
      { kind: 'product', id: 'PL1', name: 'Whole', why: 'repointed', set: { carrier_id: 'CR' } },
      { kind: 'product', id: 'PL2', name: 'Term', why: 'matched', set: { name: 'X_Term', pcm_activity: 'no_pcm_activity' } },
      // a product named Waiver is no match for a rider
      { kind: 'rider', id: 'RL', name: 'Waiver', why: 'repointed', set: { carrier_id: 'CR' } },
      { kind: 'carrier', id: 'CL', name: 'Acme', why: 'matched', set: { name: 'X_Acme', pcm_activity: 'no_pcm_activity' } },
    ]);
    expect(d.value.notes).toEqual(['several resource products are named "Term"; PR3 was taken']);
    expect(d.value.switches.slice(5)).toEqual([
      { table: 'policies', column: 'product_id', from: 'PL2', to: 'PR3', count: 4 },
      { table: 'pending_cases', column: 'product_id', from: 'PL2', to: 'PR3', count: 1 },
      { table: 'proposals', column: 'product_id', from: 'PL2', to: 'PR3', count: 0 },
    ]);
    expect(d.value.lines).toEqual([
      { what: 'carrier contacts moved to the resource carrier', count: 0 },
      { what: 'agent contracts moved to the resource carrier', count: 0 },
      { what: 'appointments moved to the resource carrier', count: 0 },
      { what: 'policies moved to the resource carrier', count: 2 },
      { what: 'pending cases moved to the resource carrier', count: 0 },
      { what: 'policies moved to a resource product', count: 4 },
      { what: 'pending cases moved to a resource product', count: 1 },
      { what: 'proposals moved to a resource product', count: 0 },
      { what: 'products without a resource match re-pointed to the resource carrier (kept, active)', count: 1 },
      { what: 'products renamed X_ and coded no_pcm_activity', count: 1 },
      { what: 'riders without a resource match re-pointed to the resource carrier (kept, active)', count: 1 },
      { what: 'carriers renamed X_ and coded no_pcm_activity', count: 1 },
    ]);
    expect(planTotal(d.value)).toBe(11);
  });
  it('R5: the children given are not reordered in place', () => {
    const kids = [rec('rider', 'RL', 'AG', 'W', 'CL'), rec('product', 'PL', 'AG', 'T', 'CL')];
    planCarrierMigration({ ...base, localChildren: kids });
    expect(kids.map((k) => k.id)).toEqual(['RL', 'PL']);
  });
  it('R5: a single resource child of the name gives no note; a rider match switches policy riders', () => {
    const d = planCarrierMigration({
      ...base,
      localChildren: [rec('rider', 'RL', 'AG', 'Waiver', 'CL')],
      resourceChildren: [rec('rider', 'RR', 'RES', 'Waiver', 'CR'), rec('rider', 'RX', 'RES', 'Other', 'CR')],
      counts: { 'policy_riders.rider_id=RL': 3 },
    });
    expect(d.ok && d.value.notes).toEqual([]);
    expect(d.ok && d.value.switches.at(-1)).toEqual({ table: 'policy_riders', column: 'rider_id', from: 'RL', to: 'RR', count: 3 });
    expect(d.ok && d.value.lines.find((l) => l.what === 'policy riders moved to a resource rider')).toEqual({
      what: 'policy riders moved to a resource rider',
      count: 3,
    });
  });
});

describe('R5, R9: kinds before ids, and ids that repeat across tables', () => {
  const local = rec('carrier', 'Z9', 'AG', 'Acme');
  const resource = rec('carrier', 'CR', 'RES', 'Acme');
  const base = { local, resource, resourceCarriers: [resource], officeCarrierNames: ['Acme'], counts: {} };
  it("R5: products are planned before riders whatever their ids; several resource riders of a product's name are no note", () => {
    const d = planCarrierMigration({
      ...base,
      localChildren: [rec('rider', 'A1', 'AG', 'Term', 'Z9'), rec('product', 'B1', 'AG', 'Term', 'Z9')],
      resourceChildren: [rec('product', 'PR', 'RES', 'Term', 'CR'), rec('rider', 'RR', 'RES', 'Term', 'CR')],
    });
    expect(d.ok && d.value.records.map((r) => [r.kind, r.id, r.why])).toEqual([
      ['product', 'B1', 'matched'],
      ['rider', 'A1', 'matched'],
      ['carrier', 'Z9', 'matched'],
    ]);
    expect(d.ok && d.value.notes).toEqual([]);
  });
  it('R9: rows come by kind, then id, whatever the ids', () => {
    const rows = proposePairings(
      [
        rec('service_provider', 'A0', 'AG', 'Lab'),
        rec('rider', 'B0', 'AG', 'W', 'Z9'),
        rec('product', 'C0', 'AG', 'T', 'Z9'),
        local,
        rec('carrier', 'Y1', 'AG', 'Other'),
      ],
      [],
    );
    expect(rows.map((r) => r.local_id)).toEqual(['Y1', 'Z9', 'C0', 'B0', 'A0']);
    const given = [
      rec('carrier', 'Z', 'AG', 'A'),
      rec('product', 'Y', 'AG', 'B', 'Z'),
      rec('rider', 'X', 'AG', 'C', 'Z'),
      rec('service_provider', 'W', 'AG', 'D'),
    ];
    expect(proposePairings(given, []).map((r) => r.local_id)).toEqual(['Z', 'Y', 'X', 'W']);
  });
  it('R9, R11: within a kind, rows come by id whatever order they are given in', () => {
    const ids = ['K6', 'K5', 'K4', 'K3', 'K2', 'K1', 'K9', 'K8', 'K7'];
    const sorted = [...ids].sort();
    expect(
      proposePairings(
        ids.map((id) => rec('carrier', id, 'AG', `Name ${id}`)),
        [],
      ).map((r) => r.local_id),
    ).toEqual(sorted);
    const purge = planPurge(ids.map((id) => ({ record: rec('product', id, 'AG', `X_${id}`, null, 'no_pcm_activity'), references: 0, children: [] })));
    expect(purge.purge.map((r) => r.id)).toEqual(sorted);
  });
  it('R9: a product on a resource carrier is told by kind: a resource product or service provider with that id is no carrier', () => {
    const rows = proposePairings(
      [rec('service_provider', 'S1', 'AG', 'Lab'), rec('product', 'P1', 'AG', 'Term', 'X1'), rec('product', 'P2', 'AG', 'Term', 'S1')],
      [rec('product', 'X1', 'RES', 'Annuity', 'CR'), rec('product', 'PR', 'RES', 'Term', 'X1'), rec('service_provider', 'SR', 'RES', 'Lab')],
    );
    expect(rows.map((r) => [r.local_id, r.resource_id, r.action])).toEqual([
      ['P1', null, 'keep'],
      ['P2', null, 'keep'],
      ['S1', 'SR', 'realign'],
    ]);
  });
});

describe('R6: single record plans, every refusal', () => {
  const prod = (id: string, office: string, name: string, carrier: string | null) => rec('product', id, office, name, carrier);
  it('R6: records of different kinds are refused, naming both', () => {
    const d = planSingleMigration({ local: prod('PL', 'AG', 'T', 'C'), resource: rec('rider', 'RR', 'RES', 'T', 'C'), resourceSiblings: [], counts: {} });
    expect(d).toEqual({ ok: false, reason: 'PL is a product but RR is a rider', hints: [], hint: undefined });
  });
  it('R6: a carrier is refused here: it has a plan of its own', () => {
    const d = planSingleMigration({ local: rec('carrier', 'CL', 'AG', 'A'), resource: rec('carrier', 'CR', 'RES', 'A'), resourceSiblings: [], counts: {} });
    expect(!d.ok && d.reason).toBe('a carrier is migrated with planCarrierMigration');
  });
  it('R8: a product with another name is refused before its carrier is looked at', () => {
    const d = planSingleMigration({ local: prod('PL', 'AG', 'Term', 'C1'), resource: prod('PR', 'RES', 'Term 10', 'C2'), resourceSiblings: [], counts: {} });
    expect(!d.ok && d.reason).toMatch(/^the local product name "Term" \(PL\) is not exactly equal/);
  });
  it('R6: a product of another carrier is refused with both carriers and the carrier command', () => {
    const d = planSingleMigration({ local: prod('PL', 'AG', 'T', 'CL'), resource: prod('PR', 'RES', 'T', 'CR'), resourceSiblings: [], counts: {} });
    expect(d).toEqual({
      ok: false,
      reason: 'the local product PL belongs to carrier CL, the resource product PR to carrier CR; a product migrates only within its resource carrier',
      hints: [],
      hint: 'realign its carrier first (officeport realign carrier --local CL --resource CR), which migrates or re-points its products',
    });
  });
  it('R6: a carrier missing on either side is named (none) and CARRIER in the command', () => {
    const d = planSingleMigration({ local: prod('PL', 'AG', 'T', null), resource: prod('PR', 'RES', 'T', 'CR'), resourceSiblings: [], counts: {} });
    expect(!d.ok && d.reason).toBe(
      'the local product PL belongs to carrier (none), the resource product PR to carrier CR; a product migrates only within its resource carrier',
    );
    expect(!d.ok && d.hint).toBe(
      'realign its carrier first (officeport realign carrier --local CARRIER --resource CR), which migrates or re-points its products',
    );
    const e = planSingleMigration({ local: prod('PL', 'AG', 'T', 'CL'), resource: prod('PR', 'RES', 'T', null), resourceSiblings: [], counts: {} });
    expect(!e.ok && e.reason).toMatch(/to carrier \(none\);/);
    expect(!e.ok && e.hint).toMatch(/--local CL --resource CARRIER\)/);
  });
  it('R6: a service provider plan switches its pending cases and retires it, with its lines', () => {
    const local = rec('service_provider', 'SL', 'AG', 'Lab', 'CX');
    const resource = rec('service_provider', 'SR', 'RES', 'Lab', 'CY');
    const d = planSingleMigration({ local, resource, resourceSiblings: [], counts: { 'pending_cases.service_provider_id=SL': 5 } });
    expect(d).toEqual({
      ok: true,
      value: {
        kind: 'service_provider',
        local,
        resource,
        switches: [{ table: 'pending_cases', column: 'service_provider_id', from: 'SL', to: 'SR', count: 5 }],
        records: [{ kind: 'service_provider', id: 'SL', name: 'Lab', why: 'matched', set: { name: 'X_Lab', pcm_activity: 'no_pcm_activity' } }],
        lines: [
          { what: 'pending cases moved to the resource service provider', count: 5 },
          { what: 'service providers renamed X_ and coded no_pcm_activity', count: 1 },
        ],
        notes: [],
      },
    });
  });
});

describe('R7: the counted lines a user confirms', () => {
  it('R7: counts of one label add up; an unknown reference is named by table and column', () => {
    const records: RecordChange[] = [
      { kind: 'rider', id: 'R1', name: 'a', why: 'matched', set: {} },
      { kind: 'rider', id: 'R2', name: 'b', why: 'matched', set: {} },
    ];
    const lines = planLines([sw('policies', 'carrier_id', 2), sw('notes', 'carrier_id', 7), sw('policies', 'carrier_id', 3)], records);
    expect(lines).toEqual([
      { what: 'policies moved to the resource carrier', count: 5 },
      { what: 'notes.carrier_id switched', count: 7 },
      { what: 'riders renamed X_ and coded no_pcm_activity', count: 2 },
    ]);
    expect(planLines([], [])).toEqual([]);
  });
});

describe('R9: pairings, every branch', () => {
  it('R9: carriers pair exactly (lowest id of equal names), near, or not at all', () => {
    const rows = proposePairings(
      [rec('carrier', 'CL1', 'AG', 'Acme'), rec('carrier', 'CL2', 'AG', 'Zenith Mutual'), rec('service_provider', 'SL', 'AG', 'Lab')],
      [rec('carrier', 'CR9', 'RES', 'Acme'), rec('carrier', 'CR2', 'RES', 'Acme'), rec('service_provider', 'SR', 'RES', 'Lab')],
    );
    expect(rows).toEqual([
      { kind: 'carrier', local_id: 'CL1', local_name: 'Acme', resource_id: 'CR2', resource_name: 'Acme', match: 'exact', action: 'realign' },
      { kind: 'carrier', local_id: 'CL2', local_name: 'Zenith Mutual', resource_id: null, resource_name: null, match: 'none', action: 'keep' },
      { kind: 'service_provider', local_id: 'SL', local_name: 'Lab', resource_id: 'SR', resource_name: 'Lab', match: 'exact', action: 'realign' },
    ]);
  });
  it('R9: a service provider pairs only with service providers, a carrier only with carriers', () => {
    const rows = proposePairings(
      [rec('service_provider', 'SL', 'AG', 'Acme'), rec('carrier', 'CL', 'AG', 'Lab')],
      [rec('carrier', 'CR', 'RES', 'Acme'), rec('service_provider', 'SR', 'RES', 'Lab')],
    );
    expect(rows.map((r) => [r.local_id, r.resource_id, r.action])).toEqual([
      ['CL', null, 'keep'],
      ['SL', null, 'keep'],
    ]);
  });
  it("R9: a product already on a resource carrier pairs among that carrier's products of its kind: exact realign, near rename, none keep", () => {
    const resource = [
      rec('carrier', 'CR', 'RES', 'Acme'),
      rec('product', 'PR1', 'RES', 'Term', 'CR'),
      rec('product', 'PR2', 'RES', 'Whole Life', 'CR'),
      rec('rider', 'RR1', 'RES', 'Universal', 'CR'),
      rec('product', 'PO', 'RES', 'Annuity', 'OTHER'),
    ];
    const rows = proposePairings(
      [
        rec('product', 'P1', 'AG', 'Term', 'CR'),
        rec('product', 'P2', 'AG', 'Whole life', 'CR'),
        rec('product', 'P3', 'AG', 'Universal', 'CR'),
        rec('product', 'P4', 'AG', 'Annuity', 'CR'),
      ],
      resource,
    );
    expect(rows.map((r) => [r.local_id, r.resource_id, r.resource_name, r.match, r.action])).toEqual([
      ['P1', 'PR1', 'Term', 'exact', 'realign'],
      ['P2', 'PR2', 'Whole Life', 'near', 'rename'],
      ['P3', null, null, 'none', 'keep'],
      ['P4', null, null, 'none', 'keep'],
    ]);
  });
  it("R9: a product whose carrier is local follows that carrier's pairing; kept when the carrier has no resource match, is done, or is absent", () => {
    const local = [
      rec('carrier', 'CA', 'AG', 'Acme'),
      rec('carrier', 'CB', 'AG', 'Orphan Carrier Inc'),
      rec('carrier', 'CD', 'AG', 'X_Done', null, 'no_pcm_activity'),
      rec('carrier', 'CN', 'AG', 'Acne'),
      rec('product', 'PA', 'AG', 'Term', 'CA'),
      rec('product', 'PB', 'AG', 'Term', 'CB'),
      rec('product', 'PD', 'AG', 'Term', 'CD'),
      rec('product', 'PE', 'AG', 'Term', null),
      rec('product', 'PF', 'AG', 'Term', 'GONE'),
      rec('product', 'PN', 'AG', 'Terms', 'CN'),
      rec('rider', 'RA', 'AG', 'Term', 'CA'),
    ];
    const resource = [rec('carrier', 'CR', 'RES', 'Acme'), rec('product', 'PR', 'RES', 'Term', 'CR'), rec('product', 'PX', 'RES', 'Term', 'CX')];
    const rows = proposePairings(local, resource);
    expect(rows.map((r) => [r.local_id, r.resource_id, r.match, r.action])).toEqual([
      ['CA', 'CR', 'exact', 'realign'],
      ['CB', null, 'none', 'keep'],
      ['CD', null, 'none', 'done'],
      ['CN', 'CR', 'near', 'rename'],
      ['PA', 'PR', 'exact', 'with-carrier'],
      ['PB', null, 'none', 'keep'],
      ['PD', null, 'none', 'keep'],
      ['PE', null, 'none', 'keep'],
      ['PF', null, 'none', 'keep'],
      // its carrier is near a resource carrier: the product pairs within it, near
      ['PN', 'PR', 'near', 'rename'],
      // a rider never pairs with a product
      ['RA', null, 'none', 'repoint-with-carrier'],
    ]);
  });
  it('R9: a done product is done whatever its carrier', () => {
    const rows = proposePairings(
      [rec('product', 'P', 'AG', 'X_Term', 'CR', 'no_pcm_activity')],
      [rec('carrier', 'CR', 'RES', 'A'), rec('product', 'PR', 'RES', 'X_Term', 'CR')],
    );
    expect(rows).toEqual([{ kind: 'product', local_id: 'P', local_name: 'X_Term', resource_id: null, resource_name: null, match: 'none', action: 'done' }]);
  });
});

describe('R11: purge, every branch', () => {
  const X = (kind: CatalogueKind, id: string, carrier?: string) => rec(kind, id, 'AG', `X_${id}`, carrier, 'no_pcm_activity');
  it('R11: order is products, riders, service providers, carriers, each by id', () => {
    const d = planPurge([
      { record: X('carrier', 'C2'), references: 0, children: [] },
      { record: X('service_provider', 'S1'), references: 0, children: [] },
      { record: X('rider', 'R2'), references: 0, children: [] },
      { record: X('carrier', 'C1'), references: 0, children: [] },
      { record: X('product', 'P2'), references: 0, children: [] },
      { record: X('rider', 'R1'), references: 0, children: [] },
      { record: X('product', 'P1'), references: 0, children: [] },
    ]);
    expect(d.purge.map((r) => r.id)).toEqual(['P1', 'P2', 'R1', 'R2', 'S1', 'C1', 'C2']);
    expect(d.keep).toEqual([]);
  });
  it('R11: a referenced carrier is kept for its references, not its children; a record not realigned is neither purged nor kept', () => {
    const d = planPurge([
      { record: X('carrier', 'C1'), references: 2, children: ['P9'] },
      { record: rec('carrier', 'C2', 'AG', 'X_C2', null, 'active'), references: 0, children: [] },
      { record: rec('service_provider', 'S1', 'AG', 'Lab', null, 'no_pcm_activity'), references: 3, children: [] },
      { record: X('service_provider', 'S2'), references: 12, children: [] },
    ]);
    expect(d.purge).toEqual([]);
    expect(d.keep.map((k) => [k.record.id, k.reason])).toEqual([
      ['C1', '2 record(s) still refer to it'],
      ['S2', '12 record(s) still refer to it'],
    ]);
  });
  it('R11: a carrier goes only with every product and rider on it; those that stay are named, in order', () => {
    const d = planPurge([
      { record: X('carrier', 'C1'), references: 0, children: ['P1', 'P2', 'R1'] },
      { record: X('product', 'P1', 'C1'), references: 1, children: [] },
      { record: rec('product', 'P2', 'AG', 'Live', 'C1'), references: 0, children: [] },
      { record: X('rider', 'R1', 'C1'), references: 0, children: [] },
    ]);
    expect(d.purge.map((r) => r.id)).toEqual(['R1']);
    expect(d.keep.map((k) => [k.record.id, k.reason])).toEqual([
      ['P1', '1 record(s) still refer to it'],
      ['C1', 'products or riders still on it: P1, P2'],
    ]);
  });
});
