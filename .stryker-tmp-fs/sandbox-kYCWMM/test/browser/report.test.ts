// @ts-nocheck
// V3 in a real browser: the audit report opens from disk in headless Chromium,
// makes no network request, shows the key figures, and is screenshotted for a
// human look (test-artifacts/report.png).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_SCRIPT, exportHostile, loadTarget } from '../audit/audit-fixture.js';
import { ROOT, run } from '../helpers/cli.js';
import { skipWithoutTool } from '../helpers/tools.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = skipWithoutTool('V3', CHROMIUM, fs.existsSync(CHROMIUM), "Debian's chromium package");

describe.skipIf(skip)('V3: the HTML report in headless Chromium', () => {
  let browser: Browser;
  let report: string;
  let counts: Record<string, number>;
  beforeAll(async () => {
    const ex = exportHostile();
    report = path.join(ex.dir, 'audit.html');
    const target = loadTarget(ex.dir);
    const r = run(['inspect', ex.bundle, '--db', target, '--office', 'Springfield Agency', '--user', 'dana', '--html', report, '--json']);
    if (r.code !== 0) throw new Error(r.stderr);
    counts = (JSON.parse(r.stdout) as { counts: Record<string, number> }).counts;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('V3: opens offline with no network request, shows the key figures, runs no script', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
    expect(requests.length).toBeGreaterThan(0);
    for (const u of requests) expect(u, u).toMatch(/^(file|data):/);

    const figure = async (id: string) => (await page.locator(`[data-figure="${id}"] b`).innerText()).replace(/,/g, '');
    expect(await figure('contacts')).toBe(String(counts.contacts));
    expect(await figure('stubs')).toBe(String(counts.stubs));
    expect(await figure('documents')).toBe(String(counts.documents));
    const records = Object.entries(counts)
      .filter(([k]) => k !== 'documents')
      .reduce((a, [, n]) => a + n, 0);
    expect(await figure('records')).toBe(String(records));
    expect(await page.locator('#counts svg rect').count()).toBe(Object.keys(counts).length);
    expect(await page.locator('#exclusions').innerText()).toMatch(/leads are never exported/);
    const dry = await page.locator('#dry-run').innerText();
    expect(dry).toMatch(/Merge conflicts \(\d+\)/);
    expect(dry).toMatch(/Ambiguous matches \(1\)/);

    // the hostile contact name is text on the page, not markup that ran
    expect(await page.locator('#contacts').innerText()).toContain(HOSTILE_SCRIPT);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    // tax ids of contacts are masked
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/\*\*\*-\*\*-\d{4}/);
    expect(text).not.toMatch(/\b\d{3}-\d{2}-\d{4}\b/);

    const artifacts = path.join(ROOT, 'test-artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(artifacts, 'report-print.png'), fullPage: true });
    expect(fs.statSync(path.join(artifacts, 'report.png')).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('V3: prints to PDF (the @media print layout) without fetching anything', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(report).href);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    expect(requests.length, 'the page itself is a request').toBeGreaterThan(0);
    for (const u of requests) expect(u).toMatch(/^(file|data):/);
    await page.close();
  });
});
