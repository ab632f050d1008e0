// @ts-nocheck
// U5: a file given to the wrong command is named for what it is, and the command
// that takes it, before any parser sees it (a zip to finalize, a receipt to import).
import fs from 'node:fs';
import { ErrorCode, OfficeportError } from './errors.js';

export type FileKind = 'bundle' | 'receipt' | 'plan' | 'installation' | 'json' | 'empty' | 'other';

const ZIP = Buffer.from('PK\u0003\u0004', 'latin1');
const EMPTY_ZIP = Buffer.from('PK\u0005\u0006', 'latin1');
const SQLITE = Buffer.from('SQLite format 3\u0000', 'latin1');

/** What the first bytes of a file say it is (a zip is taken for a bundle or a retention archive). */
export function fileKindOf(head: Buffer): FileKind {
  if (head.length === 0) return 'empty';
  if (head.subarray(0, 4).equals(ZIP) || head.subarray(0, 4).equals(EMPTY_ZIP)) return 'bundle';
  if (head.subarray(0, SQLITE.length).equals(SQLITE)) return 'installation';
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (!text.startsWith('{')) return 'other';
  if (/"receipt_version"\s*:/.test(text)) return 'receipt';
  if (/"plan_version"\s*:/.test(text)) return 'plan';
  return 'json';
}

const WHAT: Record<FileKind, string> = {
  bundle: 'a zip file (a bundle, or a retention archive)',
  receipt: 'an import receipt (JSON)',
  plan: 'an import plan file (JSON)',
  installation: 'an officeport installation (a SQLite database)',
  json: 'a JSON file',
  empty: 'an empty file',
  other: 'neither a zip nor JSON',
};

const TAKES: Partial<Record<FileKind, string>> = {
  bundle: 'a bundle is imported in the target installation: officeport import BUNDLE --db TARGET.db --office O --user U',
  receipt: 'a receipt is finalized in the installation that exported the bundle: officeport finalize RECEIPT --db SOURCE.db --office O --user U',
  plan: 'a plan file is given to the import with --plan FILE',
  installation: 'an installation is named with --db FILE',
};

/** The first bytes of `file` (undefined when it cannot be read: the caller's own open says why). */
function headOf(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(4096);
    return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Refuses a file that is plainly not the kind a command takes, saying what it
 * is and which command takes that; a file that only looks right is left to the
 * command's own checks.
 */
export function requireFileKind(file: string, expected: 'bundle' | 'receipt', command: string): void {
  const head = headOf(file);
  if (head === undefined) return;
  const kind = fileKindOf(head);
  if (kind === expected || (expected === 'receipt' && (kind === 'json' || kind === 'other'))) return;
  if (expected === 'bundle' && kind === 'other') return;
  const want = expected === 'bundle' ? 'a bundle (the .zip that export wrote)' : 'an import receipt (the JSON that the import wrote)';
  throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is ${WHAT[kind]}, not ${want} as ${command} takes; nothing was changed`, {
    hint: TAKES[kind] ?? `name ${want}`,
  });
}
