// @ts-nocheck
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { SAMPLES, dumpLines, loadInstallation } from '../helpers/installation.js';

const source = path.join(SAMPLES, 'source');

describe('rights', () => {
  it('D6: a user without admin cannot grant rights, and nothing changes', () => {
    const db = loadInstallation(source);
    const before = dumpLines(db);
    const r = run(['rights', 'grant', 'admin', '--office', 'North Agency', '--user', 'norights', '--as', 'alice', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/alice is not an administrator of office North Agency/);
    expect(dumpLines(db)).toEqual(before);
  });

  it('D6: an administrator grants and revokes rights, and dump shows them', () => {
    const db = loadInstallation(source);
    const g = run(['rights', 'grant', 'data_import', 'data_export', '--office', 'North Agency', '--user', 'norights', '--as', 'nadmin', '--db', db]);
    expect(g.code, g.stderr).toBe(0);
    const users = dumpLines(db)['users.csv']!;
    expect(users.find((l) => l.includes(',norights,'))).toMatch(/,data_export;data_import$/);
    const v = run(['rights', 'revoke', 'data_export', '--office', 'North Agency', '--user', 'norights', '--as', 'nadmin', '--db', db, '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).after).toEqual(['data_import']);
    expect(dumpLines(db)['users.csv']!.find((l) => l.includes(',norights,'))).toMatch(/,data_import$/);
  });

  it('D6: an administrator of another office cannot grant rights here', () => {
    const db = loadInstallation(source);
    const r = run(['rights', 'grant', 'admin', '--office', 'North Agency', '--user', 'norights', '--as', 'sadmin', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no user "sadmin" in office North Agency/);
  });

  it('D6: an unknown right is a usage error (exit 2)', () => {
    const db = loadInstallation(source);
    const r = run(['rights', 'grant', 'superuser', '--office', 'North Agency', '--user', 'norights', '--as', 'nadmin', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown right "superuser"/);
  });

  it('D6: rights show lists every user of the office with their rights', () => {
    const db = loadInstallation(source);
    const r = run(['rights', 'show', '--office', 'North Agency', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout);
    expect(shown.users.find((u: { username: string }) => u.username === 'alice').rights).toEqual(['data_export', 'export_contacts_to_office']);
  });
});
