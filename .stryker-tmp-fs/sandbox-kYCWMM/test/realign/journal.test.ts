// @ts-nocheck
// End-to-end: plan and apply (R9), journal and undo (R10), purge (R11), and a
// failure in the middle of a migration (R12), with the real binary.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/cli.js';
import { bin, byId, changedRows, dump, json, loadInstallation, op, rows } from '../fixtures/realign/helpers.js';

const AG = ['--office', 'Agency One', '--user', 'admin'];
const migrateCarrier = (db: string) => op(db, 'realign', 'carrier', ...AG, '--local', 'CL-1', '--resource', 'CR-1', '--yes');

describe('R9: plan and apply', () => {
  it('R9: the plan pairs every local record; apply runs the exact pairs, each as its own journaled migration', async () => {
    const db = await loadInstallation();
    const file = path.join(tmpDir(), 'plan.csv');
    const p = await op(db, 'realign', 'plan', '--office', 'Agency One', '--out', file);
    expect(p.code, p.stderr).toBe(0);
    const plan = Papa.parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(plan).toHaveLength(3 + 5 + 3 + 3);
    const row = (id: string) => plan.find((r) => r.local_id === id)!;
    expect(row('CL-1')).toMatchObject({ kind: 'carrier', resource_id: 'CR-1', match: 'exact', action: 'realign' });
    expect(row('CL-2')).toMatchObject({ resource_id: 'CR-2', resource_name: 'Beacon Mutual', match: 'near', action: 'rename' });
    expect(row('CL-3')).toMatchObject({ match: 'none', action: 'keep' });
    expect(row('PL-1')).toMatchObject({ resource_id: 'PR-1', match: 'exact', action: 'with-carrier' });
    expect(row('PL-3')).toMatchObject({ match: 'none', action: 'repoint-with-carrier' });
    expect(row('SL-1')).toMatchObject({ kind: 'service-provider', resource_id: 'SR-1', match: 'exact', action: 'realign' });
    expect(row('SL-2')).toMatchObject({ match: 'near', action: 'rename' });

    const before = await dump(db);
    const refused = bin(db, 'realign', 'apply', file, ...AG);
    expect(refused.code).toBe(1);
    expect(await dump(db)).toEqual(before);

    const r = bin(db, 'realign', 'apply', file, ...AG, '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CL-1: applied as realignment #1/);
    expect(r.stdout).toMatch(/SL-1: applied as realignment #2/);
    expect(r.stdout).toMatch(/CL-2: skipped: near match/);
    expect(r.stdout.match(/CL-2: skipped/g), 'each skipped line once').toHaveLength(1);
    const after = await dump(db);
    expect(byId(after, 'carriers.csv', 'CL-1').name).toBe('X_Acme Life');
    expect(byId(after, 'service_providers.csv', 'SL-1').name).toBe('X_ExamOne');
    expect(byId(after, 'carriers.csv', 'CL-2').name).toBe('Beacon  mutual');
    expect(byId(after, 'policies.csv', 'P-4').carrier_id).toBe('CL-2');
    const log = json<{ id: number; kind: string; local_id: string }[]>(await op(db, 'realign', 'log', '--office', 'O-AG', '--json'));
    expect(log.map((e) => [e.id, e.kind, e.local_id])).toEqual([
      [1, 'carrier', 'CL-1'],
      [2, 'service_provider', 'SL-1'],
    ]);
  });
});

describe('R10: journal and undo', () => {
  it('R10: undo restores a dump identical to the one before the migration', async () => {
    const db = await loadInstallation();
    const before = await dump(db);
    expect((await migrateCarrier(db)).code).toBe(0);
    expect(await dump(db)).not.toEqual(before);
    const u = bin(db, 'realign', 'undo', '1', ...AG);
    expect(u.code, u.stderr).toBe(0);
    expect(await dump(db)).toEqual(before);
    const log = json<{ undone_at: string | null }[]>(await op(db, 'realign', 'log', '--office', 'O-AG', '--json'));
    expect(log[0]!.undone_at).not.toBeNull();
  });
  it('R10: undoing an entry again changes nothing and says so, with success', async () => {
    const db = await loadInstallation();
    expect((await migrateCarrier(db)).code).toBe(0);
    expect((await op(db, 'realign', 'undo', '1', ...AG)).code).toBe(0);
    const undone = await dump(db);
    const again = await op(db, 'realign', 'undo', '1', ...AG);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/realignment #1 was already undone at .*; nothing changed/);
    expect(await dump(db)).toEqual(undone);
    expect(json<{ rows: number; already_undone_at: string }>(await op(db, 'realign', 'undo', '1', ...AG, '--json'))).toMatchObject({
      rows: 0,
      already_undone_at: expect.any(String),
    });
  });
  it('R10: undo is refused when a later change touched the same records, and changes nothing', async () => {
    const db = await loadInstallation();
    expect((await migrateCarrier(db)).code).toBe(0);
    expect((await op(db, 'rename', 'product', 'PL-2', 'Whole Life Plus', ...AG)).code).toBe(0);
    const before = await dump(db);
    const u = await op(db, 'realign', 'undo', '1', ...AG);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/cannot undo realignment #1: 1 of its records changed since/);
    expect(u.stderr).toMatch(/products row PL-2: name changed since/);
    expect(await dump(db)).toEqual(before);
  });
  it('R10: an unrelated later migration does not block undo; one on the same rows is named', async () => {
    const db = await loadInstallation();
    const original = await dump(db);
    expect((await migrateCarrier(db)).code).toBe(0);
    expect((await op(db, 'rename', 'carrier', 'CL-2', 'Beacon Mutual', ...AG)).code).toBe(0);
    expect((await op(db, 'realign', 'carrier', ...AG, '--local', 'CL-2', '--resource', 'CR-2', '--yes')).code).toBe(0);
    expect((await op(db, 'rename', 'rider', 'RL-3', 'Accidental Death', ...AG)).code).toBe(0);
    expect((await op(db, 'realign', 'rider', ...AG, '--local', 'RL-3', '--resource', 'RR-2', '--yes')).code).toBe(0);
    // renames are journaled too: #2 renamed CL-2, #4 RL-3; #5 changed RL-3 and P-2's rider row,
    // which #1 had re-pointed; #2 and #3 touched none of #1's rows
    const blocked = await op(db, 'realign', 'undo', '1', ...AG);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/undo the later realignments #5, #4 first/);
    expect((await op(db, 'realign', 'undo', '5', ...AG)).code).toBe(0);
    expect((await op(db, 'realign', 'undo', '4', ...AG)).code).toBe(0);
    expect((await op(db, 'realign', 'undo', '1', ...AG)).code).toBe(0);
    expect((await op(db, 'realign', 'undo', '3', ...AG)).code).toBe(0);
    expect((await op(db, 'realign', 'undo', '2', ...AG)).code).toBe(0);
    expect(await dump(db)).toEqual(original);
  });
});

describe('R10: renames are journaled', () => {
  it('R10: a rename is listed by realign log and realign undo puts the old name back', async () => {
    const db = await loadInstallation();
    const original = await dump(db);
    const r = await op(db, 'rename', 'carrier', 'CL-2', 'Beacon Mutual', ...AG);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/as realignment #1 \(undo: officeport --db \S+ realign undo 1 /);
    expect(byId(await dump(db), 'carriers.csv', 'CL-2').name).toBe('Beacon Mutual');
    const log = json<{ id: number; kind: string; local_id: string; summary: unknown }[]>(await op(db, 'realign', 'log', '--office', 'O-AG', '--json'));
    expect(log.map((e) => [e.id, e.kind, e.local_id])).toEqual([[1, 'rename', 'CL-2']]);
    expect((await op(db, 'realign', 'log', '--office', 'O-AG')).stdout).toMatch(/rename\s+CL-2\s+renamed carrier "Beacon {2}mutual" -> "Beacon Mutual"/);
    const u = await op(db, 'realign', 'undo', '1', ...AG);
    expect(u.code, u.stderr).toBe(0);
    expect(await dump(db)).toEqual(original);
  });
  it('R10: undo of a rename is refused once a later migration changed the record, naming it, and changes nothing', async () => {
    const db = await loadInstallation();
    expect((await op(db, 'rename', 'carrier', 'CL-2', 'Beacon Mutual', ...AG)).code).toBe(0);
    expect((await op(db, 'realign', 'carrier', ...AG, '--local', 'CL-2', '--resource', 'CR-2', '--yes')).code).toBe(0);
    const before = await dump(db);
    const u = await op(db, 'realign', 'undo', '1', ...AG);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/cannot undo realignment #1: 1 of its records changed since/);
    expect(u.stderr).toMatch(/carriers row CL-2: name, pcm_activity changed since/);
    expect(u.stderr).toMatch(/undo the later realignment #2 first/);
    expect(await dump(db)).toEqual(before);
  });
});

describe('R11: purge', () => {
  it('R11: deletes the X_ records nothing refers to; the purge is journaled and blocks undo of the migration until undone', async () => {
    const db = await loadInstallation();
    const original = await dump(db);
    expect((await migrateCarrier(db)).code).toBe(0);
    const migrated = await dump(db);
    const dry = json<{ plan: { purge: { id: string }[]; blocksUndoOf: number[] } }>(await op(db, 'realign', 'purge', ...AG, '--dry-run', '--json'));
    expect(dry.plan.purge.map((r) => r.id)).toEqual(['PL-1', 'RL-1', 'CL-1']);
    expect(dry.plan.blocksUndoOf).toEqual([1]);
    expect((await op(db, 'realign', 'purge', ...AG)).code).toBe(1); // R7: no terminal, no --yes
    expect(await dump(db)).toEqual(migrated);

    const p = await op(db, 'realign', 'purge', ...AG, '--yes');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/deleted 3 record\(s\) as realignment #2/);
    const purged = await dump(db);
    expect(changedRows(migrated, purged)).toEqual(['carriers.csv:CL-1', 'products.csv:PL-1', 'riders.csv:RL-1']);
    expect(rows(purged, 'carriers.csv').some((c) => c.name.startsWith('X_'))).toBe(false);

    const blocked = await op(db, 'realign', 'undo', '1', ...AG);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/undo the later realignment #2 first/);
    expect((await op(db, 'realign', 'undo', '2', ...AG)).code).toBe(0);
    expect(await dump(db)).toEqual(migrated);
    expect((await op(db, 'realign', 'undo', '1', ...AG)).code).toBe(0);
    expect(await dump(db)).toEqual(original);
  });
  it('R11: an X_ record that something still refers to is kept', async () => {
    const db = await loadInstallation();
    expect((await migrateCarrier(db)).code).toBe(0);
    const sql = new Database(db);
    sql.prepare(`UPDATE proposals SET product_id = 'PL-1' WHERE id = 'PRP-2'`).run();
    sql.close();
    const dry = json<{ plan: { purge: { id: string }[]; keep: { record: { id: string }; reason: string }[] } }>(
      await op(db, 'realign', 'purge', ...AG, '--dry-run', '--json'),
    );
    expect(dry.plan.purge.map((r) => r.id)).toEqual(['RL-1']);
    expect(dry.plan.keep.map((k) => [k.record.id, k.reason])).toEqual([
      ['PL-1', '1 record(s) still refer to it'],
      ['CL-1', 'products or riders still on it: PL-1'],
    ]);
  });
});

describe('R12: one transaction', () => {
  it('R12: a failure in the middle of a migration leaves the installation unchanged', async () => {
    const db = await loadInstallation();
    // The content switches run first; renaming the carrier to X_ comes last and is made to fail.
    const sql = new Database(db);
    sql.exec(`CREATE TRIGGER fail_x BEFORE UPDATE OF name ON carriers WHEN NEW.name LIKE 'X\\_%' ESCAPE '\\'
              BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
    sql.close();
    const before = await dump(db);
    const r = bin(db, 'realign', 'carrier', ...AG, '--local', 'CL-1', '--resource', 'CR-1', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/forced failure/);
    expect(await dump(db)).toEqual(before);
    expect(json<unknown[]>(await op(db, 'realign', 'log', '--office', 'O-AG', '--json'))).toEqual([]);
  });
});
