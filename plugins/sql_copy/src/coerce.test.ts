import { describe, expect, it } from '@jest/globals';
import type { ColumnInfo } from '@nomaflow/contracts';
import {
  classifyType,
  coercion,
  impliedDecimal,
  jdeTransform,
  julianToIsoDate,
  scaleDecimal,
} from './coerce.js';
import { mapColumns, planColumns, rowMapper } from './plan.js';

const col = (name: string, dataType: string): ColumnInfo => ({ name, dataType, nullable: true });

describe('jde: Julian CYYDDD dates', () => {
  it('converts century, year and day of year to ISO', () => {
    expect(julianToIsoDate(124001)).toBe('2024-01-01');
    expect(julianToIsoDate('124060')).toBe('2024-02-29');
    expect(julianToIsoDate(123365)).toBe('2023-12-31');
    expect(julianToIsoDate(99365)).toBe('1999-12-31');
    expect(julianToIsoDate(100001)).toBe('2000-01-01');
    expect(julianToIsoDate('  120366 ')).toBe('2020-12-31');
  });

  it('0, blank and null are "no date"', () => {
    expect(julianToIsoDate(0)).toBeNull();
    expect(julianToIsoDate('')).toBeNull();
    expect(julianToIsoDate(null)).toBeNull();
  });

  it('refuses impossible days and non-numbers', () => {
    expect(() => julianToIsoDate(123366)).toThrow(/cannot coerce 123366 to a Julian CYYDDD date/);
    expect(() => julianToIsoDate(124000)).toThrow();
    expect(() => julianToIsoDate('12a001')).toThrow();
    expect(() => julianToIsoDate(-1)).toThrow();
  });
});

describe('decimals', () => {
  it('scale with truncate cuts toward zero; round rounds half away from zero', () => {
    expect(scaleDecimal('12.3456', 2, 'truncate')).toBe('12.34');
    expect(scaleDecimal('-12.3456', 2, 'truncate')).toBe('-12.34');
    expect(scaleDecimal('12.345', 2, 'round')).toBe('12.35');
    expect(scaleDecimal('-0.995', 2, 'round')).toBe('-1.00');
    expect(scaleDecimal('9.99', 0, 'round')).toBe('10');
    expect(scaleDecimal('1.5', 3, 'truncate')).toBe('1.5');
    expect(scaleDecimal(1e-7, 8, 'truncate')).toBe('0.0000001');
  });

  it('implied decimals divide exactly by a power of ten', () => {
    expect(impliedDecimal('12345', 2)).toBe('123.45');
    expect(impliedDecimal(-5, 2)).toBe('-0.05');
    expect(impliedDecimal('123456789012345678', 4)).toBe('12345678901234.5678');
    expect(impliedDecimal(7, 0)).toBe('7');
  });
});

describe('the jde preset', () => {
  it('trims trailing padding of CHAR codes (leading blanks are meaningful in JDE keys)', () => {
    const t = jdeTransform(classifyType('character(10)'), classifyType('text'), 'preserve');
    expect(t?.('ABC       ')).toBe('ABC');
    expect(t?.('   10     ')).toBe('   10');
    expect(t?.(null)).toBeNull();
  });

  it('numbers going into a date column are Julian dates', () => {
    const t = jdeTransform(classifyType('numeric(6,0)'), classifyType('date'), 'preserve');
    expect(t?.('124001')).toBe('2024-01-01');
    expect(t?.(0)).toBeNull();
    const fromChar = jdeTransform(classifyType('char(6)'), classifyType('date'), 'preserve');
    expect(fromChar?.('124032')).toBe('2024-02-01');
  });

  it('integer amounts get the target scale as implied decimals; decimal_mode truncate cuts extra digits', () => {
    const implied = jdeTransform(classifyType('numeric(15,0)'), classifyType('numeric(15,2)'), 'preserve');
    expect(implied?.('12345')).toBe('123.45');
    expect(implied?.('-1')).toBe('-0.01');
    const fromBigint = jdeTransform(classifyType('bigint'), classifyType('decimal(12,3)'), 'preserve');
    expect(fromBigint?.(1234567)).toBe('1234.567');
    const scaled = jdeTransform(classifyType('numeric(15,4)'), classifyType('numeric(15,2)'), 'truncate');
    expect(scaled?.('1.2399')).toBe('1.23');
    const preserved = jdeTransform(classifyType('numeric(15,4)'), classifyType('numeric(15,2)'), 'preserve');
    expect(preserved?.('1.2399')).toBe('1.2399');
  });

  it('leaves other columns alone', () => {
    expect(jdeTransform(classifyType('integer'), classifyType('integer'), 'preserve')).toBeUndefined();
    expect(
      jdeTransform(classifyType('timestamp without time zone'), classifyType('timestamp(6)'), 'preserve'),
    ).toBeUndefined();
  });
});

describe('type classification', () => {
  it('understands PostgreSQL and MySQL type texts', () => {
    expect(classifyType('numeric(12,2)')).toEqual({ kind: 'decimal', scale: 2 });
    expect(classifyType('numeric')).toEqual({ kind: 'decimal' });
    expect(classifyType('decimal(10,0)')).toEqual({ kind: 'decimal', scale: 0 });
    expect(classifyType('bigint(20) unsigned')).toEqual({ kind: 'integer' });
    expect(classifyType('character varying(10)').kind).toBe('text');
    expect(classifyType('char(6)').kind).toBe('char');
    expect(classifyType('timestamp(3) without time zone').kind).toBe('timestamp');
    expect(classifyType('timestamp with time zone').kind).toBe('timestamptz');
    expect(classifyType('timestamp(6)').kind).toBe('timestamptz');
    expect(classifyType('datetime(6)').kind).toBe('timestamp');
    expect(classifyType('time without time zone').kind).toBe('time');
    expect(classifyType('integer[]').kind).toBe('other');
  });
});

describe('coercions', () => {
  it('per type', () => {
    expect(coercion({ type: 'integer' }, 'preserve')?.('12.5')).toBe(13);
    expect(coercion({ type: 'integer' }, 'preserve')?.('99999999999999999999')).toBe('99999999999999999999');
    expect(coercion({ type: 'decimal', scale: 2 }, 'truncate')?.('1.999')).toBe('1.99');
    expect(coercion({ type: 'decimal', scale: 2 }, 'preserve')?.('1.999')).toBe('2.00');
    expect(coercion({ type: 'boolean' }, 'preserve')?.('Y')).toBe(true);
    expect(coercion({ type: 'boolean' }, 'preserve')?.(0)).toBe(false);
    expect(() => coercion({ type: 'boolean' }, 'preserve')?.('maybe')).toThrow(
      /cannot coerce "maybe" to boolean/,
    );
    expect(coercion({ type: 'date' }, 'preserve')?.('2024-05-06 10:00:00')).toBe('2024-05-06');
    expect(coercion({ type: 'date' }, 'preserve')?.(124001)).toBe('2024-01-01');
    expect(coercion({ type: 'json' }, 'preserve')?.('not json')).toBe('"not json"');
    expect(coercion({ type: 'json' }, 'preserve')?.({ a: 1 })).toBe('{"a":1}');
    expect(coercion({ type: 'trim' }, 'preserve')?.('  x  ')).toBe('x');
    expect(coercion({ type: 'null_if_blank' }, 'preserve')?.('   ')).toBeNull();
    expect(coercion({ type: 'text' }, 'preserve')?.(12)).toBe('12');
    expect(coercion({ type: 'float' }, 'preserve')?.('1.5')).toBe(1.5);
    expect(coercion({ type: 'none' }, 'preserve')).toBeUndefined();
    expect(coercion({ type: 'trim' }, 'preserve')?.(null)).toBeNull();
  });
});

describe('column plans', () => {
  const source = [
    col('ID', 'integer'),
    col('NAME', 'character(10)'),
    col('AMT', 'numeric(15,0)'),
    col('DT', 'numeric(6,0)'),
  ];
  const target = [
    col('id', 'bigint'),
    col('name', 'text'),
    col('amt', 'numeric(15,2)'),
    col('dt', 'date'),
    col('extra', 'text'),
  ];
  const names = { source: 's', target: 't' };

  it('matches names exactly, else case-insensitively, and reports missing columns', () => {
    expect(mapColumns(source, target, undefined, names).map((p) => [p.source.name, p.target.name])).toEqual([
      ['ID', 'id'],
      ['NAME', 'name'],
      ['AMT', 'amt'],
      ['DT', 'dt'],
    ]);
    expect(() => mapColumns([...source, col('GONE', 'text')], target, undefined, names)).toThrow(
      /target table t has no column GONE \(choose or rename columns with "columns"\)/,
    );
    expect(() => mapColumns(source, target, { NOPE: 'id' }, names)).toThrow(
      /source table s has no column NOPE/,
    );
    expect(() => mapColumns(source, target, { ID: 'id', NAME: 'id' }, names)).toThrow(/mapped twice/);
  });

  it('applies explicit coercions over the preset, then maps rows to value arrays', () => {
    const plans = planColumns({
      source,
      target,
      columns: { ID: 'id', NAME: 'name', AMT: 'amt', DT: 'dt' },
      coerce: { name: 'trim' },
      preset: 'jde',
      decimalMode: 'preserve',
      names,
    });
    expect(plans.map((p) => p.describe)).toEqual([
      'as read',
      'coerce trim',
      'jde (decimal → decimal, scale 2)',
      'jde (decimal → date)',
    ]);
    const map = rowMapper(plans);
    expect(map([{ ID: 1, NAME: '  AB  ', AMT: '12345', DT: '124001' }])).toEqual([
      [1, 'AB', '123.45', '2024-01-01'],
    ]);
    expect(() => map([{ ID: 1, NAME: 'x', AMT: '1', DT: '123999' }])).toThrow(
      /column DT → dt: cannot coerce/,
    );
    expect(() =>
      planColumns({
        source,
        target,
        columns: undefined,
        coerce: { zzz: 'trim' },
        preset: 'none',
        decimalMode: 'preserve',
        names,
      }),
    ).toThrow();
  });
});
