import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { nextFires } from '@nomaflow/kernel';
import type { Clock, Fire } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { CLOCK } from '../kernel/clock.js';
import { InstantTimers } from '../scheduler/instant-timers.js';
import { RetentionClaimRepository } from './retention-claim.repository.js';
import { RetentionRepository } from './retention.repository.js';

const DAY_MS = 86_400_000;
/** Runs handled per round: their events, then their steps, then the runs themselves. */
const RUNS_PER_ROUND = 1_000;
/** Rows per DELETE statement for the big tables. */
const BATCH_ROWS = 10_000;

export interface PruneCounts {
  /** Runs that finished before this instant were pruned. */
  cutoff: Date;
  events: number;
  steps: number;
  runs: number;
  fires: number;
}

/**
 * History retention (SPEC §2): every day at `pruneCron` (03:00 by default, in the server's zone) one
 * process deletes what finished more than `retentionDays` ago — logs and events first, then step
 * rows, then runs — and the fires of that age. Runs that have not finished are never touched.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private readonly timers: InstantTimers;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly repo: RetentionRepository,
    private readonly claims: RetentionClaimRepository,
  ) {
    this.timers = new InstantTimers(clock);
  }

  onApplicationBootstrap(): void {
    this.armAfter(this.clock.now());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timers.cancelAll();
    await this.inFlight;
  }

  /** The instant of the next daily prune, if armed. */
  nextPruneAt(): Date | undefined {
    return this.timers.dueAt('prune');
  }

  /** Resolves when a daily prune in progress has finished. */
  idle(): Promise<void> {
    return this.inFlight;
  }

  /** Prunes now (no daily claim): everything that finished more than `retentionDays` before `now`. */
  async pruneNow(now: Date = this.clock.now()): Promise<PruneCounts> {
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    const counts: PruneCounts = { cutoff, events: 0, steps: 0, runs: 0, fires: 0 };
    while (!this.stopped) {
      const runIds = await this.repo.finishedRunsBefore(cutoff, RUNS_PER_ROUND);
      if (runIds.length === 0) break;
      // Children first, in bounded statements: deleting the runs alone would cascade to millions
      // of events in one statement.
      for (let n = BATCH_ROWS; n === BATCH_ROWS && !this.stopped;) {
        n = await this.repo.deleteEvents(runIds, BATCH_ROWS);
        counts.events += n;
      }
      if (this.stopped) break;
      counts.steps += await this.repo.deleteSteps(runIds);
      const deleted = await this.repo.deleteRuns(runIds, cutoff);
      counts.runs += deleted;
      // Cannot happen (same conditions both ways), but a round that deletes nothing must not loop.
      if (deleted === 0) break;
    }
    for (let n = BATCH_ROWS; n === BATCH_ROWS && !this.stopped;) {
      n = await this.repo.deleteFires(cutoff, BATCH_ROWS);
      counts.fires += n;
    }
    return counts;
  }

  private armAfter(after: Date): void {
    if (this.stopped) return;
    let next: Fire | undefined;
    try {
      next = nextFires(this.config.pruneCron, this.config.timezone, after, 1)[0];
    } catch (e) {
      this.logger.error(`daily prune not armed (NOMAFLOW_PRUNE_CRON, NOMAFLOW_TIMEZONE): ${message(e)}`);
      return;
    }
    if (!next) return;
    const day = next.at;
    this.timers.set('prune', day, () => {
      this.inFlight = this.inFlight.then(() => this.daily(day));
    });
  }

  /**
   * The claim is committed before the prune starts, so other processes see at once that today is
   * taken. If this process dies mid-prune, nothing is lost: tomorrow's prune deletes everything older
   * than its own cutoff, including what today's left.
   */
  private async daily(day: Date): Promise<void> {
    try {
      if (this.stopped) return;
      if (!(await this.claims.claim(day, this.config.instanceId, this.clock.now()))) return;
      try {
        const c = await this.pruneNow();
        const note = `runs ${c.runs}, steps ${c.steps}, events ${c.events}, fires ${c.fires}`;
        await this.claims.settle(day, 'pruned', note);
        this.logger.log(`pruned history before ${c.cutoff.toISOString()}: ${note}`);
      } catch (e) {
        await this.claims.settle(day, `failed: ${message(e)}`.slice(0, 500), null);
        throw e;
      }
    } catch (e) {
      this.logger.error(`daily prune failed: ${message(e)}`);
    } finally {
      this.armAfter(day);
    }
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
