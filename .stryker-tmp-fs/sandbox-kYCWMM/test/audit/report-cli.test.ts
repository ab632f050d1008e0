// @ts-nocheck
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_ID, HOSTILE_FORMULA, exportHostile, loadTarget, tamperBundle, type Exported } from './audit-fixture.js';
import { run } from '../helpers/cli.js';

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
    expect(fs.readdirSync(ex.dir).filter((f) => f.includes('.tmp-') || f.endsWith('.partial'))).toEqual([]);
  });

  it('V3: replaces an existing report whole (only with --force, L1); refuses a missing folder with a hint and writes nothing', () => {
    const out = path.join(ex.dir, 'again.html');
    fs.writeFileSync(out, 'old');
    expect(run(['inspect', ex.bundle, '--html', out]).code).toBe(1);
    expect(fs.readFileSync(out, 'utf8')).toBe('old');
    expect(run(['inspect', ex.bundle, '--html', out, '--force']).code).toBe(0);
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
    expect(fs.readdirSync(ex.dir).filter((f) => f.includes('.tmp-') || f.endsWith('.partial'))).toEqual([]);
  });

  it('V3: with a target, lists every merge conflict, dropped entry, pending relation and ambiguous match of the dry run', () => {
    const target = loadTarget(ex.dir);
    const out = path.join(ex.dir, 'dry.html');
    const r = run(['inspect', ex.bundle, '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--html', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    type Outcome = {
      ref: string;
      outcome: string;
      record?: string;
      reason?: string;
      candidates?: string[];
      conflicts?: { field: string; target: string; incoming: string }[];
    };
    const dry = (JSON.parse(r.stdout) as { import_dry_run: { counts: Record<string, number>; outcomes: Outcome[] } }).import_dry_run;
    const html = fs.readFileSync(out, 'utf8');
    const section = html.slice(html.indexOf('<section id="dry-run">'));
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    const conflicts = dry.outcomes.flatMap((o) => (o.conflicts ?? []).map((c) => ({ ...c, ref: o.ref })));
    const dropped = dry.outcomes.filter((o) => o.outcome === 'dropped');
    const pending = dry.outcomes.filter((o) => o.outcome === 'pending');
    const ambiguous = dry.outcomes.filter((o) => (o.candidates?.length ?? 0) > 1);
    // the sample target is built to exercise each of them
    expect(conflicts.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0);
    expect(ambiguous.length).toBeGreaterThan(0);
    expect(section).toContain(`Merge conflicts (${conflicts.length})`);
    expect(section).toContain(`Dropped entries (${dropped.length})`);
    expect(section).toContain(`Pending relations (${pending.length})`);
    expect(section).toContain(`Ambiguous matches (${ambiguous.length})`);
    for (const c of conflicts) {
      const shown = c.field === 'tax_id' ? [] : [c.incoming, c.target];
      for (const v of shown) expect(section, `${c.ref} ${c.field}`).toContain(esc(v));
    }
    for (const d of [...dropped, ...pending]) expect(section).toContain(esc(d.reason ?? ''));
    for (const a of ambiguous) expect(section).toContain(esc(a.candidates!.join(', ')));
    for (const [outcome, n] of Object.entries(dry.counts)) expect(section).toMatch(new RegExp(`>${outcome}</text>.*?class="val">${n}<`));
    expect(section).toContain('Nothing was written');
  });
});
