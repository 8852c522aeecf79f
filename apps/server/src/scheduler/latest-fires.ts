import { firesBetween } from '@nomaflow/kernel';
import type { Fire } from '@nomaflow/kernel';

const HOUR_MS = 3_600_000;
/** firesBetween returns the earliest fires first; a dense window is read in pages of this size. */
const PAGE = 10_000;

/**
 * The latest `count` fires with `after < at <= until`, ascending.
 *
 * Catch-up only ever records the latest fires of a gap, so it walks back from `until` in windows
 * that grow fourfold (1 h, 4 h, 16 h, …): a per-second cron after a week of downtime costs one
 * one-hour window instead of 600,000 fires, and a monthly cron after a year costs a few windows.
 */
export function latestFires(cron: string, timezone: string, after: Date, until: Date, count: number): Fire[] {
  const floor = after.getTime();
  let hi = until.getTime();
  if (!(count > 0) || hi <= floor) return [];
  let found: Fire[] = [];
  for (let span = HOUR_MS; found.length < count && hi > floor; span *= 4) {
    const lo = Math.max(floor, hi - span);
    found = windowTail(cron, timezone, lo, hi, count - found.length).concat(found);
    hi = lo;
  }
  return found.slice(-count);
}

/** The last `count` fires in `(lo, hi]`, paging forward through windows denser than one page. */
function windowTail(cron: string, timezone: string, lo: number, hi: number, count: number): Fire[] {
  let tail: Fire[] = [];
  let from = lo;
  for (;;) {
    const page = firesBetween(cron, timezone, new Date(from), new Date(hi), PAGE);
    tail = tail.concat(page).slice(-count);
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return tail;
    from = last.at.getTime();
  }
}
