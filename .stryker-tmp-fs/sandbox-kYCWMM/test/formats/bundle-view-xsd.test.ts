// @ts-nocheck
// V6: the XML view validates against the XSD shipped in schemas/, checked with
// xmllint (libxml2), a validator officeport does not use: the samples' bundle,
// a generated installation's bundle, a retention archive's view, and planted
// invalid documents that the XSD must reject.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, tmpDir } from '../helpers/cli.js';
import { SAMPLES, loadInstallation } from '../helpers/installation.js';
import { skipWithoutTool } from '../helpers/tools.js';

const XSD = path.join(ROOT, 'schemas/bundle-view.xsd');
const skip = skipWithoutTool('V6', 'xmllint', spawnSync('xmllint', ['--version']).status === 0, 'Debian package libxml2-utils');

function ok(args: string[]): void {
  const r = run(args);
  expect(r.code, `officeport ${args.join(' ')}: ${r.stderr}`).toBe(0);
}

function xsdCheck(file: string): { code: number; stderr: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

describe.skipIf(skip)('V6: the XML view and its XSD', () => {
  const dir = tmpDir();
  const samplesXml = path.join(dir, 'samples.xml');
  const archiveXml = path.join(dir, 'archive.xml');

  beforeAll(() => {
    const src = loadInstallation(path.join(SAMPLES, 'source'), dir);
    const tgt = loadInstallation(path.join(SAMPLES, 'target'), dir);
    const zip = path.join(dir, 'move.zip');
    const receipt = path.join(dir, 'receipt.json');
    const archive = path.join(dir, 'retention.zip');
    ok(
      ['export', '--db', src, '--office', 'North Agency', '--user', 'alice', '--set', 'Move to Springfield'].concat([
        '--to-office',
        'Springfield Agency',
        '--to-user',
        'dana',
        '--out',
        zip,
      ]),
    );
    ok(['convert', zip, '--to', 'xml', '--out', samplesXml]);
    ok(['import', zip, '--db', tgt, '--office', 'Springfield Agency', '--user', 'dana', '--receipt', receipt]);
    ok(['finalize', '--yes', receipt, '--db', src, '--office', 'North Agency', '--user', 'alice', '--archive', archive]);
    ok(['convert', archive, '--to', 'xml', '--out', archiveXml]);
  });

  it("V6: the samples' XML view validates against schemas/bundle-view.xsd", () => {
    const r = xsdCheck(samplesXml);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('validates');
  });

  it("V6: a generated installation's XML view validates against the XSD", () => {
    const gen = path.join(dir, 'gen');
    ok(['generate', gen, '--contacts', '60', '--seed', '5', '--offices', '1']);
    const db = path.join(dir, 'gen.db');
    ok(['load', gen, '--db', db]);
    const zip = path.join(dir, 'gen.zip');
    ok(['export', '--db', db, '--office', 'Agency 1', '--user', 'exporter', '--all', '--to-office', 'Target Agency', '--to-user', 'receiver', '--out', zip]);
    const xml = path.join(dir, 'gen.xml');
    ok(['convert', zip, '--to', 'xml', '--out', xml]);
    expect(fs.readFileSync(xml, 'utf8')).toContain('<contact ref="contact/');
    const r = xsdCheck(xml);
    expect(r.code, r.stderr).toBe(0);
  });

  it("V6: a retention archive's XML view validates against the same XSD", () => {
    const r = xsdCheck(archiveXml);
    expect(r.code, r.stderr).toBe(0);
  });

  it('V6: planted invalid documents are rejected, each for its fault', () => {
    const good = fs.readFileSync(samplesXml, 'utf8');
    const firstContact = good.match(/<contact ref="(contact\/[^"]+)">/)!;
    const second = [...good.matchAll(/<contact ref="(contact\/[^"]+)">/g)][1]!;
    const planted: [string, string, RegExp][] = [
      ['a record without its ref', good.replace(firstContact[0], '<contact>'), /attribute 'ref' is required/],
      [
        'an element that is no record type',
        good.replace(firstContact[0], `<intruder ref="${firstContact[1]}">`).replace('</contact>', '</intruder>'),
        /intruder/,
      ],
      ['a count that is not a number', good.replace(/<count type="contacts">\d+/, '<count type="contacts">seven'), /nonNegativeInteger/],
      ['two records with one ref', good.replace(second[0], firstContact[0]), /Duplicate key-sequence/],
      ['no format version', good.replace(/ format-version="[^"]*"/, ''), /format-version/],
      ['no header', good.replace(/<header>[\s\S]*?<\/header>\n/, ''), /header/],
    ];
    for (const [what, text, why] of planted) {
      expect(text, what).not.toBe(good);
      const file = path.join(dir, 'planted.xml');
      fs.writeFileSync(file, text);
      expect(spawnSync('xmllint', ['--noout', file]).status, `${what} is still well formed`).toBe(0);
      const r = xsdCheck(file);
      expect(r.code, what).not.toBe(0);
      expect(r.stderr, what).toMatch(why);
    }
  });
});
