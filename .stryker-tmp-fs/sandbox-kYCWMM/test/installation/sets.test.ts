// @ts-nocheck
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, dumpLines, loadInstallation } from '../helpers/installation.js';

const source = path.join(SAMPLES, 'source');

function contacts(db: string): { id: string; office_id: string; primary_advisor_id: string | null }[] {
  const r = run(['list', 'contacts', '--db', db, '--json']);
  return JSON.parse(r.stdout);
}

function members(db: string, set: string, office: string): string[] {
  const r = run(['set', 'show', set, '--office', office, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout)
    .contacts.map((c: { id: string }) => c.id)
    .sort();
}

describe('sets', () => {
  it("D7: a set made by primary advisor holds exactly that advisor's clients", () => {
    const db = loadInstallation(source);
    const all = contacts(db).filter((c) => c.office_id === 'O-NORTH');
    const advisor = all.find((c) => all.some((o) => o.primary_advisor_id === c.id))!.id;
    const expected = all
      .filter((c) => c.primary_advisor_id === advisor)
      .map((c) => c.id)
      .sort();
    expect(expected.length).toBeGreaterThan(1);
    const r = run(['set', 'create', 'Book', '--office', 'North Agency', '--primary-advisor', advisor, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(members(db, 'Book', 'North Agency')).toEqual(expected);
  });

  it('D7: a set is made from contact ids and from a CSV file, and add/remove/delete change only the set', () => {
    const db = loadInstallation(source);
    const ids = contacts(db)
      .filter((c) => c.office_id === 'O-NORTH')
      .map((c) => c.id)
      .slice(0, 4);
    expect(run(['set', 'create', 'A', '--office', 'O-NORTH', '--contact', ids[0]!, ids[1]!, '--db', db]).code).toBe(0);
    expect(members(db, 'A', 'O-NORTH')).toEqual([ids[0], ids[1]].sort());
    const csv = path.join(tmpDir(), 'ids.csv');
    fs.writeFileSync(csv, `contact_id\n${ids[2]}\n${ids[3]}\n`);
    expect(run(['set', 'add', 'A', '--office', 'O-NORTH', '--from', csv, '--db', db]).code).toBe(0);
    expect(members(db, 'A', 'O-NORTH')).toEqual([...ids].sort());
    expect(run(['set', 'remove', 'A', '--office', 'O-NORTH', '--contact', ids[0]!, '--db', db]).code).toBe(0);
    expect(members(db, 'A', 'O-NORTH')).toEqual(ids.slice(1).sort());
    const before = dumpLines(db)['contacts.csv'];
    expect(run(['set', 'delete', 'A', '--office', 'O-NORTH', '--db', db]).code).toBe(0);
    expect(dumpLines(db)['contacts.csv']).toEqual(before);
    expect(run(['set', 'show', 'A', '--office', 'O-NORTH', '--db', db]).code).toBe(1);
  });

  it('D7: ids that are not contacts of the office are refused with their file and line, and nothing changes', () => {
    const db = loadInstallation(source);
    const other = contacts(db).find((c) => c.office_id !== 'O-NORTH')!.id;
    const csv = path.join(tmpDir(), 'ids.csv');
    fs.writeFileSync(csv, `contact_id\nNOPE-1\n${other}\n`);
    const before = dumpLines(db);
    const r = run(['set', 'create', 'B', '--office', 'O-NORTH', '--from', csv, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${csv}:2:1: no contact "NOPE-1"`);
    expect(r.stderr).toContain(`${csv}:3:1: contact ${other} belongs to another office`);
    expect(dumpLines(db)).toEqual(before);
  });

  it('D7: a second set with the same name in one office is refused', () => {
    const db = loadInstallation(source);
    const r = run(['set', 'create', 'Move to Springfield', '--office', 'North Agency', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already has a set "Move to Springfield"/);
  });
});
