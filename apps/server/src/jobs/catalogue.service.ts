import { Inject, Injectable } from '@nestjs/common';
import type { JobDocument } from '@nomaflow/contracts';
import { nextFires, StepTypeRegistry } from '@nomaflow/kernel';
import type { Clock } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { CLOCK } from '../kernel/clock.js';
import { JobSecrets } from '../secrets/job-secrets.js';
import { JobActivityRepository } from './job-activity.repository.js';
import { activeSchedule, toFireView } from './job-schedule.js';
import type { CatalogueEntry, FireView } from './job-views.js';
import { JobsRepository } from './jobs.repository.js';

/** The jobs catalogue: every job with its last run, next fire, live progress and plugin health. */
@Injectable()
export class CatalogueService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly activity: JobActivityRepository,
    private readonly registry: StepTypeRegistry,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly secrets: JobSecrets,
  ) {}

  async list(): Promise<CatalogueEntry[]> {
    const stored = await this.jobs.list();
    const ids = stored.map((j) => j.document.id);
    const [lastRuns, running] = await Promise.all([this.activity.lastRuns(ids), this.activity.running(ids)]);
    const now = this.clock.now();
    return stored.map(({ document, version, updated_at, updated_by }) => ({
      ...this.secrets.mask(document),
      version,
      updated_at,
      updated_by,
      last_run: lastRuns.get(document.id) ?? null,
      next_fire: this.nextFire(document, now),
      running: running.get(document.id) ?? null,
      degraded: this.degraded(document),
    }));
  }

  private nextFire(job: JobDocument, now: Date): FireView | null {
    const schedule = activeSchedule(job, this.config.timezone);
    if (!schedule) return null;
    try {
      const [fire] = nextFires(schedule.cron, schedule.timezone, now, 1);
      return fire ? toFireView(fire) : null;
    } catch {
      // A document saved under older rules (or a zone the runtime's ICU dropped) must not take the
      // whole catalogue down; the editor reports the problem on the next save.
      return null;
    }
  }

  /** Why a run of this job would fail before starting: a step whose type is not installed. */
  private degraded(job: JobDocument): string | null {
    for (const step of job.steps) {
      if (this.registry.has(step.type)) continue;
      const why = this.registry.unavailableReason(step.type);
      return why
        ? `step ${step.name}: the plugin of step type ${step.type} failed to load: ${why}`
        : `step ${step.name}: step type ${step.type} is not installed`;
    }
    return null;
  }
}
