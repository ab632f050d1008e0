// @ts-nocheck
// U4 on the real binary: the sample move (export, import, finalize), then
// `officeport trace` in both installations, before and after each undo.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, runOk, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

const FROM = ['--office', 'North Agency', '--user', 'alice'];
const TO = ['--office', 'Springfield Agency', '--user', 'dana'];

interface Receipt {
  bundle_id: string;
  accept_id: string;
  source: { installation_id: string; office_id: string; office_name: string };
  target: { installation_id: string; office_id: string };
  outcomes: { ref: string; target_id?: string; outcome: string }[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the --json form is read as loose JSON, as a script would
type Json = any;

function trace(db: string, ...args: string[]): string {
  return runOk(['trace', ...args, '--db', db]);
}

function traceJson(db: string, ...args: string[]): Json {
  return JSON.parse(runOk(['trace', ...args, '--db', db, '--json']));
}

describe('trace: where a contact went and where it came from', () => {
  let dir: string;
  let source: string;
  let target: string;
  let receiptFile: string;
  let archive: string;
  let receipt: Receipt;
  const targetOf = (ref: string) => receipt.outcomes.find((o) => o.ref === ref)!;

  beforeAll(() => {
    dir = tmpDir('officeport-trace-');
    source = loadInstallation(path.join(SAMPLES, 'source'), dir);
    target = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const bundle = path.join(dir, 'move.zip');
    receiptFile = path.join(dir, 'receipt.json');
    archive = path.join(dir, 'retention.zip');
    runOk(['export', '--db', source, ...FROM, '--set', 'Move to Springfield', '--to-office', 'Springfield Agency', '--to-user', 'dana', '--out', bundle]);
    runOk(['import', bundle, '--db', target, ...TO, '--receipt', receiptFile]);
    runOk(['finalize', receiptFile, '--db', source, ...FROM, '--archive', archive, '--yes']);
    receipt = JSON.parse(fs.readFileSync(receiptFile, 'utf8')) as Receipt;
    expect(targetOf('contact/C-1101').outcome).toBe('created');
    expect(targetOf('contact/C-1104').outcome).toBe('merged');
  });

  it('U4: in the source, trace names the bundle the contact left in, its target office and installation, the finalize and the retention archive', () => {
    for (const id of ['C-1101', 'contact/C-1101']) {
      const text = trace(source, id);
      expect(text).toContain('John Smith');
      expect(text).toMatch(/no longer here, removed by a finalize/);
      expect(text).toContain(`bundle ${receipt.bundle_id}`);
      expect(text).toContain('to Springfield Agency (dana)');
      expect(text).toContain(`finalized `);
      expect(text).toContain(`import ${receipt.accept_id} in installation ${receipt.target.installation_id}`);
      expect(text).toContain(`retention archive ${archive} (holds the contact's record)`);
      expect(text).not.toMatch(/\b[A-Z]\d{1,2}\b/); // plain words: no rule ids
    }
    const j = traceJson(source, 'C-1101');
    expect(j).toMatchObject({ query: 'C-1101', contact_id: 'C-1101', ref: 'contact/C-1101', state: 'removed', contact: null, came: [], waiting: [] });
    expect(j.went).toHaveLength(1);
    expect(j.went[0]).toMatchObject({ bundle_id: receipt.bundle_id, moved: true, target_office: 'Springfield Agency', target_user: 'dana' });
    expect(j.went[0].finalizes).toHaveLength(1);
    expect(j.went[0].finalizes[0]).toMatchObject({
      accept_id: receipt.accept_id,
      target: { installation_id: receipt.target.installation_id, office_id: receipt.target.office_id },
      archive,
      archive_found: true,
      archive_holds_contact: true,
      undone_at: null,
    });
  });

  it('U4: in the source, a contact the bundle only named (an advisor) is told apart from one that travelled, and stays', () => {
    const j = traceJson(source, 'C-1001');
    expect(j.state).toBe('here');
    expect(j.went).toHaveLength(1);
    expect(j.went[0]).toMatchObject({ bundle_id: receipt.bundle_id, moved: false });
    expect(trace(source, 'C-1001')).toMatch(/named only: the contact did not travel/);
  });

  it('U4: in the target, trace of the source ref and of the target id names the source installation, office, bundle, import and outcome', () => {
    const created = targetOf('contact/C-1101').target_id!;
    for (const id of ['contact/C-1101', created]) {
      const text = trace(target, id);
      expect(text).toContain(`contact/C-1101 from installation ${receipt.source.installation_id}, office North Agency`);
      expect(text).toContain(`bundle ${receipt.bundle_id}, import ${receipt.accept_id}`);
      expect(text).toContain(`into Springfield Agency: created ${created}`);
      expect(text).not.toContain('undone');
    }
    expect(trace(target, created)).toMatch(new RegExp(`contact ${created} \\(John Smith\\): here, in Springfield Agency`));
    expect(trace(target, 'contact/C-1101')).toMatch(new RegExp(`^contact/C-1101 \\(John Smith\\): here as ${created}, in Springfield Agency`));
    const j = traceJson(target, 'contact/C-1101');
    expect(j.state).toBe('here');
    expect(j.came).toHaveLength(1);
    expect(j.came[0]).toMatchObject({
      accept_id: receipt.accept_id,
      bundle_id: receipt.bundle_id,
      source_installation: receipt.source.installation_id,
      source_office_name: 'North Agency',
      source_ref: 'contact/C-1101',
      target_id: created,
      outcome: 'created',
      undone_at: null,
      mapped_now: true,
      receipt_file: receiptFile,
    });
    expect(j.came[0].target_now).toMatchObject({ id: created, name: 'John Smith', office_id: receipt.target.office_id });
    // a merge: the target contact that was there before says what came into it
    const merged = targetOf('contact/C-1104').target_id!;
    const m = traceJson(target, merged);
    expect(m.state).toBe('here');
    expect(m.came).toHaveLength(1);
    expect(m.came[0]).toMatchObject({ source_ref: 'contact/C-1104', outcome: 'merged', target_id: merged });
    // --from narrows to one source installation; another one knows nothing
    expect(traceJson(target, 'contact/C-1101', '--from', receipt.source.installation_id).came).toHaveLength(1);
    const other = run(['trace', 'contact/C-1101', '--from', 'no-such-installation', '--db', target]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/knows nothing of contact\/C-1101 from installation no-such-installation/);
  });

  it('U4: list contacts shows where an imported contact came from, and nothing for a native one', () => {
    const created = targetOf('contact/C-1101').target_id!;
    const rows = JSON.parse(runOk(['list', 'contacts', '--office', 'Springfield Agency', '--db', target, '--json'])) as { id: string; origin: string | null }[];
    expect(rows.find((r) => r.id === created)!.origin).toBe(`North Agency, bundle ${receipt.bundle_id}`);
    expect(rows.find((r) => r.id === 'TC-5003')!.origin).toBeNull();
    const text = runOk(['list', 'contacts', '--office', 'Springfield Agency', '--db', target]);
    expect(text.split('\n')[0]).toMatch(/\borigin$/);
    expect(text.split('\n').find((l) => l.startsWith(created))).toMatch(new RegExp(`North Agency, bundle ${receipt.bundle_id}$`));
  });

  it('U4: an id the installation knows nothing of fails with not found, and a hint how to find one', () => {
    for (const db of [source, target]) {
      const r = run(['trace', 'C-NOPE', '--db', db]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/knows nothing of C-NOPE/);
      expect(r.stderr).toContain(`hint: give a contact id of this installation (officeport list contacts --db ${db})`);
    }
    const bad = run(['trace', 'policy/P-1001', '--db', source]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/trace follows contacts/);
  });

  // The undos change the installations: these run last, in this order.
  it('U4: after import undo, the target trace says the import was undone and the contact waits in the inbox again', () => {
    runOk(['import', 'undo', receiptFile, '--db', target, ...TO]);
    const created = targetOf('contact/C-1101').target_id!;
    const j = traceJson(target, 'contact/C-1101');
    expect(j.state).toBe('not_here');
    expect(j.came).toHaveLength(1);
    expect(j.came[0]).toMatchObject({ accept_id: receipt.accept_id, outcome: 'created', target_id: created, mapped_now: false, target_now: null });
    expect(j.came[0].undone_at).toEqual(expect.any(String));
    expect(j.waiting).toHaveLength(1);
    const text = trace(target, created);
    expect(text).toContain(`created ${created} (not in the installation now)`);
    expect(text).toMatch(/import undone \S+: what it did was reversed/);
  });

  it('U4: an import whose receipt was too large to log whole is traced from the copy the installation kept', () => {
    // what an accept of more than 50,000 outcomes logs: the receipt's head and counts, no outcomes
    const sql = new Database(target);
    try {
      const head = JSON.parse(sql.prepare(`SELECT receipt FROM import_accepts WHERE accept_id = ?`).pluck().get(receipt.accept_id) as string);
      const { outcomes, ...rest } = head as { outcomes: unknown[] };
      sql
        .prepare(`UPDATE import_accepts SET receipt = ? WHERE accept_id = ?`)
        .run(JSON.stringify({ ...rest, outcomes_omitted: outcomes.length }), receipt.accept_id);
    } finally {
      sql.close();
    }
    const j = traceJson(target, 'contact/C-1104');
    expect(j.came).toHaveLength(1);
    expect(j.came[0]).toMatchObject({ accept_id: receipt.accept_id, outcome: 'merged', target_id: targetOf('contact/C-1104').target_id });
    expect(j.came[0].undone_at).toEqual(expect.any(String));
  });

  it('U4: after finalize undo, the source trace says the finalize was undone and the contact is here again', () => {
    runOk(['finalize', 'undo', archive, '--db', source, ...FROM]);
    const j = traceJson(source, 'C-1101');
    expect(j.state).toBe('here');
    expect(j.contact).toMatchObject({ id: 'C-1101', office_name: 'North Agency', name: 'John Smith' });
    expect(j.went[0].finalized_at).toBeNull();
    expect(j.went[0].finalizes[0].undone_at).toEqual(expect.any(String));
    const text = trace(source, 'C-1101');
    expect(text).toMatch(/contact C-1101 \(John Smith\): here, in North Agency/);
    expect(text).toMatch(/finalize undone \S+: what it removed was put back/);
  });
});
