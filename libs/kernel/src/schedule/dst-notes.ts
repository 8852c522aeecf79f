/** The human-readable notes attached to fires that a DST transition moved, merged or repeated. */
import { SECONDS_PER_DAY, formatClock, formatDate, formatOffset } from './civil-time.js';

/** Fixed-time fires of one local day whose wall times fell in the same spring-forward gap. */
export interface GapGroup {
  /** Day number of the skipped wall times. */
  days: number;
  /** Skipped wall times, as seconds of the day, ascending. */
  skipped: number[];
  transition: number;
  before: number;
  after: number;
}

// A fixed-time job such as `0-59 2 * * *` can lose dozens of fires; the note stays readable.
const MAX_LISTED = 5;

/** `mergedRuns` counts every wall time folded into the one run, including a regular fire at the transition. */
export function gapNote(group: GapGroup, mergedRuns: number): string {
  const listed = group.skipped.slice(0, MAX_LISTED).map(formatClock).join(', ');
  const more = group.skipped.length > MAX_LISTED ? ` and ${group.skipped.length - MAX_LISTED} more` : '';
  const verb = group.skipped.length === 1 ? 'does' : 'do';
  let jumpFrom = clockOf(group.transition + group.before);
  let jumpTo = clockOf(group.transition + group.after);
  // A jump across midnight (Pacific/Apia skipped all of 2011-12-30) needs the dates to make sense.
  const fromDay = Math.floor((group.transition + group.before) / SECONDS_PER_DAY);
  const toDay = Math.floor((group.transition + group.after) / SECONDS_PER_DAY);
  if (fromDay !== toDay) {
    jumpFrom = `${formatDate(fromDay)} ${jumpFrom}`;
    jumpTo = `${formatDate(toDay)} ${jumpTo}`;
  }
  const outcome = mergedRuns > 1 ? `merged into one run at ${jumpTo}` : `runs at ${jumpTo}`;
  return `DST: ${listed}${more} ${verb} not exist on ${formatDate(group.days)} (clocks jump ${jumpFrom}→${jumpTo}); ${outcome}`;
}

export function repeatedOnceNote(days: number, secondOfDay: number): string {
  return `DST: ${formatClock(secondOfDay)} occurs twice on ${formatDate(days)}; runs once, at the first occurrence`;
}

export function repeatedSecondNote(secondOfDay: number, offset: number): string {
  return `DST: repeated hour, second ${formatClock(secondOfDay)} (UTC${formatOffset(offset)})`;
}

function clockOf(wall: number): string {
  return formatClock(((wall % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY);
}
