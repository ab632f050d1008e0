// @ts-nocheck
// The zip writer's CRC-32 runs natively once useNativeCrc32 has switched the
// crc-32 package over (src/bundle/native-crc.ts). The numbers must be the ones
// crc-32 computes in JavaScript, for any data and running checksum, or the
// zip entries' CRCs (B1) and so the bundle bytes (B6) would change.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useNativeCrc32 } from '../../src/bundle/native-crc.js';

/** crc-32's own algorithm (CRC-32/ISO-HDLC, reflected 0xEDB88320), bit by bit, signed like crc-32. */
function reference(data: Uint8Array, seed = 0): number {
  let c = ~seed;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c | 0;
}

describe('native CRC-32 for the zip writer', () => {
  it('B1: after the switch crc-32 gives the same checksums as before, for any bytes and running checksum', () => {
    const crc = createRequire(import.meta.url)('crc-32') as { buf: (d: Uint8Array | number[], s?: number) => number };
    const before = crc.buf;
    expect(useNativeCrc32()).toBe(true);
    expect(crc.buf).not.toBe(before);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (bytes, seed) => {
        const b = Buffer.from(bytes);
        expect(crc.buf(b, seed)).toBe(before(b, seed));
        expect(crc.buf(b, seed)).toBe(reference(b, seed | 0));
        expect(crc.buf(b)).toBe(before(b));
      }),
      { numRuns: 300 },
    );
    // Plain arrays of numbers (which zlib does not take) still go to the JavaScript code.
    expect(crc.buf([1, 2, 3])).toBe(before([1, 2, 3]));
    // A running checksum over pieces is the checksum of the whole, as the zip writer uses it.
    const whole = Buffer.from('officeport bundle record lines\n'.repeat(1000));
    let running = 0;
    for (let i = 0; i < whole.length; i += 777) running = crc.buf(whole.subarray(i, i + 777), running) >>> 0;
    expect(running).toBe(before(whole) >>> 0);
  });
});
