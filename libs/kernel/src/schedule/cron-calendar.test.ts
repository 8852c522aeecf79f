import { describe, expect, it } from '@jest/globals';
import { canEverMatchDay, matchesDay, matchingDays, matchingTimes } from './cron-calendar.js';
import { parseCron } from './cron-parser.js';
import { daysFromCivil } from './civil-time.js';

const day = (y: number, m: number, d: number): number => daysFromCivil(y, m, d);

describe('matchesDay', () => {
  it('ORs the day fields when both are restricted (Vixie)', () => {
    const expr = parseCron('0 0 13 * 5');
    expect(matchesDay(expr, day(2026, 1, 13))).toBe(true); // a Tuesday, the 13th
    expect(matchesDay(expr, day(2026, 1, 16))).toBe(true); // a Friday
    expect(matchesDay(expr, day(2026, 1, 14))).toBe(false);
  });

  it('ANDs them when one starts with *', () => {
    const everyOtherDayOnFriday = parseCron('0 0 */2 * 5');
    expect(matchesDay(everyOtherDayOnFriday, day(2026, 1, 9))).toBe(true); // Friday, odd day
    expect(matchesDay(everyOtherDayOnFriday, day(2026, 1, 16))).toBe(false); // Friday, even day
    expect(matchesDay(everyOtherDayOnFriday, day(2026, 1, 11))).toBe(false); // odd day, Sunday
  });

  it('checks the month', () => {
    expect(matchesDay(parseCron('0 0 * 2 *'), day(2026, 3, 1))).toBe(false);
    expect(matchesDay(parseCron('0 0 * 2 *'), day(2026, 2, 28))).toBe(true);
  });
});

describe('canEverMatchDay', () => {
  it('spots calendars that never happen', () => {
    expect(canEverMatchDay(parseCron('0 0 30 2 *'))).toBe(false);
    expect(canEverMatchDay(parseCron('0 0 31 4,6,9,11 *'))).toBe(false);
    expect(canEverMatchDay(parseCron('0 0 29 2 *'))).toBe(true);
    expect(canEverMatchDay(parseCron('0 0 30 2 1'))).toBe(true);
    expect(canEverMatchDay(parseCron('0 0 31 1-12 *'))).toBe(true);
  });
});

describe('matchingDays', () => {
  it('skips months that cannot match', () => {
    expect([...matchingDays(parseCron('0 0 29 2 *'), day(2026, 1, 1), day(2032, 12, 31))]).toEqual([
      day(2028, 2, 29),
      day(2032, 2, 29),
    ]);
  });
});

describe('matchingTimes', () => {
  it('lists seconds of the day from a lower bound', () => {
    expect([...matchingTimes(parseCron('0,30 1-2 * * * 0,30'), 3600 + 30 * 60 + 1)]).toEqual([
      3600 + 30 * 60 + 30,
      7200,
      7230,
      7200 + 1800,
      7200 + 1830,
    ]);
  });
});
