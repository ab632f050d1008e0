// @ts-nocheck
// M2: the retention archive. The rows finalize removes stream from the store,
// inside its transaction, into private spool files; writeBag bags them. The
// archive is written before anything is removed (finalize.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { removalTables, type FinalizeCounts, type FinalizeReceipt, type Step } from '../domain/finalize-rules.js';
import { faultPoint } from '../shared/fault.js';
import { writeBag } from '../bundle/bag-writer.js';
import { RETENTION_FORMAT_VERSION, retentionSchemaFiles, retentionSchemaMap } from '../bundle/retention-schemas.js';
import { makeScratchDir, type OutputOptions } from '../shared/output-file.js';
import { VERSION } from '../shared/version.js';
import type { FinalizeActor, FinalizeSession } from '../store/port.js';

export interface WrittenArchive {
  file: string;
  id: string;
  tagmanifestSha256: string;
}

export interface ArchiveInput {
  file: string;
  output: OutputOptions;
  createdAt: string;
  receipt: Omit<FinalizeReceipt, 'outcomes'>;
  receiptSha256: string;
  installation: { id: string; name: string };
  office: FinalizeActor['office'];
  user: FinalizeActor['user'];
  counts: FinalizeCounts;
  /** called with each batch of removed rows written (progress) */
  onRows?: (n: number) => void;
}

/** M2: the removed rows, spooled to a temporary folder, bagged by writeBag. Layout: docs/retention-archive.md. */
export async function writeRetentionArchive(
  s: FinalizeSession,
  plan: readonly Step[],
  a: ArchiveInput,
): Promise<{ archiveId: string; tagmanifestSha256: string }> {
  // L11: private (0700), and removed by the next run if this one is killed
  const tmp = makeScratchDir(path.dirname(a.file), 'retention-rows');
  try {
    const { files, lines } = await spoolArchiveRows(s, plan, tmp, a.onRows);
    faultPoint('finalize-rows-spooled'); // L11 tests: the removed rows wait in the scratch folder
    const archiveId = crypto.randomUUID();
    const header = { ...retentionHeader(a, archiveId, lines), schemas: retentionSchemaMap(files.map((f) => f.path)) };
    const written = await writeBag({
      outFile: a.file,
      rootName: `officeport-retention-${a.receipt.bundle_id.replace(/[^A-Za-z0-9._-]/g, '_')}`,
      createdAt: new Date(a.createdAt),
      bagInfo: {
        'External-Identifier': archiveId,
        'Source-Organization': a.installation.name.replace(/[\r\n]+/g, ' '),
        'Internal-Sender-Identifier': a.receipt.bundle_id,
      },
      payload: files.map((f) => ({
        path: f.path,
        source: () => fs.createReadStream(f.local),
      })),
      // B11: the schema of the header and of every archived row type travel inside the archive
      tagFiles: () => [{ path: 'officeport.json', content: JSON.stringify(header, null, 2) + '\n' }, ...retentionSchemaFiles()],
      output: a.output,
    });
    return { archiveId, tagmanifestSha256: written.tagmanifestSha256 };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function retentionHeader(a: ArchiveInput, archiveId: string, lines: Record<string, number>): object {
  return {
    format: 'officeport-retention',
    format_version: RETENTION_FORMAT_VERSION,
    archive_id: archiveId,
    bundle_id: a.receipt.bundle_id,
    session_id: a.receipt.session_id,
    accept_id: a.receipt.accept_id,
    tagmanifest_sha256: a.receipt.tagmanifest_sha256,
    receipt_sha256: a.receiptSha256,
    created_at: a.createdAt,
    tool_version: VERSION,
    source: {
      installation_id: a.installation.id,
      installation_name: a.installation.name,
      office_id: a.office.id,
      office_name: a.office.name,
      user_id: a.user.id,
      username: a.user.username,
    },
    counts: lines,
    removed: a.counts,
  };
}

interface SpooledFile {
  /** path inside the bag: data/records/<name>.ndjson or data/documents/<sha256> */
  path: string;
  /** the spooled file on disk */
  local: string;
}

/** Lines appended to a private file, written out in chunks of about 64 KiB. */
class SpoolFile {
  private buf = '';
  lines = 0;
  private constructor(
    readonly local: string,
    private readonly fd: number,
  ) {}
  static open(local: string): SpoolFile {
    return new SpoolFile(local, fs.openSync(local, 'wx', 0o600)); // L11: removed rows, tax ids included, are private
  }
  add(line: string): void {
    this.buf += line + '\n';
    this.lines++;
    if (this.buf.length > 1 << 16) {
      fs.writeSync(this.fd, this.buf);
      this.buf = '';
    }
  }
  close(): void {
    try {
      fs.writeSync(this.fd, this.buf);
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

/**
 * Writes every removed row (per table, travelled and not), the detached
 * references and the removed letters' documents into `dir`, as the store
 * streams them; no stream stays open afterwards, so the zip can be written
 * while the transaction still holds the rows.
 * `lines` counts every record file, zero included; only non-empty files are listed.
 */
async function spoolArchiveRows(
  s: FinalizeSession,
  plan: readonly Step[],
  dir: string,
  onRows?: (n: number) => void,
): Promise<{ files: SpooledFile[]; lines: Record<string, number> }> {
  const lines: Record<string, number> = {};
  const files: SpooledFile[] = [];
  const spool = async <T>(
    name: string,
    batches: AsyncIterable<readonly T[]> | Iterable<readonly T[]>,
    each?: (r: T) => object,
    onBatch?: (n: number) => void,
  ) => {
    const out = SpoolFile.open(path.join(dir, `${name}.ndjson`));
    try {
      for await (const batch of batches) {
        for (const r of batch) out.add(JSON.stringify(each ? each(r) : r));
        onBatch?.(batch.length);
      }
    } finally {
      out.close();
    }
    lines[name] = out.lines;
    if (out.lines > 0) files.push({ path: `data/records/${name}.ndjson`, local: out.local });
  };
  // L3: rowids_<file> holds each archived row's place, line for line, so that undo restores the row order too.
  const spoolWithPlaces = async (name: string, table: string, travelled: boolean) => {
    const places = SpoolFile.open(path.join(dir, `rowids_${name}.ndjson`)); // L11: private like the rows they place
    try {
      await spool(
        name,
        s.removedRows(table, travelled),
        (r) => {
          places.add(String(r.place));
          return r.row;
        },
        onRows,
      );
    } finally {
      places.close();
    }
    lines[`rowids_${name}`] = lines[name]!;
    if (lines[name]! > 0) files.push({ path: `data/records/rowids_${name}.ndjson`, local: places.local });
  };
  for (const t of removalTables(plan)) {
    await spoolWithPlaces(t, t, false);
    await spoolWithPlaces(`travelled_${t}`, t, true);
  }
  await spool('detached_references', s.detachedReferences());
  const index: object[] = [];
  const seen = new Set<string>();
  for await (const d of s.removedDocuments()) {
    const file = `data/documents/${d.sha256}`;
    // rowid (L3): where undo puts the document back when the installation no longer holds it
    index.push({ path: d.path, sha256: d.sha256, size: d.size, file, rowid: d.place });
    if (seen.has(d.sha256)) continue;
    seen.add(d.sha256);
    const local = path.join(dir, `doc-${d.sha256}`);
    fs.writeFileSync(local, d.content, { flag: 'wx', mode: 0o600 }); // L11: removed rows are private
    files.push({ path: file, local });
  }
  await spool('documents', [index]);
  lines.documents_files = seen.size;
  files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { files, lines };
}
