import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CLIENT_HEADER } from './trigger-source.js';
import { RunsService } from './runs.service.js';

@Controller('api')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post('jobs/:id/runs')
  @HttpCode(202)
  trigger(@Param('id') id: string, @Body() body: unknown, @Headers(CLIENT_HEADER) client?: string) {
    return this.runs.trigger(id, body, client);
  }

  @Get('runs')
  list(@Query() query: unknown) {
    return this.runs.list(query);
  }

  @Get('runs/:id')
  get(@Param('id') id: string, @Query() query: unknown) {
    return this.runs.get(id, query);
  }

  @Get('runs/:id/logs')
  logs(@Param('id') id: string, @Query() query: unknown) {
    return this.runs.logs(id, query);
  }

  @Get('runs/:id/events')
  events(@Param('id') id: string, @Query() query: unknown) {
    return this.runs.events(id, query);
  }

  @Post('runs/:id/cancel')
  @HttpCode(202)
  cancel(@Param('id') id: string) {
    return this.runs.cancel(id);
  }

  @Post('runs/:id/replay')
  @HttpCode(202)
  replay(@Param('id') id: string, @Headers(CLIENT_HEADER) client?: string) {
    return this.runs.replay(id, client);
  }
}
