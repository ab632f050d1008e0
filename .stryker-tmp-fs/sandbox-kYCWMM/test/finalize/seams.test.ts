// @ts-nocheck
// Finalize's refusals and seams pinned where the mutation run of finalize.ts
// found them loose (issue 13): the real binary on the exported source sample,
// read as a user reads it (message, hint, what is left on disk).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBag } from '../../src/bundle/bag-reader.js';
import type { FinalizeReceipt } from '../../src/domain/finalize-rules.js';
import { exportSample, handReceipt, writeJson } from '../fixtures/finalize/hand-receipt.js';
import { run } from '../helpers/cli.js';

interface Failure {
  code: string;
  message: string;
  hint?: string;
  problems: { pointer?: string; message: string }[];
}

let s: { dir: string; db: string; bundle: string };
let receipt: FinalizeReceipt;
let n = 0;

/** A fresh copy of the exported source installation and its sealed receipt, in a folder of their own. */
function copy(edit?: (r: FinalizeReceipt) => unknown): { own: string; db: string; receiptFile: string } {
  const own = path.join(s.dir, `case-${n++}`);
  fs.mkdirSync(own);
  const db = path.join(own, 'source.db');
  fs.copyFileSync(s.db, db);
  const r = structuredClone(receipt);
  const receiptFile = writeJson(path.join(own, 'receipt.json'), edit ? (edit(r) ?? r) : r);
  return { own, db, receiptFile };
}
const args = (c: { db: string; receiptFile: string }, ...more: string[]) => [
  'finalize',
  c.receiptFile,
  '--db',
  c.db,
  '--office',
  'North Agency',
  '--user',
  'alice',
  ...more,
];
function fails(a: string[], env?: Record<string, string>): Failure {
  const r = run([...a, '--json'], { env });
  expect(r.code, r.stdout).not.toBe(0);
  return (JSON.parse(r.stderr || r.stdout) as { error: Failure }).error;
}
function succeeds(a: string[]): Record<string, unknown> {
  const r = run([...a, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  s = exportSample('officeport-finalize-seams-');
  receipt = await handReceipt(s.bundle, { outcome: (r) => (r.record.ref === 'policy/P-1007' ? 'dropped' : undefined) });
}, 60_000);

describe('finalize: what it says before anything is removed', () => {
  it('L2: without a terminal and without --yes it names how many contacts and records would go, and how to go on', () => {
    const c = copy();
    const e = fails(args(c));
    expect(e.code).toBe('REFUSED');
    expect(e.message).toMatch(
      /^finalize would remove \d+ moved contacts and \d+ records in all from North Agency, and there is no terminal to ask whether to go on; nothing was changed$/,
    );
    expect(e.hint).toBe('pass --yes to remove them, or --dry-run to list what would go');
  });
  it('L2: one moved contact is named in the singular', () => {
    const onlyOne = (r: FinalizeReceipt) => {
      // every contact but C-1101 (and what hangs on them) waits in the target's inbox
      r.outcomes = r.outcomes.map((o) => (o.ref.startsWith('contact/') && o.ref !== 'contact/C-1101' ? { ...o, outcome: 'pending' as const } : o));
    };
    const e = fails(args(copy(onlyOne)));
    expect(e.message).toMatch(/^finalize would remove 1 moved contact and \d+ records in all from North Agency/);
  });
  it("M1: the outcome counts of a finalize are the receipt's own, dropped ones included", () => {
    const c = copy();
    const out = succeeds(args(c, '--dry-run'));
    const want = { created: 0, merged: 0, linked: 0, pending: 0, dropped: 0 } as Record<string, number>;
    for (const o of receipt.outcomes) want[o.outcome]!++;
    expect(want.dropped).toBe(1);
    expect(out.outcomes).toEqual(want);
    expect(out.status).toBe('dry_run');
    expect(out.summary).toMatch(/^dry run: /);
  });
  it('L1: a dry run writes no archive, so an --archive naming an existing file does not stop it', () => {
    const c = copy();
    const mine = path.join(c.own, 'mine.zip');
    fs.writeFileSync(mine, 'my own file');
    const out = succeeds(args(c, '--dry-run', '--archive', mine));
    expect(out.would_archive).toBe(mine);
    expect(fs.readFileSync(mine, 'utf8')).toBe('my own file');
  });
  it('L1: an --archive naming an existing file is refused before anything is asked', () => {
    const c = copy();
    const mine = path.join(c.own, 'mine.zip');
    fs.writeFileSync(mine, 'my own file');
    const e = fails(args(c, '--archive', mine));
    expect(e.message).not.toMatch(/terminal/);
    expect(e.message).toContain(mine);
    expect(fs.readFileSync(mine, 'utf8')).toBe('my own file');
  });
});

describe('finalize: receipts it refuses', () => {
  it('M1: a receipt without outcomes is not an officeport receipt, and the missing list is named', () => {
    const e = fails(args(copy((r) => ({ ...r, outcomes: undefined }))));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/receipt\.json is not an officeport receipt; nothing was changed$/);
    expect(e.hint).toMatch(/^name the receipt JSON that the import wrote: officeport --db \S+ finalize RECEIPT --office \.\.\. --user \.\.\.$/);
    expect(JSON.stringify(e.problems)).toMatch(/outcomes/);
  });
  it('M1: a receipt with many bad outcomes lists the first 50 of them', () => {
    const e = fails(args(copy((r) => ({ ...r, outcomes: Array.from({ length: 80 }, (_, i) => ({ ref: `contact/X-${i}`, outcome: 'teleported' })) }))));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.problems.length).toBeGreaterThan(0);
    expect(e.problems.length).toBeLessThanOrEqual(50);
    expect(e.problems.at(-1)!.pointer).toMatch(/^\/outcomes\/(4[5-9])\b/);
  });
  it('M1: a receipt for another office of this installation names the office to finalize in', () => {
    const c = copy();
    const r = run(['finalize', c.receiptFile, '--db', c.db, '--office', 'South Agency', '--user', 'bob', '--yes', '--json']);
    const e = (JSON.parse(r.stderr || r.stdout) as { error: Failure }).error;
    expect(e.code).toBe('MISADDRESSED');
    expect(e.message).toBe(`${c.receiptFile} does not answer a bundle that office South Agency of this installation exported; nothing was changed`);
    expect(e.hint).toBe('the bundle came from office O-NORTH (North Agency): finalize there, with --office O-NORTH and a user of that office');
  });
  it("M1: a receipt of another installation's bundle names that installation and office", () => {
    const c = copy((r) => ({ ...r, bundle_id: 'B-ELSEWHERE', source: { installation_id: 'I-ELSEWHERE', office_id: 'O-FAR', office_name: 'Far Agency' } }));
    const e = fails(args(c, '--yes'));
    expect(e.code).toBe('MISADDRESSED');
    expect(e.hint).toBe(
      'the bundle came from office O-FAR (Far Agency) of installation I-ELSEWHERE: finalize there, naming that installation with --db and --office O-FAR',
    );
  });
  it('M1: a receipt whose source office differs from the one that exported the bundle names the exporting office only', () => {
    const c = copy((r) => ({ ...r, source: { ...r.source, office_id: 'O-SOUTH', office_name: 'South Agency' } }));
    const e = fails(args(c, '--yes'));
    expect(e.code).toBe('MISADDRESSED');
    expect(e.hint).toBe('the bundle came from office O-NORTH: finalize there, with --office O-NORTH and a user of that office');
  });
  it('L4: a changed receipt is refused with how to get it again, and nothing is removed', () => {
    const c = copy();
    const text = fs.readFileSync(c.receiptFile, 'utf8');
    fs.writeFileSync(c.receiptFile, text.replace('"ACC-1"', '"ACC-2"'));
    const e = fails(args(c, '--yes'));
    expect(e.message).toBe(`${c.receiptFile} does not match its seal: it was changed after the import wrote it; nothing was changed`);
    expect(e.hint).toBe(
      'finalize only with the receipt exactly as the import wrote it; if it was lost or changed, the target can write it again: officeport import receipt BUNDLE --db TARGET --office O --user U --out FILE',
    );
  });
  it('L4: a receipt naming records the bundle did not hold says how many, in the singular for one', () => {
    const c = copy((r) => {
      r.outcomes.push({ ref: 'policy/P-NOT-SENT', target_id: 'T-X', outcome: 'created' });
    });
    const e = fails(args(c, '--yes'));
    expect(e.message).toBe(`${c.receiptFile} names 1 record that bundle ${receipt.bundle_id} did not hold; nothing was changed`);
    expect(e.hint).toBe('finalize only with the receipt exactly as the import wrote it');
    expect(e.problems.map((p) => p.message)).toEqual(['policy/P-NOT-SENT: not in the bundle']);
  });
  it('L4: a receipt of an import in this installation that it does not know is refused, naming the import', () => {
    const c = copy();
    // the target is this very installation: its import log must hold the accept
    const id = new Database(c.db, { readonly: true }).prepare('SELECT id FROM installation').pluck().get() as string;
    const c2 = copy((r) => ({ ...r, target: { ...r.target, installation_id: id } }));
    const e = fails(args(c2, '--yes'));
    expect(e.message).toBe(
      'this installation has no import ACC-1, which the receipt answers; the contacts did not stay in the target, so nothing is removed here; nothing was changed',
    );
    expect(e.hint).toBe('import the bundle again in the target and finalize with the new receipt');
  });
});

describe('finalize: a receipt of an import in this installation (L4)', () => {
  /** A copy whose receipt names this installation as the target, with an import log row for ACC-1 (undone at `undone`, or standing). */
  function sameInstallation(undone: string | null): { own: string; db: string; receiptFile: string } {
    const c0 = copy();
    const id = new Database(c0.db, { readonly: true }).prepare('SELECT id FROM installation').pluck().get() as string;
    const c = copy((r) => ({ ...r, target: { ...r.target, installation_id: id, office_id: 'O-SOUTH' } }));
    const db = new Database(c.db);
    db.prepare(
      `INSERT INTO import_accepts (accept_id, inbox_id, bundle_id, office_id, user_id, at, receipt, undone_at) VALUES ('ACC-1', 'IN-1', ?, 'O-SOUTH', 'U-1', '2025-04-02T10:00:00Z', '{}', ?)`,
    ).run(receipt.bundle_id, undone);
    db.close();
    return c;
  }
  it('L4: a receipt whose import was undone is refused, naming the import and its office; nothing is removed', () => {
    const c = sameInstallation('2025-04-03T10:00:00Z');
    const before = new Database(c.db, { readonly: true }).prepare('SELECT count(*) FROM contacts').pluck().get();
    const e = fails(args(c, '--yes'));
    expect(e.message).toBe(
      'import ACC-1 of this receipt was undone in office O-SOUTH; the contacts did not stay in the target, so nothing is removed here; nothing was changed',
    );
    expect(e.hint).toBe('import the bundle again in the target and finalize with the new receipt');
    expect(new Database(c.db, { readonly: true }).prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(before);
  });
  it('L4: a receipt whose import still stands goes through', () => {
    const c = sameInstallation(null);
    const out = succeeds(args(c, '--yes'));
    expect(out.status).toBe('finalized');
  });
});

describe('finalize: the archive path', () => {
  it("L1: a file of the user's own at the default archive path is refused and left as it was", () => {
    const c = copy();
    const at = path.join(c.own, `retention-${receipt.bundle_id}.zip`);
    fs.writeFileSync(at, 'not an archive');
    const e = fails(args(c, '--yes'));
    expect(e.message).toContain(at);
    expect(fs.readFileSync(at, 'utf8')).toBe('not an archive');
  });
  it('L1: the bundle itself at the default archive path is no unfinished archive of this receipt: refused, left as it was', () => {
    const c = copy();
    const at = path.join(c.own, `retention-${receipt.bundle_id}.zip`);
    fs.copyFileSync(s.bundle, at);
    fails(args(c, '--yes'));
    expect(fs.readFileSync(at).equals(fs.readFileSync(s.bundle))).toBe(true);
  });
  it('L1: with --force, a refusal inside the transaction leaves the file the archive would have replaced', () => {
    const c = copy((r) => {
      r.outcomes.push({ ref: 'policy/P-NOT-SENT', target_id: 'T-X', outcome: 'created' });
    });
    const mine = path.join(c.own, 'mine.zip');
    fs.writeFileSync(mine, 'my own file');
    const e = fails(args(c, '--yes', '--force', '--archive', mine));
    expect(e.message).toMatch(/did not hold/);
    expect(fs.readFileSync(mine, 'utf8')).toBe('my own file');
  });
  it('S3, L1: an error after the archive was written removes that archive; the next run writes it whole', async () => {
    const c = copy();
    const e = fails(args(c, '--yes'), { OFFICEPORT_FAULT: 'throw:finalize-before-commit' });
    expect(e.message).toMatch(/injected fault/);
    expect(fs.readdirSync(c.own).filter((f) => f.includes('retention'))).toEqual([]);
    const out = succeeds(args(c, '--yes'));
    expect(out.status).toBe('finalized');
    const { bag, problems } = await openBag(out.archive as string);
    expect(problems).toEqual([]);
    try {
      // M2: only record files with rows are listed, each beside the places of its rows
      const records = bag!.paths.filter((p) => p.startsWith('data/records/'));
      expect(records.length).toBeGreaterThan(2);
      for (const p of records) {
        let lines = 0;
        for await (const { text } of bag!.lines(p)) if (text) lines++;
        expect(lines, p).toBeGreaterThan(0);
      }
      expect(bag!.paths).toEqual([...bag!.paths].sort());
    } finally {
      await bag!.close();
    }
  });
});
