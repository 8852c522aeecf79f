import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { FiresRepository } from './fires.repository.js';
import { ScheduleCalendarService } from './schedule-calendar.service.js';
import { SchedulePreviewService } from './schedule-preview.service.js';
import { ScheduleController } from './schedule.controller.js';
import { StepTypesController } from './step-types.controller.js';
import { StepTypesService } from './step-types.service.js';

/** Read-only references for the console: installed step types, schedule preview and calendar. */
@Module({
  imports: [JobsModule],
  controllers: [StepTypesController, ScheduleController],
  providers: [StepTypesService, SchedulePreviewService, ScheduleCalendarService, FiresRepository],
})
export class CatalogModule {}
