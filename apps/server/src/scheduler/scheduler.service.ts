import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Clock, Fire } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { Channels, PgListener } from '../database/pg-listener.js';
import type { SchedulerStatus } from '../health/scheduler-status.js';
import { CLOCK } from '../kernel/clock.js';
import { CatchupService } from './catchup.service.js';
import { nextFireAfter, toCronJob } from './cron-job.js';
import type { CronJob, JobRow } from './cron-job.js';
import { FireService } from './fire.service.js';
import type { FireResult } from './fire.service.js';
import { InstantTimers } from './instant-timers.js';
import { ScheduledJobsRepository } from './scheduled-jobs.repository.js';
import { SerialQueue } from './serial-queue.js';

interface ArmedFire {
  job: CronJob;
  fire: Fire;
  /** Failed tries so far (a database hiccup); the fire is retried, not dropped. */
  failures: number;
}

const RETRY_DELAY_MS = 5_000;
const MAX_TRIES = 3;
/** Timer key of a failed reload's retry; `:` cannot occur in a job id, so it never clashes with one. */
const RELOAD_KEY = ':reload';

/**
 * The cron scheduler of a `scheduler`-role process: one timer per enabled cron job, armed through
 * the kernel Clock for the job's next fire, re-armed when a job is saved (NOTIFY `jobsChanged` with
 * its id; `*` reloads everything) and after a listener reconnect (notifications may have been lost).
 *
 * Fires are claimed in the database (FireService), so any number of processes may run this and
 * each fire still happens once. Everything that touches the timer table runs through one serial
 * queue: a fire, a save and a reload never interleave.
 */
@Injectable()
export class SchedulerService implements SchedulerStatus, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private readonly queue = new SerialQueue();
  private readonly timers: InstantTimers;
  /** Enabled cron jobs, by id. */
  private readonly jobs = new Map<string, CronJob>();
  /** The one pending fire of each job that has one. */
  private readonly armed = new Map<string, ArmedFire>();
  private readonly subscriptions: Array<() => void> = [];
  private phase: 'starting' | 'running' | 'stopped' = 'starting';
  /** Instant of a reload that is queued but not started: further requests fold into it. */
  private pendingReload: Date | undefined;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly jobsRepo: ScheduledJobsRepository,
    private readonly firing: FireService,
    private readonly catchup: CatchupService,
    private readonly listener: PgListener,
  ) {
    this.timers = new InstantTimers(clock);
  }

  state(): ReturnType<SchedulerStatus['state']> {
    return { state: this.phase, jobs: this.jobs.size, armed: this.armed.size };
  }

  /** Job id → the instant of its armed fire. */
  armedFires(): Map<string, Date> {
    return new Map([...this.armed].map(([id, a]) => [id, a.fire.at]));
  }

  /** The earliest instant a timer of this scheduler is due (a fire, a retry or a reload retry). */
  nextWakeup(): Date | undefined {
    let next: Date | undefined;
    for (const key of [...this.armed.keys(), RELOAD_KEY]) {
      const due = this.timers.dueAt(key);
      if (due && (!next || due < next)) next = due;
    }
    return next;
  }

  /** Resolves when every fire, save and reload received so far has been handled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  async onApplicationBootstrap(): Promise<void> {
    // Subscribed before the first load: a save during it is queued behind it, not lost.
    this.subscriptions.push(
      this.listener.on(Channels.jobsChanged, (payload) => this.onJobsChanged(payload)),
      this.listener.onReconnect(() => this.requestReload('notification listener reconnected')),
    );
    // Awaited, so the process reports ready only once catch-up is done and every timer armed.
    await this.submit(() => this.reloadAll(this.clock.now(), 'start'));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.phase = 'stopped';
    for (const unsubscribe of this.subscriptions.splice(0)) unsubscribe();
    this.timers.cancelAll();
    this.armed.clear();
    // A fire in flight completes (its transaction is short) before the pool closes under it.
    await this.queue.idle();
    this.timers.cancelAll();
  }

  private onJobsChanged(payload: string): void {
    // The instant of the notice, not of its handling: fires between the two are not skipped.
    const at = this.clock.now();
    const id = payload.trim();
    if (id === '' || id === '*') this.requestReload('reload requested', at);
    else void this.submit(() => this.reloadJob(id, at));
  }

  private requestReload(why: string, at: Date = this.clock.now()): void {
    if (this.pendingReload) return;
    this.pendingReload = at;
    void this.submit(() => {
      const cursor = this.pendingReload ?? at;
      this.pendingReload = undefined;
      return this.reloadAll(cursor, why);
    });
  }

  /** Queues a task; a task's failure is logged, never thrown at a timer or a notification. */
  private submit(task: () => Promise<void>): Promise<void> {
    return this.queue
      .run(async () => {
        if (this.phase !== 'stopped') await task();
      })
      .catch((e: unknown) => this.logger.error(`scheduler task failed: ${message(e)}`));
  }

  /**
   * Re-reads every job: catch-up for the fires missed up to `cursor`, then one timer per job for
   * its first fire after `cursor`. Used at start, on `*`, and after a listener reconnect.
   */
  private async reloadAll(cursor: Date, why: string): Promise<void> {
    await this.settleDue(cursor);
    let rows: JobRow[];
    try {
      rows = await this.jobsRepo.loadAll();
    } catch (e) {
      // Nothing changed yet: the armed timers stay, and the reload is tried again.
      this.logger.error(`reload (${why}) failed: ${message(e)}; retrying in ${RETRY_DELAY_MS / 1000} s`);
      this.timers.set(RELOAD_KEY, new Date(this.clock.now().getTime() + RETRY_DELAY_MS), () =>
        this.requestReload(why),
      );
      return;
    }
    this.timers.cancelAll();
    this.armed.clear();
    this.jobs.clear();
    let missed = 0;
    let replayed = 0;
    for (const row of rows) {
      const job = this.track(row);
      if (!job) continue;
      try {
        const result = await this.catchup.run(job, row.last_fire ?? null, cursor);
        missed += result.missed;
        replayed += result.replayed;
      } catch (e) {
        this.logger.error(`catch-up of ${job.id} failed: ${message(e)}`);
      }
      this.arm(job, cursor);
    }
    if (this.phase === 'starting') this.phase = 'running';
    this.logger.log(
      `${why}: ${this.jobs.size} scheduled job(s), ${this.armed.size} armed` +
        (missed + replayed > 0 ? `; catch-up recorded ${missed} missed, replayed ${replayed}` : ''),
    );
  }

  /** One job was saved or deleted. */
  private async reloadJob(id: string, cursor: Date): Promise<void> {
    const pending = this.armed.get(id);
    if (pending && pending.fire.at <= cursor) await this.fireArmed(pending);
    const row = await this.jobsRepo.load(id);
    this.disarm(id);
    this.jobs.delete(id);
    const job = row ? this.track(row) : undefined;
    if (job) this.arm(job, cursor);
    const armedFor = this.armed.get(id)?.fire.iso;
    this.logger.debug(`job ${id} changed: ${armedFor ? `armed for ${armedFor}` : 'not armed'}`);
  }

  /**
   * Fires already due when a reload starts are fired first, as the ordinary fires they are: the
   * reload's catch-up must not mistake a timer whose task is still queued for a missed fire.
   */
  private async settleDue(cursor: Date): Promise<void> {
    for (const armed of [...this.armed.values()]) {
      if (armed.fire.at <= cursor && this.armed.get(armed.job.id) === armed) await this.fireArmed(armed);
    }
  }

  private track(row: JobRow): CronJob | undefined {
    const decided = toCronJob(row, this.config.timezone);
    if (decided.kind === 'invalid') this.logger.warn(`job ${row.id} not scheduled: ${decided.why}`);
    if (decided.kind !== 'scheduled') return undefined;
    this.jobs.set(decided.job.id, decided.job);
    return decided.job;
  }

  /** Arms the job's first fire strictly after `after`. */
  private arm(job: CronJob, after: Date): void {
    const fire = nextFireAfter(job, after);
    if (!fire) {
      this.logger.warn(`job ${job.id}: "${job.cron}" does not fire in the next ten years; not armed`);
      return;
    }
    this.armAt({ job, fire, failures: 0 }, fire.at);
  }

  private armAt(armed: ArmedFire, wakeAt: Date): void {
    if (this.phase === 'stopped') return;
    this.armed.set(armed.job.id, armed);
    this.timers.set(armed.job.id, wakeAt, () => {
      void this.submit(async () => {
        // A save or reload since the timer fired replaced this fire (or fired it already).
        if (this.armed.get(armed.job.id) === armed) await this.fireArmed(armed);
      });
    });
  }

  private disarm(id: string): void {
    this.timers.cancel(id);
    this.armed.delete(id);
  }

  /**
   * Fires T (however late the timer was: it still fires T, it does not skip to the next) and arms
   * the job's next fire strictly after T. If that one is already past too, its timer is due at once,
   * so a process that was stalled works through the fires it owes in order.
   */
  private async fireArmed(armed: ArmedFire): Promise<void> {
    const { job, fire } = armed;
    this.disarm(job.id);
    let result: FireResult;
    try {
      result = await this.firing.fire(job, fire);
    } catch (e) {
      if (armed.failures + 1 < MAX_TRIES) {
        this.logger.warn(`fire of ${job.id} at ${fire.iso} failed (${message(e)}); retrying`);
        const retryAt = new Date(this.clock.now().getTime() + RETRY_DELAY_MS);
        this.armAt({ ...armed, failures: armed.failures + 1 }, retryAt);
        return;
      }
      this.logger.error(`fire of ${job.id} at ${fire.iso} failed ${MAX_TRIES} times: ${message(e)}`);
      await this.firing.recordFailure(job, fire, message(e)).catch(() => undefined);
      this.arm(job, fire.at);
      return;
    }
    if (result.outcome) this.logger.debug(`${job.id} @ ${fire.iso}: ${result.outcome}`);
    if (result.current === null) {
      // Deleted, disabled or made manual-only: its save notification re-arms it if it comes back.
      this.jobs.delete(job.id);
      return;
    }
    const current = result.current ?? job;
    this.jobs.set(current.id, current);
    this.arm(current, fire.at);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
