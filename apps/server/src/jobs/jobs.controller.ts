import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import type { FieldError, JobDocument } from '@nomaflow/contracts';
import { CatalogueService } from './catalogue.service.js';
import type { CatalogueEntry, JobVersion } from './job-views.js';
import { JobsService } from './jobs.service.js';

@Controller('api/jobs')
export class JobsController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly jobs: JobsService,
  ) {}

  @Get()
  list(): Promise<CatalogueEntry[]> {
    return this.catalogue.list();
  }

  @Post()
  create(@Body() body: unknown): Promise<JobDocument> {
    return this.jobs.create(body);
  }

  @Post('validate')
  @HttpCode(200)
  validate(@Body() body: unknown): { valid: true; errors: FieldError[] } {
    return this.jobs.validate(body);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<JobDocument> {
    return this.jobs.get(id);
  }

  @Put(':id')
  replace(@Param('id') id: string, @Body() body: unknown): Promise<JobDocument> {
    return this.jobs.replace(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string): Promise<void> {
    return this.jobs.remove(id);
  }

  @Get(':id/versions')
  versions(@Param('id') id: string): Promise<JobVersion[]> {
    return this.jobs.versions(id);
  }
}
