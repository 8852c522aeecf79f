/**
 * The fires of a cron expression in one zone, in real-time order, with the DST rules applied:
 *  - fixed-time fires in a spring-forward gap run once at the transition (merged if several);
 *  - fixed-time fires in a fall-back overlap run once, at the first occurrence;
 *  - wildcard fires run at every real instant whose wall time matches (twice in an overlap,
 *    never in a gap).
 */
import { canEverMatchDay, matchingDays, matchingTimes } from './cron-calendar.js';
import type { CronExpression } from './cron-parser.js';
import { SECONDS_PER_DAY } from './civil-time.js';
import { gapNote, repeatedOnceNote, repeatedSecondNote, type GapGroup } from './dst-notes.js';
import { mapWall, zoneWindow } from './timezone.js';

export interface StreamFire {
  /** Epoch seconds. */
  at: number;
  /** UTC offset (seconds) in force at `at`. */
  offset: number;
  note?: string;
}

interface Candidate {
  at: number;
  offset: number;
  /** Wall times that ran here as scheduled (0 for a pure gap fire). */
  regular: number;
  gaps: GapGroup[];
  notes: string[];
}

/**
 * Walks the matching wall times from `startWall` through day `lastDay`, day by day.
 * Wall order equals real-time order except for second occurrences in an overlap, which are
 * queued and merged back in; fires landing on the same instant become one.
 */
export function* fireStream(
  expr: CronExpression,
  timezone: string,
  startWall: number,
  lastDay: number,
): Generator<StreamFire> {
  if (!canEverMatchDay(expr)) return;
  const merger = new FireMerger();
  const firstDay = Math.floor(startWall / SECONDS_PER_DAY);

  for (const days of matchingDays(expr, firstDay, lastDay)) {
    const dayStart = days * SECONDS_PER_DAY;
    // A day's wall times map to instants within ±14 h of it; a day either side covers any zone.
    const window = zoneWindow(timezone, dayStart - SECONDS_PER_DAY, dayStart + 2 * SECONDS_PER_DAY);
    let gap: GapGroup | undefined;

    for (const tod of matchingTimes(expr, days === firstDay ? startWall - dayStart : 0)) {
      const mapped = mapWall(window, dayStart + tod);
      if (mapped.kind === 'gap') {
        if (expr.fixedTime) {
          gap ??= {
            days,
            skipped: [],
            transition: mapped.transition,
            before: mapped.before,
            after: mapped.after,
          };
          gap.skipped.push(tod);
        }
        continue;
      }
      if (gap !== undefined) {
        yield* merger.first(gapCandidate(gap));
        gap = undefined;
      }
      if (mapped.kind === 'single') {
        yield* merger.first(candidate(mapped.instant, mapped.offset));
      } else if (expr.fixedTime) {
        yield* merger.first(candidate(mapped.first, mapped.firstOffset, repeatedOnceNote(days, tod)));
      } else {
        yield* merger.first(candidate(mapped.first, mapped.firstOffset));
        merger.second(
          candidate(mapped.second, mapped.secondOffset, repeatedSecondNote(tod, mapped.secondOffset)),
        );
      }
    }
    if (gap !== undefined) yield* merger.first(gapCandidate(gap));
  }
  yield* merger.flush();
}

function candidate(at: number, offset: number, note?: string): Candidate {
  return { at, offset, regular: 1, gaps: [], notes: note === undefined ? [] : [note] };
}

function gapCandidate(gap: GapGroup): Candidate {
  return { at: gap.transition, offset: gap.after, regular: 0, gaps: [gap], notes: [] };
}

/**
 * Merges the two ascending sequences (first occurrences, second occurrences) and folds
 * candidates on the same instant together. A candidate is released only once a later one is
 * known, since the next one might still merge into it.
 */
class FireMerger {
  private held: Candidate | undefined;
  private readonly seconds: Candidate[] = [];

  *first(next: Candidate): Generator<StreamFire> {
    while (this.seconds[0] !== undefined && this.seconds[0].at < next.at) {
      yield* this.hold(this.seconds.shift() as Candidate);
    }
    yield* this.hold(next);
  }

  second(next: Candidate): void {
    this.seconds.push(next);
  }

  *flush(): Generator<StreamFire> {
    for (const queued of this.seconds.splice(0)) yield* this.hold(queued);
    if (this.held !== undefined) yield finish(this.held);
    this.held = undefined;
  }

  private *hold(next: Candidate): Generator<StreamFire> {
    const held = this.held;
    if (held !== undefined && held.at === next.at) {
      held.regular += next.regular;
      held.gaps.push(...next.gaps);
      held.notes.push(...next.notes);
      return;
    }
    this.held = next;
    if (held !== undefined) yield finish(held);
  }
}

function finish(c: Candidate): StreamFire {
  const runs = c.regular + c.gaps.reduce((n, g) => n + g.skipped.length, 0);
  const notes = [...c.gaps.map((g) => gapNote(g, runs)), ...c.notes];
  return notes.length === 0
    ? { at: c.at, offset: c.offset }
    : { at: c.at, offset: c.offset, note: notes.join('; ') };
}
