// @ts-nocheck
// inspect as a user runs it: the bundle's summary, with the import dry run into
// an office when one is named, and the HTML audit report when asked for.
import fs from 'node:fs';
import path from 'node:path';
import { inputName, type BundleInput } from '../bundle/byte-source.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import { checkOutputPath } from '../shared/output-file.js';
import { importFile, type AcceptResult } from '../import/index.js';
import type { InstallationHome, Store } from '../store/port.js';
import { readPublicKey } from '../trust/index.js';
import { writeInspectHtml } from './html-report.js';
import { dryRunFromAccept } from './html-report-data.js';
import { inspectBundle, type InspectReport } from './inspect.js';
import { inspectArchive, isRetentionArchive, type ArchiveReport } from './inspect-archive.js';

/**
 * inspect of any file officeport writes: a retention archive (M2) gets its own
 * summary, without an import dry run or HTML report (it is not imported);
 * anything else is inspected as a bundle.
 */
export async function inspectFile(
  req: InspectRequest,
  target?: DryRunTarget,
): Promise<{ archive: ArchiveReport } | ({ archive?: undefined } & Awaited<ReturnType<typeof inspectForAudit>>)> {
  if (typeof req.file === 'string' && fs.existsSync(req.file) && (await isRetentionArchive(req.file))) {
    if (target || req.html) {
      throw new OfficeportError(ErrorCode.USAGE, `${req.file} is a retention archive written by finalize: it has no import dry run or HTML report`, {
        hint: `summarise it with: officeport inspect ${req.file}`,
      });
    }
    return { archive: await inspectArchive(req.file) };
  }
  return inspectForAudit(req, target);
}

export interface InspectRequest {
  /** the bundle, or its opened source (an encrypted bundle) */
  file: BundleInput;
  /** public key (PEM file) the signature must verify against */
  trust?: string;
  /** write the HTML audit report here */
  html?: string;
  force?: boolean;
  /** the installation file the command names (the dry run's) */
  installation: string;
  /** its home: no --html may replace its files */
  home: InstallationHome;
}

/** The office and user of the import dry run, and how to open their installation (once the bundle was inspected). */
export interface DryRunTarget {
  office: string;
  user: string;
  withInstallation<T>(fn: (store: Store) => Promise<T>): Promise<T>;
}

/** V2, V3: check the output first (L1), inspect, dry-run the import when a target is named, then write the HTML report. */
export async function inspectForAudit(
  req: InspectRequest,
  target?: DryRunTarget,
): Promise<{ report: InspectReport; dryRun?: AcceptResult; /** V3: the HTML report written, as an absolute path */ html?: string }> {
  if (!fs.existsSync(inputName(req.file))) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no file ${inputName(req.file)}`, { hint: 'name the bundle file that export wrote' });
  }
  const output = { force: req.force, option: '--html', home: req.home };
  if (req.html) checkOutputPath(req.html, output); // before any work (L1)
  const report = await inspectBundle(req.file, { trust: req.trust ? readPublicKey(req.trust) : undefined });
  const dryRun = target
    ? await target.withInstallation((store) => importFile(store, req.file, target.office, target.user, { dryRun: true, trust: req.trust }))
    : undefined;
  if (!req.html) return { report, dryRun };
  writeInspectHtml(req.html, report, dryRun && target && dryRunFromAccept(target.office, target.user, dryRun), undefined, output);
  return { report, dryRun, html: path.resolve(req.html) };
}
