// @ts-nocheck
// V5 in a real browser: the HTML audit report of a signed, an unsigned and a
// stale-signed bundle shows each signature state and the signer's
// fingerprint; and (issue 16) it says what the bundle holds, not "moved", and
// shows fields left off travelling contacts apart from records left behind.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportHostile, forge } from '../audit/audit-fixture.js';
import { run, tmpDir } from '../helpers/cli.js';
import { skipWithoutTool } from '../helpers/tools.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = skipWithoutTool('V5', CHROMIUM, fs.existsSync(CHROMIUM), "Debian's chromium package");

describe.skipIf(skip)('V5: the signature state in the HTML report, in headless Chromium', () => {
  let browser: Browser;
  let fingerprint: string;
  const reports: Record<'signed' | 'unsigned' | 'stale', string> = { signed: '', unsigned: '', stale: '' };
  const codes: Record<string, number> = {};
  let exclusions: { rule: string; what: string; count: number }[];
  beforeAll(async () => {
    const dir = fs.realpathSync(tmpDir('officeport-v5-html-'));
    const keys = path.join(dir, 'k');
    expect(run(['keygen', '--out', keys]).code).toBe(0);
    fingerprint = execSync(`openssl pkey -pubin -in ${keys}.pub -outform DER | sha256sum`, { encoding: 'utf8' }).split(' ')[0]!;
    const signed = exportHostile(['--sign', `${keys}.key`]);
    const stale = path.join(dir, 'stale.zip');
    forge(signed.bundle, stale);
    const bundles = { signed: signed.bundle, unsigned: exportHostile([], signed).bundle, stale };
    for (const k of ['signed', 'unsigned', 'stale'] as const) {
      reports[k] = path.join(dir, `${k}.html`);
      const r = run(['inspect', bundles[k], '--html', reports[k], '--json']);
      codes[k] = r.code;
      if (!fs.existsSync(reports[k])) throw new Error(`${k}: no report written: ${r.stderr}`);
      if (k === 'signed') exclusions = (JSON.parse(r.stdout) as { exclusions: typeof exclusions }).exclusions;
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return page;
  }

  it('V5: inspect --html exits 1 for the stale-signed bundle (the report is still written), 0 for the others', () => {
    expect(codes).toEqual({ signed: 0, unsigned: 0, stale: 1 });
  });

  it('V5: a signed bundle shows "signed by key FINGERPRINT, valid (not pinned...)" and the full fingerprint', async () => {
    const page = await open(reports.signed);
    const badge = page.locator('header.top [data-signature]');
    expect(await badge.getAttribute('data-signature')).toBe('signed');
    expect(await badge.innerText()).toBe(`signed by key ${fingerprint}, valid (not pinned: give --trust KEY.pub to require this signer)`);
    expect(await page.locator('#header [data-fingerprint]').innerText()).toBe(fingerprint);
    expect(await page.locator('header.top').innerText()).toMatch(/Verified/);
    await page.close();
  });

  it('V5: an unsigned bundle shows "not signed" and no fingerprint', async () => {
    const page = await open(reports.unsigned);
    expect(await page.locator('header.top [data-signature]').getAttribute('data-signature')).toBe('unsigned');
    expect(await page.locator('header.top [data-signature]').innerText()).toBe('not signed');
    expect(await page.locator('[data-fingerprint]').count()).toBe(0);
    await page.close();
  });

  it('V5: a stale-signed bundle shows "signature invalid", the signer\'s fingerprint, and Invalid, never Verified', async () => {
    const page = await open(reports.stale);
    const badge = page.locator('header.top [data-signature]');
    expect(await badge.getAttribute('data-signature')).toBe('invalid');
    expect(await badge.innerText()).toMatch(/^signature invalid: the signature does not match tagmanifest-sha256\.txt/);
    expect(await page.locator('#header [data-fingerprint]').innerText()).toBe(fingerprint);
    const top = await page.locator('header.top').innerText();
    expect(top).toMatch(/Invalid/);
    expect(top).not.toMatch(/Verified/);
    await page.close();
  });

  it('V5: the report says what the bundle holds (no "moved" contacts before an import) and counts fields apart from records left behind', async () => {
    const page = await open(reports.signed);
    expect(await page.locator('[data-figure="contacts"] span').innerText()).toMatch(/^contacts in bundle$/i);
    expect(await page.locator('#contacts h2').innerText()).toBe('Contacts in the bundle');
    expect(await page.locator('body').innerText()).not.toMatch(/contacts moved/i);
    const fields = exclusions.filter((x) => x.rule === 'not_carried');
    const records = exclusions.filter((x) => x.rule !== 'not_carried');
    expect(fields.length).toBeGreaterThan(0); // the primary advisor stays behind
    const figure = async (id: string) => Number((await page.locator(`[data-figure="${id}"] b`).innerText()).replace(/,/g, ''));
    expect(await figure('excluded')).toBe(records.reduce((a, x) => a + x.count, 0));
    expect(await figure('fields')).toBe(fields.reduce((a, x) => a + x.count, 0));
    expect(await page.locator('[data-figure="excluded"] span').innerText()).toMatch(/^records left behind$/i);
    const fieldPart = await page.locator('#exclusions table:below(h3[data-part="fields"])').first().innerText();
    expect(fieldPart).toMatch(/primary advisor/);
    const recordPart = await page.locator('#exclusions table:below(h3[data-part="records"])').first().innerText();
    expect(recordPart).not.toMatch(/primary advisor/);
    expect(recordPart).toMatch(/leads/);
    await page.close();
  });
});
