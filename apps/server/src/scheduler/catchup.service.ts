import { Injectable } from '@nestjs/common';
import { catchupLookback, planCatchup } from './catchup-plan.js';
import type { CronJob } from './cron-job.js';
import { catchupNote } from './fire-outcomes.js';
import { FireService } from './fire.service.js';
import { latestFires } from './latest-fires.js';

export interface CatchupResult {
  missed: number;
  /** Fires claimed for a run (queued, or skipped single-instance). */
  replayed: number;
}

/**
 * Fires that fell while no scheduler was running (SPEC §1): recorded as missed, or replayed when the
 * job sets `catchup: last | all`. Every fire goes through the same `fires` claim as a timer fire, so
 * schedulers starting together neither double a replay nor record a fire twice.
 */
@Injectable()
export class CatchupService {
  constructor(private readonly firing: FireService) {}

  /**
   * `lastFire` is the job's latest recorded fire; `until` the instant this scheduler took over
   * (fires after it are armed as timers).
   */
  async run(job: CronJob, lastFire: Date | null, until: Date): Promise<CatchupResult> {
    const after = windowStart(job, lastFire);
    const policy = job.doc.catchup ?? 'none';
    const fires = latestFires(job.cron, job.timezone, after, until, catchupLookback(policy));
    const plan = planCatchup(fires, policy);
    const result: CatchupResult = {
      missed: await this.firing.recordMissed(job.id, plan.missed),
      replayed: 0,
    };
    for (const fire of plan.queue) {
      const fired = await this.firing.fire(job, fire, catchupNote(fire.note));
      if (fired.outcome !== undefined) result.replayed += 1;
      if (fired.current === null) break;
    }
    return result;
  }
}

/**
 * Nothing before the job's last save counts as missed: fires before it existed never were, and a
 * job switched off for a month and back on (a save) did not "miss" that month — replaying it, or
 * recording it missed, would be wrong. After the last recorded fire, the gap is real.
 */
function windowStart(job: CronJob, lastFire: Date | null): Date {
  if (lastFire === null) return job.updatedAt;
  return lastFire.getTime() > job.updatedAt.getTime() ? lastFire : job.updatedAt;
}
