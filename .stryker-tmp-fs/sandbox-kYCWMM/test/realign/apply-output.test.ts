// @ts-nocheck
// What `realign apply` says about each row of a plan, with the real binary:
// each row once, with advice that fits the row (R9).
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/cli.js';
import { bin, loadInstallation, op } from '../fixtures/realign/helpers.js';

const AG = ['--office', 'Agency One', '--user', 'admin'];

/** The output line of one plan row (by local id), each row's line exactly once. */
function lineOf(stdout: string, localId: string): string {
  const lines = stdout.split('\n').filter((l) => new RegExp(`^line \\d+ \\S+ ${localId}:`).test(l));
  expect(lines, `${localId} in\n${stdout}`).toHaveLength(1);
  return lines[0]!;
}

describe('R9: realign apply explains each row', () => {
  it('R9: applying a plan again says the rows already applied need nothing, naming their realignment, and exits 0', async () => {
    const db = await loadInstallation();
    const file = path.join(tmpDir(), 'plan.csv');
    expect((await op(db, 'realign', 'plan', '--office', 'Agency One', '--out', file)).code).toBe(0);
    const first = bin(db, 'realign', 'apply', file, ...AG, '--yes');
    expect(first.code, first.stderr).toBe(0);
    const again = bin(db, 'realign', 'apply', file, ...AG, '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(lineOf(again.stdout, 'CL-1')).toMatch(/CL-1: skipped: already applied as realignment #1; nothing to do$/);
    expect(lineOf(again.stdout, 'SL-1')).toMatch(/SL-1: skipped: already applied as realignment #2; nothing to do$/);
    // its product went with the carrier: done too, by the same realignment
    expect(lineOf(again.stdout, 'PL-1')).toMatch(/PL-1: skipped: already applied as realignment #1; nothing to do$/);
    expect(again.stdout).not.toMatch(/refused|not exactly equal/);
  });

  it('R9: rows without a resource match are not told to rename; near matches are, with the command', async () => {
    const db = await loadInstallation();
    const file = path.join(tmpDir(), 'plan.csv');
    expect((await op(db, 'realign', 'plan', '--office', 'Agency One', '--out', file)).code).toBe(0);
    const plan = Papa.parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
    const r = bin(db, 'realign', 'apply', file, ...AG, '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    const advised = plan.filter((row) => ['keep', 'repoint-with-carrier', 'rename'].includes(row.action!));
    expect(new Set(advised.map((row) => row.action))).toEqual(new Set(['keep', 'repoint-with-carrier', 'rename']));
    for (const row of advised) {
      const line = lineOf(r.stdout, row.local_id!);
      if (row.action === 'keep') expect(line).toMatch(/no resource record of that name: it stays a local record; nothing to do$/);
      if (row.action === 'repoint-with-carrier')
        expect(line).toMatch(/no resource record of that name: the migration of its carrier re-points it to the resource carrier$/);
      if (row.action === 'rename') expect(line).toContain(`near match: rename it to ${JSON.stringify(row.resource_name)} (officeport rename`);
    }
  });
});
