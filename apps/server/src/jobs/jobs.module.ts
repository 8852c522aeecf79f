import { Module } from '@nestjs/common';
import { CatalogueService } from './catalogue.service.js';
import { DemoSeedService } from './demo-seed.service.js';
import { JobActivityRepository } from './job-activity.repository.js';
import { JobsController } from './jobs.controller.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';
import { ReloadController } from './reload.controller.js';
import { ReloadService } from './reload.service.js';
import { TransferController } from './transfer.controller.js';
import { TransferService } from './transfer.service.js';

/** Job documents: catalogue, CRUD with version history, validate, export/import, reload, demo seed. */
@Module({
  controllers: [JobsController, TransferController, ReloadController],
  providers: [
    JobsRepository,
    JobActivityRepository,
    JobsService,
    CatalogueService,
    TransferService,
    ReloadService,
    DemoSeedService,
  ],
  exports: [JobsRepository, JobsService],
})
export class JobsModule {}
