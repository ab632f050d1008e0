// @ts-nocheck
// B11 (M2): a retention archive is read by inspect (what finalize removed, per
// table, the receipt it came from and the bundle it finalized) and by convert
// (its rows as CSV per table or as one XML document), as verify reads it.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';
import { skipWithoutTool } from '../helpers/tools.js';
import { tamperBundle } from './audit-fixture.js';

const noXmllint = skipWithoutTool('B11', 'xmllint', spawnSync('xmllint', ['--version']).status === 0, 'Debian package libxml2-utils');

function ok(args: string[]): string {
  const r = run(args);
  expect(r.code, `officeport ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('retention archives in inspect and convert', () => {
  const dir = tmpDir();
  const archive = path.join(dir, 'retention.zip');
  const receipt = path.join(dir, 'receipt.json');
  let bundleId: string;

  beforeAll(() => {
    const src = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const tgt = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const zip = path.join(dir, 'move.zip');
    ok(
      ['export', '--db', src, '--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield'].concat([
        '--to-office',
        'Springfield Agency',
        '--to-user',
        'dana',
        '--out',
        zip,
      ]),
    );
    bundleId = JSON.parse(ok(['verify', zip, '--json'])).bundle_id as string;
    ok(['import', zip, '--db', tgt, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
    ok(['finalize', '--yes', receipt, '--db', src, '--office', 'North Agency', '--user', 'alice', '--archive', archive]);
  });

  it('B11: inspect summarises a retention archive: rows removed per table, the receipt and the bundle', () => {
    const r = run(['inspect', archive]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^retention archive [0-9a-f-]{36} \(officeport-retention \d+\.\d+, valid\)/);
    expect(r.stdout).toContain(`bundle ${bundleId}`);
    expect(r.stdout).toContain(`receipt sha256 ${createHash('sha256').update(fs.readFileSync(receipt)).digest('hex')}`);
    expect(r.stdout).toMatch(/\ncontacts +7 +0\n/);
    expect(r.stdout).toMatch(/\nleads +0 +2\n/);
    expect(r.stdout).toMatch(/documents: \d+ letter documents kept/);
    expect(r.stdout).not.toMatch(/123-45-6789/);
    const j = JSON.parse(ok(['inspect', archive, '--json']));
    expect(j).toMatchObject({
      kind: 'retention',
      verification: { valid: true, problems: [] },
      header: { bundle_id: bundleId, format: 'officeport-retention' },
    });
    expect(j.removed).toContainEqual({ table: 'contacts', travelled: 7, not_travelled: 0 });
    expect(j.removed).toContainEqual({ table: 'set_members', travelled: 0, not_travelled: 8 });
    expect(j.files).toMatchObject({ leads: 2, travelled_contacts: 7 });
  });

  it('B11: inspect of an archive changed after bagging shows it INVALID with the file, exits 1; convert refuses it', () => {
    const bad = path.join(dir, 'tampered.zip');
    tamperBundle(archive, bad, 'data/records/leads.ndjson', 'C-1106', 'C-1105');
    const r = run(['inspect', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^retention archive [0-9a-f-]{36} \(officeport-retention [\d.]+, INVALID\)/);
    expect(r.stdout).toContain('leads.ndjson');
    const out = path.join(dir, 'bad-csv');
    const c = run(['convert', bad, '--to', 'csv', '--out', out]);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('not a valid retention archive');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('B11: inspect of an archive refuses the import dry run and the HTML report, writing nothing', () => {
    const html = path.join(dir, 'report.html');
    const r = run(['inspect', archive, '--html', html]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('retention archive');
    expect(fs.existsSync(html)).toBe(false);
  });

  it("B11: convert --to csv writes the archive's rows, one CSV per file, and its header", () => {
    const out = path.join(dir, 'csv');
    const r = run(['convert', archive, '--to', 'csv', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`(of bundle ${bundleId})`);
    const read = (f: string) => Papa.parse<Record<string, string>>(fs.readFileSync(path.join(out, f), 'utf8'), { header: true, skipEmptyLines: true });
    const leads = read('leads.csv');
    expect(leads.meta.fields![0]).toBe('id');
    expect(leads.data.map((x) => x.contact_id).sort()).toEqual(['C-1101', 'C-1106']);
    expect(read('travelled_contacts.csv').data).toHaveLength(7);
    expect(read('set_members.csv').data).toHaveLength(8);
    const header = new Map(read('archive.csv').data.map((x) => [x.field, x.value]));
    expect(header.get('bundle_id')).toBe(bundleId);
    expect(header.get('removed_travelled_contacts')).toBe('7');
    expect(fs.readdirSync(out).some((f) => f.startsWith('rowids_'))).toBe(false);
  });

  it.skipIf(noXmllint)("B11: convert --to xml writes the archive's rows as one XML document", () => {
    const out = path.join(dir, 'archive.xml');
    ok(['convert', archive, '--to', 'xml', '--out', out]);
    const xpath = (q: string) => spawnSync('xmllint', ['--xpath', q, out], { encoding: 'utf8' }).stdout.trim();
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<\?xml [^>]+>\n<officeport-retention xmlns="urn:officeport:bundle-xml:1.0"/);
    expect(xpath(`count(/*/*[local-name()='rows'][@file='leads']/*)`)).toBe('2');
    expect(xpath(`count(/*/*[local-name()='rows'][@file='travelled_contacts']/*)`)).toBe('7');
    expect(xpath(`string(/*/*[local-name()='header']/*[local-name()='bundle_id'])`)).toBe(bundleId);
  });
});
