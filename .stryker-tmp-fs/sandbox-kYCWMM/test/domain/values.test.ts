// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { checkValue, isValidDate, isValidTimestamp } from '../../src/domain/values.js';

describe('office values', () => {
  it('D2: dates are real calendar days in YYYY-MM-DD', () => {
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2023-02-29')).toBe(false);
    expect(isValidDate('31/12/1980')).toBe(false);
    expect(isValidDate('1980-13-01')).toBe(false);
  });

  it('D2: timestamps carry seconds and a zone, as the bundle schemas require', () => {
    expect(isValidTimestamp('2025-04-01T09:30:00Z')).toBe(true);
    expect(isValidTimestamp('2025-04-01T09:30:00.250+02:00')).toBe(true);
    expect(isValidTimestamp('2025-04-01T09:30Z')).toBe(false);
    expect(isValidTimestamp('2025-04-01T09:30:00')).toBe(false);
    expect(isValidTimestamp('2025-04-01T24:00:00Z')).toBe(false);
  });

  it('D2: booleans, decimals, JSON objects and enumerations are checked with a message that shows the value', () => {
    expect(checkValue({ name: 'b', type: 'bool' }, 'yes')).toBe('expected true or false, got "yes"');
    expect(checkValue({ name: 'd', type: 'decimal' }, '250000.00')).toBeNull();
    expect(checkValue({ name: 'd', type: 'decimal' }, '1,000')).toMatch(/decimal/);
    expect(checkValue({ name: 'j', type: 'json' }, '[1]')).toBe('expected a JSON object');
    expect(checkValue({ name: 'j', type: 'json' }, '{"a":')).toMatch(/malformed JSON/);
    expect(checkValue({ name: 'e', type: 'enum', values: ['a', 'b'] }, 'c')).toBe('expected one of a, b, got "c"');
    expect(checkValue({ name: 'r', type: 'enum_list', values: ['x', 'y'] }, 'x;z')).toMatch(/got "z"/);
  });
  it('D2: a date is exactly YYYY-MM-DD, months 01 to 12, days 01 to the last of its month', () => {
    for (const ok of ['2024-01-01', '2024-12-31', '2023-02-28', '2024-04-30', '0001-01-01']) expect(isValidDate(ok), ok).toBe(true);
    for (const bad of [
      '2024-00-10',
      '2024-12-00',
      '2024-04-31',
      '2023-02-29',
      '2024-1-01',
      '24-01-01',
      'x2024-01-01',
      '2024-01-01x',
      '2024-01-011',
      '12024-01-01',
      '',
    ]) {
      expect(isValidDate(bad), bad).toBe(false);
    }
  });

  it('D2: a timestamp is a real date and time: hours to 23, minutes and seconds to 59, up to nine fraction digits, Z or an offset', () => {
    for (const ok of ['2025-04-01T23:59:59Z', '2025-04-01T00:00:00-05:00', '2025-04-01T09:30:00.123456789Z', '2024-02-29T12:00:00+00:00']) {
      expect(isValidTimestamp(ok), ok).toBe(true);
    }
    for (const bad of [
      '2025-04-01T09:60:00Z',
      '2025-04-01T09:30:60Z',
      '2025-04-31T09:30:00Z',
      '2023-02-29T09:30:00Z',
      '2025-04-01T09:30:00.1234567890Z',
      '2025-04-01T09:30:00.Z',
      '2025-04-01T09:30:00+0200',
      '2025-04-01 09:30:00Z',
      'x2025-04-01T09:30:00Z',
      '2025-04-01T09:30:00Zx',
    ]) {
      expect(isValidTimestamp(bad), bad).toBe(false);
    }
  });

  it('D2: every column type accepts its valid values and names the expected form and the value found otherwise', () => {
    expect(checkValue({ name: 't', type: 'text' }, '')).toBeNull();
    expect(checkValue({ name: 'd', type: 'date' }, '2024-02-29')).toBeNull();
    expect(checkValue({ name: 'd', type: 'date' }, '2024-02-30')).toBe('expected a date (YYYY-MM-DD), got "2024-02-30"');
    expect(checkValue({ name: 's', type: 'timestamp' }, '2025-04-01T09:30:00Z')).toBeNull();
    expect(checkValue({ name: 's', type: 'timestamp' }, '2025-04-01')).toBe(
      'expected an ISO 8601 timestamp with seconds and zone (2025-04-01T09:30:00Z), got "2025-04-01"',
    );
    expect(checkValue({ name: 'b', type: 'bool' }, 'true')).toBeNull();
    expect(checkValue({ name: 'b', type: 'bool' }, 'false')).toBeNull();
    expect(checkValue({ name: 'b', type: 'bool' }, 'TRUE')).toBe('expected true or false, got "TRUE"');
    for (const ok of ['0', '-1', '250000', '-0.5']) expect(checkValue({ name: 'd', type: 'decimal' }, ok), ok).toBeNull();
    for (const bad of ['1.', '.5', '+1', '1e3', ' 1', '1 ', '']) {
      expect(checkValue({ name: 'd', type: 'decimal' }, bad), bad).toBe(`expected a decimal number (250000.00), got ${JSON.stringify(bad)}`);
    }
    expect(checkValue({ name: 'j', type: 'json' }, '{"a":[1]}')).toBeNull();
    for (const bad of ['null', '"x"', '1']) expect(checkValue({ name: 'j', type: 'json' }, bad), bad).toBe('expected a JSON object');
    expect(checkValue({ name: 'j', type: 'json' }, '{')).toMatch(/^expected a JSON object, got malformed JSON \(.+\)$/);
    expect(checkValue({ name: 'e', type: 'enum', values: ['a', 'b'] }, 'b')).toBeNull();
    expect(checkValue({ name: 'r', type: 'enum_list', values: ['x', 'y'] }, 'y;x')).toBeNull();
    expect(checkValue({ name: 'r', type: 'enum_list', values: ['x', 'y'] }, 'x;z;w')).toBe('expected ;-separated values from x, y, got "z"');
  });
});
