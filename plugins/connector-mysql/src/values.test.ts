import { describe, expect, it } from '@jest/globals';
import { mysqlValue, paramValue, toMysqlDatetime } from './values.js';

describe('MySQL values', () => {
  it('timestamps with a zone become UTC DATETIME text; without one they are kept', () => {
    expect(toMysqlDatetime('2024-01-01T10:00:00Z')).toBe('2024-01-01 10:00:00');
    expect(toMysqlDatetime('2024-01-01T10:00:00.123456+02:00')).toBe('2024-01-01 08:00:00.123456');
    expect(toMysqlDatetime('2024-01-01 01:30:00-03')).toBe('2024-01-01 04:30:00');
    expect(toMysqlDatetime('2024-01-01 10:00:00.5')).toBe('2024-01-01 10:00:00.5');
    expect(toMysqlDatetime('2024-01-01')).toBe('2024-01-01 00:00:00');
    expect(toMysqlDatetime('not a date')).toBe('not a date');
  });

  it('binds what mysql2 cannot: booleans, bigint, objects, undefined', () => {
    expect(paramValue(true)).toBe(1);
    expect(paramValue(undefined)).toBeNull();
    expect(paramValue(12n)).toBe('12');
    expect(paramValue({ a: [1] })).toBe('{"a":[1]}');
    expect(paramValue(new Uint8Array([1, 2]))).toEqual(Buffer.from([1, 2]));
  });

  it('per column kind', () => {
    expect(mysqlValue('2024-01-01T10:00:00Z', 'datetime')).toBe('2024-01-01 10:00:00');
    expect(mysqlValue(new Date('2024-01-01T10:00:00.250Z'), 'datetime')).toBe('2024-01-01 10:00:00.250');
    expect(mysqlValue('2024-01-01T23:30:00-02:00', 'date')).toBe('2024-01-02');
    expect(mysqlValue({ a: 1 }, 'json')).toBe('{"a":1}');
    expect(mysqlValue(false, 'text')).toBe('false');
    expect(mysqlValue(true, 'integer')).toBe(1);
    expect(mysqlValue(null, 'text')).toBeNull();
  });
});
