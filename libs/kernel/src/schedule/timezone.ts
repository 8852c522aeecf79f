/**
 * IANA zone maths on top of Intl (Node ships full ICU): UTC offsets of instants, and the
 * instants of a wall time, which may be none (spring-forward gap) or two (fall-back overlap).
 *
 * Instants are whole epoch seconds and wall times are wall seconds (see civil-time.ts);
 * an offset is in seconds east of UTC, so `wall = instant + offset`.
 */
import { SECONDS_PER_DAY, daysFromCivil } from './civil-time.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

export function isValidTimezone(tz: string): boolean {
  if (typeof tz !== 'string' || tz === '' || tz !== tz.trim()) return false;
  // Newer ICU versions accept bare offsets ("+01:00"); those are not zones and have no DST rules.
  if (/^[+-]/.test(tz) || /^\d/.test(tz)) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

export function serverTimezone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** UTC offset, in seconds, in force in `timezone` at the instant `instant` (epoch seconds). */
export function offsetAt(timezone: string, instant: number): number {
  const parts = formatterFor(timezone).formatToParts(new Date(instant * 1000));
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of parts) {
    const value = Number(part.value);
    switch (part.type) {
      case 'year':
        year = value;
        break;
      case 'month':
        month = value;
        break;
      case 'day':
        day = value;
        break;
      case 'hour':
        hour = value;
        break;
      case 'minute':
        minute = value;
        break;
      case 'second':
        second = value;
        break;
      case 'era':
        bc = /^B/i.test(part.value);
        break;
      default:
        break;
    }
  }
  if (bc) year = 1 - year;
  const wall = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
  return wall - instant;
}

/**
 * The offsets of `timezone` over a span of instants, assuming at most one transition in it
 * (true of every real zone for spans of a few days).
 */
export interface ZoneWindow {
  before: number;
  after: number;
  /** First instant with the `after` offset; absent when the offset does not change. */
  transition?: number;
}

export function zoneWindow(timezone: string, fromInstant: number, toInstant: number): ZoneWindow {
  const before = offsetAt(timezone, fromInstant);
  const after = offsetAt(timezone, toInstant);
  if (before === after) return { before, after };
  // Binary search to the second: offsets only ever change on whole seconds.
  let lo = fromInstant;
  let hi = toInstant;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(timezone, mid) === before) lo = mid;
    else hi = mid;
  }
  return { before, after, transition: hi };
}

export type WallMapping =
  | { kind: 'single'; instant: number; offset: number }
  /** The wall time happens twice: first with `firstOffset`, again with `secondOffset`. */
  | { kind: 'overlap'; first: number; second: number; firstOffset: number; secondOffset: number }
  /** The wall time is skipped; `transition` is the first real instant after the gap. */
  | { kind: 'gap'; transition: number; before: number; after: number };

/** Maps a wall time to its instants, given the offsets around it. */
export function mapWall(window: ZoneWindow, wall: number): WallMapping {
  const { before, after, transition } = window;
  if (transition === undefined) return { kind: 'single', instant: wall - before, offset: before };
  // A candidate is real when its offset round-trips: it lies on its own side of the transition.
  const early = wall - before;
  const late = wall - after;
  const earlyReal = early < transition;
  const lateReal = late >= transition;
  if (earlyReal && lateReal) {
    return { kind: 'overlap', first: early, second: late, firstOffset: before, secondOffset: after };
  }
  if (earlyReal) return { kind: 'single', instant: early, offset: before };
  if (lateReal) return { kind: 'single', instant: late, offset: after };
  return { kind: 'gap', transition, before, after };
}

/** The instants of one wall time, trying the offsets found a day before and a day after it. */
export function wallToInstants(timezone: string, wall: number): WallMapping {
  return mapWall(zoneWindow(timezone, wall - SECONDS_PER_DAY, wall + SECONDS_PER_DAY), wall);
}
