import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { hasErrorCode } from '@nomaflow/contracts';
import { StepTypeRegistry } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { DEMO_JOB } from './demo-job.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';

/**
 * Gives a first start something to run. Only when nothing was ever saved — an operator who
 * deleted every job does not want the demo back — and only when the `noop` type is installed.
 */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Seed');

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly registry: StepTypeRegistry,
    private readonly repository: JobsRepository,
    private readonly jobs: JobsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemo || !this.registry.has('noop')) return;
    if (!(await this.repository.neverUsed())) return;
    try {
      await this.jobs.create(DEMO_JOB);
    } catch (e) {
      // Another process starting on the same database seeded it first.
      if (hasErrorCode(e, 'conflict')) return;
      // The demo is a convenience: the server starts without it.
      this.logger.warn(`demo job not seeded: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.logger.log(`seeded demo job ${DEMO_JOB.id}: open the jobs catalogue and press Run`);
  }
}
