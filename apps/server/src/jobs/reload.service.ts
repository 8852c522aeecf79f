import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@nomaflow/kernel';
import { Database } from '../database/database.js';
import { CLOCK } from '../kernel/clock.js';
import { JobsRepository } from './jobs.repository.js';

/** `POST /admin/reload`: every scheduler process re-reads the jobs and re-arms its timers. */
@Injectable()
export class ReloadService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async reload(): Promise<{ jobs: number; reloaded_at: string }> {
    const jobs = await this.jobs.count();
    await this.jobs.notifyChanged(this.db, '*');
    return { jobs, reloaded_at: this.clock.now().toISOString() };
  }
}
