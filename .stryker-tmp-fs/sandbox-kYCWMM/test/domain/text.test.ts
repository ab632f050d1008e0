// @ts-nocheck
// L9 unit rules: what counts as text officeport takes in (src/domain/text.ts),
// pinned byte by byte and message by message; test/bad-bytes.test.ts runs the
// same rules through the binary on bundles and CSV files.
import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  MAX_JSON_DEPTH,
  badBytes,
  badLines,
  badText,
  firstInvalidUtf8,
  hasSuspectEscape,
  jsonTooDeep,
  nulMessage,
  parseStrictJson,
  tooDeepMessage,
} from '../../src/domain/text.js';

const b = (...bytes: number[]) => Uint8Array.from(bytes);

describe('L9: strict UTF-8', () => {
  it('L9: each byte class at its edges: the first bad byte is found, and a sequence is good exactly when Node says it is', () => {
    const cases: [number[], number][] = [
      [[0x41, 0x7f], -1],
      [[0x41, 0x80], 1], // a lone continuation byte
      [[0x80, 0x80, 0x80, 0x80], 0], // continuation bytes are no lead, however many follow
      [[0xc1, 0x81, 0x81], 0],
      [[0xc1, 0xbf], 0], // overlong two-byte lead
      [[0xc2, 0x80], -1],
      [[0xdf, 0xbf], -1],
      [[0xc2, 0x7f], 0], // continuation below 0x80
      [[0xc2, 0xc0], 0], // continuation above 0xbf
      [[0xe0, 0x9f, 0x80], 0], // overlong three-byte
      [[0xe0, 0xa0, 0x80], -1],
      [[0xe1, 0x80, 0x80], -1],
      [[0xe1, 0x80, 0x7f], 0], // third byte below 0x80
      [[0xe1, 0x80, 0xc0], 0], // third byte above 0xbf
      [[0xed, 0x9f, 0xbf], -1],
      [[0xed, 0xa0, 0x80], 0], // a surrogate
      [[0xee, 0x80, 0x80], -1],
      [[0xef, 0xbf, 0xbf], -1],
      [[0xf0, 0x8f, 0xbf, 0xbf], 0], // overlong four-byte
      [[0xf0, 0x90, 0x80, 0x80], -1],
      [[0xf1, 0x80, 0x80, 0x80], -1],
      [[0xf3, 0xbf, 0xbf, 0xbf], -1],
      [[0xf1, 0x80, 0x80, 0xc0], 0], // fourth byte above 0xbf
      [[0xf4, 0x8f, 0xbf, 0xbf], -1],
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
      [[0xf5, 0x80, 0x80, 0x80], 0],
      [[0xff], 0],
      [[0x41, 0xe2, 0x82], 1], // cut short at the end
      [[0x41, 0xf0, 0x90, 0x80], 1],
      [[0x41, 0xc3], 1],
      [[0xe2, 0x82, 0xac, 0x41, 0xc3, 0x28], 4], // after a good three-byte character
      [[0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9, 0x80], 6], // after a good four- and two-byte character
    ];
    for (const [bytes, at] of cases) {
      const label = bytes.map((x) => x.toString(16)).join(' ');
      expect(firstInvalidUtf8(b(...bytes)), label).toBe(at);
      expect(isUtf8(b(...bytes)), label).toBe(at === -1);
    }
  });

  it('L9: invalid UTF-8 is described by the bad byte in upper-case hex and its place in the line, counted from 1', () => {
    expect(badBytes(b(0x41, 0x42, 0x43, 0xc3, 0x28))).toBe(
      'not valid UTF-8: byte 0xC3 at byte 4 of the line does not begin a valid UTF-8 character; text must be UTF-8 and is refused rather than repaired',
    );
    expect(badBytes(b(0x80))).toMatch(/^not valid UTF-8: byte 0x80 at byte 1 of the line /);
    expect(badBytes(b(0x41, 0x05, 0xfe))).toMatch(/^not valid UTF-8: byte 0xFE at byte 3 /);
  });

  it('L9: a NUL is named with its place in the line; good text has no problem, an empty line neither', () => {
    expect(badBytes(b(0x41, 0x00))).toBe('holds a NUL character (U+0000) at byte 2 of the line; text may not hold NUL');
    expect(badBytes(b(0x00))).toBe(nulMessage('at byte 1 of the line'));
    expect(badBytes(Buffer.from('Zoë 😀'))).toBeUndefined();
    expect(badBytes(b())).toBeUndefined();
  });

  it('L9: every bad line is listed with its number from 1, the last line too with no newline after it', () => {
    const text = Buffer.concat([Buffer.from('ok\n'), b(0x00), Buffer.from('\nfine\n\nx'), b(0xc3), Buffer.from('\n')]);
    expect(badLines(text)).toEqual([
      { line: 2, message: nulMessage('at byte 1 of the line') },
      { line: 5, message: badBytes(b(0x78, 0xc3))! },
    ]);
    expect(badLines(Buffer.from('a\nb'))).toEqual([]);
    expect(badLines(Buffer.concat([Buffer.from('a\n'), b(0xff)]))).toEqual([{ line: 2, message: badBytes(b(0xff))! }]);
    expect(badLines(b(0x00))).toEqual([{ line: 1, message: nulMessage('at byte 1 of the line') }]);
  });
});

describe('L9: JSON nested too deep', () => {
  const nest = (n: number, open = '[', close = ']') => open.repeat(n) + close.repeat(n);

  it(`L9: ${MAX_JSON_DEPTH} levels of [ and { are accepted, one more is too deep, whichever bracket makes it`, () => {
    expect(MAX_JSON_DEPTH).toBe(32);
    expect(jsonTooDeep(nest(32))).toBe(false);
    expect(jsonTooDeep(nest(33))).toBe(true);
    const objects = (n: number) => '{"a":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1);
    expect(jsonTooDeep(objects(32))).toBe(false);
    expect(jsonTooDeep(objects(33))).toBe(true);
    expect(jsonTooDeep('[{"a":' + nest(31) + '}]')).toBe(true);
    expect(jsonTooDeep('[{"a":' + nest(30) + '}]')).toBe(false);
    expect(jsonTooDeep('[' + nest(31) + ',[]]')).toBe(false); // 34 brackets, 32 deep
    expect(jsonTooDeep('[' + nest(32) + ',[]]')).toBe(true);
    expect(jsonTooDeep(nest(3), 3)).toBe(false);
    expect(jsonTooDeep(nest(4), 3)).toBe(true);
  });

  it('L9: many brackets side by side are not nesting; closing brackets bring the depth back down', () => {
    expect(jsonTooDeep('[' + '[],'.repeat(100) + '{}]')).toBe(false);
    expect(jsonTooDeep('[' + '{},'.repeat(100) + '[]]')).toBe(false);
    expect(jsonTooDeep(nest(20) + ',' + nest(20), 32)).toBe(false);
    expect(jsonTooDeep('[' + nest(20, '{"a":', '}').replace(/\{"a":\}/, '{}') + ',' + nest(20, '{"a":', '}') + ']')).toBe(false);
  });

  it('L9: brackets inside strings, escaped quotes included, do not count as nesting', () => {
    expect(jsonTooDeep(`["${'['.repeat(100)}"]`)).toBe(false);
    expect(jsonTooDeep(`["\\"${'{'.repeat(100)}"]`)).toBe(false);
    expect(jsonTooDeep(`["a\\\\", ${nest(33)}]`)).toBe(true); // the string ends after an escaped backslash
    expect(jsonTooDeep(`["\\"", "${'['.repeat(40)}"]`)).toBe(false);
  });

  it('L9: the message says how deep is too deep', () => {
    expect(tooDeepMessage()).toBe('nested deeper than 32 levels of [ and {; no record is nested that deep');
    expect(tooDeepMessage(5)).toBe('nested deeper than 5 levels of [ and {; no record is nested that deep');
  });
});

describe('L9: NUL and lone surrogates written as escapes', () => {
  it('L9: only \\u0000 and escapes of half a surrogate pair are suspect, in either case', () => {
    for (const s of ['"\\u0000"', '"\\ud800"', '"\\uDBFF"', '"\\uDc00"', '"x\\udfffy"', '"\\uD8aF"']) expect(hasSuspectEscape(s), s).toBe(true);
    for (const s of ['"\\u0001"', '"\\u000"', '"\\ud7ff"', '"\\ue000"', '"\\u0d80"', '"u0000"', '"\\ud80"', '"\\udg00"', '"\\uD8G0"']) {
      expect(hasSuspectEscape(s), s).toBe(false);
    }
  });

  it('L9: the first bad string, value or key, is named by its JSON pointer (~ and / escaped), in document order', () => {
    const surrogate =
      'holds half of a surrogate pair (an escape \\uD800-\\uDFFF without its other half), which is no character and no UTF-8 can hold; refused rather than repaired';
    const nul = 'holds a NUL character (U+0000) (written \\u0000); text may not hold NUL';
    expect(badText({ a: 'ok', b: ['x', { c: 'y\0' }] })).toEqual({ pointer: '/b/1/c', message: nul });
    expect(badText({ a: ['\ud800', 'x\0'], b: '\0' })).toEqual({ pointer: '/a/0', message: surrogate });
    expect(badText({ 'a/b~c': { 'k\0': 1 } })).toEqual({ pointer: '/a~1b~0c/k\0', message: nul });
    expect(badText({ 'x/y': 'ok', 'a~/b~/': '\udc00' })).toEqual({ pointer: '/a~0~1b~0~1', message: surrogate });
    expect(badText('\0')).toEqual({ pointer: '', message: nul });
    expect(badText([1, null, true, 'ok', ['x\ud83d\ude00', { z: 'fine' }]])).toBeUndefined();
    expect(badText(['a', 'b', 'c\ud800'])).toEqual({ pointer: '/2', message: surrogate });
    expect(badText({ a: 1, b: 2, c: 'x\udfff' })).toEqual({ pointer: '/c', message: surrogate });
  });

  it('L9: a surrogate is bad alone, a high one before a low one is a character, two highs or two lows are not', () => {
    expect(badText('\ud83d\ude00')).toBeUndefined();
    expect(badText('a\ud83db')).toBeDefined();
    expect(badText('a\ude00b')).toBeDefined();
    expect(badText('\ud83d\ud83d')).toBeDefined();
    expect(badText('\ude00\ude00')).toBeDefined();
    expect(badText('\ude00\ud83d')).toBeDefined();
    expect(badText('\udbff\udfff')).toBeUndefined();
    expect(badText('\ud800\udc00')).toBeUndefined();
    expect(badText('\ud7ff\ue000')).toBeUndefined();
  });

  it('L9: strict JSON parsing refuses what is too deep, unreadable, or holds NUL or a lone surrogate, and gives back the rest', () => {
    expect(parseStrictJson('{"a":[1,"x"]}')).toEqual({ value: { a: [1, 'x'] } });
    expect(parseStrictJson('"\\ud83d\\ude00"')).toEqual({ value: '\u{1F600}' });
    expect(parseStrictJson('['.repeat(33) + ']'.repeat(33))).toEqual({ problem: { message: tooDeepMessage() } });
    expect(parseStrictJson('['.repeat(32) + ']'.repeat(32))).toHaveProperty('value');
    const bad = parseStrictJson('{"a":');
    expect('problem' in bad && bad.problem.message).toMatch(/^not readable JSON: \S/);
    expect(parseStrictJson('{"a":{"b":"x\\u0000"}}')).toEqual({ problem: { pointer: '/a/b', message: nulMessage('(written \\u0000)') } });
    expect(parseStrictJson('{"a":"\\udc00"}')).toMatchObject({ problem: { pointer: '/a' } });
  });
});

describe('L9: lines counted from the first', () => {
  it('L9: an empty first line counts as line 1, so a bad byte after it is on line 2', () => {
    expect(badLines(Buffer.concat([Buffer.from('\n'), b(0x00), Buffer.from('\n')]))).toEqual([{ line: 2, message: nulMessage('at byte 1 of the line') }]);
    expect(badLines(Buffer.concat([Buffer.from('\n\n'), b(0xff)]))).toEqual([{ line: 3, message: badBytes(b(0xff))! }]);
  });
});
