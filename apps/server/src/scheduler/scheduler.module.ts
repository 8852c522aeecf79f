import { Global, Module } from '@nestjs/common';
import { SCHEDULER_STATUS } from '../health/scheduler-status.js';
import { CatchupService } from './catchup.service.js';
import { FireService } from './fire.service.js';
import { FiresRepository } from './fires.repository.js';
import { ScheduledJobsRepository } from './scheduled-jobs.repository.js';
import { SchedulerService } from './scheduler.service.js';

/**
 * Cron fires for processes with the `scheduler` role. Global so the health module, loaded in every
 * process, finds SCHEDULER_STATUS when (and only when) this module is present.
 *
 * Timers go through the kernel Clock rather than @nestjs/schedule's SchedulerRegistry: fire times
 * come from the kernel's DST-aware schedule maths (not cron's own), and tests move time with a
 * FakeClock instead of waiting for it.
 */
@Global()
@Module({
  providers: [
    SchedulerService,
    FireService,
    CatchupService,
    FiresRepository,
    ScheduledJobsRepository,
    { provide: SCHEDULER_STATUS, useExisting: SchedulerService },
  ],
  exports: [SCHEDULER_STATUS, SchedulerService],
})
export class SchedulerModule {}
