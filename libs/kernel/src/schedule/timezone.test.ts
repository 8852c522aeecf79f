import { describe, expect, it } from '@jest/globals';
import { wallSeconds } from './civil-time.js';
import { isValidTimezone, offsetAt, serverTimezone, wallToInstants, zoneWindow } from './timezone.js';

const instant = (iso: string): number => Date.parse(iso) / 1000;

describe('isValidTimezone', () => {
  it.each([
    'UTC',
    'Etc/UTC',
    'Etc/GMT+5',
    'US/Eastern',
    'Europe/Paris',
    'America/New_York',
    'Australia/Lord_Howe',
  ])('accepts %s', (tz) => expect(isValidTimezone(tz)).toBe(true));

  it.each([
    '',
    ' ',
    'garbage',
    'Mars/Olympus',
    'Europe/Paris ',
    '+01:00',
    '-05:00',
    '+0100',
    'UTC+1',
    'GMT+5',
    '5',
  ])('rejects %j', (tz) => expect(isValidTimezone(tz)).toBe(false));

  it('rejects non-strings from untyped callers', () => {
    expect(isValidTimezone(undefined as unknown as string)).toBe(false);
  });
});

describe('serverTimezone', () => {
  it('is a valid zone, the one Intl resolves', () => {
    expect(isValidTimezone(serverTimezone())).toBe(true);
    expect(serverTimezone()).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});

describe('offsetAt', () => {
  it('reads the offset in force at an instant, in seconds', () => {
    expect(offsetAt('UTC', instant('2026-07-01T00:00:00Z'))).toBe(0);
    expect(offsetAt('America/New_York', instant('2026-01-15T12:00:00Z'))).toBe(-5 * 3600);
    expect(offsetAt('America/New_York', instant('2026-07-15T12:00:00Z'))).toBe(-4 * 3600);
    expect(offsetAt('Europe/Paris', instant('2026-03-29T00:59:59Z'))).toBe(3600);
    expect(offsetAt('Europe/Paris', instant('2026-03-29T01:00:00Z'))).toBe(7200);
    expect(offsetAt('Australia/Lord_Howe', instant('2026-07-01T00:00:00Z'))).toBe(10.5 * 3600);
    expect(offsetAt('Etc/GMT+5', instant('2026-07-01T00:00:00Z'))).toBe(-5 * 3600);
  });
});

describe('zoneWindow', () => {
  it('finds the transition instant to the second', () => {
    const w = zoneWindow(
      'America/New_York',
      instant('2026-11-01T00:00:00Z'),
      instant('2026-11-02T00:00:00Z'),
    );
    expect(w).toEqual({ before: -4 * 3600, after: -5 * 3600, transition: instant('2026-11-01T06:00:00Z') });
  });

  it('has no transition when the offset does not change', () => {
    expect(
      zoneWindow('Europe/Paris', instant('2026-06-01T00:00:00Z'), instant('2026-06-04T00:00:00Z')),
    ).toEqual({
      before: 7200,
      after: 7200,
    });
  });
});

describe('wallToInstants', () => {
  it('maps an ordinary wall time to one instant', () => {
    expect(wallToInstants('Europe/Paris', wallSeconds(2026, 6, 1, 12))).toEqual({
      kind: 'single',
      instant: instant('2026-06-01T10:00:00Z'),
      offset: 7200,
    });
  });

  it('reports a spring-forward gap with the transition instant', () => {
    expect(wallToInstants('Europe/Paris', wallSeconds(2026, 3, 29, 2, 30))).toEqual({
      kind: 'gap',
      transition: instant('2026-03-29T01:00:00Z'),
      before: 3600,
      after: 7200,
    });
    expect(wallToInstants('Australia/Lord_Howe', wallSeconds(2026, 10, 4, 2, 15))).toEqual({
      kind: 'gap',
      transition: instant('2026-10-03T15:30:00Z'),
      before: 10.5 * 3600,
      after: 11 * 3600,
    });
  });

  it('reports both instants of a repeated wall time', () => {
    expect(wallToInstants('America/New_York', wallSeconds(2026, 11, 1, 1, 30))).toEqual({
      kind: 'overlap',
      first: instant('2026-11-01T05:30:00Z'),
      second: instant('2026-11-01T06:30:00Z'),
      firstOffset: -4 * 3600,
      secondOffset: -5 * 3600,
    });
  });

  it('treats the wall times at the edges of a gap and an overlap as single', () => {
    // 03:00 is the end of the Paris gap, 02:00 in New York on fall-back day happens once (EST).
    expect(wallToInstants('Europe/Paris', wallSeconds(2026, 3, 29, 3))).toMatchObject({
      kind: 'single',
      instant: instant('2026-03-29T01:00:00Z'),
    });
    expect(wallToInstants('America/New_York', wallSeconds(2026, 11, 1, 2))).toMatchObject({
      kind: 'single',
      instant: instant('2026-11-01T07:00:00Z'),
    });
  });
});
