import { Inject, Injectable, Logger } from '@nestjs/common';
import { Rooms } from '@nomaflow/contracts';
import type { Clock } from '@nomaflow/kernel';
import { CLOCK } from '../kernel/clock.js';
import { JobSecrets } from '../secrets/job-secrets.js';
import { eventFrame, send } from './frames.js';
import { RunEventReader } from './run-event-reader.js';
import type { NoticeRange } from './run-event-reader.js';
import { subscribersRoom } from './run-streams.js';
import type { AppServer } from './socket-types.js';

/** Ranges read per query when many runs change at once. */
const RANGES_PER_READ = 500;

/**
 * The catalogue room: `job:changed` when a job is saved or deleted, `config:reloaded` on a reload
 * or import (and when notices may have been lost: the client re-reads the catalogue), and the
 * state changes of every run — run:queued, run:started, step:started (with `step_count`, for
 * "step 6 / 17") and run:finished — as stored. A socket that also follows a run gets that run's
 * events once, from its run stream. Nothing is read while the room is empty.
 */
@Injectable()
export class CatalogueFeed {
  private readonly logger = new Logger('CatalogueFeed');
  private server: AppServer | undefined;
  private pending: NoticeRange[] = [];
  private reading = false;
  private jobTasks: Promise<void> = Promise.resolve();

  constructor(
    private readonly reader: RunEventReader,
    private readonly secrets: JobSecrets,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  attach(server: AppServer): void {
    this.server = server;
  }

  private get watched(): boolean {
    return (this.server?.sockets.adapter.rooms.get(Rooms.catalogue)?.size ?? 0) > 0;
  }

  /** Statements that inserted state events (from the run_events NOTIFY). */
  onStateNotices(ranges: readonly NoticeRange[]): void {
    if (ranges.length === 0 || !this.watched) return;
    this.pending.push(...ranges);
    if (this.reading) return;
    this.reading = true;
    void this.drain()
      .catch((e: unknown) => this.logger.error(`catalogue feed failed: ${String(e)}`))
      .finally(() => (this.reading = false));
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, RANGES_PER_READ);
      try {
        const events = await this.reader.stateEvents(batch);
        const server = this.server;
        if (!server) continue;
        for (const { event, stepCount } of events) {
          if (event.type === 'log:line') continue;
          const to = server.to(Rooms.catalogue).except(subscribersRoom(event.run_id));
          if (event.type === 'step:started') {
            send(to, { event: 'step:started', data: { ...event, step_count: stepCount } });
          } else {
            send(to, eventFrame(event));
          }
        }
      } catch (e) {
        this.logger.warn(`reading run states for the catalogue failed: ${(e as Error).message}`);
      }
    }
  }

  /** The jobs NOTIFY: a job id, or `*` for a reload or an import. */
  onJobsChanged(payload: string): void {
    if (!this.watched) return;
    const id = payload.trim();
    this.serial(async () => {
      const server = this.server;
      if (!server) return;
      const at = this.clock.now().toISOString();
      if (id === '' || id === '*') {
        const jobs = await this.reader.jobCount();
        server.to(Rooms.catalogue).emit('config:reloaded', { type: 'config:reloaded', jobs, at });
        return;
      }
      const row = await this.reader.job(id);
      server.to(Rooms.catalogue).emit('job:changed', {
        type: 'job:changed',
        job_id: id,
        change: !row ? 'deleted' : row.version === 1 ? 'created' : 'updated',
        ...(row ? { job: this.secrets.mask(row.document) } : {}),
        at,
      });
    });
  }

  /** Notifications may have been missed: tell the catalogue clients to re-read. */
  onNoticesLost(): void {
    this.onJobsChanged('*');
  }

  private serial(task: () => Promise<void>): void {
    this.jobTasks = this.jobTasks.then(task).catch((e: unknown) => {
      this.logger.warn(`catalogue update failed: ${(e as Error).message}`);
    });
  }
}
