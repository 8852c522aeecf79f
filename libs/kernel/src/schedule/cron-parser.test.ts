import { describe, expect, it } from '@jest/globals';
import { CronParseError, isValidCron, parseCron } from './cron-parser.js';

const range = (from: number, to: number, step = 1): number[] => {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
};

describe('parseCron field syntax', () => {
  it('expands *, */n, a, a-b, a-b/n, a/n and lists', () => {
    expect(parseCron('* * * * *').minutes).toEqual(range(0, 59));
    expect(parseCron('*/15 * * * *').minutes).toEqual([0, 15, 30, 45]);
    expect(parseCron('5 * * * *').minutes).toEqual([5]);
    expect(parseCron('1-3 * * * *').minutes).toEqual([1, 2, 3]);
    expect(parseCron('10-20/5 * * * *').minutes).toEqual([10, 15, 20]);
    expect(parseCron('50/3 * * * *').minutes).toEqual([50, 53, 56, 59]);
    expect(parseCron('1,5,10-12 * * * *').minutes).toEqual([1, 5, 10, 11, 12]);
    expect(parseCron('0 */6 * * *').hours).toEqual([0, 6, 12, 18]);
    expect(parseCron('0 0 1-31/10 * *').daysOfMonth).toEqual([1, 11, 21, 31]);
    expect(parseCron('0 0 * */4 *').months).toEqual([1, 5, 9]);
  });

  it('returns sorted, unique values', () => {
    expect(parseCron('30,10,10,5-11/5 * * * *').minutes).toEqual([5, 10, 30]);
  });

  it('accepts leading zeros', () => {
    expect(parseCron('05 07 * * *')).toMatchObject({ minutes: [5], hours: [7] });
  });

  it('accepts month names, case-insensitive, also in ranges', () => {
    expect(parseCron('0 0 1 JAN,mar-May *').months).toEqual([1, 3, 4, 5]);
    expect(parseCron('0 0 1 dec *').months).toEqual([12]);
    expect(parseCron('0 0 1 Feb-Apr/2 *').months).toEqual([2, 4]);
  });

  it('accepts day names, case-insensitive, also in ranges', () => {
    expect(parseCron('0 0 * * mon-FRI').daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(parseCron('0 0 * * SUN').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * sat,Sun').daysOfWeek).toEqual([0, 6]);
    expect(parseCron('0 0 * * FRI-SUN').daysOfWeek).toEqual([0, 5, 6]);
  });

  it('folds day-of-week 7 into Sunday (0)', () => {
    expect(parseCron('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * 0,7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(parseCron('0 0 * * 0-7').daysOfWeek).toEqual(range(0, 6));
    expect(parseCron('0 0 * * *').daysOfWeek).toEqual(range(0, 6));
    expect(parseCron('0 0 * * */2').daysOfWeek).toEqual([0, 2, 4, 6]);
  });

  it('accepts several spaces or tabs between fields and trims the source', () => {
    const expr = parseCron('  0\t2   *  * \t *  ');
    expect(expr.source).toBe('0\t2   *  * \t *');
    expect(expr).toMatchObject({ minutes: [0], hours: [2] });
  });
});

describe('parseCron seconds field (6th, trailing)', () => {
  it('defaults to second 0 without it', () => {
    expect(parseCron('0 2 * * *')).toMatchObject({ seconds: [0], hasSeconds: false });
  });

  it('reads a trailing 6th field as seconds', () => {
    expect(parseCron('0 2 * * * 30')).toMatchObject({
      seconds: [30],
      minutes: [0],
      hours: [2],
      hasSeconds: true,
    });
    expect(parseCron('* * * * * */10').seconds).toEqual([0, 10, 20, 30, 40, 50]);
    expect(parseCron('* * * * * *').seconds).toEqual(range(0, 59));
  });
});

describe('parseCron aliases', () => {
  it.each([
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
    ['@monthly', '0 0 1 * *'],
    ['@weekly', '0 0 * * 0'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@hourly', '0 * * * *'],
  ])('%s = %s', (alias, expansion) => {
    const fromAlias = parseCron(alias);
    expect(fromAlias.source).toBe(alias);
    expect({ ...fromAlias, source: expansion }).toEqual(parseCron(expansion));
  });

  it('is case-insensitive and keeps the text as given', () => {
    expect(parseCron(' @DAILY ')).toMatchObject({ source: '@DAILY', minutes: [0], hours: [0] });
    expect(parseCron('@Hourly').hours).toEqual(range(0, 23));
  });
});

describe('parseCron flags', () => {
  it.each([
    ['30 2 * * *', true],
    ['0,30 1-3 * * *', true],
    ['@daily', true],
    ['@weekly', true],
    ['0 2 * * * *', true],
    ['*/15 * * * *', false],
    ['0 * * * *', false],
    ['5 */6 * * *', false],
    ['* 2 * * *', false],
    ['@hourly', false],
  ])('fixedTime of %s is %s', (expr, fixed) => {
    expect(parseCron(expr).fixedTime).toBe(fixed);
  });

  it('marks a day field restricted unless it starts with *', () => {
    expect(parseCron('0 0 13 * 5')).toMatchObject({ domRestricted: true, dowRestricted: true });
    expect(parseCron('0 0 13 * *')).toMatchObject({ domRestricted: true, dowRestricted: false });
    expect(parseCron('0 0 * * 5')).toMatchObject({ domRestricted: false, dowRestricted: true });
    expect(parseCron('0 0 */2 * */2')).toMatchObject({ domRestricted: false, dowRestricted: false });
    expect(parseCron('0 0 1-31 * 0-7')).toMatchObject({ domRestricted: true, dowRestricted: true });
  });
});

describe('parseCron rejections', () => {
  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['* * * *', /expected 5 fields .* got 4/],
    ['* * * * * * *', /expected 5 fields .* got 7/],
    ['61 * * * *', /^minute field: 61 is out of range 0-59$/],
    ['* 24 * * *', /^hour field: 24 is out of range 0-23$/],
    ['* * 0 * *', /^day-of-month field: 0 is out of range 1-31$/],
    ['* * 32 * *', /^day-of-month field: 32 is out of range 1-31$/],
    ['* * * 0 *', /^month field: 0 is out of range 1-12$/],
    ['* * * 13 *', /^month field: 13 is out of range 1-12$/],
    ['* * * * 8', /^day-of-week field: 8 is out of range 0-7$/],
    ['* * * * * 60', /^second field: 60 is out of range 0-59$/],
    ['0-60 * * * *', /out of range/],
    ['5-1 * * * *', /^minute field: range 5-1 is reversed$/],
    ['0 0 * * FRI-MON', /reversed/],
    ['0 0 1 DEC-JAN *', /reversed/],
    ['*/0 * * * *', /step 0/],
    ['1-5/0 * * * *', /step 0/],
    ['1,,2 * * * *', /empty list item/],
    [',1 * * * *', /empty list item/],
    ['1, * * * *', /empty list item/],
    ['* * ? * *', /not supported/],
    ['* * * * ?', /not supported/],
    ['* * L * *', /not supported/],
    ['* * 15W * *', /not supported/],
    ['* * LW * *', /not supported/],
    ['* * * * 5L', /not supported/],
    ['* * * * 5#2', /not supported/],
    ['abc * * * *', /minute field: "abc" is not a number/],
    ['1.5 * * * *', /not a number/],
    ['-1 * * * *', /missing value/],
    ['1- * * * *', /missing value/],
    ['1-2-3 * * * *', /not a valid range/],
    ['*/2/3 * * * *', /more than one/],
    ['*/x * * * *', /step "x"/],
    ['*/ * * * *', /step ""/],
    ['/5 * * * *', /missing value/],
    ['MON * * * *', /minute field: "MON" is not a number$/],
    ['0 0 * FOO *', /month field: "FOO" is not a number or a name/],
    ['0 0 * * SUNDAY', /day-of-week field/],
    ['0 0 * * MON-8', /8 is out of range 0-7/],
    ['@reboot', /unknown alias "@reboot"/],
    ['@', /unknown alias/],
    ['@daily 5', /unknown alias/],
  ])('rejects %j', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(CronParseError);
    expect(() => parseCron(expr)).toThrow(message);
    expect(isValidCron(expr)).toBe(false);
  });

  it('raises a named Error subclass', () => {
    let caught: unknown;
    try {
      parseCron('61 * * * *');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toBeInstanceOf(CronParseError);
    expect((caught as Error).name).toBe('CronParseError');
  });

  it('accepts what it should', () => {
    for (const ok of [
      '* * * * *',
      '0 2 * * * 30',
      '@weekly',
      '0 9 * * MON-FRI',
      '*/5 0-6/2 1,15 JAN-JUN 1-5',
    ]) {
      expect(isValidCron(ok)).toBe(true);
    }
  });
});
