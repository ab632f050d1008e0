// @ts-nocheck
// One record file of verify (V1, B3, B5): the payload streams in this thread
// (inflate in zlib's thread pool, CRC-32 and sha256 as it comes), is cut into
// runs of whole lines, and each run is checked by a ChunkPool (parse, schema,
// refs: record-chunk.ts), in worker threads for large bundles. The results are
// merged here strictly in file order, so every problem lands in the same order
// and with the same line as when the lines are read one by one: sort order,
// unique refs and the reference index need the whole bundle and stay here.
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import type { Problem } from '../shared/errors.js';
import { lineTooLongMessage, type OpenedBag } from './bag-reader.js';
import type { ChunkResult } from './record-chunk.js';
import type { DocumentRef, RecordType } from './records.js';
import type { RefIndex } from './ref-index.js';
import type { ChunkPool } from './verify-pool.js';
import { ZipEntryError } from './zip-reader.js';
export type RecordLinesHook = (type: RecordType, lines: {
  ref: string;
  text: string;
}[]) => void | Promise<void>;
export interface RecordCheck {
  bag: OpenedBag;
  refs: RefIndex;
  pool: ChunkPool;
  /** adds a problem unless the list is full */
  add: (p: Problem) => void;
  onRecords?: (n: number) => void;
  onRecordLines?: RecordLinesHook;
}

/** lines per onRecordLines call */
export const RECORD_LINES_BATCH = 1000;
/** a run of lines is handed on once it holds this many bytes (inflate gives 256 KiB at a time) */
const TASK_BYTES = stryMutAct_9fa48("0") ? 128 / 1024 : (stryCov_9fa48("0"), 128 * 1024);
/** runs handed on and not merged yet: bounds memory */
const MAX_IN_FLIGHT = 8;

/** Checks every line of `file`; returns the number of lines. */
export async function checkRecordFile(ctx: RecordCheck, file: string, type: RecordType): Promise<number> {
  if (stryMutAct_9fa48("1")) {
    {}
  } else {
    stryCov_9fa48("1");
    const merger = new Merger(ctx, file, type);
    const queue: Promise<ChunkResult>[] = stryMutAct_9fa48("2") ? ["Stryker was here"] : (stryCov_9fa48("2"), []);
    const wantText = stryMutAct_9fa48("5") ? ctx.onRecordLines === undefined : stryMutAct_9fa48("4") ? false : stryMutAct_9fa48("3") ? true : (stryCov_9fa48("3", "4", "5"), ctx.onRecordLines !== undefined);
    /** the first `len` bytes of `parts` (whole lines) to the pool */
    const submit = (parts: Buffer[], len: number) => {
      if (stryMutAct_9fa48("6")) {
        {}
      } else {
        stryCov_9fa48("6");
        if (stryMutAct_9fa48("9") ? len !== 0 : stryMutAct_9fa48("8") ? false : stryMutAct_9fa48("7") ? true : (stryCov_9fa48("7", "8", "9"), len === 0)) return;
        const bytes = ctx.pool.alloc(len);
        let at = 0;
        for (const p of parts) {
          if (stryMutAct_9fa48("10")) {
            {}
          } else {
            stryCov_9fa48("10");
            if (stryMutAct_9fa48("13") ? at !== len : stryMutAct_9fa48("12") ? false : stryMutAct_9fa48("11") ? true : (stryCov_9fa48("11", "12", "13"), at === len)) break;
            const piece = (stryMutAct_9fa48("17") ? p.length > len - at : stryMutAct_9fa48("16") ? p.length < len - at : stryMutAct_9fa48("15") ? false : stryMutAct_9fa48("14") ? true : (stryCov_9fa48("14", "15", "16", "17"), p.length <= (stryMutAct_9fa48("18") ? len + at : (stryCov_9fa48("18"), len - at)))) ? p : p.subarray(0, stryMutAct_9fa48("19") ? len + at : (stryCov_9fa48("19"), len - at));
            bytes.set(piece, at);
            stryMutAct_9fa48("20") ? at -= piece.length : (stryCov_9fa48("20"), at += piece.length);
          }
        }
        const result = ctx.pool.run(stryMutAct_9fa48("21") ? {} : (stryCov_9fa48("21"), {
          type,
          bytes,
          wantText
        }));
        result.catch(() => undefined); // rejections are seen where it is awaited, in order
        queue.push(result);
      }
    };
    const drain = async (keep: number) => {
      if (stryMutAct_9fa48("22")) {
        {}
      } else {
        stryCov_9fa48("22");
        while (stryMutAct_9fa48("25") ? queue.length <= keep : stryMutAct_9fa48("24") ? queue.length >= keep : stryMutAct_9fa48("23") ? false : (stryCov_9fa48("23", "24", "25"), queue.length > keep)) await merger.merge(await queue.shift()!);
      }
    };
    let deferred: Problem | undefined;
    let parts: Buffer[] = stryMutAct_9fa48("26") ? ["Stryker was here"] : (stryCov_9fa48("26"), []);
    let partsLen = 0;
    let tail = 0; // bytes after the last '\n'
    try {
      if (stryMutAct_9fa48("27")) {
        {}
      } else {
        stryCov_9fa48("27");
        for await (const chunk of ctx.bag.stream(file, stryMutAct_9fa48("28") ? () => undefined : (stryCov_9fa48("28"), p => deferred = p))) {
          if (stryMutAct_9fa48("29")) {
            {}
          } else {
            stryCov_9fa48("29");
            const nl = chunk.lastIndexOf(10);
            if (stryMutAct_9fa48("32") ? nl >= 0 || partsLen + nl + 1 >= TASK_BYTES : stryMutAct_9fa48("31") ? false : stryMutAct_9fa48("30") ? true : (stryCov_9fa48("30", "31", "32"), (stryMutAct_9fa48("35") ? nl < 0 : stryMutAct_9fa48("34") ? nl > 0 : stryMutAct_9fa48("33") ? true : (stryCov_9fa48("33", "34", "35"), nl >= 0)) && (stryMutAct_9fa48("38") ? partsLen + nl + 1 < TASK_BYTES : stryMutAct_9fa48("37") ? partsLen + nl + 1 > TASK_BYTES : stryMutAct_9fa48("36") ? true : (stryCov_9fa48("36", "37", "38"), (stryMutAct_9fa48("39") ? partsLen + nl - 1 : (stryCov_9fa48("39"), (stryMutAct_9fa48("40") ? partsLen - nl : (stryCov_9fa48("40"), partsLen + nl)) + 1)) >= TASK_BYTES)))) {
              if (stryMutAct_9fa48("41")) {
                {}
              } else {
                stryCov_9fa48("41");
                parts.push(chunk.subarray(0, stryMutAct_9fa48("42") ? nl - 1 : (stryCov_9fa48("42"), nl + 1)));
                submit(parts, stryMutAct_9fa48("43") ? partsLen + nl - 1 : (stryCov_9fa48("43"), (stryMutAct_9fa48("44") ? partsLen - nl : (stryCov_9fa48("44"), partsLen + nl)) + 1));
                parts = stryMutAct_9fa48("45") ? [] : (stryCov_9fa48("45"), [chunk.subarray(stryMutAct_9fa48("46") ? nl - 1 : (stryCov_9fa48("46"), nl + 1))]);
                partsLen = stryMutAct_9fa48("47") ? chunk.length - nl + 1 : (stryCov_9fa48("47"), (stryMutAct_9fa48("48") ? chunk.length + nl : (stryCov_9fa48("48"), chunk.length - nl)) - 1);
              }
            } else {
              if (stryMutAct_9fa48("49")) {
                {}
              } else {
                stryCov_9fa48("49");
                parts.push(chunk);
                stryMutAct_9fa48("50") ? partsLen -= chunk.length : (stryCov_9fa48("50"), partsLen += chunk.length);
              }
            }
            tail = (stryMutAct_9fa48("54") ? nl < 0 : stryMutAct_9fa48("53") ? nl > 0 : stryMutAct_9fa48("52") ? false : stryMutAct_9fa48("51") ? true : (stryCov_9fa48("51", "52", "53", "54"), nl >= 0)) ? stryMutAct_9fa48("55") ? chunk.length - nl + 1 : (stryCov_9fa48("55"), (stryMutAct_9fa48("56") ? chunk.length + nl : (stryCov_9fa48("56"), chunk.length - nl)) - 1) : stryMutAct_9fa48("57") ? tail - chunk.length : (stryCov_9fa48("57"), tail + chunk.length);
            // L9: a line is refused once its bytes pass the bound, before any of it is decoded or parsed.
            if (stryMutAct_9fa48("61") ? tail <= ctx.bag.maxLineBytes : stryMutAct_9fa48("60") ? tail >= ctx.bag.maxLineBytes : stryMutAct_9fa48("59") ? false : stryMutAct_9fa48("58") ? true : (stryCov_9fa48("58", "59", "60", "61"), tail > ctx.bag.maxLineBytes)) {
              if (stryMutAct_9fa48("62")) {
                {}
              } else {
                stryCov_9fa48("62");
                submit(parts, stryMutAct_9fa48("63") ? partsLen + tail : (stryCov_9fa48("63"), partsLen - tail));
                await drain(0);
                ctx.bag.problems.push(stryMutAct_9fa48("64") ? {} : (stryCov_9fa48("64"), {
                  file,
                  line: stryMutAct_9fa48("65") ? merger.n - 1 : (stryCov_9fa48("65"), merger.n + 1),
                  message: lineTooLongMessage(ctx.bag.maxLineBytes)
                }));
                return merger.finish();
              }
            }
            await drain(MAX_IN_FLIGHT);
          }
        }
        submit(parts, partsLen);
        await drain(0);
      }
    } catch (e) {
      if (stryMutAct_9fa48("66")) {
        {}
      } else {
        stryCov_9fa48("66");
        // A checksum or size problem: the lines before it were read, as when reading line by line.
        if (stryMutAct_9fa48("69") ? false : stryMutAct_9fa48("68") ? true : stryMutAct_9fa48("67") ? e instanceof ZipEntryError : (stryCov_9fa48("67", "68", "69"), !(e instanceof ZipEntryError))) throw e;
        submit(parts, stryMutAct_9fa48("70") ? partsLen + tail : (stryCov_9fa48("70"), partsLen - tail));
        await drain(0);
        if (stryMutAct_9fa48("72") ? false : stryMutAct_9fa48("71") ? true : (stryCov_9fa48("71", "72"), deferred)) ctx.bag.problems.push(deferred);
      }
    }
    return merger.finish();
  }
}

/** `joined` split at '\n' into `n` strings (refs cannot hold one: their schemas say ^<prefix>/.+$; lines never do). */
function splitLines(joined: string, n: number): string[] {
  if (stryMutAct_9fa48("73")) {
    {}
  } else {
    stryCov_9fa48("73");
    const out = (stryMutAct_9fa48("76") ? n !== 0 : stryMutAct_9fa48("75") ? false : stryMutAct_9fa48("74") ? true : (stryCov_9fa48("74", "75", "76"), n === 0)) ? stryMutAct_9fa48("77") ? ["Stryker was here"] : (stryCov_9fa48("77"), []) : joined.split(stryMutAct_9fa48("78") ? "" : (stryCov_9fa48("78"), '\n'));
    if (stryMutAct_9fa48("81") ? out.length === n : stryMutAct_9fa48("80") ? false : stryMutAct_9fa48("79") ? true : (stryCov_9fa48("79", "80", "81"), out.length !== n)) throw new Error(stryMutAct_9fa48("82") ? `` : (stryCov_9fa48("82"), `verify: expected ${n} strings from a checked chunk, got ${out.length}`));
    return out;
  }
}

/** Merges chunk results in file order: line numbers, problems, sort order, refs, progress and the hook. */
class Merger {
  n = 0;
  private previous = stryMutAct_9fa48("83") ? "Stryker was here!" : (stryCov_9fa48("83"), '');
  private batch: {
    ref: string;
    text: string;
  }[] = stryMutAct_9fa48("84") ? ["Stryker was here"] : (stryCov_9fa48("84"), []);
  constructor(private readonly ctx: RecordCheck, private readonly file: string, private readonly type: RecordType) {}
  async merge(r: ChunkResult): Promise<void> {
    if (stryMutAct_9fa48("85")) {
      {}
    } else {
      stryCov_9fa48("85");
      const {
        file,
        ctx
      } = this;
      const base = this.n;
      const defs = splitLines(r.defs, r.lines.length);
      const texts = (stryMutAct_9fa48("88") ? r.texts !== undefined : stryMutAct_9fa48("87") ? false : stryMutAct_9fa48("86") ? true : (stryCov_9fa48("86", "87", "88"), r.texts === undefined)) ? undefined : splitLines(r.texts, r.lines.length);
      if (stryMutAct_9fa48("91") ? r.useEnds.length === r.uses.length / 2 : stryMutAct_9fa48("90") ? false : stryMutAct_9fa48("89") ? true : (stryCov_9fa48("89", "90", "91"), r.useEnds.length !== (stryMutAct_9fa48("92") ? r.uses.length * 2 : (stryCov_9fa48("92"), r.uses.length / 2)))) throw new Error(stryMutAct_9fa48("93") ? `` : (stryCov_9fa48("93"), `verify: expected ${stryMutAct_9fa48("94") ? r.uses.length * 2 : (stryCov_9fa48("94"), r.uses.length / 2)} uses from a checked chunk, got ${r.useEnds.length}`));
      let b = 0;
      let u = 0;
      let d = 0;
      for (let i = 0; stryMutAct_9fa48("97") ? i >= r.lines.length : stryMutAct_9fa48("96") ? i <= r.lines.length : stryMutAct_9fa48("95") ? false : (stryCov_9fa48("95", "96", "97"), i < r.lines.length); stryMutAct_9fa48("98") ? i-- : (stryCov_9fa48("98"), i++)) {
        if (stryMutAct_9fa48("99")) {
          {}
        } else {
          stryCov_9fa48("99");
          const local = r.lines[i]!;
          while (stryMutAct_9fa48("101") ? b < r.bad.length || r.bad[b]!.line < local : stryMutAct_9fa48("100") ? false : (stryCov_9fa48("100", "101"), (stryMutAct_9fa48("104") ? b >= r.bad.length : stryMutAct_9fa48("103") ? b <= r.bad.length : stryMutAct_9fa48("102") ? true : (stryCov_9fa48("102", "103", "104"), b < r.bad.length)) && (stryMutAct_9fa48("107") ? r.bad[b]!.line >= local : stryMutAct_9fa48("106") ? r.bad[b]!.line <= local : stryMutAct_9fa48("105") ? true : (stryCov_9fa48("105", "106", "107"), r.bad[b]!.line < local)))) this.addBad(base, r.bad[stryMutAct_9fa48("108") ? b-- : (stryCov_9fa48("108"), b++)]!);
          const line = stryMutAct_9fa48("109") ? base - local : (stryCov_9fa48("109"), base + local);
          const ref = defs[i]!;
          if (stryMutAct_9fa48("113") ? ref > this.previous : stryMutAct_9fa48("112") ? ref < this.previous : stryMutAct_9fa48("111") ? false : stryMutAct_9fa48("110") ? true : (stryCov_9fa48("110", "111", "112", "113"), ref <= this.previous)) ctx.add(stryMutAct_9fa48("114") ? {} : (stryCov_9fa48("114"), {
            file,
            line,
            pointer: stryMutAct_9fa48("115") ? "" : (stryCov_9fa48("115"), '/ref'),
            message: stryMutAct_9fa48("116") ? `` : (stryCov_9fa48("116"), `records are not sorted by ref: ${ref} comes after ${this.previous}`)
          }));
          this.previous = ref;
          ctx.refs.define(ref, file, line, ctx.add, r.defHashes[i]);
          for (; stryMutAct_9fa48("118") ? u < r.uses.length || r.uses[u] === i : stryMutAct_9fa48("117") ? false : (stryCov_9fa48("117", "118"), (stryMutAct_9fa48("121") ? u >= r.uses.length : stryMutAct_9fa48("120") ? u <= r.uses.length : stryMutAct_9fa48("119") ? true : (stryCov_9fa48("119", "120", "121"), u < r.uses.length)) && (stryMutAct_9fa48("123") ? r.uses[u] !== i : stryMutAct_9fa48("122") ? true : (stryCov_9fa48("122", "123"), r.uses[u] === i))); stryMutAct_9fa48("124") ? u -= 2 : (stryCov_9fa48("124"), u += 2)) {
            if (stryMutAct_9fa48("125")) {
              {}
            } else {
              stryCov_9fa48("125");
              const k = u >> 1;
              const from = (stryMutAct_9fa48("128") ? k !== 0 : stryMutAct_9fa48("127") ? false : stryMutAct_9fa48("126") ? true : (stryCov_9fa48("126", "127", "128"), k === 0)) ? 0 : stryMutAct_9fa48("129") ? r.useEnds[k - 1]! - 1 : (stryCov_9fa48("129"), r.useEnds[stryMutAct_9fa48("130") ? k + 1 : (stryCov_9fa48("130"), k - 1)]! + 1);
              ctx.refs.useIn(r.usedRefs, from, stryMutAct_9fa48("131") ? r.useEnds[k]! + from : (stryCov_9fa48("131"), r.useEnds[k]! - from), r.useHashes[k]!, file, line, r.pointers[r.uses[stryMutAct_9fa48("132") ? u - 1 : (stryCov_9fa48("132"), u + 1)]!]!);
            }
          }
          for (; stryMutAct_9fa48("134") ? d < r.docs.length || r.docs[d] === i : stryMutAct_9fa48("133") ? false : (stryCov_9fa48("133", "134"), (stryMutAct_9fa48("137") ? d >= r.docs.length : stryMutAct_9fa48("136") ? d <= r.docs.length : stryMutAct_9fa48("135") ? true : (stryCov_9fa48("135", "136", "137"), d < r.docs.length)) && (stryMutAct_9fa48("139") ? r.docs[d] !== i : stryMutAct_9fa48("138") ? true : (stryCov_9fa48("138", "139"), r.docs[d] === i))); stryMutAct_9fa48("140") ? d -= 3 : (stryCov_9fa48("140"), d += 3)) ctx.refs.useDocument({
            path: r.docs[d + 1],
            sha256: r.docs[d + 2]
          } as DocumentRef, file, line, ctx.add);
          if (stryMutAct_9fa48("142") ? false : stryMutAct_9fa48("141") ? true : (stryCov_9fa48("141", "142"), texts)) {
            if (stryMutAct_9fa48("143")) {
              {}
            } else {
              stryCov_9fa48("143");
              this.batch.push(stryMutAct_9fa48("144") ? {} : (stryCov_9fa48("144"), {
                ref,
                text: texts[i]!
              }));
              if (stryMutAct_9fa48("148") ? this.batch.length < RECORD_LINES_BATCH : stryMutAct_9fa48("147") ? this.batch.length > RECORD_LINES_BATCH : stryMutAct_9fa48("146") ? false : stryMutAct_9fa48("145") ? true : (stryCov_9fa48("145", "146", "147", "148"), this.batch.length >= RECORD_LINES_BATCH)) await this.flush();
            }
          }
        }
      }
      while (stryMutAct_9fa48("151") ? b >= r.bad.length : stryMutAct_9fa48("150") ? b <= r.bad.length : stryMutAct_9fa48("149") ? false : (stryCov_9fa48("149", "150", "151"), b < r.bad.length)) this.addBad(base, r.bad[stryMutAct_9fa48("152") ? b-- : (stryCov_9fa48("152"), b++)]!);
      if (stryMutAct_9fa48("154") ? false : stryMutAct_9fa48("153") ? true : (stryCov_9fa48("153", "154"), ctx.onRecords)) for (let k = stryMutAct_9fa48("155") ? Math.floor((base + r.n) / 1000) + Math.floor(base / 1000) : (stryCov_9fa48("155"), Math.floor(stryMutAct_9fa48("156") ? (base + r.n) * 1000 : (stryCov_9fa48("156"), (stryMutAct_9fa48("157") ? base - r.n : (stryCov_9fa48("157"), base + r.n)) / 1000)) - Math.floor(stryMutAct_9fa48("158") ? base * 1000 : (stryCov_9fa48("158"), base / 1000))); stryMutAct_9fa48("161") ? k <= 0 : stryMutAct_9fa48("160") ? k >= 0 : stryMutAct_9fa48("159") ? false : (stryCov_9fa48("159", "160", "161"), k > 0); stryMutAct_9fa48("162") ? k++ : (stryCov_9fa48("162"), k--)) ctx.onRecords(1000);
      this.n = stryMutAct_9fa48("163") ? base - r.n : (stryCov_9fa48("163"), base + r.n);
    }
  }
  private addBad(base: number, bad: ChunkResult['bad'][number]): void {
    if (stryMutAct_9fa48("164")) {
      {}
    } else {
      stryCov_9fa48("164");
      for (const p of bad.problems) this.ctx.add(stryMutAct_9fa48("165") ? {} : (stryCov_9fa48("165"), {
        file: this.file,
        line: stryMutAct_9fa48("166") ? base - bad.line : (stryCov_9fa48("166"), base + bad.line),
        ...p
      }));
    }
  }
  private async flush(): Promise<void> {
    if (stryMutAct_9fa48("167")) {
      {}
    } else {
      stryCov_9fa48("167");
      const lines = this.batch;
      this.batch = stryMutAct_9fa48("168") ? ["Stryker was here"] : (stryCov_9fa48("168"), []);
      if (stryMutAct_9fa48("172") ? lines.length <= 0 : stryMutAct_9fa48("171") ? lines.length >= 0 : stryMutAct_9fa48("170") ? false : stryMutAct_9fa48("169") ? true : (stryCov_9fa48("169", "170", "171", "172"), lines.length > 0)) await this.ctx.onRecordLines!(this.type, lines);
    }
  }

  /** Delivers the last batch and the progress not reported yet; returns the lines read. */
  async finish(): Promise<number> {
    if (stryMutAct_9fa48("173")) {
      {}
    } else {
      stryCov_9fa48("173");
      await this.flush();
      stryMutAct_9fa48("174") ? this.ctx.onRecords(this.n % 1000) : (stryCov_9fa48("174"), this.ctx.onRecords?.(stryMutAct_9fa48("175") ? this.n * 1000 : (stryCov_9fa48("175"), this.n % 1000)));
      return this.n;
    }
  }
}