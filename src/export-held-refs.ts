// L4: what a bundle held, kept in the export ledger so that finalize can refuse
// a receipt naming a record the bundle never carried. The refs are read off the
// record lines as they stream into the bag (each line starts {"ref":"...") and
// kept per ref prefix as gzip'd packs of newline-joined ids, so a bundle of a
// million contacts is never held as strings in memory.
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import type { PayloadFile } from './bundle/bag-writer.js';
import { MOVABLE_PREFIXES } from './domain/finalize-rules.js';
import type { Db } from './store/db.js';

const PACK = 10_000;
const HEAD = 1024;
const REF = /^\{"ref":"((?:[^"\\]|\\.)*)"/;
// stubs too: a receipt may report a stub (a contact the bundle only names) as linked; finalize never removes one
const MOVABLE_TABLES: ReadonlySet<string> = new Set([...Object.values(MOVABLE_PREFIXES), 'stubs']);

export class HeldRefs {
  private readonly open = new Map<string, string[]>();
  private readonly packs: { prefix: string; seq: number; ids: Buffer }[] = [];
  private readonly seqs = new Map<string, number>();

  /** The same payload, its record lines of movable records read on the way. */
  async *watch(payload: AsyncIterable<PayloadFile>): AsyncIterable<PayloadFile> {
    for await (const f of payload) {
      const m = /^data\/records\/([a-z_]+)\.ndjson$/.exec(f.path);
      if (!m || !MOVABLE_TABLES.has(m[1]!) || f.content) {
        yield f;
        continue;
      }
      const inner = f.source;
      yield { ...f, source: () => this.scan(inner()) };
    }
  }

  private async *scan(chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): AsyncIterable<string | Buffer> {
    const decoder = new StringDecoder('utf8');
    const line = { head: '', collecting: true };
    for await (const c of chunks) {
      this.push(line, typeof c === 'string' ? c : decoder.write(c));
      yield c;
    }
    this.push(line, decoder.end());
    if (line.collecting && line.head) this.take(line.head);
  }

  /** Collects the first HEAD characters of each line (enough for its ref), skipping the rest. */
  private push(line: { head: string; collecting: boolean }, s: string): void {
    let i = 0;
    while (i < s.length) {
      const nl = s.indexOf('\n', i);
      const end = nl < 0 ? s.length : nl;
      if (line.collecting && line.head.length < HEAD) line.head += s.slice(i, Math.min(end, i + HEAD - line.head.length));
      if (nl < 0) return;
      if (line.collecting && line.head) this.take(line.head);
      line.head = '';
      line.collecting = true;
      i = nl + 1;
    }
  }

  private take(head: string): void {
    const m = REF.exec(head);
    if (!m) return;
    const ref = m[1]!.includes('\\') ? (JSON.parse(`"${m[1]}"`) as string) : m[1]!;
    const slash = ref.indexOf('/');
    if (slash <= 0) return;
    const prefix = ref.slice(0, slash);
    let ids = this.open.get(prefix);
    if (!ids) this.open.set(prefix, (ids = []));
    ids.push(ref.slice(slash + 1));
    if (ids.length >= PACK) this.close(prefix);
  }

  private close(prefix: string): void {
    const ids = this.open.get(prefix);
    if (!ids || ids.length === 0) return;
    const seq = this.seqs.get(prefix) ?? 0;
    this.seqs.set(prefix, seq + 1);
    this.packs.push({ prefix, seq, ids: zlib.gzipSync(ids.join('\n')) });
    this.open.set(prefix, []);
  }

  /** Inside the ledger's transaction. */
  record(db: Db, bundleId: string): void {
    for (const p of [...this.open.keys()]) this.close(p);
    const ins = db.prepare(`INSERT INTO export_bundle_refs (bundle_id, prefix, seq, ids) VALUES (?, ?, ?, ?)`);
    for (const p of this.packs) ins.run(bundleId, p.prefix, p.seq, p.ids);
  }
}
