import type { FakeClock } from '@nomaflow/kernel/testing';
import type { SchedulerService } from '../../apps/server/src/scheduler/scheduler.service.js';

/**
 * Moves the fake time to `target`, stopping at every instant a scheduler timer is due and letting
 * the schedulers finish what the timer started (their work is database I/O, not timers).
 */
export async function advanceTo(
  clock: FakeClock,
  schedulers: SchedulerService[],
  target: Date,
): Promise<void> {
  const idle = () => Promise.all(schedulers.map((s) => s.idle()));
  for (;;) {
    await idle();
    const due = schedulers
      .map((s) => s.nextWakeup()?.getTime())
      .filter((t): t is number => t !== undefined && t <= target.getTime());
    const now = clock.now().getTime();
    if (due.length === 0) {
      await clock.advance(target.getTime() - now);
      await idle();
      return;
    }
    await clock.advance(Math.max(0, Math.min(...due) - now));
  }
}
