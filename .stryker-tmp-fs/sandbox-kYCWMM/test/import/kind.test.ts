// @ts-nocheck
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';

describe('matching by tax id', () => {
  it('I3: a business never matches an individual whose SSN has the same digits as its EIN', () => {
    const dir = tmpDir();
    const src = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const tgt = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const zip = path.join(dir, 'move.zip');
    const ok = (r: { code: number; stderr: string }) => expect(r.code, r.stderr).toBe(0);
    ok(
      run([
        'export',
        '--db',
        src,
        '--office',
        'North Agency',
        '--user',
        'alice',
        '--set',
        'Move to Springfield',
        '--to-office',
        'Springfield Agency',
        '--to-user',
        'dana',
        '--out',
        zip,
      ]),
    );
    const who = ['--db', tgt, '--office', 'Springfield Agency', '--user', 'dana'];
    ok(run(['inbox', 'add', zip, ...who]));
    // John Smith (SSN 123-45-6789) first; then the rest, with Smith Family Bakery LLC (EIN 12-3456789).
    ok(run(['inbox', 'accept', '1', '--contact', 'contact/C-1101', '--receipt', path.join(dir, 'a.json'), ...who]));
    ok(run(['inbox', 'accept', '1', '--receipt', path.join(dir, 'b.json'), ...who]));
    const first = JSON.parse(fs.readFileSync(path.join(dir, 'a.json'), 'utf8')) as { outcomes: { ref: string; target_id?: string }[] };
    const second = JSON.parse(fs.readFileSync(path.join(dir, 'b.json'), 'utf8')) as { outcomes: { ref: string; target_id?: string; outcome: string }[] };
    const john = first.outcomes.find((o) => o.ref === 'contact/C-1101')!.target_id;
    const bakery = second.outcomes.find((o) => o.ref === 'contact/C-1201')!;
    expect(bakery.outcome).toBe('created');
    expect(bakery.target_id).not.toBe(john);
  });
});
