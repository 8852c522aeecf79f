import { Global, Module } from '@nestjs/common';
import { ReaperService } from './reaper.service.js';
import { RunWriter } from './run-writer.js';
import { RunQueueService } from './run-queue.service.js';
import { RunSettler } from './run-settler.js';

/**
 * Queueing and settling runs is needed by every role (the API queues and cancels, the scheduler
 * queues, workers execute), so it is always loaded; so is the reaper, which any live process may run.
 */
@Global()
@Module({
  providers: [RunQueueService, RunWriter, RunSettler, ReaperService],
  exports: [RunQueueService, RunWriter, RunSettler, ReaperService],
})
export class RunQueueModule {}
