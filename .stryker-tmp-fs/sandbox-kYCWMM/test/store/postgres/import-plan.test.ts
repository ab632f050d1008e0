// @ts-nocheck
// G2, same results: the import's set-based plan and its apply on PostgreSQL
// give what they give on SQLite, for the cases of test/import/plan-set.test.ts
// (the sample move with merges, an ambiguous match, stubs and catalogue links,
// with a plan choice and with carriers recreated; a second bundle of records
// already imported; relations waiting for a later bundle of the session and
// rebuilt when it comes; part of an inbox entry accepted, then the rest), run
// as a user runs them: the real binary, one target installation on each
// adapter, loaded from the same samples, the bundles exported once from a
// SQLite source with a fixed id and time. Plan files, receipts and dumps are
// compared byte for byte, masking only times, UUIDs and keys; undoing every
// accept brings each dump back, byte for byte, to what it was before (I13).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, tmpDir } from '../../helpers/cli.js';
import { SAMPLES } from '../../helpers/installation.js';
import { pgAddress, skipWithoutPostgres } from '../../helpers/pg.js';

const OFFICE = ['--office', 'Springfield Agency', '--user', 'dana'];
const CREATED = ['--created-at', '2026-01-02T03:04:05Z'];
const bundleId = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

/** What must differ between two installations: times, UUIDs (accept ids), keys and seals. */
function mask(text: string): string {
  return text
    .replace(/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/g, 'TIME')
    .replace(/(?<!00000000-0000-4000-8000-)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .replace(/"(receipt_key|seal|key|receipt_sha256|signature)": ?"[^"]*"/g, '"$1":"KEY"');
}

function ok(args: string[]): string {
  const r = run(args);
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Every file of a dump of the installation, masked, by name. */
function dumpOf(db: string): Record<string, string> {
  const out = path.join(tmpDir('officeport-pg-plan-dump-'), 'dump');
  ok(['dump', out, '--db', db]);
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(out, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else files[r] = mask(fs.readFileSync(path.join(out, r), 'utf8'));
    }
  };
  walk('');
  return files;
}

/** One target installation on each adapter, loaded from the sample target. */
interface Targets {
  sqlite: string;
  postgres: string;
  dir: string;
}

function targets(): Targets {
  const dir = tmpDir('officeport-pg-plan-');
  const t = { sqlite: path.join(dir, 't.db'), postgres: pgAddress('impplan'), dir };
  for (const db of [t.sqlite, t.postgres]) {
    ok(['init', '--db', db]);
    ok(['load', path.join(SAMPLES, 'target'), '--db', db]);
  }
  return t;
}

/**
 * Runs the same command on both targets (`{db}` the installation, `{out:x}` a
 * file x of each side's own) and returns each side's masked output file `file`
 * (if given) after checking both exited alike.
 */
function both(t: Targets, args: string[], file?: string): { sqlite: string; postgres: string } {
  const out = {} as { sqlite: string; postgres: string };
  for (const side of ['sqlite', 'postgres'] as const) {
    const own = (name: string) => path.join(t.dir, `${side}-${name}`);
    ok(args.map((a) => (a === '{db}' ? t[side] : a.startsWith('{out:') ? own(a.slice(5, -1)) : a)));
    out[side] = file ? mask(fs.readFileSync(own(file), 'utf8')) : '';
  }
  return out;
}

if (!skipWithoutPostgres('G2')) {
  describe('G2: import planning and apply on PostgreSQL give what they give on SQLite', () => {
    const bundles: Record<string, string> = {};
    beforeAll(() => {
      const dir = tmpDir('officeport-pg-plan-src-');
      const src = path.join(dir, 's.db');
      ok(['init', '--db', src]);
      ok(['load', path.join(SAMPLES, 'source'), '--db', src]);
      const from = ['--db', src, '--office', 'North Agency', '--user', 'alice', '--to-office', 'Springfield Agency', '--to-user', 'dana', ...CREATED];
      const exp = (name: string, n: number, what: string[]) => {
        bundles[name] = path.join(dir, `${name}.zip`);
        ok(['export', ...from, ...what, '--out', bundles[name], '--bundle-id', bundleId(n)]);
      };
      exp('move', 1, ['--set', 'Move to Springfield']);
      exp('again', 2, ['--set', 'Move to Springfield']);
      exp('b1', 3, ['--contact', 'C-1101', '--session', 'session-set']);
      exp('b2', 4, ['--contact', 'C-1102', '--session', 'session-set']);
    }, 120_000);

    it('G2, I3, I4, I5, I9, I12, I13: the sample move planned (plain, carriers recreated, an ambiguous contact chosen), applied, imported again and undone: plans, receipts and dumps as on SQLite', () => {
      const t = targets();
      const before = dumpOf(t.sqlite);
      expect(dumpOf(t.postgres)).toEqual(before);
      const plain = both(t, ['import', bundles.move!, '--db', '{db}', ...OFFICE, '--dry-run', '--plan-out', '{out:plan.json}'], 'plan.json');
      expect(plain.postgres).toEqual(plain.sqlite);
      // the scenario holds what it is meant to test: merges, an ambiguous match, a dropped party entry
      expect(plain.sqlite).toContain('"merged"');
      expect(plain.sqlite).toContain('"candidates"');
      const recreate = both(
        t,
        ['import', bundles.move!, '--db', '{db}', ...OFFICE, '--carriers', 'recreate', '--plan-out', '{out:plan-r.json}'],
        'plan-r.json',
      );
      expect(recreate.postgres).toEqual(recreate.sqlite);
      expect(recreate.sqlite).not.toEqual(plain.sqlite);
      // plan choices for the ambiguous Michael (C-1106): a new contact, or TC-5004
      for (const side of ['sqlite', 'postgres'] as const) {
        const file = path.join(t.dir, `${side}-plan.json`);
        const plan = JSON.parse(fs.readFileSync(file, 'utf8')) as { decisions: { ref: string; choice?: string }[] };
        for (const [name, choice] of [
          ['new', 'new'],
          ['chosen', 'TC-5004'],
        ]) {
          plan.decisions.find((d) => d.ref === 'contact/C-1106')!.choice = choice;
          fs.writeFileSync(path.join(t.dir, `${side}-${name}.json`), JSON.stringify(plan, null, 2));
        }
      }
      const asNew = both(t, ['import', bundles.move!, '--db', '{db}', ...OFFICE, '--plan', '{out:new.json}', '--plan-out', '{out:plan-n.json}'], 'plan-n.json');
      expect(asNew.postgres).toEqual(asNew.sqlite);
      expect(asNew.sqlite).not.toEqual(plain.sqlite);
      const chosen = both(t, ['import', bundles.move!, '--db', '{db}', ...OFFICE, '--plan', '{out:chosen.json}', '--receipt', '{out:r1.json}'], 'r1.json');
      expect(chosen.postgres).toEqual(chosen.sqlite);
      expect(chosen.sqlite).toContain('TC-5004');
      const moved = dumpOf(t.sqlite);
      expect(dumpOf(t.postgres)).toEqual(moved);
      expect(moved).not.toEqual(before);
      // I9: a second bundle of the same records links every one of them
      const again = both(t, ['import', bundles.again!, '--db', '{db}', ...OFFICE, '--plan-out', '{out:plan-2.json}'], 'plan-2.json');
      expect(again.postgres).toEqual(again.sqlite);
      expect(again.sqlite).toContain('already imported');
      const second = both(t, ['import', bundles.again!, '--db', '{db}', ...OFFICE, '--receipt', '{out:r2.json}'], 'r2.json');
      expect(second.postgres).toEqual(second.sqlite);
      expect(dumpOf(t.postgres)).toEqual(dumpOf(t.sqlite));
      // I13: undone last first, each installation is back where it started, byte for byte
      both(t, ['import', 'undo', '{out:r2.json}', '--db', '{db}', ...OFFICE]);
      expect(dumpOf(t.postgres)).toEqual(moved);
      both(t, ['import', 'undo', '{out:r1.json}', '--db', '{db}', ...OFFICE]);
      expect(dumpOf(t.sqlite)).toEqual(before);
      expect(dumpOf(t.postgres)).toEqual(before);
    }, 300_000);

    it('G2, I6, I7, I13: relations waiting for a later bundle of the session, then rebuilt when it comes: plans, receipts and dumps as on SQLite, and undone', () => {
      const t = targets();
      const before = dumpOf(t.sqlite);
      const p2 = both(t, ['import', bundles.b2!, '--db', '{db}', ...OFFICE, '--plan-out', '{out:p2.json}'], 'p2.json');
      expect(p2.postgres).toEqual(p2.sqlite);
      expect(p2.sqlite).toContain('waiting for a later bundle of the session');
      const r2 = both(t, ['import', bundles.b2!, '--db', '{db}', ...OFFICE, '--receipt', '{out:r2.json}'], 'r2.json');
      expect(r2.postgres).toEqual(r2.sqlite);
      const p1 = both(t, ['import', bundles.b1!, '--db', '{db}', ...OFFICE, '--plan-out', '{out:p1.json}'], 'p1.json');
      expect(p1.postgres).toEqual(p1.sqlite);
      expect(p1.sqlite).toContain('"pending_relation"');
      const r1 = both(t, ['import', bundles.b1!, '--db', '{db}', ...OFFICE, '--receipt', '{out:r1.json}'], 'r1.json');
      expect(r1.postgres).toEqual(r1.sqlite);
      expect(dumpOf(t.postgres)).toEqual(dumpOf(t.sqlite));
      both(t, ['import', 'undo', '{out:r1.json}', '--db', '{db}', ...OFFICE]);
      both(t, ['import', 'undo', '{out:r2.json}', '--db', '{db}', ...OFFICE]);
      expect(dumpOf(t.sqlite)).toEqual(before);
      expect(dumpOf(t.postgres)).toEqual(before);
    }, 300_000);

    it('G2, I2, I4, I6, I13: part of an inbox entry accepted, then the rest (entries waiting for contacts not accepted yet): receipts and dumps as on SQLite, and undone', () => {
      const t = targets();
      const before = dumpOf(t.sqlite);
      both(t, ['inbox', 'add', bundles.move!, '--db', '{db}', ...OFFICE]);
      const first = both(
        t,
        ['inbox', 'accept', bundleId(1), '--db', '{db}', ...OFFICE, '--contact', 'contact/C-1101', '--receipt', '{out:ra.json}'],
        'ra.json',
      );
      expect(first.postgres).toEqual(first.sqlite);
      expect(first.sqlite).toContain('not accepted yet');
      expect(dumpOf(t.postgres)).toEqual(dumpOf(t.sqlite));
      const rest = both(t, ['inbox', 'accept', bundleId(1), '--db', '{db}', ...OFFICE, '--receipt', '{out:rb.json}'], 'rb.json');
      expect(rest.postgres).toEqual(rest.sqlite);
      expect(dumpOf(t.postgres)).toEqual(dumpOf(t.sqlite));
      both(t, ['import', 'undo', '{out:rb.json}', '--db', '{db}', ...OFFICE]);
      both(t, ['import', 'undo', '{out:ra.json}', '--db', '{db}', ...OFFICE]);
      expect(dumpOf(t.sqlite)).toEqual(before);
      expect(dumpOf(t.postgres)).toEqual(before);
    }, 300_000);
  });
}
