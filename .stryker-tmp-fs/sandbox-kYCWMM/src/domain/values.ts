// @ts-nocheck
// Value rules of office-data-format.md, as pure checks shared by CSV load and
// anything else that accepts office values. Each returns a message or null.
import type { Column } from './model/tables.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

export function isValidDate(s: string): boolean {
  const m = s.match(DATE);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

export function isValidTimestamp(s: string): boolean {
  const m = s.match(TIMESTAMP);
  if (!m) return false;
  if (!isValidDate(`${m[1]}-${m[2]}-${m[3]}`)) return false;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60;
}

export function checkValue(col: Column, raw: string): string | null {
  switch (col.type) {
    case 'text':
      return null;
    case 'date':
      return isValidDate(raw) ? null : `expected a date (YYYY-MM-DD), got ${JSON.stringify(raw)}`;
    case 'timestamp':
      return isValidTimestamp(raw) ? null : `expected an ISO 8601 timestamp with seconds and zone (2025-04-01T09:30:00Z), got ${JSON.stringify(raw)}`;
    case 'bool':
      return raw === 'true' || raw === 'false' ? null : `expected true or false, got ${JSON.stringify(raw)}`;
    case 'decimal':
      return DECIMAL.test(raw) ? null : `expected a decimal number (250000.00), got ${JSON.stringify(raw)}`;
    case 'json': {
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch (e) {
        return `expected a JSON object, got malformed JSON (${(e as Error).message})`;
      }
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? null : 'expected a JSON object';
    }
    case 'enum':
      return col.values!.includes(raw) ? null : `expected one of ${col.values!.join(', ')}, got ${JSON.stringify(raw)}`;
    case 'enum_list': {
      const bad = raw.split(';').filter((v) => !col.values!.includes(v));
      return bad.length === 0 ? null : `expected ;-separated values from ${col.values!.join(', ')}, got ${JSON.stringify(bad[0])}`;
    }
  }
}
