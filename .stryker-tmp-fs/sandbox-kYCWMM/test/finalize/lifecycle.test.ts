// @ts-nocheck
// L2 and L3 on the real binary: finalize asks before it removes (or needs
// --yes), --dry-run writes nothing, and `finalize undo ARCHIVE` puts back
// exactly what finalize removed.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FinalizeReceipt } from '../../src/domain/finalize-rules.js';
import { skipWithoutTool } from '../helpers/tools.js';
import { exportSample, handReceipt, writeJson } from '../fixtures/finalize/hand-receipt.js';
import { BIN, ROOT, run } from '../helpers/cli.js';
import { snapshotDir } from '../helpers/installation.js';

const SAMPLE = path.join(ROOT, 'samples/source');

function ok(args: string[], env?: Record<string, string>): string {
  const r = run(args, { env });
  if (r.code !== 0) throw new Error(`officeport ${args.join(' ')} -> ${r.code}\n${r.stderr}`);
  return r.stdout;
}

/** Every table of the installation file but the transfer log, with rowids (row order included). */
function tables(db: string, except: string[] = ['transfer_log']): Record<string, unknown[]> {
  const sql = new Database(db, { readonly: true });
  try {
    const all = sql.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as {
      name: string;
      sql: string;
    }[];
    const out: Record<string, unknown[]> = {};
    for (const { name: t, sql: ddl } of all.filter((x) => !except.includes(x.name))) {
      const order = /WITHOUT ROWID/i.test(ddl) ? `SELECT * FROM "${t}" ORDER BY 1, 2` : `SELECT rowid AS "#rowid", * FROM "${t}" ORDER BY rowid`;
      out[t] = sql.prepare(order).raw(true).all();
    }
    return out;
  } finally {
    sql.close();
  }
}

function transferLog(db: string): { action: string; summary: string }[] {
  const sql = new Database(db, { readonly: true });
  try {
    return sql.prepare(`SELECT action, summary FROM transfer_log ORDER BY seq`).all() as { action: string; summary: string }[];
  } finally {
    sql.close();
  }
}

let n = 0;
function dumpSnapshot(db: string): Record<string, string> {
  const out = path.join(path.dirname(db), `dump-${n++}`);
  ok(['dump', out, '--db', db]);
  const snap = snapshotDir(out);
  fs.rmSync(out, { recursive: true });
  return snap;
}

/** Names, sizes and hashes of the files of a folder (the installation and its WAL files included). */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out[f] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
  }
  return out;
}

interface Setup {
  dir: string;
  db: string;
  receiptFile: string;
  receipt: FinalizeReceipt;
}

/**
 * The sample's set "Move to Springfield" exported and answered by a receipt in
 * which C-1106 waits in the inbox and policy P-1007 was dropped, so finalize
 * removes travelled and untravelled rows, documents, and cuts references of
 * staying rows (P-1007's primary contact moved).
 */
async function exported(): Promise<Setup> {
  const { dir, db, bundle } = exportSample('officeport-lifecycle-');
  const receipt = await handReceipt(bundle, {
    outcome: (r) => {
      const c = 'contact/C-1106';
      if (r.record.ref === c || r.record.primary_contact === c || r.record.contact === c) return 'pending';
      return r.record.ref === 'policy/P-1007' ? 'dropped' : undefined;
    },
  });
  const receiptFile = writeJson(path.join(dir, 'receipt.json'), receipt);
  return { dir, db, receiptFile, receipt };
}

const finalizeArgs = (s: Setup, ...more: string[]) => ['finalize', s.receiptFile, '--db', s.db, '--office', 'North Agency', '--user', 'alice', ...more];
const undoArgs = (s: Setup, archive: string, ...more: string[]) => [
  'finalize',
  'undo',
  archive,
  '--db',
  s.db,
  '--office',
  'North Agency',
  '--user',
  'alice',
  ...more,
];

describe('L2: finalize asks before it removes', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await exported();
  }, 60_000);

  it('L2: without a terminal finalize is refused unless --yes, naming what would go, and writes nothing', () => {
    const before = tables(s.db, []);
    const files = listing(s.dir);
    const r = run(finalizeArgs(s));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/would remove 6 moved contacts and \d+ records in all from North Agency/);
    expect(r.stderr).toMatch(/no terminal/);
    expect(r.stderr).toContain('--yes');
    expect(r.stderr).toContain('--dry-run');
    expect(tables(s.db, [])).toEqual(before);
    expect(listing(s.dir)).toEqual(files);
  });

  it('L2: --dry-run lists the counts per kind and the contacts, and writes nothing at all', () => {
    const dump = dumpSnapshot(s.db);
    const before = tables(s.db, []);
    const files = listing(s.dir);
    const json = JSON.parse(ok(finalizeArgs(s, '--dry-run', '--json')));
    expect(json.status).toBe('dry_run');
    expect(json.counts.travelled.contacts).toBe(6);
    expect(json.counts.detached['policies.primary_contact_id']).toBe(1);
    expect(json.contacts.map((c: { id: string }) => c.id).sort()).toEqual(['C-1101', 'C-1102', 'C-1103', 'C-1104', 'C-1105', 'C-1201']);
    expect(json.contacts).toContainEqual({ id: 'C-1201', name: 'Smith Family Bakery LLC' });
    const text = ok(finalizeArgs(s, '--dry-run'));
    expect(text).toMatch(/moved contacts that would go \(6\)/);
    expect(text).toMatch(/C-1101\s+John Smith/);
    expect(text).toMatch(/^contacts\s+6\s+0$/m);
    expect(tables(s.db, [])).toEqual(before);
    expect(listing(s.dir)).toEqual(files);
    expect(dumpSnapshot(s.db)).toEqual(dump);
  });

  const noScript = skipWithoutTool('L2', 'script', spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0, 'apt-get install bsdutils');
  const onTerminal = (s: Setup, answer: string) => {
    // util-linux script gives the command a pseudo-terminal; the answer is typed on it.
    const cmd = [process.execPath, BIN, ...finalizeArgs(s)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { input: `${answer}\n`, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, cwd: s.dir });
    return { code: r.status, out: r.stdout };
  };

  it.skipIf(noScript)('L2: on a terminal it asks, naming how many contacts and records go; no keeps everything, yes removes', () => {
    const before = tables(s.db, []);
    const no = onTerminal(s, 'no');
    // a one-key 'y' does not remove client records: the prompt asks for the word
    expect(onTerminal(s, 'y').code).toBe(1);
    expect(no.out).toMatch(/finalize will remove 6 moved contacts and \d+ records in all from North Agency/);
    expect(no.out).toMatch(/Type yes to go on/);
    expect(no.out).toMatch(/not confirmed; nothing was changed/);
    expect(no.code).toBe(1);
    expect(tables(s.db, [])).toEqual(before);
    expect(fs.readdirSync(s.dir).filter((f) => f.startsWith('retention-'))).toEqual([]);
    const yes = onTerminal(s, 'yes');
    expect(yes.code, yes.out).toBe(0);
    expect(yes.out).toMatch(/finalized bundle/);
    expect(fs.readdirSync(s.dir).filter((f) => f.startsWith('retention-'))).toHaveLength(1);
  });

  it.skipIf(noScript)(
    'L2: what was confirmed is what goes: a change to the office while the prompt waits is refused, nothing removed',
    async () => {
      const t = await exported();
      const cmd = [process.execPath, BIN, ...finalizeArgs(t)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: t.dir, env: { ...process.env, NO_COLOR: '1' } });
      let out = '';
      const code = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes('Type yes to go on')) resolve();
        });
      });
      // a lead of a moved contact, added while the question is on the screen
      const sql = new Database(t.db);
      sql.prepare(`INSERT INTO leads (id, office_id, contact_id, source, status) VALUES ('L-NEW', 'O-NORTH', 'C-1101', 'web', 'open')`).run();
      sql.close();
      const was = tables(t.db, []);
      child.stdin.write('yes\n');
      expect(await code).toBe(1);
      expect(out).toMatch(/the office changed while finalize waited for the answer/);
      expect(tables(t.db, [])).toEqual(was);
      expect(fs.readdirSync(t.dir).filter((f) => f.startsWith('retention-'))).toEqual([]);
    },
    60_000,
  );
});

describe('L3: finalize undo', () => {
  let s: Setup;
  let before: Record<string, unknown[]>;
  let beforeDump: Record<string, string>;
  let afterFinalize: Record<string, unknown[]>;
  let archive: string;

  beforeAll(async () => {
    s = await exported();
    before = tables(s.db);
    beforeDump = dumpSnapshot(s.db);
    archive = path.join(s.dir, 'retention.zip');
    ok(finalizeArgs(s, '--yes', '--archive', archive));
    afterFinalize = tables(s.db);
  }, 60_000);

  it('L3: a failure or a kill before the undo commits leaves the office as finalize left it', () => {
    for (const fault of ['throw:finalize-undo-before-commit', 'kill:finalize-undo-before-commit']) {
      const r = run(undoArgs(s, archive), { env: { OFFICEPORT_FAULT: fault } });
      expect(r.code, fault).not.toBe(0);
      expect(tables(s.db)).toEqual(afterFinalize);
    }
  });

  it('L3: undo puts back everything finalize removed: every table as before, ids, values and row order', () => {
    expect(afterFinalize).not.toEqual(before);
    const out = JSON.parse(ok(undoArgs(s, archive, '--json')));
    expect(out.status).toBe('undone');
    expect(out.restored.contacts).toBe(6);
    expect(out.references).toBe(1);
    expect(out.documents).toBeGreaterThan(0);
    // Every table but the transfer log, export ledger included (no longer finalized), rowids included.
    expect(tables(s.db)).toEqual(before);
    expect(dumpSnapshot(s.db)).toEqual(beforeDump);
    // What differs: the transfer log records the finalize and its undo.
    expect(transferLog(s.db).map((e) => e.action)).toEqual(['export', 'finalize', 'finalize_undo']);
  });

  it('L3: undoing twice says nothing changed', () => {
    const r = run(undoArgs(s, archive));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/already undone.*nothing changed/);
    expect(tables(s.db)).toEqual(before);
  });

  it('L3: after an undo the same receipt can be finalized again, to a new archive', () => {
    const out = JSON.parse(ok(finalizeArgs(s, '--yes', '--json')));
    expect(out.status).toBe('finalized');
    expect(out.archive).not.toBe(archive);
    expect(fs.existsSync(archive)).toBe(true);
    const again = tables(s.db, ['transfer_log', 'export_ledger']);
    const { transfer_log: _t, export_ledger: _l, ...wasAfter } = afterFinalize as Record<string, unknown[]>;
    expect(again).toEqual(wasAfter);
    // and that finalize is undone with its own archive
    const second = JSON.parse(ok(undoArgs(s, out.archive, '--json')));
    expect(second.status).toBe('undone');
    expect(tables(s.db)).toEqual(before);
  });
});

describe('L3: finalize undo refusals', () => {
  let s: Setup;
  let archive: string;
  let copyBefore: string;

  beforeAll(async () => {
    s = await exported();
    copyBefore = path.join(s.dir, 'copy-before.db');
    fs.copyFileSync(s.db, copyBefore);
    archive = path.join(s.dir, 'retention.zip');
    ok(finalizeArgs(s, '--yes', '--archive', archive));
  }, 60_000);

  it('L3: refused, naming them, when ids it would put back are taken now; nothing changed', () => {
    const sql = new Database(s.db);
    sql.prepare(`INSERT INTO contacts (id, office_id, kind, first_name, last_name) VALUES ('C-1101', 'O-NORTH', 'individual', 'Someone', 'Else')`).run();
    sql.close();
    const was = tables(s.db);
    const r = run(undoArgs(s, archive));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be put back/);
    expect(r.stderr).toMatch(/contacts C-1101: the id is taken/);
    expect(r.stderr).not.toMatch(/contacts C-1102/);
    expect(tables(s.db)).toEqual(was);
    const del = new Database(s.db);
    del.prepare(`DELETE FROM contacts WHERE id = 'C-1101'`).run();
    del.close();
  });

  it('L3: refused for an installation whose transfer log does not record the finalize, and for another installation', () => {
    const was = tables(copyBefore);
    const r = run(['finalize', 'undo', archive, '--db', copyBefore, '--office', 'North Agency', '--user', 'alice']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/transfer log records no finalize/);
    expect(tables(copyBefore)).toEqual(was);
    // the same data, as another installation would hold it after loading the same sample
    const other = path.join(s.dir, 'other.db');
    fs.copyFileSync(s.db, other);
    const sql = new Database(other);
    sql.prepare(`UPDATE installation SET id = 'another-installation'`).run();
    sql.close();
    const o = run(['finalize', 'undo', archive, '--db', other, '--office', 'North Agency', '--user', 'alice']);
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(/comes from installation .*, this is another-installation/);
  });

  it('L3: refused for an archive that does not verify', () => {
    const bad = path.join(s.dir, 'bad.zip');
    // one byte of a letter document (stored uncompressed in the zip) changed
    const bytes = fs.readFileSync(archive);
    const doc = fs.readFileSync(path.join(SAMPLE, 'documents', 'miller-beneficiary-notice.txt'));
    const at = bytes.indexOf(doc);
    expect(at).toBeGreaterThan(0);
    bytes[at + 10] ^= 0x01;
    fs.writeFileSync(bad, bytes);
    const was = tables(s.db);
    const r = run(undoArgs(s, bad));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not an intact retention archive; nothing was changed/);
    expect(tables(s.db)).toEqual(was);
  });
});
