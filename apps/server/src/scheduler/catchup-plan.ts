import type { Catchup } from '@nomaflow/contracts';
import type { Fire } from '@nomaflow/kernel';

/** SPEC §1: catch-up replays at most this many fires, and at most this many missed ones are recorded. */
export const CATCHUP_CAP = 100;

export interface CatchupPlan {
  /** Recorded as missed, not run. */
  missed: Fire[];
  /** Queued as runs, oldest first. */
  queue: Fire[];
}

/**
 * How many of the latest missed fires the plan needs to see: the ones it queues plus up to
 * CATCHUP_CAP recorded as missed before them. Older fires are neither run nor recorded — a job
 * down for a year at one fire a second must not write thirty million rows on start.
 */
export function catchupLookback(policy: Catchup): number {
  switch (policy) {
    case 'all':
      return 2 * CATCHUP_CAP;
    case 'last':
      return CATCHUP_CAP + 1;
    case 'none':
      return CATCHUP_CAP;
  }
}

/** Splits the latest missed fires (ascending, as `latestFires` returns them) by the job's policy. */
export function planCatchup(fires: readonly Fire[], policy: Catchup): CatchupPlan {
  const runs = policy === 'all' ? CATCHUP_CAP : policy === 'last' ? 1 : 0;
  const split = Math.max(0, fires.length - runs);
  return {
    missed: fires.slice(Math.max(0, split - CATCHUP_CAP), split),
    queue: fires.slice(split),
  };
}
