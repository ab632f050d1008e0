// export (X1-X12): check rights, pick the contacts, decide what travels with
// them into TEMP tables, stream every record file out of SQLite into the bag,
// and only when the bundle file is complete record it in the export ledger.
import crypto from 'node:crypto';
import {
  buildRecord,
  buildRiderEntry,
  buildParty,
  documentPath,
  emptyCounts,
  emptyExclusions,
  FORMAT,
  FORMAT_VERSION,
  recordFile,
  RECORD_TYPES,
  type BundleHeader,
  type Counts,
  type RecordType,
  type Row,
} from './bundle/records.js';
import { writeBag, type PayloadFile } from './bundle/bag-writer.js';
import { readPrivateKey } from './bundle/signing.js';
import { accountDrops, catalogueOrigin, contactDrops, policyDrops, positionDrops, saltForBundle, sortParties, stubFields, tally } from './domain/export-rules.js';
import { isValidTimestamp } from './domain/values.js';
import { ErrorCode, OfficeportError } from './errors.js';
import { selectExport, type ExportScope, type Selection } from './export-select.js';
import { inTransaction, type Db } from './store/db.js';
import { findOffice, findUser, installationId, requireOffice, requireRights, requireUser, hasRight } from './store/offices.js';
import { VERSION } from './version.js';

export type { Selection } from './export-select.js';

export interface ExportOptions {
  office: string;
  user: string;
  selection: Selection;
  toOffice: string;
  toUser: string;
  out: string;
  session?: string;
  signKeyFile?: string;
  bundleId?: string;
  createdAt?: string;
  /** records written so far (progress bars) */
  onRecords?: (n: number) => void;
}

export interface ExportResult {
  bundle_id: string;
  session_id: string;
  created_at: string;
  out: string;
  tagmanifest_sha256: string;
  payload_oxum: string;
  counts: Counts;
  exclusions: BundleHeader['exclusions'];
  signed: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function exportBundle(db: Db, opts: ExportOptions): Promise<ExportResult> {
  const header = prepareHeader(db, opts);
  const signingKey = opts.signKeyFile ? readPrivateKey(opts.signKeyFile) : undefined;
  const scope = selectExport(db, header, opts.selection);
  const written = await writeBag({
    outFile: opts.out,
    rootName: `officeport-bundle-${header.bundle_id}`,
    createdAt: new Date(header.created_at),
    bagInfo: {
      'External-Identifier': header.bundle_id,
      'Source-Organization': header.source.installation_name,
    },
    payload: payloadFiles(db, scope, header, opts.onRecords),
    tagFiles: () => [{ path: 'officeport.json', content: JSON.stringify(header, null, 2) + '\n' }],
    signingKey,
  });
  recordInLedger(db, header, opts.out, written.tagmanifestSha256);
  return {
    bundle_id: header.bundle_id,
    session_id: header.session_id,
    created_at: header.created_at,
    out: opts.out,
    tagmanifest_sha256: written.tagmanifestSha256,
    payload_oxum: written.payloadOxum,
    counts: header.counts,
    exclusions: header.exclusions,
    signed: Boolean(signingKey),
  };
}

/** X1 and B2/B6: who exports to whom, and the bundle's id, session, time and salt. Nothing is written. */
function prepareHeader(db: Db, opts: ExportOptions): BundleHeader {
  const office = requireOffice(db, opts.office);
  const user = requireUser(db, office, opts.user);
  requireRights(user, office, ['data_export', 'export_contacts_to_office'], 'export contacts to another office');
  const target = findOffice(db, opts.toOffice);
  if (target?.id === office.id) {
    throw new OfficeportError(ErrorCode.REFUSED, `the target office ${target.name} is the source office`, {
      hint: 'name the office the contacts move to with --to-office',
    });
  }
  if (target) {
    const tu = findUser(db, target.id, opts.toUser);
    if (!tu) {
      throw new OfficeportError(ErrorCode.NOT_FOUND, `no user ${JSON.stringify(opts.toUser)} in the target office ${target.name}`, {
        hint: `name a user of ${target.name} who will receive the contacts (--to-user)`,
      });
    }
    if (!hasRight(tu, 'data_import')) requireRights(tu, target, ['data_import'], 'receive the exported contacts');
  }
  const bundleId = (opts.bundleId ?? crypto.randomUUID()).toLowerCase();
  if (!UUID.test(bundleId)) {
    throw new OfficeportError(ErrorCode.USAGE, `--bundle-id must be a UUID, got ${JSON.stringify(opts.bundleId)}`, {
      hint: 'e.g. --bundle-id 7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f, or leave it out for a fresh one',
    });
  }
  const inst = db.prepare(`SELECT id, name FROM installation LIMIT 1`).get() as { id: string; name: string };
  installationId(db);
  const selection = opts.selection.mode === 'set' ? { mode: 'set' as const, set: opts.selection.set } : { mode: opts.selection.mode };
  return {
    format: FORMAT,
    format_version: FORMAT_VERSION,
    bundle_id: bundleId,
    session_id: opts.session ?? bundleId,
    created_at: creationTime(opts.createdAt),
    tool_version: VERSION,
    source: {
      installation_id: inst.id,
      installation_name: inst.name,
      office_id: office.id,
      office_name: office.name,
      user_id: user.id,
      username: user.username,
    },
    target: { office: opts.toOffice, user: opts.toUser },
    selection,
    counts: emptyCounts(),
    exclusions: emptyExclusions(),
    stub_salt: opts.bundleId ? saltForBundle(bundleId) : crypto.randomBytes(32).toString('hex'),
  };
}

/** B6: --created-at, else SOURCE_DATE_EPOCH, else now; written in UTC. */
export function creationTime(flag?: string, env = process.env.SOURCE_DATE_EPOCH, now = new Date()): string {
  let d: Date;
  if (flag !== undefined) {
    if (!isValidTimestamp(flag)) {
      throw new OfficeportError(ErrorCode.USAGE, `--created-at must be an ISO 8601 time with zone, got ${JSON.stringify(flag)}`, {
        hint: 'e.g. --created-at 2025-04-01T09:30:00Z',
      });
    }
    d = new Date(flag);
  } else if (env !== undefined && env !== '') {
    if (!/^\d+$/.test(env)) {
      throw new OfficeportError(ErrorCode.USAGE, `SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(env)}`);
    }
    d = new Date(Number(env) * 1000);
  } else d = now;
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

// ---- payload ----

interface TypeQuery {
  /** FROM ... WHERE ... naming the source table as `t` */
  from: string;
  /** columns beyond t.* */
  also?: string;
  build: (row: Row) => Record<string, unknown>;
}

/** Record files, then documents, in path order (documents sort before records). */
async function* payloadFiles(db: Db, scope: ExportScope, header: BundleHeader, onRecords?: (n: number) => void): AsyncIterable<PayloadFile> {
  const docs = db.prepare(
    `SELECT d.sha256, d.content FROM documents d WHERE d.path IN
       (SELECT l.document FROM letters l JOIN temp.x_letters x ON x.id = l.id) GROUP BY d.sha256 ORDER BY d.sha256`,
  );
  for (const doc of docs.iterate() as Iterable<{ sha256: string; content: Buffer }>) {
    header.counts.documents++;
    yield { path: documentPath(doc.sha256), source: () => [doc.content] };
  }
  const queries = typeQueries(db, scope, header);
  for (const type of RECORD_TYPES) {
    const q = queries[type];
    const n = (db.prepare(`SELECT count(*) AS n ${q.from}`).get(scope.params) as { n: number }).n;
    if (n === 0) continue;
    yield { path: recordFile(type), source: () => recordLines(db, type, q, scope, header, onRecords) };
  }
}

function* recordLines(db: Db, type: RecordType, q: TypeQuery, scope: ExportScope, header: BundleHeader, onRecords?: (n: number) => void): Iterable<string> {
  let chunk = '';
  let n = 0;
  const rows = db.prepare(`SELECT t.*${q.also ? `, ${q.also}` : ''} ${q.from} ORDER BY t.id`).iterate(scope.params);
  for (const row of rows as Iterable<Row>) {
    chunk += JSON.stringify(buildRecord(type, row, q.build(row))) + '\n';
    n++;
    header.counts[type]++;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
      onRecords?.(n);
      n = 0;
    }
  }
  if (chunk) yield chunk;
  onRecords?.(n);
}

/** Rows of one child table grouped by their owner, read alongside the owners in the same order. */
function childCursor(db: Db, sql: string, key: string): (ownerId: string) => Row[] {
  let it: Iterator<Row> | undefined;
  let next: IteratorResult<Row>;
  return (ownerId) => {
    if (!it) {
      it = (db.prepare(sql).iterate() as IterableIterator<Row>)[Symbol.iterator]();
      next = it.next();
    }
    const rows: Row[] = [];
    while (!next.done && (next.value[key] as string) < ownerId) next = it.next();
    while (!next.done && next.value[key] === ownerId) {
      rows.push(next.value);
      next = it.next();
    }
    return rows;
  };
}

function typeQueries(db: Db, scope: ExportScope, header: BundleHeader): Record<RecordType, TypeQuery> {
  const ex = header.exclusions;
  const none = () => ({});
  const inX = (col: string, x: string) => `FROM ${col.split('.')[0]} t WHERE t.${col.split('.')[1]} IN (SELECT id FROM temp.${x})`;
  const own = (x: string, table: string) => `FROM ${table} t JOIN temp.${x} x ON x.id = t.id`;
  const origin = (row: Row) => ({ origin: catalogueOrigin(row.office_id!, scope.officeId, scope.ancestors) });
  const parties = (table: string, owner: string, x: string, withShare: boolean) => {
    const next = childCursor(
      db,
      `SELECT c.* FROM ${table} c JOIN temp.${x} x ON x.id = c.${owner} ORDER BY c.${owner}`,
      owner,
    );
    return (id: string) => sortParties(next(id)).map((p) => buildParty(p.contact_id!, p.list!, p.role, withShare ? p.share_percent : null));
  };
  return {
    activities: { from: inX('activities.contact_id', 'x_contacts'), build: none },
    carriers: { from: own('x_carriers', 'carriers'), build: origin },
    contacts: {
      from: own('x_contacts', 'contacts'),
      build: (row) => (contactDrops(row).forEach((d) => tally(ex, d)), {}),
    },
    employee_census: { from: inX('employee_census.business_id', 'x_contacts'), build: none },
    investment_accounts: (() => {
      const ps = parties('account_parties', 'account_id', 'x_accounts', false);
      return {
        from: own('x_accounts', 'investment_accounts'),
        build: (row: Row) => (accountDrops(row).forEach((d) => tally(ex, d)), { parties: ps(row.id!) }),
      };
    })(),
    key_relations: { from: own('x_relations', 'key_relations'), build: none },
    letters: {
      from: `${own('x_letters', 'letters')} LEFT JOIN documents d ON d.path = t.document`,
      also: 'd.sha256 AS doc_sha256, d.size AS doc_size',
      build: documentOf,
    },
    pending_cases: (() => {
      const ps = parties('case_parties', 'case_id', 'x_cases', true);
      return { from: own('x_cases', 'pending_cases'), build: (row: Row) => ({ parties: ps(row.id!) }) };
    })(),
    policies: (() => {
      const ps = parties('policy_parties', 'policy_id', 'x_policies', true);
      const riders = childCursor(
        db,
        `SELECT r.* FROM policy_riders r JOIN temp.x_policies x ON x.id = r.policy_id WHERE r.rider_id IS NOT NULL ORDER BY r.policy_id, r.rider_id, r.amount`,
        'policy_id',
      );
      return {
        from: own('x_policies', 'policies'),
        build: (row: Row) => {
          policyDrops(row).forEach((d) => tally(ex, d));
          return { riders: riders(row.id!).map((r) => buildRiderEntry(r.rider_id!, r.amount)), parties: ps(row.id!) };
        },
      };
    })(),
    positions: {
      from: inX('positions.account_id', 'x_accounts'),
      build: (row) => (positionDrops(row).forEach((d) => tally(ex, d)), {}),
    },
    products: { from: own('x_products', 'products'), build: origin },
    riders: { from: own('x_riders', 'riders'), build: origin },
    service_providers: { from: own('x_sps', 'service_providers'), build: origin },
    smartpad: { from: inX('smartpad.contact_id', 'x_contacts'), build: none },
    stubs: { from: own('x_stubs', 'contacts'), build: (row) => stubFields(row, header.stub_salt) },
  };
}

/** B4: a letter's attachment, by content. */
function documentOf(letter: Row): Record<string, unknown> {
  const sha = letter.doc_sha256;
  if (!letter.document || !sha) return {};
  return { document: { path: documentPath(sha), name: letter.document, sha256: sha, size: Number(letter.doc_size) } };
}

/** X11: the bundle exists; record it, in one transaction, and nothing else. */
function recordInLedger(db: Db, h: BundleHeader, out: string, tagmanifest: string): void {
  inTransaction(db, () => {
    db.prepare(
      `INSERT INTO export_ledger (bundle_id, session_id, office_id, user_id, target_office, target_user, created_at,
         tagmanifest_sha256, file, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(h.bundle_id, h.session_id, h.source.office_id, h.source.user_id, h.target.office, h.target.user, h.created_at, tagmanifest, out, JSON.stringify(h.counts));
    db.prepare(
      `INSERT OR IGNORE INTO export_session_contacts (session_id, office_id, contact_id, bundle_id)
       SELECT ?, ?, id, ? FROM temp.x_contacts`,
    ).run(h.session_id, h.source.office_id, h.bundle_id);
    const message = `exported ${h.counts.contacts} contacts to ${h.target.office} (${h.target.user}) as ${out}`;
    db.prepare(`INSERT INTO transfer_log (at, action, bundle_id, office_id, user_id, summary) VALUES (?, 'export', ?, ?, ?, ?)`).run(
      new Date().toISOString(),
      h.bundle_id,
      h.source.office_id,
      h.source.user_id,
      JSON.stringify({ message, counts: h.counts, exclusions: h.exclusions }),
    );
  });
}
