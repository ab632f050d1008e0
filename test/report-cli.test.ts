import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_ID, HOSTILE_FORMULA, exportHostile, tamperBundle, type Exported } from './audit-fixture.js';
import { run } from './helpers/cli.js';

describe('officeport inspect --html', () => {
  let ex: Exported;
  beforeAll(() => {
    ex = exportHostile();
  });

  it('V3: writes one self-contained report with the header, counts, exclusions, catalogue, stubs and documents', () => {
    const out = path.join(ex.dir, 'audit.html');
    const r = run(['inspect', ex.bundle, '--html', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const inspected = JSON.parse(r.stdout) as { counts: Record<string, number>; contacts: { total: number } };
    const html = fs.readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(BUNDLE_ID);
    expect(html).toContain('North Agency');
    expect(html).toContain('Springfield Agency');
    expect(html).toContain(`data-figure="contacts"><b>${inspected.counts.contacts}</b>`);
    for (const id of ['header', 'counts', 'exclusions', 'catalogue', 'contacts', 'stubs', 'documents']) expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('leads are never exported');
    expect(html).toContain('parent office');
    expect(html).toContain(`${inspected.counts.documents} letter attachments`);
    expect(html).toContain(HOSTILE_FORMULA.replace(/"/g, '&quot;'));
    expect(html).not.toMatch(/<script/i);
    // tax ids of the sample contacts never appear whole
    const contactsCsv = fs.readFileSync(path.join(ex.dir, 'source-csv', 'contacts.csv'), 'utf8');
    const taxIds = [...contactsCsv.matchAll(/\b\d{3}-\d{2}-\d{4}\b/g)].map((m) => m[0]);
    expect(taxIds.length).toBeGreaterThan(3);
    for (const t of taxIds) expect(html).not.toContain(t);
    expect(html).toContain('Verified');
    expect(fs.readdirSync(ex.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('V3: replaces an existing report whole; refuses a missing folder with a hint and writes nothing', () => {
    const out = path.join(ex.dir, 'again.html');
    fs.writeFileSync(out, 'old');
    expect(run(['inspect', ex.bundle, '--html', out]).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain(BUNDLE_ID);
    const missing = path.join(ex.dir, 'no-such-dir', 'audit.html');
    const r = run(['inspect', ex.bundle, '--html', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not exist');
    expect(r.stderr).toContain('hint:');
  });

  it('V3: a bundle changed after bagging is refused and leaves no report behind', () => {
    const bad = path.join(ex.dir, 'tampered.zip');
    tamperBundle(ex.bundle, bad, 'data/records/contacts.ndjson', '"Smith"', '"Smyth"');
    const out = path.join(ex.dir, 'tampered.html');
    const r = run(['inspect', bad, '--html', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('contacts.ndjson');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(ex.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
