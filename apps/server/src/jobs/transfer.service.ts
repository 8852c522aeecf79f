import { Inject, Injectable } from '@nestjs/common';
import { ValidationError } from '@nomaflow/contracts';
import type { FieldError, JobDocument, JobsExport } from '@nomaflow/contracts';
import { JobValidator } from '@nomaflow/kernel';
import type { Clock } from '@nomaflow/kernel';
import { Database } from '../database/database.js';
import { CLOCK } from '../kernel/clock.js';
import { JobSecrets } from '../secrets/job-secrets.js';
import type { StoredJob } from './job-views.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';
import { stepTypeLockErrors } from './step-type-lock.js';
import { inputValidator } from './validate-input.js';

const checkImportFile = inputValidator<{ version: 1; exported_at?: string; jobs: unknown[] }>({
  type: 'object',
  required: ['version', 'jobs'],
  additionalProperties: false,
  properties: {
    version: { enum: [1] },
    exported_at: { type: 'string' },
    jobs: { type: 'array' },
  },
});

export interface ImportResult {
  created: string[];
  updated: string[];
}

/** Export and import of the whole catalogue as one document (SPEC §6). */
@Injectable()
export class TransferService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobsRepository,
    private readonly saver: JobsService,
    private readonly validator: JobValidator,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly secrets: JobSecrets,
  ) {}

  async export(): Promise<JobsExport> {
    const stored = await this.jobs.list();
    return {
      version: 1,
      exported_at: this.clock.now().toISOString(),
      jobs: stored.map((j) => this.secrets.mask(j.document)),
    };
  }

  /**
   * All or nothing: every job is checked (against the database too, under lock) before any is
   * written, and one bad job fails the whole file with each error pointing into it.
   */
  async import(body: unknown, actor?: string): Promise<ImportResult> {
    const { jobs } = checkImportFile(body);
    const ids = jobs.map(idOf).filter((id) => id !== undefined);
    const save = this.saver.saveInfo('imported', actor);
    return this.db.transaction(async (tx) => {
      const existing = await this.jobs.lock(tx, ids);
      const errors = this.fileErrors(jobs, existing);
      if (errors.length > 0) throw new ValidationError(errors);
      const result: ImportResult = { created: [], updated: [] };
      const sealed = this.sealAll(jobs as JobDocument[], existing);
      for (const job of sealed) {
        if (existing.has(job.id)) {
          await this.jobs.replace(tx, job, save);
          result.updated.push(job.id);
        } else {
          await this.jobs.insert(tx, job, save);
          result.created.push(job.id);
        }
      }
      // One wake-up for the whole file: schedulers re-read everything on '*'.
      if (jobs.length > 0) await this.jobs.notifyChanged(tx, '*');
      return result;
    });
  }

  /** Secrets sealed; `********` keeps the stored secret of a replaced job (an exported file has no secrets). */
  private sealAll(jobs: readonly JobDocument[], existing: ReadonlyMap<string, StoredJob>): JobDocument[] {
    const errors: FieldError[] = [];
    const sealed = jobs.map((job, i) => {
      try {
        return this.secrets.seal(job, existing.get(job.id)?.document);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors.push(...e.errors.map((err) => ({ path: `/jobs/${i}${err.path}`, message: err.message })));
        return job;
      }
    });
    if (errors.length > 0) throw new ValidationError(errors);
    return sealed;
  }

  private fileErrors(jobs: readonly unknown[], existing: ReadonlyMap<string, StoredJob>): FieldError[] {
    const errors: FieldError[] = [];
    const firstIndex = new Map<string, number>();
    jobs.forEach((job, i) => {
      const base = `/jobs/${i}`;
      errors.push(...this.validator.validate(job).map((e) => ({ path: base + e.path, message: e.message })));
      const id = idOf(job);
      if (id === undefined) return;
      const first = firstIndex.get(id);
      if (first !== undefined) {
        errors.push({
          path: `${base}/id`,
          message: `duplicate job id in the file: ${id} (also /jobs/${first})`,
        });
      } else {
        firstIndex.set(id, i);
      }
      const saved = existing.get(id);
      if (saved) errors.push(...stepTypeLockErrors(saved.document, job, base));
    });
    return errors;
  }
}

function idOf(job: unknown): string | undefined {
  const id = (job as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
