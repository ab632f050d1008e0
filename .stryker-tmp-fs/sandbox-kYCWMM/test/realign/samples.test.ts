// @ts-nocheck
// End-to-end on the sample installation (samples/source), as samples/README.md
// shows it: realign North Agency's "Summit Mutual Life"; Maple Agency (CA) is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../helpers/cli.js';
import { SAMPLES, bin, byId, changedRows, dump, loadInstallation, rows } from '../fixtures/realign/helpers.js';

const CONTENT = ['carrier_contacts.csv', 'agent_contracts.csv', 'appointments.csv', 'policies.csv', 'pending_cases.csv'];

describe('R5 on samples/source', () => {
  let before: Record<string, string>;
  let after: Record<string, string>;
  let r: RunResult;
  let db: string;
  beforeAll(async () => {
    db = await loadInstallation(SAMPLES);
    before = await dump(db);
    r = bin(
      db,
      'realign',
      'carrier',
      '--office',
      'North Agency',
      '--user',
      'nadmin',
      '--local',
      'Summit Mutual Life',
      '--resource',
      'Summit Mutual Life',
      '--yes',
    );
    after = await dump(db);
  });

  it('R5: every policy, case, contract, appointment and carrier contact of the local carrier is on the resource carrier', () => {
    expect(r.code, r.stderr).toBe(0);
    const local = byId(before, 'carriers.csv', 'CL-1');
    const resource = rows(before, 'carriers.csv').find((c) => c.office_id === 'O-RES' && c.name === local.name)!;
    let moved = 0;
    for (const f of CONTENT) {
      for (const row of rows(before, f).filter((x) => x.carrier_id === local.id)) {
        expect(byId(after, f, row.id!).carrier_id, `${f} ${row.id}`).toBe(resource.id);
        moved++;
      }
      expect(rows(after, f).filter((x) => x.carrier_id === local.id)).toEqual([]);
    }
    expect(moved).toBeGreaterThanOrEqual(8);
    expect(byId(after, 'carriers.csv', 'CL-1')).toMatchObject({ name: 'X_Summit Mutual Life', pcm_activity: 'no_pcm_activity' });
  });

  it('R5: exactly matched products and riders are X_ and no_pcm_activity, their content on the resource ones', () => {
    expect(byId(after, 'products.csv', 'PL-1')).toMatchObject({ name: 'X_Summit Term 20', pcm_activity: 'no_pcm_activity' });
    expect(byId(after, 'riders.csv', 'RL-1')).toMatchObject({ name: 'X_Waiver of Premium', pcm_activity: 'no_pcm_activity' });
    for (const f of ['policies.csv', 'pending_cases.csv']) {
      const using = rows(before, f).filter((x) => x.product_id === 'PL-1');
      expect(using.length, `${f} of the sample use product PL-1`).toBeGreaterThan(0);
      for (const row of using) expect(byId(after, f, row.id!).product_id).toBe('PR-1');
    }
    expect(rows(after, 'policy_riders.csv').filter((x) => x.rider_id === 'RL-1')).toEqual([]);
  });

  it('R5: unmatched products stay as they were, not renamed, on the resource carrier', () => {
    for (const id of ['PL-2', 'PL-3']) {
      const was = byId(before, 'products.csv', id);
      expect(byId(after, 'products.csv', id)).toEqual({ ...was, carrier_id: 'CR-1' });
    }
    for (const id of ['RL-2', 'RL-3']) expect(byId(after, 'riders.csv', id)).toEqual({ ...byId(before, 'riders.csv', id), carrier_id: 'CR-1' });
    expect(byId(after, 'policies.csv', 'P-1007').product_id).toBe('PL-2');
  });

  it('R4: no row of the resource office changed, and no other office either', () => {
    const changed = changedRows(before, after);
    expect(changed.length).toBeGreaterThan(10);
    for (const key of changed.filter((k) => !k.startsWith('policy_riders'))) {
      const [file, id] = key.split(':') as [string, string];
      const row = rows(before, file).find((x) => x.id === id)!;
      expect(row.office_id, key).toBe('O-NORTH');
    }
  });

  it('R1: the same migration in Maple Agency (region CA) is refused', () => {
    const m = bin(
      db,
      'realign',
      'carrier',
      '--office',
      'Maple Agency',
      '--user',
      'madmin',
      '--local',
      'Summit Mutual Life',
      '--resource',
      'Summit Mutual Life',
      '--yes',
    );
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/not available in Canada and Australia, and office Maple Agency is in region CA/);
  });
});

describe('R10: a rename on samples/source', () => {
  it('R10: the undo command a rename prints runs as printed, for an office whose name has a space', async () => {
    const db = await loadInstallation(SAMPLES);
    const before = await dump(db);
    const r = bin(db, 'rename', 'carrier', 'CL-2', 'Granite State Insurance', '--office', 'North Agency', '--user', 'nadmin');
    expect(r.code, r.stderr).toBe(0);
    // U3: the hint names the installation it was given, so that it pastes as it is
    const m = /\(undo: officeport --db (\S+) (realign undo .*)\)/.exec(r.stdout);
    expect(m?.[1]).toBe(db);
    const hint = m?.[2];
    expect(hint).toContain("--office 'North Agency'");
    // the words as a shell splits them (the hint quotes with '...' only)
    const words = [...hint!.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    const u = bin(db, ...words);
    expect(u.code, u.stderr).toBe(0);
    expect(await dump(db)).toEqual(before);
  });
});
