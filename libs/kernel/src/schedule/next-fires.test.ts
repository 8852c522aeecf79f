import { describe, expect, it } from '@jest/globals';
import { CronParseError, parseCron } from './cron-parser.js';
import { firesBetween, nextFires, type Fire } from './next-fires.js';

const at = (iso: string): Date => new Date(iso);
const isos = (fires: Fire[]): string[] => fires.map((f) => f.iso);
const locals = (fires: Fire[]): string[] => fires.map((f) => f.local);

describe('nextFires basics', () => {
  it('honours the trailing seconds field: 0 2 * * * 30 fires at 02:00:30', () => {
    const fires = nextFires('0 2 * * * 30', 'UTC', at('2026-01-01T00:00:00Z'), 2);
    expect(isos(fires)).toEqual(['2026-01-01T02:00:30.000Z', '2026-01-02T02:00:30.000Z']);
    expect(fires[0]).toEqual({
      at: at('2026-01-01T02:00:30Z'),
      iso: '2026-01-01T02:00:30.000Z',
      local: '2026-01-01T02:00:30+00:00',
    });
  });

  it('fires every 20 s with * * * * * */20', () => {
    expect(isos(nextFires('* * * * * */20', 'UTC', at('2026-01-01T00:00:00Z'), 4))).toEqual([
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:01:20.000Z',
    ]);
  });

  it('reads */20 * * * * * as minutes */20, every second (seconds field is the trailing one)', () => {
    expect(isos(nextFires('*/20 * * * * *', 'UTC', at('2026-01-01T00:00:58Z'), 3))).toEqual([
      '2026-01-01T00:00:59.000Z',
      '2026-01-01T00:20:00.000Z',
      '2026-01-01T00:20:01.000Z',
    ]);
  });

  it('is strictly after `from`: a fire exactly at `from` is excluded', () => {
    expect(isos(nextFires('0 2 * * * 30', 'UTC', at('2026-01-01T02:00:30Z'), 1))).toEqual([
      '2026-01-02T02:00:30.000Z',
    ]);
    expect(isos(nextFires('0 2 * * * 30', 'UTC', at('2026-01-01T02:00:29.999Z'), 1))).toEqual([
      '2026-01-01T02:00:30.000Z',
    ]);
    expect(isos(nextFires('* * * * * *', 'UTC', at('2026-06-15T10:20:30.500Z'), 3))).toEqual([
      '2026-06-15T10:20:31.000Z',
      '2026-06-15T10:20:32.000Z',
      '2026-06-15T10:20:33.000Z',
    ]);
  });

  it('gives local wall times with their offsets', () => {
    expect(locals(nextFires('0 9 * * *', 'Europe/Paris', at('2026-01-10T00:00:00Z'), 1))).toEqual([
      '2026-01-10T09:00:00+01:00',
    ]);
    expect(locals(nextFires('0 9 * * *', 'Europe/Paris', at('2026-07-10T00:00:00Z'), 1))).toEqual([
      '2026-07-10T09:00:00+02:00',
    ]);
    expect(nextFires('0 9 * * *', 'America/New_York', at('2026-01-10T00:00:00Z'), 1)[0]).toEqual({
      at: at('2026-01-10T14:00:00Z'),
      iso: '2026-01-10T14:00:00.000Z',
      local: '2026-01-10T09:00:00-05:00',
    });
    expect(locals(nextFires('45 23 * * *', 'Australia/Lord_Howe', at('2026-07-01T00:00:00Z'), 1))).toEqual([
      '2026-07-01T23:45:00+10:30',
    ]);
    expect(locals(nextFires('0 0 * * *', 'Etc/GMT+5', at('2026-07-01T00:00:00Z'), 1))).toEqual([
      '2026-07-01T00:00:00-05:00',
    ]);
  });

  it('accepts a parsed expression and aliases', () => {
    const expr = parseCron('@monthly');
    expect(isos(nextFires(expr, 'UTC', at('2026-01-15T00:00:00Z'), 2))).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
    expect(isos(nextFires('@yearly', 'Europe/Paris', at('2026-01-15T00:00:00Z'), 1))).toEqual([
      '2026-12-31T23:00:00.000Z',
    ]);
  });

  it('returns nothing for count 0 and rejects bad input', () => {
    expect(nextFires('* * * * *', 'UTC', at('2026-01-01T00:00:00Z'), 0)).toEqual([]);
    expect(() => nextFires('61 * * * *', 'UTC', at('2026-01-01T00:00:00Z'), 1)).toThrow(CronParseError);
    expect(() => nextFires('* * * * *', 'Mars/Olympus', at('2026-01-01T00:00:00Z'), 1)).toThrow(RangeError);
    expect(() => nextFires('* * * * *', 'UTC', new Date(Number.NaN), 1)).toThrow(RangeError);
  });
});

describe('day-of-month / day-of-week rule', () => {
  it('fires on every Friday AND on every 13th when both are restricted', () => {
    // January 2026: Fridays 2, 9, 16, 23, 30; the 13th is a Tuesday.
    expect(
      isos(firesBetween('0 0 13 * 5', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-31T00:00:00Z'))),
    ).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-09T00:00:00.000Z',
      '2026-01-13T00:00:00.000Z',
      '2026-01-16T00:00:00.000Z',
      '2026-01-23T00:00:00.000Z',
      '2026-01-30T00:00:00.000Z',
    ]);
  });

  it('fires only on the restricted field when the other is *', () => {
    const span = [at('2026-01-01T00:00:00Z'), at('2026-01-31T00:00:00Z')] as const;
    expect(isos(firesBetween('0 0 13 * *', 'UTC', ...span))).toEqual(['2026-01-13T00:00:00.000Z']);
    expect(isos(firesBetween('0 0 * * FRI', 'UTC', ...span))).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-09T00:00:00.000Z',
      '2026-01-16T00:00:00.000Z',
      '2026-01-23T00:00:00.000Z',
      '2026-01-30T00:00:00.000Z',
    ]);
  });

  it('ANDs a */n day of month with a day of week (it starts with *)', () => {
    // Days 1, 11, 21, 31 that are Fridays: the first is 2026-05-01, then 2026-07-31.
    expect(isos(nextFires('0 0 */10 * 5', 'UTC', at('2026-01-01T00:00:00Z'), 2))).toEqual([
      '2026-05-01T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
    ]);
  });
});

describe('February 29', () => {
  it('finds the next leap day years ahead', () => {
    const fires = nextFires('0 12 29 2 *', 'Europe/Paris', at('2026-01-01T00:00:00Z'), 2);
    expect(isos(fires)).toEqual(['2028-02-29T11:00:00.000Z', '2032-02-29T11:00:00.000Z']);
    expect(fires[0]?.local).toBe('2028-02-29T12:00:00+01:00');
  });

  it('with a day of week too, ORs in the Mondays of February', () => {
    // Feb 2026 Mondays: 2, 9, 16, 23. Feb 2027 starts on a Monday.
    expect(isos(nextFires('0 12 29 2 1', 'Europe/Paris', at('2026-01-01T00:00:00Z'), 5))).toEqual([
      '2026-02-02T11:00:00.000Z',
      '2026-02-09T11:00:00.000Z',
      '2026-02-16T11:00:00.000Z',
      '2026-02-23T11:00:00.000Z',
      '2027-02-01T11:00:00.000Z',
    ]);
    // Feb 2028: Mondays 7, 14, 21, 28 and Tuesday the 29th.
    const feb2028 = firesBetween(
      '0 12 29 2 1',
      'Europe/Paris',
      at('2028-02-01T00:00:00Z'),
      at('2028-03-01T00:00:00Z'),
    );
    expect(locals(feb2028)).toEqual([
      '2028-02-07T12:00:00+01:00',
      '2028-02-14T12:00:00+01:00',
      '2028-02-21T12:00:00+01:00',
      '2028-02-28T12:00:00+01:00',
      '2028-02-29T12:00:00+01:00',
    ]);
  });
});

describe('firesBetween', () => {
  it('excludes `after` and includes `until`', () => {
    expect(
      isos(firesBetween('0 * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-01T03:00:00Z'))),
    ).toEqual(['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z']);
  });

  it('stops at `limit`, 1000 by default', () => {
    const span = [at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z')] as const;
    expect(isos(firesBetween('0 * * * *', 'UTC', ...span, 2))).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
    ]);
    const capped = firesBetween('* * * * *', 'UTC', ...span);
    expect(capped).toHaveLength(1000);
    expect(capped[999]?.iso).toBe('2026-01-01T16:40:00.000Z');
    expect(firesBetween('* * * * *', 'UTC', ...span, 0)).toEqual([]);
  });

  it('is empty when the span is empty or reversed', () => {
    const t = at('2026-01-01T00:00:00Z');
    expect(firesBetween('* * * * * *', 'UTC', t, t)).toEqual([]);
    expect(firesBetween('* * * * * *', 'UTC', t, at('2025-12-31T00:00:00Z'))).toEqual([]);
  });

  it('lists a 7-day calendar of */5 across a DST change, ascending and quickly', () => {
    const fires = firesBetween(
      '*/5 * * * *',
      'Europe/Paris',
      at('2026-03-25T00:00:00Z'),
      at('2026-04-01T00:00:00Z'),
      5000,
    );
    // Every 5-minute instant of 7 real days: the skipped wall hour is not lost time.
    expect(fires).toHaveLength(7 * 288);
    expect(fires[0]?.iso).toBe('2026-03-25T00:05:00.000Z');
    expect(fires.at(-1)?.iso).toBe('2026-04-01T00:00:00.000Z');
    const times = fires.map((f) => f.at.getTime());
    expect(times.every((t, i) => i === 0 || t - (times[i - 1] ?? 0) === 300_000)).toBe(true);
    expect(fires.some((f) => f.note !== undefined)).toBe(false);
    expect(fires.some((f) => f.local.startsWith('2026-03-29T02:'))).toBe(false);
  });
});

describe('search bounds and speed', () => {
  it('returns [] for an expression that never fires (the search is bounded)', () => {
    expect(nextFires('0 0 30 2 *', 'Europe/Paris', at('2026-01-01T00:00:00Z'), 3)).toEqual([]);
    expect(nextFires('0 0 31 4,6,9,11 *', 'America/New_York', at('2026-01-01T00:00:00Z'), 3)).toEqual([]);
    expect(firesBetween('0 0 30 2 *', 'UTC', at('2026-01-01T00:00:00Z'), at('2526-01-01T00:00:00Z'))).toEqual(
      [],
    );
  });

  it('gives up after about ten years', () => {
    // Fires every 13 February; only the ten inside the ten-year horizon come back.
    const fires = nextFires('0 0 13 2 *', 'UTC', at('2026-01-01T00:00:00Z'), 20);
    expect(fires).toHaveLength(10);
    expect(fires.at(-1)?.iso).toBe('2035-02-13T00:00:00.000Z');
  });

  it('handles per-second expressions and rare days', () => {
    expect(
      nextFires('* * * * * *', 'America/New_York', at('2026-11-01T05:59:58Z'), 3).map((f) => f.local),
    ).toEqual(['2026-11-01T01:59:59-04:00', '2026-11-01T01:00:00-05:00', '2026-11-01T01:00:01-05:00']);
    expect(nextFires('* * * * * *', 'Europe/Paris', at('2026-06-15T23:59:59Z'), 3)).toHaveLength(3);
    expect(nextFires('0 0 29 2 *', 'Australia/Sydney', at('2028-03-01T00:00:00Z'), 1)[0]?.local).toBe(
      '2032-02-29T00:00:00+11:00',
    );
  });
});
