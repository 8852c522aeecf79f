import { describe, expect, it } from '@jest/globals';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  formatClock,
  formatOffset,
  formatWall,
  wallSeconds,
  weekdayOfDays,
} from './civil-time.js';

describe('civil-time', () => {
  it('agrees with Date.UTC on day numbers, both ways', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1969, 12, 31],
      [2000, 2, 29],
      [2026, 3, 29],
      [2100, 3, 1],
      [1600, 1, 1],
    ] as const) {
      const days = Date.UTC(y, m - 1, d) / 86_400_000;
      expect(daysFromCivil(y, m, d)).toBe(days);
      expect(civilFromDays(days)).toEqual({ year: y, month: m, day: d });
    }
  });

  it('round-trips every day over several centuries', () => {
    const mismatches: number[] = [];
    for (let days = daysFromCivil(1890, 1, 1); days < daysFromCivil(2110, 1, 1); days += 1) {
      const { year, month, day } = civilFromDays(days);
      if (daysFromCivil(year, month, day) !== days) mismatches.push(days);
    }
    expect(mismatches).toEqual([]);
  });

  it('knows weekdays (0 = Sunday) and month lengths', () => {
    expect(weekdayOfDays(daysFromCivil(2026, 3, 29))).toBe(0);
    expect(weekdayOfDays(daysFromCivil(2026, 2, 13))).toBe(5);
    expect(weekdayOfDays(daysFromCivil(1969, 12, 31))).toBe(3);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2026, 4)).toBe(30);
    expect(daysInMonth(2026, 12)).toBe(31);
  });

  it('formats wall times, clocks and offsets', () => {
    expect(formatWall(wallSeconds(2026, 3, 29, 3, 4, 5))).toBe('2026-03-29T03:04:05');
    expect(formatClock(2 * 3600 + 30 * 60)).toBe('02:30');
    expect(formatClock(2 * 3600 + 30 * 60 + 15)).toBe('02:30:15');
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(-5 * 3600)).toBe('-05:00');
    expect(formatOffset(10.5 * 3600)).toBe('+10:30');
    expect(formatOffset(-(3 * 3600 + 30 * 60))).toBe('-03:30');
    expect(formatOffset(561)).toBe('+00:09:21');
  });
});
