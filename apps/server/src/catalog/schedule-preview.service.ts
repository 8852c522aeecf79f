import { Inject, Injectable } from '@nestjs/common';
import { ValidationError } from '@nomaflow/contracts';
import type { FieldError } from '@nomaflow/contracts';
import { CronParseError, isValidTimezone, nextFires, parseCron } from '@nomaflow/kernel';
import type { Clock } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { CLOCK } from '../kernel/clock.js';
import { toFireView } from '../jobs/job-schedule.js';
import type { FireView } from '../jobs/job-views.js';
import { queryValidator, toInstant } from '../jobs/validate-input.js';

const checkQuery = queryValidator<{ cron?: string; timezone?: string; count?: number; from?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: {
    cron: { type: 'string', maxLength: 200 },
    timezone: { type: 'string', maxLength: 100 },
    count: { type: 'integer', minimum: 1, maximum: 100 },
    from: { type: 'string', format: 'date-time' },
  },
});

/** The editor's live "next fires" preview, DST notes included, for a schedule not saved yet. */
@Injectable()
export class SchedulePreviewService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  preview(query: unknown): { fires: FireView[] } {
    const q = checkQuery(query);
    const timezone = q.timezone ?? this.config.timezone;
    const cron = q.cron?.trim() ?? '';
    const errors: FieldError[] = [];
    if (!isValidTimezone(timezone))
      errors.push({ path: '/timezone', message: `unknown timezone: ${timezone}` });
    if (cron !== '') {
      try {
        parseCron(cron);
      } catch (e) {
        const why = e instanceof CronParseError ? ` (${e.message})` : '';
        errors.push({ path: '/cron', message: `invalid cron expression${why}` });
      }
    }
    if (errors.length > 0) throw new ValidationError(errors);
    // An empty cron is a manual-only job: it never fires.
    if (cron === '') return { fires: [] };
    const from = q.from === undefined ? this.clock.now() : toInstant(q.from, '/from');
    return { fires: nextFires(cron, timezone, from, q.count ?? 3).map(toFireView) };
  }
}
