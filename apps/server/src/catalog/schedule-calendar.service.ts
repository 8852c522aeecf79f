import { Inject, Injectable } from '@nestjs/common';
import { ValidationError } from '@nomaflow/contracts';
import type { Calendar, CalendarFire, JobDocument } from '@nomaflow/contracts';
import { firesBetween, isValidTimezone } from '@nomaflow/kernel';
import type { Clock } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { CLOCK } from '../kernel/clock.js';
import { activeSchedule, toFireView } from '../jobs/job-schedule.js';
import { JobsRepository } from '../jobs/jobs.repository.js';
import { queryValidator, toInstant } from '../jobs/validate-input.js';
import { FiresRepository } from './fires.repository.js';
import type { FireRow } from './fires.repository.js';
import { localIso } from './local-time.js';

const DAY_MS = 86_400_000;
const DEFAULT_SPAN_MS = 7 * DAY_MS;
const MAX_SPAN_MS = 31 * DAY_MS;
/** Per job and per side of now: an every-second cron cannot flood the calendar. */
/** Every minute for a week; a job firing more often has its fires cut here and is named in `truncated`. */
const FIRES_PER_JOB = 7 * 24 * 60;

const checkQuery = queryValidator<{ from?: string; to?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
  },
});

/**
 * Fires across jobs in a window: what cron did (the `fires` table, for jobs that still exist) and
 * what it will do (schedule maths, for enabled jobs with a cron), in time order.
 */
@Injectable()
export class ScheduleCalendarService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly fires: FiresRepository,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async calendar(query: unknown): Promise<Calendar> {
    const q = checkQuery(query);
    const now = this.clock.now();
    const from = q.from === undefined ? now : toInstant(q.from, '/from');
    const to = q.to === undefined ? new Date(from.getTime() + DEFAULT_SPAN_MS) : toInstant(q.to, '/to');
    if (to <= from) throw new ValidationError([{ path: '/to', message: 'to must be after from' }]);
    if (to.getTime() - from.getTime() > MAX_SPAN_MS) {
      throw new ValidationError([{ path: '/to', message: 'the calendar spans at most 31 days' }]);
    }
    const jobs = new Map((await this.jobs.list()).map((j) => [j.document.id, j.document]));
    const truncated = new Set<string>();
    const fires = [...this.futureFires([...jobs.values()], from, to, now, truncated)];
    if (from <= now) {
      const until = to < now ? to : now;
      const rows = await this.fires.between([...jobs.keys()], from, until, FIRES_PER_JOB);
      for (const row of rows) {
        const job = jobs.get(row.job_id);
        if (job) fires.push(this.pastFire(job, row));
      }
    }
    fires.sort((a, b) => a.at.localeCompare(b.at) || a.job_id.localeCompare(b.job_id));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      fires,
      ...(truncated.size > 0 ? { truncated: [...truncated].sort() } : {}),
    };
  }

  private *futureFires(
    jobs: JobDocument[],
    from: Date,
    to: Date,
    now: Date,
    truncated: Set<string>,
  ): Iterable<CalendarFire> {
    // firesBetween excludes its lower bound; a fire exactly at a future `from` belongs in the window.
    const after = from > now ? new Date(from.getTime() - 1) : now;
    if (to <= after) return;
    for (const job of jobs) {
      const schedule = activeSchedule(job, this.config.timezone);
      if (!schedule) continue;
      const fires = firesBetween(schedule.cron, schedule.timezone, after, to, FIRES_PER_JOB);
      if (fires.length === FIRES_PER_JOB) truncated.add(job.id);
      for (const fire of fires) {
        yield { job_id: job.id, tags: job.tags ?? [], ...toFireView(fire), past: false };
      }
    }
  }

  private pastFire(job: JobDocument, row: FireRow): CalendarFire {
    const zone = job.schedule?.timezone ?? this.config.timezone;
    const at = new Date(row.scheduled_for);
    return {
      job_id: job.id,
      tags: job.tags ?? [],
      at: at.toISOString(),
      local: localIso(at, isValidTimezone(zone) ? zone : 'UTC'),
      ...(row.note ? { note: row.note } : {}),
      past: true,
      run_id: row.run_id,
      outcome: row.outcome,
    };
  }
}
