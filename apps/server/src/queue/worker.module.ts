import { Module } from '@nestjs/common';
import { RunClaimer } from './run-claimer.js';
import { WorkerRegistry } from './worker-registry.js';
import { WorkerService } from './worker.service.js';

/** The `worker` role: claims and executes runs. */
@Module({ providers: [WorkerService, RunClaimer, WorkerRegistry], exports: [WorkerService] })
export class WorkerModule {}
