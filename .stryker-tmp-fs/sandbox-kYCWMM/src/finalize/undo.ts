// @ts-nocheck
// Undoing a finalize (L3). The story: verify the retention archive as verify
// does, check that this installation's transfer log records the finalize that
// wrote it (same office, receipt and archive), then in one write transaction
// stream its rows back (at their old rowids when free), set the cut references
// back, put back the documents, and record the undo: the bundle is no longer
// finalized, so the same receipt can be finalized again later.
import { HEADER_FILE, openBag, type OpenedBag } from '../bundle/bag-reader.js';
import { removalTables } from '../domain/finalize-rules.js';
import { ErrorCode, OfficeportError, type Problem } from '../shared/errors.js';
import { faultPoint } from '../shared/fault.js';
import { FINALIZE_RIGHT } from './finalize.js';
import type { DetachedReference, FinalizeActor, FinalizeEntry, FinalizeStore, FinalizeUndoSession, Store } from '../store/port.js';
import { verifyBundle } from '../audit/verify.js';

export interface UndoFinalizeRequest {
  archiveFile: string;
  office: string;
  user: string;
  /** the undo time (tests); default now */
  now?: Date;
}

export interface UndoFinalizeResult {
  status: 'undone' | 'already_undone';
  bundle_id: string;
  accept_id: string;
  archive_id: string;
  archive: string;
  office: { id: string; name: string };
  /** rows put back per table (travelled and not) */
  restored: Record<string, number>;
  /** references of staying rows set back */
  references: number;
  /** letter documents put back */
  documents: number;
  undone_at: string | null;
}

/** The parts of the archive header (officeport.json) undo reads; verify has checked it against its schema. */
interface ArchiveHeader {
  archive_id: string;
  bundle_id: string;
  accept_id: string;
  receipt_sha256: string;
  source: { installation_id: string; office_id: string; office_name: string };
}

const MAX_PROBLEMS = 50;

/** Rows and references go back to the store in batches of this many. */
const BATCH = 1000;

export async function undoFinalize(store: Store, req: UndoFinalizeRequest): Promise<UndoFinalizeResult> {
  const { office, user } = await store.finalize.actor(req.office, req.user, [FINALIZE_RIGHT], 'undo a finalize of the office');
  const tagmanifest = await verifyArchive(req.archiveFile);
  const { bag, problems } = await openBag(req.archiveFile);
  if (!bag || problems.length > 0 || bag.tagmanifestSha256 !== tagmanifest) {
    throw new OfficeportError(ErrorCode.CONFLICT, `${req.archiveFile} changed while finalize undo read it; nothing was changed`, {
      hint: 'run finalize undo again',
    });
  }
  try {
    const header = JSON.parse(await bag.readTagFile(HEADER_FILE)) as ArchiveHeader;
    const entry = await finalizeOf(store.finalize, header, office, tagmanifest, req.archiveFile);
    const base = {
      bundle_id: header.bundle_id,
      accept_id: header.accept_id,
      archive_id: header.archive_id,
      archive: req.archiveFile,
      office: { id: office.id, name: office.name },
    };
    const at = (req.now ?? new Date()).toISOString();
    return await store.finalize.undo(async (s): Promise<UndoFinalizeResult> => {
      const undone = await s.findUndo(entry.seq);
      if (undone) return { ...base, status: 'already_undone', restored: {}, references: 0, documents: 0, undone_at: undone.at };
      const done = await restore(s, bag, req.archiveFile);
      await s.logUndo({
        at,
        bundleId: header.bundle_id,
        officeId: office.id,
        userId: user.id,
        summary: {
          summary: `put back ${Object.values(done.restored).reduce((a, b) => a + b, 0)} rows that finalize had removed, ${done.references} reference(s) and ${done.documents} document(s)`,
          finalize: { seq: entry.seq },
          accept_id: header.accept_id,
          archive: req.archiveFile,
          archive_id: header.archive_id,
          counts: { restored_rows: Object.values(done.restored).reduce((a, b) => a + b, 0), references: done.references, documents: done.documents },
        },
      });
      await s.refreshFinalized(header.bundle_id);
      faultPoint('finalize-undo-before-commit');
      return { ...base, status: 'undone', ...done, undone_at: at };
    });
  } finally {
    await bag.close();
  }
}

/** The archive checked as `officeport verify` checks it; returns its tagmanifest hash. */
async function verifyArchive(file: string): Promise<string> {
  const v = await verifyBundle(file, { accept: 'any' });
  if (v.kind === 'bundle') {
    throw new OfficeportError(ErrorCode.INVALID_INPUT, `${file} is a bundle, not a retention archive; nothing was changed`, {
      hint: 'name the retention archive that finalize wrote (it printed its path)',
    });
  }
  if (!v.valid || v.kind !== 'retention' || !v.tagmanifestSha256) {
    throw new OfficeportError(ErrorCode.BUNDLE_INVALID, `${file} is not an intact retention archive; nothing was changed`, {
      problems: v.problems,
      hint: 'run officeport verify on it; undo needs the archive exactly as finalize wrote it',
    });
  }
  return v.tagmanifestSha256;
}

/** L3: the archive must be one this installation's office wrote in a finalize its transfer log records. */
async function finalizeOf(fin: FinalizeStore, h: ArchiveHeader, office: FinalizeActor['office'], tagmanifest: string, file: string): Promise<FinalizeEntry> {
  const refuse = (why: string) =>
    new OfficeportError(
      ErrorCode.MISADDRESSED,
      `${file} was not written by a finalize of office ${office.name} in this installation: ${why}; nothing was changed`,
      {
        hint: 'undo a finalize in the installation (--db) and office (--office) that ran it, with the archive it printed',
      },
    );
  const { id: inst } = await fin.installation();
  if (h.source.installation_id !== inst) throw refuse(`the archive comes from installation ${h.source.installation_id}, this is ${inst}`);
  if (h.source.office_id !== office.id) throw refuse(`the archive comes from office ${h.source.office_name} (${h.source.office_id})`);
  const e = await fin.findFinalizeOfArchive({ bundleId: h.bundle_id, acceptId: h.accept_id, receiptSha256: h.receipt_sha256, archiveId: h.archive_id });
  if (!e || (e.office_id !== null && e.office_id !== office.id))
    throw refuse(`the transfer log records no finalize of bundle ${h.bundle_id} (accept ${h.accept_id}) that wrote it`);
  if (e.archive_tagmanifest_sha256 !== null && e.archive_tagmanifest_sha256 !== tagmanifest) {
    throw refuse(`its tag manifest hash ${tagmanifest} differs from the one finalize recorded (${e.archive_tagmanifest_sha256})`);
  }
  return e;
}

interface Restored {
  restored: Record<string, number>;
  references: number;
  documents: number;
}

/** Streams everything back inside the caller's transaction; refuses (throws) naming what is in the way, having changed nothing that stays. */
async function restore(s: FinalizeUndoSession, bag: OpenedBag, file: string): Promise<Restored> {
  const problems: Problem[] = [];
  let blocked = 0;
  const block = (where: string, message: string) => {
    blocked++;
    if (problems.length < MAX_PROBLEMS) problems.push({ file: where, message });
  };
  const out: Restored = { restored: {}, references: 0, documents: 0 };
  for (const table of removalTables()) {
    for (const name of [table, `travelled_${table}`]) {
      const path = `data/records/${name}.ndjson`;
      if (!bag.paths.includes(path)) continue;
      const ids = bag.paths.includes(`data/records/rowids_${name}.ndjson`)
        ? bag.lines(`data/records/rowids_${name}.ndjson`)[Symbol.asyncIterator]()
        : undefined;
      let batch: { row: Record<string, unknown>; place: number | undefined }[] = [];
      const flush = async () => {
        for (const why of await s.restoreRows(table, batch)) {
          if (why) block(path, why);
          else out.restored[table] = (out.restored[table] ?? 0) + 1;
        }
        batch = [];
      };
      for await (const { text } of bag.lines(path)) {
        const place = ids ? Number((await ids.next()).value?.text) : undefined;
        batch.push({ row: JSON.parse(text) as Record<string, unknown>, place });
        if (batch.length === BATCH) await flush();
      }
      await flush();
      await ids?.return?.(undefined);
    }
  }
  out.references = await restoreReferences(bag, s, block);
  out.documents = await restoreDocuments(bag, s, block);
  if (blocked === 0) {
    for (const d of await s.danglingReferences()) block(`${d.table}`, `${d.n} row(s) put back would name a ${d.parent} row that is gone now`);
  }
  if (blocked > 0) {
    throw new OfficeportError(ErrorCode.CONFLICT, `${file}: ${blocked} of the records finalize removed cannot be put back as they were; nothing was changed`, {
      problems: blocked > problems.length ? [...problems, { message: `... and ${blocked - problems.length} more` }] : problems,
      hint: 'the ids named are taken, or the rows named were changed, since finalize; remove or rename them first, then run finalize undo again',
    });
  }
  return out;
}

async function restoreReferences(bag: OpenedBag, s: FinalizeUndoSession, block: (where: string, message: string) => void): Promise<number> {
  const path = 'data/records/detached_references.ndjson';
  if (!bag.paths.includes(path)) return 0;
  let n = 0;
  let batch: DetachedReference[] = [];
  const flush = async () => {
    for (const why of await s.restoreReferences(batch)) {
      if (why) block(path, why);
      else n++;
    }
    batch = [];
  };
  for await (const { text } of bag.lines(path)) {
    batch.push(JSON.parse(text) as DetachedReference);
    if (batch.length === BATCH) await flush();
  }
  await flush();
  return n;
}

async function restoreDocuments(bag: OpenedBag, s: FinalizeUndoSession, block: (where: string, message: string) => void): Promise<number> {
  const path = 'data/records/documents.ndjson';
  if (!bag.paths.includes(path)) return 0;
  let n = 0;
  for await (const { text } of bag.lines(path)) {
    const d = JSON.parse(text) as { path: string; sha256: string; size: number; file: string; rowid?: number };
    const chunks: Buffer[] = [];
    for await (const c of bag.stream(d.file)) chunks.push(c);
    const r = await s.restoreDocument({ path: d.path, sha256: d.sha256, size: d.size, content: Buffer.concat(chunks), place: d.rowid });
    if (typeof r === 'string') block(path, r);
    else if (r) n++;
  }
  return n;
}
