// @ts-nocheck
// The refs a bundle defines and uses (B5), for verify. Small and medium
// bundles keep them in memory: a Map of defined refs, and only the uses that
// were not yet defined when they were read (most uses point back at records
// already seen). Past `memoryLimit` entries everything spills to a scratch
// index the caller gives (verify: the store's on-disk scratch index, see
// store/port.ts ScratchRefIndex), so memory stays flat however large the
// bundle (P1). Both modes report the same problems.
import type { Problem } from '../shared/errors.js';
import { refHash } from './ref-hash.js';
import type { DocumentRef } from './records.js';

/**
 * About 100 bytes each in memory, plus garbage the collector has not caught up
 * with: a million made verify peak at 324 MB on a 1,000,000-contact bundle
 * (P1 wants under 300); half a million keeps 100,000-contact bundles in memory.
 * verify starts large bundles on disk (see verifyResources in audit/verify.ts).
 */
export const DEFAULT_REFS_IN_MEMORY = 500_000;
const MAX_PROBLEMS = 1000;

type Add = (p: Problem) => void;
interface Found {
  ref: string;
  loc: number;
  pointer: string;
}

/**
 * Where the refs go past the memory limit: a scratch index kept outside memory
 * (the store's, store/port.ts ScratchRefIndex, given by verify). `loc` is the
 * place as this index packs it; answers come in loc order, at most `limit`.
 */
export interface RefSpill {
  def(ref: string, loc: number): void;
  use(ref: string, loc: number, pointer: string): void;
  doc(path: string, loc: number): void;
  duplicates(limit: number): { ref: string; loc: number; first: number }[];
  dangling(limit: number): Found[];
  missingDocuments(present: readonly string[], limit: number): Found[];
  close(): void;
}

/**
 * The defined refs in memory: open addressing on refHash (ref-hash.ts), which
 * the worker threads compute, so that this thread only probes. A Map of the
 * same refs cost about twice the time (hashing the strings here, and chasing
 * its entries), ~360 ms of the main thread at 100,000 contacts.
 */
class DefTable {
  size = 0;
  private mask: number;
  private keys: (string | undefined)[];
  private hashes: Int32Array;
  private locs: Float64Array;

  /** room for `expected` refs before it grows */
  constructor(expected: number) {
    let slots = 1024;
    while (slots < 2 * expected) slots *= 2;
    this.mask = slots - 1;
    this.keys = new Array<string | undefined>(slots);
    this.hashes = new Int32Array(slots);
    this.locs = new Float64Array(slots);
  }

  /** the loc of `ref`, or -1 */
  get(ref: string, hash: number): number {
    const { keys, hashes, mask } = this;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) return -1;
      if (hashes[i] === hash && k === ref) return this.locs[i]!;
    }
  }

  /** whether the ref at s[from, from + len) is defined, without cutting it out */
  hasIn(s: string, from: number, len: number, hash: number): boolean {
    const { keys, hashes, mask } = this;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) return false;
      if (hashes[i] === hash && k.length === len && s.startsWith(k, from)) return true;
    }
  }

  /** adds `ref` (not in the table yet) */
  add(ref: string, hash: number, loc: number): void {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const { keys, mask } = this;
    let i = hash & mask;
    while (keys[i] !== undefined) i = (i + 1) & mask;
    keys[i] = ref;
    this.hashes[i] = hash;
    this.locs[i] = loc;
    this.size++;
  }

  *entries(): Generator<[string, number]> {
    for (let i = 0; i <= this.mask; i++) if (this.keys[i] !== undefined) yield [this.keys[i]!, this.locs[i]!];
  }

  private grow(): void {
    const { keys, hashes, locs } = this;
    this.mask = this.mask * 2 + 1;
    this.keys = new Array<string | undefined>(this.mask + 1);
    this.hashes = new Int32Array(this.mask + 1);
    this.locs = new Float64Array(this.mask + 1);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== undefined) this.add(keys[i]!, hashes[i]!, locs[i]!);
  }
}

export class RefIndex {
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private defs: DefTable | undefined;
  private uses: Found[] = [];
  private docs: Found[] = [];
  private disk: RefSpill | undefined;

  /**
   * `spillTo`: opens the scratch index the refs move to past `memoryLimit`;
   * `expected`: the refs the bundle says it defines (its header's counts), to size the table once (growing it cost ~95 ms at 100,000 contacts)
   */
  constructor(
    private readonly spillTo: () => RefSpill,
    private readonly memoryLimit = DEFAULT_REFS_IN_MEMORY,
    expected = 0,
  ) {
    this.defs = new DefTable(Math.min(expected, memoryLimit));
  }

  /** true once the refs have moved to the scratch index */
  get spilled(): boolean {
    return this.disk !== undefined;
  }

  /** `hash`: refHash(ref), when the caller has it */
  define(ref: string, file: string, line: number, add: Add, hash = refHash(ref)): void {
    const loc = this.loc(file, line);
    if (this.disk) return this.disk.def(ref, loc);
    const first = this.defs!.get(ref, hash);
    if (first >= 0) {
      add({ file, line, pointer: '/ref', message: notUnique(ref, this.where(first)) });
      return;
    }
    this.defs!.add(ref, hash, loc);
    this.checkBudget();
  }

  use(ref: string, file: string, line: number, pointer: string): void {
    this.useIn(ref, 0, ref.length, refHash(ref), file, line, pointer);
  }

  /** use() of the ref at s[from, from + len), whose refHash is `hash`: most uses are defined already, and are not cut out of `s` */
  useIn(s: string, from: number, len: number, hash: number, file: string, line: number, pointer: string): void {
    if (this.disk) return this.disk.use(s.slice(from, from + len), this.loc(file, line), pointer);
    if (this.defs!.hasIn(s, from, len, hash)) return;
    this.uses.push({ ref: s.slice(from, from + len), loc: this.loc(file, line), pointer });
    this.checkBudget();
  }

  useDocument(doc: DocumentRef, file: string, line: number, add: Add): void {
    if (doc.path !== `data/documents/${doc.sha256}`) {
      add({ file, line, pointer: '/document/path', message: `expected data/documents/${doc.sha256} (the document's sha256), got ${JSON.stringify(doc.path)}` });
    }
    const loc = this.loc(file, line);
    if (this.disk) return this.disk.doc(doc.path, loc);
    this.docs.push({ ref: doc.path, loc, pointer: '' });
    this.checkBudget();
  }

  /** B5: refs defined twice (only those found after a spill; earlier ones were reported by define) and uses that resolve to nothing. */
  dangling(problems: Problem[]): void {
    const push = (p: Problem) => problems.length < MAX_PROBLEMS && problems.push(p);
    let bad: Found[];
    if (this.disk) {
      for (const d of this.disk.duplicates(MAX_PROBLEMS)) push({ ...this.at(d.loc), pointer: '/ref', message: notUnique(d.ref, this.where(d.first)) });
      bad = this.disk.dangling(MAX_PROBLEMS);
    } else {
      bad = this.uses
        .filter((u) => this.defs!.get(u.ref, refHash(u.ref)) < 0)
        .sort(byPlace)
        .slice(0, MAX_PROBLEMS);
    }
    for (const u of bad) push({ ...this.at(u.loc), pointer: u.pointer, message: `refers to ${u.ref}, which is neither a record nor a stub of this bundle` });
  }

  /** Letters naming a document that is not among `present`. */
  missingDocuments(present: string[]): { path: string; file: string; line: number }[] {
    let missing: Found[];
    if (this.disk) missing = this.disk.missingDocuments(present, MAX_PROBLEMS);
    else {
      const have = new Set(present);
      missing = this.docs
        .filter((d) => !have.has(d.ref))
        .sort(byPlace)
        .slice(0, MAX_PROBLEMS);
    }
    return missing.map((d) => ({ path: d.ref, ...this.at(d.loc) }));
  }

  close(): void {
    this.disk?.close();
  }

  private lastFile = '';
  private lastBase = 0;

  private loc(file: string, line: number): number {
    if (file === this.lastFile) return this.lastBase + line;
    let i = this.fileIndex.get(file);
    if (i === undefined) {
      i = this.files.length;
      this.files.push(file);
      this.fileIndex.set(file, i);
    }
    this.lastFile = file;
    this.lastBase = i * 2 ** 32;
    return this.lastBase + line;
  }

  private at(loc: number): { file: string; line: number } {
    return { file: this.files[Math.floor(loc / 2 ** 32)]!, line: loc % 2 ** 32 };
  }

  private where(loc: number): string {
    const { file, line } = this.at(loc);
    return `${file}:${line}`;
  }

  private checkBudget(): void {
    if (this.defs!.size + this.uses.length + this.docs.length <= this.memoryLimit) return;
    const disk = this.spillTo();
    for (const [ref, loc] of this.defs!.entries()) disk.def(ref, loc);
    for (const u of this.uses) disk.use(u.ref, u.loc, u.pointer);
    for (const d of this.docs) disk.doc(d.ref, d.loc);
    this.disk = disk;
    this.defs = undefined;
    this.uses = [];
    this.docs = [];
  }
}

function notUnique(ref: string, first: string): string {
  return `ref ${ref} is not unique; ${first} has it too`;
}

/** File order is the order files were first seen (verify reads them sorted), then line, then pointer. */
function byPlace(a: Found, b: Found): number {
  return a.loc - b.loc || (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0);
}
