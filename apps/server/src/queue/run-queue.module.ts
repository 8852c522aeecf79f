import { Global, Module } from '@nestjs/common';
import { RunQueueService } from './run-queue.service.js';

/** Queueing runs is needed by every role that triggers (API, scheduler), so it is always loaded. */
@Global()
@Module({ providers: [RunQueueService], exports: [RunQueueService] })
export class RunQueueModule {}
