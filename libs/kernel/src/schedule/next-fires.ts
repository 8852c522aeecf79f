/** Public schedule queries: the next fires of a job, and its fires within a span (catch-up, calendars). */
import { SECONDS_PER_DAY, formatOffset, formatWall } from './civil-time.js';
import { parseCron, type CronExpression } from './cron-parser.js';
import { fireStream, type StreamFire } from './fire-stream.js';
import { isValidTimezone, offsetAt } from './timezone.js';

export interface Fire {
  /** The real instant. */
  at: Date;
  /** `at.toISOString()` */
  iso: string;
  /** Wall time in the zone with its offset, e.g. `2026-03-29T03:00:00+02:00`. */
  local: string;
  /** Only when DST moved, merged or repeated this fire. */
  note?: string;
}

/** Searches give up after this many days: past it an expression is treated as never firing. */
const HORIZON_DAYS = 3653;
/** Wall times this far before `from`'s can still fall after it (fall-back overlaps, odd offsets). */
const SAFETY_MARGIN_SECONDS = 3 * 3600;
const DEFAULT_LIMIT = 1000;

/** Fires strictly after `from`, ascending; fewer (or none) if the expression does not fire within ~10 years. */
export function nextFires(
  cron: string | CronExpression,
  timezone: string,
  from: Date,
  count: number,
): Fire[] {
  const expr = resolve(cron, timezone);
  const fromMs = checkDate(from, 'from');
  const fires: Fire[] = [];
  if (!(count > 0)) return fires;
  const startWall = startWallFor(timezone, fromMs);
  const lastDay = Math.floor(startWall / SECONDS_PER_DAY) + HORIZON_DAYS;
  for (const fire of fireStream(expr, timezone, startWall, lastDay)) {
    if (fire.at * 1000 <= fromMs) continue;
    fires.push(toFire(fire));
    if (fires.length >= count) break;
  }
  return fires;
}

/** Fires with `after < at <= until`, ascending, at most `limit`. */
export function firesBetween(
  cron: string | CronExpression,
  timezone: string,
  after: Date,
  until: Date,
  limit: number = DEFAULT_LIMIT,
): Fire[] {
  const expr = resolve(cron, timezone);
  const afterMs = checkDate(after, 'after');
  const untilMs = checkDate(until, 'until');
  const fires: Fire[] = [];
  if (!(limit > 0) || untilMs <= afterMs) return fires;
  const startWall = startWallFor(timezone, afterMs);
  // Wall times run at most ~14 h ahead of UTC, so two days past `until` covers every offset.
  const lastDay = Math.floor(untilMs / 1000 / SECONDS_PER_DAY) + 2;
  for (const fire of fireStream(expr, timezone, startWall, lastDay)) {
    if (fire.at * 1000 <= afterMs) continue;
    if (fire.at * 1000 > untilMs) break;
    fires.push(toFire(fire));
    if (fires.length >= limit) break;
  }
  return fires;
}

function resolve(cron: string | CronExpression, timezone: string): CronExpression {
  if (!isValidTimezone(timezone)) throw new RangeError(`unknown time zone "${String(timezone)}"`);
  return typeof cron === 'string' ? parseCron(cron) : cron;
}

function checkDate(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid Date`);
  return ms;
}

/**
 * The earliest wall time that can belong to an instant after `fromMs`: the smaller of the
 * offsets now and a day later (a fall-back repeats earlier wall times), less a margin.
 */
function startWallFor(timezone: string, fromMs: number): number {
  const from = Math.floor(fromMs / 1000);
  const offset = Math.min(offsetAt(timezone, from), offsetAt(timezone, from + SECONDS_PER_DAY));
  return from + offset - SAFETY_MARGIN_SECONDS;
}

function toFire(fire: StreamFire): Fire {
  const at = new Date(fire.at * 1000);
  const result: Fire = {
    at,
    iso: at.toISOString(),
    local: formatWall(fire.at + fire.offset) + formatOffset(fire.offset),
  };
  if (fire.note !== undefined) result.note = fire.note;
  return result;
}
