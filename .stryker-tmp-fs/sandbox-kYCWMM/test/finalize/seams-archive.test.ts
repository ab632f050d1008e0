// @ts-nocheck
// Finalize's seams that the mutation run of finalize.ts and retention.ts left
// loose (issue 13), each shown on a copy of the exported source sample with a
// receipt written by hand: what changes while finalize waits for the answer,
// and what the retention archive holds when letters share a document, when
// the installation's name spans lines, and in what order its entries are.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBag } from '../../src/bundle/bag-reader.js';
import { totalRemoved, type FinalizeReceipt } from '../../src/domain/finalize-rules.js';
import { finalizeReceipt, type FinalizePreview } from '../../src/finalize/index.js';
import { OfficeportError } from '../../src/shared/errors.js';
import { openStore } from '../../src/store/open.js';
import { exportSample, handReceipt, writeJson } from '../fixtures/finalize/hand-receipt.js';
import { run } from '../helpers/cli.js';

let s: { dir: string; db: string; bundle: string };
let receipt: FinalizeReceipt;
let n = 0;

function copy(): { own: string; db: string; receiptFile: string } {
  const own = path.join(s.dir, `case-${n++}`);
  fs.mkdirSync(own);
  const db = path.join(own, 'source.db');
  fs.copyFileSync(s.db, db);
  return { own, db, receiptFile: writeJson(path.join(own, 'receipt.json'), structuredClone(receipt)) };
}
function sql(db: string, ...statements: string[]): void {
  const d = new Database(db);
  try {
    for (const st of statements) d.exec(st);
  } finally {
    d.close();
  }
}
const count = (db: string, table: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    d.close();
  }
};
/** finalize through the library, answering the question with `answer` (which may change things first). */
async function finalizeAsking(c: { own: string; db: string; receiptFile: string }, answer: () => boolean): Promise<unknown> {
  const store = openStore(c.db);
  try {
    await finalizeReceipt(store, {
      receiptFile: c.receiptFile,
      office: 'North Agency',
      user: 'alice',
      archive: path.join(c.own, 'archive.zip'),
      confirm: async () => answer(),
    });
    return undefined;
  } catch (e) {
    return e;
  } finally {
    store.close();
  }
}
function finalizeYes(c: { db: string; receiptFile: string }): { archive: string } {
  const r = run(['finalize', c.receiptFile, '--db', c.db, '--office', 'North Agency', '--user', 'alice', '--yes', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { archive: string };
}

beforeAll(async () => {
  s = exportSample('officeport-finalize-seams-archive-');
  receipt = await handReceipt(s.bundle);
}, 60_000);

describe('finalize: what changes while it waits for the answer (L2)', () => {
  it('L2: a receipt file changed while the question was open is refused, and nothing is removed or written', async () => {
    const c = copy();
    const contacts = count(c.db, 'contacts');
    const e = await finalizeAsking(c, () => {
      fs.appendFileSync(c.receiptFile, '\n'); // the same receipt to a JSON reader, not the same bytes
      return true;
    });
    expect(e).toBeInstanceOf(OfficeportError);
    expect((e as OfficeportError).code).toBe('CONFLICT');
    expect((e as OfficeportError).message).toBe(`${c.receiptFile} changed while finalize read it; nothing was changed`);
    expect((e as OfficeportError).hint).toBe('run finalize again once the receipt file is complete');
    expect(count(c.db, 'contacts')).toBe(contacts);
    expect(fs.existsSync(path.join(c.own, 'archive.zip'))).toBe(false);
  });
  it('L2: a staying contact that comes to name a moved contact while the question is open is refused: the references to cut are not those confirmed', async () => {
    const c = copy();
    const contacts = count(c.db, 'contacts');
    // Nancy White (C-1305) stays; John Smith (C-1101) moves: the rows removed are the same, the references cut are not
    const e = await finalizeAsking(c, () => {
      sql(c.db, `UPDATE contacts SET referred_by_id = 'C-1101' WHERE id = 'C-1305'`);
      return true;
    });
    expect(e).toBeInstanceOf(OfficeportError);
    expect((e as OfficeportError).code).toBe('CONFLICT');
    expect((e as OfficeportError).message).toMatch(/^the office changed while finalize waited for the answer \(.*1 reference.*now\); nothing was changed$/);
    expect((e as OfficeportError).hint).toBe('run finalize again and answer for what it lists then');
    expect(count(c.db, 'contacts')).toBe(contacts);
    expect(fs.existsSync(path.join(c.own, 'archive.zip'))).toBe(false);
  });
  it('L2: nothing changed while the question was open: the confirmed rows go', async () => {
    const c = copy();
    const contacts = count(c.db, 'contacts');
    expect(await finalizeAsking(c, () => true)).toBeUndefined();
    expect(count(c.db, 'contacts')).toBe(contacts - 7);
    expect(fs.existsSync(path.join(c.own, 'archive.zip'))).toBe(true);
  });
});

describe('finalize: the retention archive (M2)', () => {
  it('M2: two removed letters whose documents hold the same bytes: one document file in the archive, both paths in its index', async () => {
    const c = copy();
    // L-4 (Mary Smith, moves) comes to name a copy of L-1's review under another path
    sql(
      c.db,
      `INSERT INTO documents (path, sha256, size, content) SELECT 'copy-of-review.txt', sha256, size, content FROM documents WHERE path = 'smith-john/annual-review-2025.txt'`,
      `UPDATE letters SET document = 'copy-of-review.txt' WHERE id = 'L-4'`,
    );
    const sha = new Database(c.db, { readonly: true }).prepare(`SELECT sha256 FROM documents WHERE path = 'copy-of-review.txt'`).pluck().get() as string;
    const out = finalizeYes(c);
    expect(count(c.db, `documents WHERE path IN ('copy-of-review.txt', 'smith-john/annual-review-2025.txt')`)).toBe(0);
    const { bag, problems } = await openBag(out.archive);
    expect(problems).toEqual([]);
    try {
      expect(bag!.paths.filter((p) => p === `data/documents/${sha}`)).toHaveLength(1);
      const index: { path: string; sha256: string; file: string }[] = [];
      for await (const { text } of bag!.lines('data/records/documents.ndjson')) if (text) index.push(JSON.parse(text));
      const same = index.filter((d) => d.sha256 === sha).map((d) => [d.path, d.file]);
      expect(same.sort()).toEqual([
        ['copy-of-review.txt', `data/documents/${sha}`],
        ['smith-john/annual-review-2025.txt', `data/documents/${sha}`],
      ]);
    } finally {
      await bag!.close();
    }
    // an outside reader agrees: every entry's CRC holds
    expect(execFileSync('unzip', ['-tq', out.archive], { encoding: 'utf8' })).toMatch(/^No errors detected/);
  });
  it("M2: the archive's root folder is named after the bundle, and its entries are written in byte order of their paths", () => {
    const c = copy();
    const out = finalizeYes(c);
    const entries = execFileSync('unzip', ['-Z1', out.archive], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const root = `officeport-retention-${receipt.bundle_id}/`;
    expect(
      entries.every((e) => e.startsWith(root)),
      entries.join('\n'),
    ).toBe(true);
    const payload = entries.map((e) => e.slice(root.length)).filter((p) => p.startsWith('data/'));
    expect(payload.length).toBeGreaterThan(5);
    expect(payload.some((p) => p.startsWith('data/documents/'))).toBe(true);
    expect(payload).toEqual([...payload].sort());
  });
  it("M2: an installation name with line breaks is one line of bag-info.txt's Source-Organization", () => {
    const c = copy();
    sql(c.db, `UPDATE installation SET name = 'Lakeside Financial' || char(13, 10) || char(10) || 'Group'`);
    const out = finalizeYes(c);
    const info = execFileSync('unzip', ['-p', out.archive, `officeport-retention-${receipt.bundle_id}/bag-info.txt`], { encoding: 'utf8' });
    expect(info.split('\n').filter((l) => l.startsWith('Source-Organization:'))).toEqual(['Source-Organization: Lakeside Financial Group']);
    expect(info).not.toMatch(/^Group/m);
  });
});

describe('finalize: --undone', () => {
  it('T5: --undone with the receipt of a bundle exported by office and user name is a usage error, and nothing is removed', () => {
    const c = copy();
    const contacts = count(c.db, 'contacts');
    const notice = writeJson(path.join(c.own, 'notice.json'), { undo: 'notice' });
    const r = run(['finalize', c.receiptFile, '--db', c.db, '--office', 'North Agency', '--user', 'alice', '--yes', '--undone', notice, '--json']);
    expect(r.code).not.toBe(0);
    const e = (JSON.parse(r.stderr || r.stdout) as { error: { code: string; message: string; hint: string } }).error;
    expect(e.code).toBe('USAGE');
    expect(e.message).toBe(
      `--undone names a signed undo notice, which only the receipts of bundles exported to an address card have; bundle ${receipt.bundle_id} was exported by office and user name`,
    );
    expect(e.hint).toBe('finalize without --undone');
    expect(count(c.db, 'contacts')).toBe(contacts);
  });
});

describe('finalize: the question, the answer, and the run (L1, L2, U6)', () => {
  it('L2: the question shows the moved contacts, the records and the references that would be cut, each counted', async () => {
    const c = copy();
    sql(c.db, `UPDATE contacts SET referred_by_id = 'C-1101' WHERE id = 'C-1305'`);
    const store = openStore(c.db);
    const asked: FinalizePreview[] = [];
    try {
      const r = await finalizeReceipt(store, {
        receiptFile: c.receiptFile,
        office: 'North Agency',
        user: 'alice',
        archive: path.join(c.own, 'archive.zip'),
        confirm: async (p) => {
          asked.push(p);
          return true;
        },
      });
      expect(asked).toHaveLength(1);
      const p = asked[0]!;
      expect(p.contacts).toBe(7);
      expect(p.references).toBe(1);
      expect(p.counts.detached).toEqual({ 'contacts.referred_by_id': 1 });
      expect(p.records).toBe(totalRemoved(r.counts!));
      expect(p.office).toEqual({ id: 'O-NORTH', name: 'North Agency' });
      expect(p.archive).toBe(path.join(c.own, 'archive.zip'));
    } finally {
      store.close();
    }
  });
  it('L2: an answer of no removes nothing, and says what it would have removed', async () => {
    const c = copy();
    const contacts = count(c.db, 'contacts');
    const e = await finalizeAsking(c, () => false);
    expect(e).toBeInstanceOf(OfficeportError);
    expect((e as OfficeportError).code).toBe('REFUSED');
    expect((e as OfficeportError).message).toMatch(
      /^finalize was not confirmed; nothing was changed \(it would remove 7 moved contacts and \d+ records in all from North Agency\)$/,
    );
    expect((e as OfficeportError).hint).toBe('answer yes to remove them, or run finalize with --dry-run to list what would go');
    expect(count(c.db, 'contacts')).toBe(contacts);
    expect(fs.existsSync(path.join(c.own, 'archive.zip'))).toBe(false);
  });
  it("U6, M2: progress counts the archived rows from 0 up to all of them; the archive's created_at keeps whole seconds", async () => {
    const c = copy();
    const seen: [number, number][] = [];
    const store = openStore(c.db);
    let r;
    try {
      r = await finalizeReceipt(store, {
        receiptFile: c.receiptFile,
        office: 'North Agency',
        user: 'alice',
        yes: true,
        archive: path.join(c.own, 'archive.zip'),
        now: new Date('2026-02-03T04:05:06.789Z'),
        onProgress: (done, total) => seen.push([done, total ?? -1]),
      });
    } finally {
      store.close();
    }
    const total = totalRemoved(r.counts!);
    expect(total).toBeGreaterThan(20);
    expect(seen[0]).toEqual([0, total]);
    expect(seen.at(-1)).toEqual([total, total]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0]);
    expect(r.finalized_at).toBe('2026-02-03T04:05:06.789Z'); // I10: the ledger and the log keep the millisecond
    const header = JSON.parse(execFileSync('unzip', ['-p', r.archive!, `officeport-retention-${receipt.bundle_id}/officeport.json`], { encoding: 'utf8' })) as {
      created_at: string;
    };
    expect(header.created_at).toBe('2026-02-03T04:05:06Z');
  });
  it('L1: a receipt finalized already is told so, by a dry run and by a second run, which change nothing', () => {
    const c = copy();
    const first = finalizeYes(c) as { archive: string; finalized_at: string };
    const contacts = count(c.db, 'contacts');
    for (const more of [['--dry-run'], ['--yes']]) {
      const r = run(['finalize', c.receiptFile, '--db', c.db, '--office', 'North Agency', '--user', 'alice', ...more, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { status: string; summary: string; archive: string; finalized_at: string };
      expect(out.status).toBe('already_finalized');
      expect(out.summary).toBe('already finalized: this receipt changed nothing');
      expect(out.archive).toBe(first.archive);
      expect(out.finalized_at).toBe(first.finalized_at);
    }
    expect(count(c.db, 'contacts')).toBe(contacts);
  });
  it("L1: another receipt's retention archive at --archive is refused without --force; this receipt's own unfinished one is replaced", async () => {
    const a = copy();
    const archive = finalizeYes(a).archive; // accept ACC-1's archive, recorded in a's installation only
    const before = fs.readFileSync(archive);
    // another installation copy, with the receipt of another accept of the same bundle
    const b = copy();
    const other = await handReceipt(s.bundle, { acceptId: 'ACC-2' });
    writeJson(b.receiptFile, other);
    const r = run(['finalize', b.receiptFile, '--db', b.db, '--office', 'North Agency', '--user', 'alice', '--yes', '--archive', archive, '--json']);
    expect(r.code).not.toBe(0);
    expect(JSON.parse(r.stderr || r.stdout).error.message).toContain(`${archive} already exists`);
    expect(fs.readFileSync(archive).equals(before)).toBe(true);
    // the same receipt (ACC-1) in a third copy: that archive is what its own killed run would have left
    const c = copy();
    const again = run(['finalize', c.receiptFile, '--db', c.db, '--office', 'North Agency', '--user', 'alice', '--yes', '--archive', archive, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.readFileSync(archive).equals(before)).toBe(false);
  });
  it('L1: a bundle named where the receipt belongs is refused as a bundle, naming what finalize takes', () => {
    const c = copy();
    const r = run(['finalize', s.bundle, '--db', c.db, '--office', 'North Agency', '--user', 'alice', '--yes', '--json']);
    expect(r.code).not.toBe(0);
    const e = JSON.parse(r.stderr || r.stdout).error as { code: string; message: string; hint: string };
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toBe(
      `${s.bundle} is a zip file (a bundle, or a retention archive), not an import receipt (the JSON that the import wrote) as finalize takes; nothing was changed`,
    );
    expect(e.hint).toMatch(/^a bundle is imported in the target installation: officeport import /);
  });
});

describe('finalize: what it says of a bad receipt or archive path, and of what changed (L1, L2, S1)', () => {
  const fin = (c: { db: string }, receiptFile: string, ...more: string[]) =>
    run(['finalize', receiptFile, '--db', c.db, '--office', 'North Agency', '--user', 'alice', ...more, '--json']);
  const errorOf = (r: { code: number; stdout: string; stderr: string }) => {
    expect(r.code).not.toBe(0);
    return (JSON.parse(r.stderr || r.stdout) as { error: { code: string; message: string; hint?: string } }).error;
  };
  it('S1: a receipt file that is not there is named, and why', () => {
    const c = copy();
    const missing = path.join(c.own, 'missing.json');
    const e = errorOf(fin(c, missing, '--yes'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(new RegExp(`^cannot read receipt ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`));
    expect(e.hint).toMatch(/^name the receipt JSON that the import wrote: officeport --db \S+ finalize RECEIPT --office \.\.\. --user \.\.\.$/);
  });
  it('S1: a receipt that is not JSON, or JSON but no object, is refused as no receipt', () => {
    const c = copy();
    const broken = path.join(c.own, 'broken.json');
    fs.writeFileSync(broken, '{"receipt_version": 1, "outcomes": [}');
    const e = errorOf(fin(c, broken, '--yes'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not JSON: `));
    expect(e.hint).toMatch(/^name the receipt JSON that the import wrote: officeport --db \S+ finalize RECEIPT --office \.\.\. --user \.\.\.$/);
    const list = path.join(c.own, 'list.json');
    fs.writeFileSync(list, '[{"ref": "contact/C-1101"}]');
    const e2 = errorOf(fin(c, list, '--yes'));
    expect(e2.code).toBe('INVALID_INPUT');
    expect(e2.message).toMatch(/is not an officeport receipt/);
  });
  it("L1: a committed finalize's archive at --archive is never overwritten, not even with --force", async () => {
    const c = copy();
    const archive = finalizeYes(c).archive;
    const before = fs.readFileSync(archive);
    const again = path.join(c.own, 'receipt-acc2.json');
    writeJson(again, await handReceipt(s.bundle, { acceptId: 'ACC-2' }));
    const e = errorOf(fin(c, again, '--yes', '--force', '--archive', archive));
    expect(e.code).toBe('REFUSED');
    expect(e.message).toBe(`${archive} already exists; finalize never overwrites a retention archive`);
    expect(e.hint).toBe('name a new file with --archive FILE');
    expect(fs.readFileSync(archive).equals(before)).toBe(true);
  });
  it('L1: --archive naming a folder is refused before anything is asked or removed', () => {
    const c = copy();
    const contacts = count(c.db, 'contacts');
    const e = errorOf(fin(c, c.receiptFile, '--yes', '--archive', c.own));
    expect(e.code).toBe('REFUSED');
    expect(e.message).toBe(`${c.own} is a folder; --archive names a file to write`);
    expect(e.hint).toBe('name a file with --archive');
    expect(count(c.db, 'contacts')).toBe(contacts);
  });
  it('L2: the dry run and a refusal after the question say what would go, in the conditional', async () => {
    const c = copy();
    const r = fin(c, c.receiptFile, '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { summary: string }).summary).toMatch(
      /^dry run: would remove 7 moved contacts, \d+ rows in all \(\d+ that did not travel, archived\); 0 references of staying records would be cut$/,
    );
    const e = await finalizeAsking(c, () => {
      sql(c.db, `UPDATE contacts SET referred_by_id = 'C-1101' WHERE id = 'C-1305'`);
      return true;
    });
    expect((e as OfficeportError).message).toMatch(
      /^the office changed while finalize waited for the answer \(would remove 7 moved contacts, \d+ rows in all \(\d+ that did not travel, archived\); 1 reference of staying records would be cut now\); nothing was changed$/,
    );
  });
  it('L2: rows that change places while the question is open, the counts alike, are refused: the digest of the very rows differs', async () => {
    const c = copy();
    sql(
      c.db,
      `INSERT INTO letters (id, office_id, contact_id, recipient_contact_id, kind, subject, body, sent_date, document) VALUES ('L-9', 'O-NORTH', 'C-1305', 'C-1305', 'email', 'Hello', 'Hi', '2025-03-01', NULL)`,
    );
    const contacts = count(c.db, 'contacts');
    const e = await finalizeAsking(c, () => {
      // L-3 (John Smith's, did not travel) comes to stay with Nancy White; her L-9 goes to John Smith: as many letters go
      sql(
        c.db,
        `UPDATE letters SET contact_id = 'C-1305', recipient_contact_id = 'C-1305' WHERE id = 'L-3'`,
        `UPDATE letters SET contact_id = 'C-1101' WHERE id = 'L-9'`,
      );
      return true;
    });
    expect(e).toBeInstanceOf(OfficeportError);
    expect((e as OfficeportError).code).toBe('CONFLICT');
    expect((e as OfficeportError).message).toMatch(/^the office changed while finalize waited for the answer/);
    expect(count(c.db, 'contacts')).toBe(contacts);
    expect(count(c.db, `letters WHERE id IN ('L-3', 'L-9')`)).toBe(2);
  });
});
