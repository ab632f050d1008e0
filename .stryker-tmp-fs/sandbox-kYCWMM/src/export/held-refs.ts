// @ts-nocheck
// L4: what a bundle held, kept in the export ledger so that finalize can refuse
// a receipt naming a record the bundle never carried. The refs are read off the
// record lines as they stream into the bag (each line starts {"ref":"...") and
// kept per ref prefix as gzip'd packs of newline-joined ids, so a bundle of a
// million contacts is never held as strings in memory.
import zlib from 'node:zlib';
import type { PayloadFile } from '../bundle/bag-writer.js';
import { MOVABLE_PREFIXES } from '../domain/finalize-rules.js';
import type { HeldRefPack } from '../store/port.js';

const PACK = 10_000;
const HEAD = 1024;
const REF = /^\{"ref":"((?:[^"\\]|\\.)*)"/;
/** The head of the line being read: text chunks add to `head`, byte chunks to `bytes`. */
interface Line {
  head: string;
  bytes: Buffer[];
  size: number;
}

// stubs too: a receipt may report a stub (a contact the bundle only names) as linked; finalize never removes one
const MOVABLE_TABLES: ReadonlySet<string> = new Set([...Object.values(MOVABLE_PREFIXES), 'stubs']);

export class HeldRefs {
  private readonly open = new Map<string, string[]>();
  private readonly held: HeldRefPack[] = [];
  private readonly seqs = new Map<string, number>();

  /** The same payload, its record lines of movable records read on the way. */
  async *watch(payload: AsyncIterable<PayloadFile>): AsyncIterable<PayloadFile> {
    for await (const f of payload) {
      const m = f.path.match(/^data\/records\/([a-z_]+)\.ndjson$/);
      if (!m || !MOVABLE_TABLES.has(m[1]!) || f.content) {
        yield f;
        continue;
      }
      const inner = f.source;
      yield { ...f, source: () => this.scan(inner()) };
    }
  }

  /** A sync source stays sync (no promise per chunk); an async one is read as it comes. */
  private scan(chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): AsyncIterable<string | Buffer> | Iterable<string | Buffer> {
    const line: Line = { head: '', bytes: [], size: 0 };
    const push = (c: string | Buffer) => (typeof c === 'string' ? this.pushText(line, c) : this.pushBytes(line, c));
    if (Symbol.iterator in chunks) {
      const sync = chunks;
      return (function* (self) {
        for (const c of sync) {
          push(c);
          yield c;
        }
        self.endLine(line);
      })(this);
    }
    return (async function* (self) {
      for await (const c of chunks) {
        push(c);
        yield c;
      }
      self.endLine(line);
    })(this);
  }

  /** Keeps the first HEAD characters of each line (enough for its ref) and skips the rest. */
  private pushText(line: Line, s: string): void {
    for (let i = 0; i < s.length;) {
      const nl = s.indexOf('\n', i);
      const end = nl < 0 ? s.length : nl;
      if (line.head.length < HEAD) line.head += s.slice(i, Math.min(end, i + HEAD - line.head.length));
      if (nl < 0) return;
      this.endLine(line);
      i = nl + 1;
    }
  }

  /** The same on bytes, decoding only a line's head (the worker hands its files over as buffers). */
  private pushBytes(line: Line, b: Buffer): void {
    for (let i = 0; i < b.length;) {
      const nl = b.indexOf(10, i);
      const end = nl < 0 ? b.length : nl;
      if (line.size < HEAD && end > i) {
        const part = b.subarray(i, Math.min(end, i + HEAD - line.size));
        line.bytes.push(Buffer.from(part));
        line.size += part.length;
      }
      if (nl < 0) return;
      this.endLine(line);
      i = nl + 1;
    }
  }

  private endLine(line: Line): void {
    const head = line.size > 0 ? line.head + Buffer.concat(line.bytes).toString('utf8') : line.head;
    if (head) this.take(head);
    line.head = '';
    line.bytes = [];
    line.size = 0;
  }

  private take(head: string): void {
    const m = head.match(REF);
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
    this.held.push({ prefix, seq, ids: zlib.gzipSync(ids.join('\n')) });
    this.open.set(prefix, []);
  }

  /** Every ref the payload held, in packs (for the export ledger). */
  packs(): HeldRefPack[] {
    for (const p of [...this.open.keys()]) this.close(p);
    return this.held;
  }
}
