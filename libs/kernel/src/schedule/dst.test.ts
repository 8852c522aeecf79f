/**
 * DST behaviour of nextFires / firesBetween. Offsets: New York EST -5 / EDT -4, Paris CET +1 /
 * CEST +2, Sydney AEST +10 / AEDT +11, Lord Howe +10:30 / +11.
 */
import { describe, expect, it } from '@jest/globals';
import { firesBetween, nextFires, type Fire } from './next-fires.js';

const at = (iso: string): Date => new Date(iso);

/** iso, local and note (only when there is one) of each fire. */
const summary = (fires: Fire[]): Array<[string, string] | [string, string, string]> =>
  fires.map((f) => (f.note === undefined ? [f.iso, f.local] : [f.iso, f.local, f.note]));

describe('America/New_York', () => {
  const tz = 'America/New_York';

  describe('spring forward, 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z)', () => {
    it('runs a fixed-time fire in the gap once, at the transition', () => {
      expect(summary(nextFires('30 2 * * *', tz, at('2026-03-06T12:00:00Z'), 3))).toEqual([
        ['2026-03-07T07:30:00.000Z', '2026-03-07T02:30:00-05:00'],
        [
          '2026-03-08T07:00:00.000Z',
          '2026-03-08T03:00:00-04:00',
          'DST: 02:30 does not exist on 2026-03-08 (clocks jump 02:00→03:00); runs at 03:00',
        ],
        ['2026-03-09T06:30:00.000Z', '2026-03-09T02:30:00-04:00'],
      ]);
    });

    it('merges several gap fires into one', () => {
      expect(summary(nextFires('0,30 2 * * *', tz, at('2026-03-07T12:00:00Z'), 3))).toEqual([
        [
          '2026-03-08T07:00:00.000Z',
          '2026-03-08T03:00:00-04:00',
          'DST: 02:00, 02:30 do not exist on 2026-03-08 (clocks jump 02:00→03:00); merged into one run at 03:00',
        ],
        ['2026-03-09T06:00:00.000Z', '2026-03-09T02:00:00-04:00'],
        ['2026-03-09T06:30:00.000Z', '2026-03-09T02:30:00-04:00'],
      ]);
    });

    it('merges a gap fire with the regular fire at the transition', () => {
      expect(summary(nextFires('0 2,3 * * *', tz, at('2026-03-07T12:00:00Z'), 3))).toEqual([
        [
          '2026-03-08T07:00:00.000Z',
          '2026-03-08T03:00:00-04:00',
          'DST: 02:00 does not exist on 2026-03-08 (clocks jump 02:00→03:00); merged into one run at 03:00',
        ],
        ['2026-03-09T06:00:00.000Z', '2026-03-09T02:00:00-04:00'],
        ['2026-03-09T07:00:00.000Z', '2026-03-09T03:00:00-04:00'],
      ]);
    });

    it('skips wildcard fires whose wall time does not exist, without a note', () => {
      expect(
        summary(firesBetween('30 * * * *', tz, at('2026-03-08T05:00:00Z'), at('2026-03-08T09:00:00Z'))),
      ).toEqual([
        ['2026-03-08T05:30:00.000Z', '2026-03-08T00:30:00-05:00'],
        ['2026-03-08T06:30:00.000Z', '2026-03-08T01:30:00-05:00'],
        ['2026-03-08T07:30:00.000Z', '2026-03-08T03:30:00-04:00'],
        ['2026-03-08T08:30:00.000Z', '2026-03-08T04:30:00-04:00'],
      ]);
    });

    it('does not move a gap fire for a wildcard-hour job either (5 */2 ...)', () => {
      const fires = firesBetween('5 */2 * * *', tz, at('2026-03-08T05:00:00Z'), at('2026-03-08T11:00:00Z'));
      expect(summary(fires)).toEqual([
        ['2026-03-08T05:05:00.000Z', '2026-03-08T00:05:00-05:00'],
        ['2026-03-08T08:05:00.000Z', '2026-03-08T04:05:00-04:00'],
        ['2026-03-08T10:05:00.000Z', '2026-03-08T06:05:00-04:00'],
      ]);
    });
  });

  describe('fall back, 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z)', () => {
    it('runs a repeated fixed-time fire once, at its first occurrence', () => {
      expect(summary(nextFires('30 1 * * *', tz, at('2026-10-31T12:00:00Z'), 2))).toEqual([
        [
          '2026-11-01T05:30:00.000Z',
          '2026-11-01T01:30:00-04:00',
          'DST: 01:30 occurs twice on 2026-11-01; runs once, at the first occurrence',
        ],
        ['2026-11-02T06:30:00.000Z', '2026-11-02T01:30:00-05:00'],
      ]);
    });

    it('does not run the second occurrence when asked from between the two', () => {
      expect(nextFires('30 1 * * *', tz, at('2026-11-01T06:00:00Z'), 1)[0]?.iso).toBe(
        '2026-11-02T06:30:00.000Z',
      );
    });

    it('keeps the seconds in the note', () => {
      expect(nextFires('30 1 * * * 15', tz, at('2026-10-31T12:00:00Z'), 1)[0]).toMatchObject({
        iso: '2026-11-01T05:30:15.000Z',
        note: 'DST: 01:30:15 occurs twice on 2026-11-01; runs once, at the first occurrence',
      });
    });

    it('runs a wildcard fire twice in the repeated hour, noting the second', () => {
      expect(
        summary(firesBetween('30 * * * *', tz, at('2026-11-01T04:00:00Z'), at('2026-11-01T08:00:00Z'))),
      ).toEqual([
        ['2026-11-01T04:30:00.000Z', '2026-11-01T00:30:00-04:00'],
        ['2026-11-01T05:30:00.000Z', '2026-11-01T01:30:00-04:00'],
        [
          '2026-11-01T06:30:00.000Z',
          '2026-11-01T01:30:00-05:00',
          'DST: repeated hour, second 01:30 (UTC-05:00)',
        ],
        ['2026-11-01T07:30:00.000Z', '2026-11-01T02:30:00-05:00'],
      ]);
    });

    it('keeps real-time order for sub-hour wildcards across the repeat', () => {
      const fires = firesBetween('*/20 * * * *', tz, at('2026-11-01T05:30:00Z'), at('2026-11-01T07:00:00Z'));
      expect(summary(fires)).toEqual([
        ['2026-11-01T05:40:00.000Z', '2026-11-01T01:40:00-04:00'],
        [
          '2026-11-01T06:00:00.000Z',
          '2026-11-01T01:00:00-05:00',
          'DST: repeated hour, second 01:00 (UTC-05:00)',
        ],
        [
          '2026-11-01T06:20:00.000Z',
          '2026-11-01T01:20:00-05:00',
          'DST: repeated hour, second 01:20 (UTC-05:00)',
        ],
        [
          '2026-11-01T06:40:00.000Z',
          '2026-11-01T01:40:00-05:00',
          'DST: repeated hour, second 01:40 (UTC-05:00)',
        ],
        ['2026-11-01T07:00:00.000Z', '2026-11-01T02:00:00-05:00'],
      ]);
    });
  });

  describe('other years', () => {
    it('2025: spring forward on 03-09, fall back on 11-02', () => {
      expect(summary(nextFires('30 2 * * *', tz, at('2025-03-08T12:00:00Z'), 1))).toEqual([
        [
          '2025-03-09T07:00:00.000Z',
          '2025-03-09T03:00:00-04:00',
          'DST: 02:30 does not exist on 2025-03-09 (clocks jump 02:00→03:00); runs at 03:00',
        ],
      ]);
      expect(summary(nextFires('30 1 * * *', tz, at('2025-11-01T12:00:00Z'), 2))).toEqual([
        [
          '2025-11-02T05:30:00.000Z',
          '2025-11-02T01:30:00-04:00',
          'DST: 01:30 occurs twice on 2025-11-02; runs once, at the first occurrence',
        ],
        ['2025-11-03T06:30:00.000Z', '2025-11-03T01:30:00-05:00'],
      ]);
    });

    it('2027: spring forward on 03-14, fall back on 11-07', () => {
      expect(nextFires('0,30 2 * * *', tz, at('2027-03-13T12:00:00Z'), 1)[0]).toMatchObject({
        iso: '2027-03-14T07:00:00.000Z',
        note: 'DST: 02:00, 02:30 do not exist on 2027-03-14 (clocks jump 02:00→03:00); merged into one run at 03:00',
      });
      expect(
        firesBetween('30 * * * *', tz, at('2027-11-07T05:00:00Z'), at('2027-11-07T07:00:00Z')).map(
          (f) => f.local,
        ),
      ).toEqual(['2027-11-07T01:30:00-04:00', '2027-11-07T01:30:00-05:00']);
    });
  });
});

describe('Europe/Paris', () => {
  const tz = 'Europe/Paris';

  describe('spring forward, 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z)', () => {
    it('runs a fixed-time fire in the gap once, at the transition', () => {
      expect(summary(nextFires('30 2 * * *', tz, at('2026-03-28T12:00:00Z'), 2))).toEqual([
        [
          '2026-03-29T01:00:00.000Z',
          '2026-03-29T03:00:00+02:00',
          'DST: 02:30 does not exist on 2026-03-29 (clocks jump 02:00→03:00); runs at 03:00',
        ],
        ['2026-03-30T00:30:00.000Z', '2026-03-30T02:30:00+02:00'],
      ]);
    });

    it('merges 02:00 and 02:30 into one run at 03:00', () => {
      expect(summary(nextFires('0,30 2 * * *', tz, at('2026-03-28T12:00:00Z'), 1))).toEqual([
        [
          '2026-03-29T01:00:00.000Z',
          '2026-03-29T03:00:00+02:00',
          'DST: 02:00, 02:30 do not exist on 2026-03-29 (clocks jump 02:00→03:00); merged into one run at 03:00',
        ],
      ]);
    });

    it('lists a long run of skipped fires briefly', () => {
      expect(
        nextFires('0-59 2 * * *', tz, at('2026-03-28T12:00:00Z'), 2).map((f) => [f.iso, f.note]),
      ).toEqual([
        [
          '2026-03-29T01:00:00.000Z',
          'DST: 02:00, 02:01, 02:02, 02:03, 02:04 and 55 more do not exist on 2026-03-29 (clocks jump 02:00→03:00); merged into one run at 03:00',
        ],
        ['2026-03-30T00:00:00.000Z', undefined],
      ]);
    });

    it('skips the missing wall hour for wildcard jobs', () => {
      expect(
        summary(firesBetween('30 * * * *', tz, at('2026-03-28T23:00:00Z'), at('2026-03-29T03:00:00Z'))),
      ).toEqual([
        ['2026-03-28T23:30:00.000Z', '2026-03-29T00:30:00+01:00'],
        ['2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00+01:00'],
        ['2026-03-29T01:30:00.000Z', '2026-03-29T03:30:00+02:00'],
        ['2026-03-29T02:30:00.000Z', '2026-03-29T04:30:00+02:00'],
      ]);
    });
  });

  describe('fall back, 2026-10-25 03:00 CEST -> 02:00 CET (01:00Z)', () => {
    it('runs a repeated fixed-time fire once, at its first occurrence', () => {
      expect(summary(nextFires('30 2 * * *', tz, at('2026-10-24T12:00:00Z'), 2))).toEqual([
        [
          '2026-10-25T00:30:00.000Z',
          '2026-10-25T02:30:00+02:00',
          'DST: 02:30 occurs twice on 2026-10-25; runs once, at the first occurrence',
        ],
        ['2026-10-26T01:30:00.000Z', '2026-10-26T02:30:00+01:00'],
      ]);
    });

    it('runs a wildcard fire twice in the repeated hour', () => {
      expect(
        summary(firesBetween('30 * * * *', tz, at('2026-10-24T23:00:00Z'), at('2026-10-25T03:00:00Z'))),
      ).toEqual([
        ['2026-10-24T23:30:00.000Z', '2026-10-25T01:30:00+02:00'],
        ['2026-10-25T00:30:00.000Z', '2026-10-25T02:30:00+02:00'],
        [
          '2026-10-25T01:30:00.000Z',
          '2026-10-25T02:30:00+01:00',
          'DST: repeated hour, second 02:30 (UTC+01:00)',
        ],
        ['2026-10-25T02:30:00.000Z', '2026-10-25T03:30:00+01:00'],
      ]);
    });
  });

  it('2025: spring forward on 03-30, fall back on 10-26', () => {
    expect(nextFires('30 2 * * *', tz, at('2025-03-29T12:00:00Z'), 1)[0]).toMatchObject({
      iso: '2025-03-30T01:00:00.000Z',
      local: '2025-03-30T03:00:00+02:00',
      note: 'DST: 02:30 does not exist on 2025-03-30 (clocks jump 02:00→03:00); runs at 03:00',
    });
    expect(nextFires('30 2 * * *', tz, at('2025-10-25T12:00:00Z'), 1)[0]).toMatchObject({
      iso: '2025-10-26T00:30:00.000Z',
      local: '2025-10-26T02:30:00+02:00',
      note: 'DST: 02:30 occurs twice on 2025-10-26; runs once, at the first occurrence',
    });
  });
});

describe('Australia/Sydney', () => {
  const tz = 'Australia/Sydney';

  describe('fall back, 2026-04-05 03:00 AEDT -> 02:00 AEST (2026-04-04T16:00Z)', () => {
    it('runs a repeated fixed-time fire once, at its first occurrence', () => {
      expect(summary(nextFires('30 2 * * *', tz, at('2026-04-04T00:00:00Z'), 2))).toEqual([
        [
          '2026-04-04T15:30:00.000Z',
          '2026-04-05T02:30:00+11:00',
          'DST: 02:30 occurs twice on 2026-04-05; runs once, at the first occurrence',
        ],
        ['2026-04-05T16:30:00.000Z', '2026-04-06T02:30:00+10:00'],
      ]);
    });

    it('runs a wildcard fire twice in the repeated hour', () => {
      expect(
        summary(firesBetween('30 * * * *', tz, at('2026-04-04T14:00:00Z'), at('2026-04-04T18:00:00Z'))),
      ).toEqual([
        ['2026-04-04T14:30:00.000Z', '2026-04-05T01:30:00+11:00'],
        ['2026-04-04T15:30:00.000Z', '2026-04-05T02:30:00+11:00'],
        [
          '2026-04-04T16:30:00.000Z',
          '2026-04-05T02:30:00+10:00',
          'DST: repeated hour, second 02:30 (UTC+10:00)',
        ],
        ['2026-04-04T17:30:00.000Z', '2026-04-05T03:30:00+10:00'],
      ]);
    });
  });

  describe('spring forward, 2026-10-04 02:00 AEST -> 03:00 AEDT (2026-10-03T16:00Z)', () => {
    it('runs a fixed-time fire in the gap once, at the transition', () => {
      expect(summary(nextFires('30 2 * * *', tz, at('2026-10-02T00:00:00Z'), 3))).toEqual([
        ['2026-10-02T16:30:00.000Z', '2026-10-03T02:30:00+10:00'],
        [
          '2026-10-03T16:00:00.000Z',
          '2026-10-04T03:00:00+11:00',
          'DST: 02:30 does not exist on 2026-10-04 (clocks jump 02:00→03:00); runs at 03:00',
        ],
        ['2026-10-04T15:30:00.000Z', '2026-10-05T02:30:00+11:00'],
      ]);
    });

    it('merges several gap fires into one', () => {
      expect(nextFires('0,30 2 * * *', tz, at('2026-10-03T12:00:00Z'), 1)[0]).toMatchObject({
        iso: '2026-10-03T16:00:00.000Z',
        note: 'DST: 02:00, 02:30 do not exist on 2026-10-04 (clocks jump 02:00→03:00); merged into one run at 03:00',
      });
    });

    it('skips the missing wall hour for wildcard jobs', () => {
      expect(
        summary(firesBetween('30 * * * *', tz, at('2026-10-03T14:00:00Z'), at('2026-10-03T18:00:00Z'))),
      ).toEqual([
        ['2026-10-03T14:30:00.000Z', '2026-10-04T00:30:00+10:00'],
        ['2026-10-03T15:30:00.000Z', '2026-10-04T01:30:00+10:00'],
        ['2026-10-03T16:30:00.000Z', '2026-10-04T03:30:00+11:00'],
        ['2026-10-03T17:30:00.000Z', '2026-10-04T04:30:00+11:00'],
      ]);
    });
  });

  it('2027: fall back on 04-04, spring forward on 10-03', () => {
    expect(nextFires('30 2 * * *', tz, at('2027-04-03T00:00:00Z'), 1)[0]).toMatchObject({
      iso: '2027-04-03T15:30:00.000Z',
      local: '2027-04-04T02:30:00+11:00',
      note: 'DST: 02:30 occurs twice on 2027-04-04; runs once, at the first occurrence',
    });
    expect(nextFires('30 2 * * *', tz, at('2027-10-01T12:00:00Z'), 2).map((f) => f.local)).toEqual([
      '2027-10-02T02:30:00+10:00',
      '2027-10-03T03:00:00+11:00',
    ]);
  });
});

describe('Australia/Lord_Howe (30-minute shifts)', () => {
  const tz = 'Australia/Lord_Howe';

  it('spring forward 2026-10-04 02:00 -> 02:30: 15 2 * * * runs once at 02:30', () => {
    expect(summary(nextFires('15 2 * * *', tz, at('2026-10-02T12:00:00Z'), 3))).toEqual([
      ['2026-10-02T15:45:00.000Z', '2026-10-03T02:15:00+10:30'],
      [
        '2026-10-03T15:30:00.000Z',
        '2026-10-04T02:30:00+11:00',
        'DST: 02:15 does not exist on 2026-10-04 (clocks jump 02:00→02:30); runs at 02:30',
      ],
      ['2026-10-04T15:15:00.000Z', '2026-10-05T02:15:00+11:00'],
    ]);
  });

  it('spring forward: wildcard fires in the half-hour gap vanish', () => {
    expect(
      firesBetween('*/15 2 * * *', tz, at('2026-10-03T15:00:00Z'), at('2026-10-03T17:00:00Z')).map(
        (f) => f.local,
      ),
    ).toEqual(['2026-10-04T02:30:00+11:00', '2026-10-04T02:45:00+11:00']);
  });

  it('fall back 2026-04-05 02:00 -> 01:30: repeated half hour', () => {
    expect(nextFires('45 1 * * *', tz, at('2026-04-04T12:00:00Z'), 1)[0]).toMatchObject({
      iso: '2026-04-04T14:45:00.000Z',
      local: '2026-04-05T01:45:00+11:00',
      note: 'DST: 01:45 occurs twice on 2026-04-05; runs once, at the first occurrence',
    });
    expect(summary(nextFires('*/15 1 * * *', tz, at('2026-04-04T12:00:00Z'), 7))).toEqual([
      ['2026-04-04T14:00:00.000Z', '2026-04-05T01:00:00+11:00'],
      ['2026-04-04T14:15:00.000Z', '2026-04-05T01:15:00+11:00'],
      ['2026-04-04T14:30:00.000Z', '2026-04-05T01:30:00+11:00'],
      ['2026-04-04T14:45:00.000Z', '2026-04-05T01:45:00+11:00'],
      [
        '2026-04-04T15:00:00.000Z',
        '2026-04-05T01:30:00+10:30',
        'DST: repeated hour, second 01:30 (UTC+10:30)',
      ],
      [
        '2026-04-04T15:15:00.000Z',
        '2026-04-05T01:45:00+10:30',
        'DST: repeated hour, second 01:45 (UTC+10:30)',
      ],
      ['2026-04-05T14:30:00.000Z', '2026-04-06T01:00:00+10:30'],
    ]);
  });
});

describe('a whole-day jump (Pacific/Apia skipped 2011-12-30)', () => {
  it('runs the lost midnight at the transition, merged with the next one', () => {
    expect(summary(nextFires('@daily', 'Pacific/Apia', at('2011-12-29T00:00:00Z'), 3))).toEqual([
      ['2011-12-29T10:00:00.000Z', '2011-12-29T00:00:00-10:00'],
      [
        '2011-12-30T10:00:00.000Z',
        '2011-12-31T00:00:00+14:00',
        'DST: 00:00 does not exist on 2011-12-30 (clocks jump 2011-12-30 00:00→2011-12-31 00:00); merged into one run at 2011-12-31 00:00',
      ],
      ['2011-12-31T10:00:00.000Z', '2012-01-01T00:00:00+14:00'],
    ]);
  });
});
