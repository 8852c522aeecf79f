/**
 * Which wall-clock days and times a cron expression matches, zone-free.
 * Days are day numbers (days since 1970-01-01); times are seconds since midnight.
 */
import type { CronExpression } from './cron-parser.js';
import { civilFromDays, daysFromCivil, daysInMonth, weekdayOfDays } from './civil-time.js';

/** Vixie rule: when both day fields are restricted either may match; otherwise both must. */
export function matchesDay(expr: CronExpression, days: number): boolean {
  const { year, month, day } = civilFromDays(days);
  if (!expr.months.includes(month)) return false;
  const domMatch = expr.daysOfMonth.includes(day) && day <= daysInMonth(year, month);
  const dowMatch = expr.daysOfWeek.includes(weekdayOfDays(days));
  return expr.domRestricted && expr.dowRestricted ? domMatch || dowMatch : domMatch && dowMatch;
}

/**
 * False when no calendar day can ever match (`0 0 30 2 *`), so searches can give up at once
 * instead of walking years of days.
 */
export function canEverMatchDay(expr: CronExpression): boolean {
  // Any restricted day of week comes round every week.
  if (expr.dowRestricted) return true;
  // Only the day of month narrows it: some month must be long enough (February counts as 29).
  const longest = Math.max(...expr.months.map((m) => (m === 2 ? 29 : daysInMonth(2001, m))));
  return (expr.daysOfMonth[0] ?? Infinity) <= longest;
}

/** Matching day numbers from `firstDay` to `lastDay` inclusive, skipping whole months that cannot match. */
export function* matchingDays(expr: CronExpression, firstDay: number, lastDay: number): Generator<number> {
  if (!canEverMatchDay(expr)) return;
  let days = firstDay;
  while (days <= lastDay) {
    const { year, month } = civilFromDays(days);
    if (!expr.months.includes(month)) {
      const next = expr.months.find((m) => m > month);
      days =
        next === undefined ? daysFromCivil(year + 1, expr.months[0] ?? 1, 1) : daysFromCivil(year, next, 1);
      continue;
    }
    if (matchesDay(expr, days)) yield days;
    days += 1;
  }
}

/** Matching seconds of the day at or after `fromSecond`, ascending. */
export function* matchingTimes(expr: CronExpression, fromSecond = 0): Generator<number> {
  const fromHour = Math.floor(fromSecond / 3600);
  for (const h of expr.hours) {
    if (h < fromHour) continue;
    for (const m of expr.minutes) {
      const minuteStart = h * 3600 + m * 60;
      if (minuteStart + 59 < fromSecond) continue;
      for (const s of expr.seconds) {
        const t = minuteStart + s;
        if (t >= fromSecond) yield t;
      }
    }
  }
}
