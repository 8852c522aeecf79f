import { Controller, Get, Query } from '@nestjs/common';
import type { FireView } from '../jobs/job-views.js';
import { ScheduleCalendarService } from './schedule-calendar.service.js';
import type { Calendar } from '@nomaflow/contracts';
import { SchedulePreviewService } from './schedule-preview.service.js';

@Controller('api/schedule')
export class ScheduleController {
  constructor(
    private readonly previews: SchedulePreviewService,
    private readonly calendars: ScheduleCalendarService,
  ) {}

  @Get('preview')
  preview(@Query() query: unknown): { fires: FireView[] } {
    return this.previews.preview(query);
  }

  @Get('calendar')
  calendar(@Query() query: unknown): Promise<Calendar> {
    return this.calendars.calendar(query);
  }
}
