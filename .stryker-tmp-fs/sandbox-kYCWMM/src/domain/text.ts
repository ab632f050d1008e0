// @ts-nocheck
// Bad bytes are refused, never repaired (L9): what counts as text officeport
// takes in (bundle files, CSV files), and the words a problem uses for it.
// Strict UTF-8 (no U+FFFD in place of bad bytes), no NUL, JSON nested no deeper
// than any record is. Pure functions over bytes and strings; the readers say
// where (file, line).
import { isUtf8 } from 'node:buffer';

/** deepest nesting of [ and { a JSON line or file may have (records nest 3 levels: record, parties, party) */
export const MAX_JSON_DEPTH = 32;

/** Why `bytes` (one line, or one file) is not text officeport takes, or undefined when it is. */
export function badBytes(bytes: Uint8Array): string | undefined {
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    return `not valid UTF-8: byte 0x${bytes[at]!.toString(16).padStart(2, '0').toUpperCase()} at byte ${at + 1} of the line does not begin a valid UTF-8 character; text must be UTF-8 and is refused rather than repaired`;
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return nulMessage(`at byte ${nul + 1} of the line`);
  return undefined;
}

export function nulMessage(where: string): string {
  return `holds a NUL character (U+0000) ${where}; text may not hold NUL`;
}

/**
 * `bytes` cut into lines at '\n' (from 1), with the first problem of each bad
 * line; empty when every line is good. For the slow path, once isUtf8 or a NUL
 * search said the whole is bad.
 */
export function badLines(bytes: Uint8Array): { line: number; message: string }[] {
  const out: { line: number; message: string }[] = [];
  let line = 1;
  for (let from = 0; from <= bytes.length; line++) {
    let nl = bytes.indexOf(10, from);
    if (nl < 0) nl = bytes.length;
    const why = badBytes(bytes.subarray(from, nl));
    if (why) out.push({ line, message: why });
    from = nl + 1;
  }
  return out;
}

/** Index of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined) return i;
      if (k === 1 ? x < lo || x > hi : x < 0x80 || x > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}

/**
 * True when `text` (JSON) nests [ and { deeper than `max`, counted outside
 * strings. Cheap first: a line with at most `max` brackets in all cannot.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let brackets = 0;
  for (let i = text.indexOf('['); i >= 0 && brackets <= max; i = text.indexOf('[', i + 1)) brackets++;
  for (let i = text.indexOf('{'); i >= 0 && brackets <= max; i = text.indexOf('{', i + 1)) brackets++;
  if (brackets <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function tooDeepMessage(max = MAX_JSON_DEPTH): string {
  return `nested deeper than ${max} levels of [ and {; no record is nested that deep`;
}

/**
 * An escape that can decode to what text may not hold: \u0000, or a half of a
 * surrogate pair (\uD800-\uDFFF, legal only as a pair). A cheap test of the
 * text before the parsed value is walked.
 */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;
export function hasSuspectEscape(text: string): boolean {
  return SUSPECT_ESCAPE.test(text);
}

/** A surrogate that is not half of a pair: no Unicode character, and no UTF-8 can store it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function whyNotText(s: string): string | undefined {
  if (s.includes('\0')) return nulMessage('(written \\u0000)');
  if (LONE_SURROGATE.test(s))
    return 'holds half of a surrogate pair (an escape \\uD800-\\uDFFF without its other half), which is no character and no UTF-8 can hold; refused rather than repaired';
  return undefined;
}

/**
 * The first string (value or key) in `value` that is not text officeport takes
 * (NUL, a lone surrogate), with its JSON pointer, or undefined. Walks without
 * recursion; call it on parsed JSON whose text hasSuspectEscape (raw NUL and
 * invalid UTF-8 bytes are refused before parsing).
 */
export function badText(value: unknown): { pointer: string; message: string } | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      const why = whyNotText(v);
      if (why) return { pointer: at, message: why };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}/${i}`]);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const p = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const why = whyNotText(k);
        if (why) return { pointer: p, message: why };
        stack.push([(v as Record<string, unknown>)[k], p]);
      }
    }
  }
  return undefined;
}

/**
 * JSON text as a value, refusing what L9 refuses: nesting deeper than `max`
 * (checked before parsing) and NUL or a lone surrogate in any string (escapes). The
 * problem carries a pointer when it is about one field.
 */
export function parseStrictJson(text: string): { value: unknown } | { problem: { pointer?: string; message: string } } {
  if (jsonTooDeep(text)) return { problem: { message: tooDeepMessage() } };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: { message: `not readable JSON: ${(e as Error).message}` } };
  }
  if (hasSuspectEscape(text)) {
    const bad = badText(value);
    if (bad) return { problem: bad };
  }
  return { value };
}
