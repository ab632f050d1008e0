// @ts-nocheck
// The hash of a ref string for verify's reference index (ref-index.ts). The
// worker threads that parse the record lines compute it (record-chunk.ts), so
// that the thread that keeps the index only probes its table.

/** FNV-1a over the UTF-16 code units, as a signed 32-bit integer. */
export function refHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h | 0;
}
