import { Inject, Injectable } from '@nestjs/common';
import type { Clock, Fire } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { Database } from '../database/database.js';
import { CLOCK } from '../kernel/clock.js';
import { RunQueueService } from '../queue/run-queue.service.js';
import { isFireOf, toCronJob } from './cron-job.js';
import type { CronJob } from './cron-job.js';
import { FireOutcome, failedOutcome, latenessMs } from './fire-outcomes.js';
import { FiresRepository } from './fires.repository.js';
import type { FireRecord } from './fires.repository.js';
import { ScheduledJobsRepository } from './scheduled-jobs.repository.js';

export interface FireResult {
  /** What this process recorded; absent when another process had the fire, or it was given back. */
  outcome?: string;
  runId?: string;
  /**
   * The job as read inside the claim: `null` when it is no longer scheduled (deleted, disabled,
   * manual-only), absent when it was not read (another process had the fire).
   */
  current?: CronJob | null;
}

/**
 * One fire of one job, exactly once across every scheduler process: the `fires` row is claimed and
 * the run queued in the same transaction, so a crash between the two leaves neither behind and the
 * fire can be claimed again.
 */
@Injectable()
export class FireService {
  constructor(
    private readonly db: Database,
    private readonly jobs: ScheduledJobsRepository,
    private readonly fires: FiresRepository,
    private readonly runQueue: RunQueueService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  /** `note` defaults to the fire's DST note; catch-up passes its own. */
  async fire(job: CronJob, fire: Fire, note: string | null = fire.note ?? null): Promise<FireResult> {
    const record = this.record(job.id, fire.at, note);
    return this.db.transaction(async (tx) => {
      if (!(await this.fires.claim(tx, record))) return {};
      // The job may have been saved since the timer was armed, and the save's notification may
      // still be on its way: the row read under the claim is what counts.
      const row = await this.jobs.load(job.id, tx);
      if (!row) {
        await this.fires.settle(tx, job.id, fire.at, FireOutcome.skippedDeleted);
        return { outcome: FireOutcome.skippedDeleted, current: null };
      }
      const decided = toCronJob(row, this.config.timezone);
      if (decided.kind === 'unscheduled' && decided.why === 'disabled') {
        await this.fires.settle(tx, job.id, fire.at, FireOutcome.skippedDisabled);
        return { outcome: FireOutcome.skippedDisabled, current: null };
      }
      const current = decided.kind === 'scheduled' ? decided.job : null;
      const sameSchedule = current?.cron === job.cron && current.timezone === job.timezone;
      if (!current || !(sameSchedule || isFireOf(current, fire.at))) {
        // The new schedule does not fire at this instant: it was never a fire, so leave no row.
        await this.fires.release(tx, job.id, fire.at);
        return { current };
      }
      const queued = await this.runQueue.enqueue(
        { job: current.doc, triggeredBy: 'cron', scheduledFor: fire.at },
        tx,
      );
      if (queued.status === 'skipped') {
        await this.fires.settle(tx, job.id, fire.at, FireOutcome.skippedSingleInstance);
        return { outcome: FireOutcome.skippedSingleInstance, current };
      }
      await this.fires.settle(tx, job.id, fire.at, FireOutcome.queued, queued.runId);
      return { outcome: FireOutcome.queued, runId: queued.runId, current };
    });
  }

  /** Records that a fire could not be queued at all (after its retries), unless someone else recorded it. */
  async recordFailure(job: CronJob, fire: Fire, message: string): Promise<void> {
    await this.fires.recordMany([this.record(job.id, fire.at, fire.note ?? null)], failedOutcome(message));
  }

  /** Fires that will not run (catch-up), recorded with one statement. */
  recordMissed(jobId: string, fires: readonly Fire[]): Promise<number> {
    return this.fires.recordMany(
      fires.map((f) => this.record(jobId, f.at, f.note ?? null)),
      FireOutcome.missed,
    );
  }

  private record(jobId: string, scheduledFor: Date, note: string | null): FireRecord {
    const now = this.clock.now();
    return {
      jobId,
      scheduledFor,
      claimedBy: this.config.instanceId,
      claimedAt: now,
      latenessMs: latenessMs(now, scheduledFor),
      note,
    };
  }
}
