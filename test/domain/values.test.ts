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
});
