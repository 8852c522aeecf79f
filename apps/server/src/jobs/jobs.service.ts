import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@nomaflow/contracts';
import type { FieldError, JobDocument } from '@nomaflow/contracts';
import { JobValidator } from '@nomaflow/kernel';
import type { Clock } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { Database } from '../database/database.js';
import { CLOCK } from '../kernel/clock.js';
import { JobSecrets } from '../secrets/job-secrets.js';
import type { JobVersion, VersionAction } from './job-views.js';
import { JobsRepository } from './jobs.repository.js';
import type { SaveInfo } from './jobs.repository.js';
import { stepTypeLockErrors } from './step-type-lock.js';

export const jobNotFound = (id: string): NotFoundError => new NotFoundError(`job not found: ${id}`);

/**
 * The rules of saving one job: validate everything, write the job and its version row in one
 * transaction, and tell the schedulers at commit. `actor` is whoever saves (the default actor
 * until authentication exists).
 */
@Injectable()
export class JobsService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobsRepository,
    private readonly validator: JobValidator,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly secrets: JobSecrets,
  ) {}

  async get(id: string): Promise<JobDocument> {
    const job = await this.jobs.find(id);
    if (!job) throw jobNotFound(id);
    return this.secrets.mask(job.document);
  }

  validate(body: unknown): { valid: true; errors: FieldError[] } {
    this.validator.assertValid(body);
    return { valid: true, errors: [] };
  }

  async create(body: unknown, actor?: string): Promise<JobDocument> {
    const job = this.secrets.seal(this.validator.assertValid(body));
    const save = this.saveInfo('created', actor);
    await this.db.transaction(async (tx) => {
      await this.jobs.insert(tx, job, save);
      await this.jobs.notifyChanged(tx, job.id);
    });
    return this.secrets.mask(job);
  }

  /** The body's id may be left out; it may not differ from the URL's (renaming goes through import). */
  async replace(id: string, body: unknown, actor?: string): Promise<JobDocument> {
    const save = this.saveInfo('updated', actor);
    const { doc, errors: idErrors } = this.withUrlId(id, body);
    return this.db.transaction(async (tx) => {
      const saved = (await this.jobs.lock(tx, [id])).get(id);
      if (!saved) throw jobNotFound(id);
      const errors = [
        ...idErrors,
        ...this.validator.validate(doc),
        ...stepTypeLockErrors(saved.document, doc),
      ];
      if (errors.length > 0) throw new ValidationError(errors);
      const job = this.secrets.seal(doc as JobDocument, saved.document);
      await this.jobs.replace(tx, job, save);
      await this.jobs.notifyChanged(tx, id);
      return this.secrets.mask(job);
    });
  }

  async remove(id: string, actor?: string): Promise<void> {
    const save = this.saveInfo('deleted', actor);
    await this.db.transaction(async (tx) => {
      if ((await this.jobs.delete(tx, id, save)) === undefined) throw jobNotFound(id);
      await this.jobs.notifyChanged(tx, id);
    });
  }

  /** A deleted job keeps its history, so its versions stay readable (to restore one). */
  async versions(id: string): Promise<JobVersion[]> {
    const versions = await this.jobs.versions(id);
    if (versions.length === 0) throw jobNotFound(id);
    return versions.map((v) => ({ ...v, document: v.document && this.secrets.mask(v.document) }));
  }

  saveInfo(action: VersionAction, actor: string | undefined): SaveInfo {
    return { action, actor: actor ?? this.config.defaultActor, at: this.clock.now() };
  }

  private withUrlId(id: string, body: unknown): { doc: unknown; errors: FieldError[] } {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { doc: body, errors: [] };
    const { id: given, ...rest } = body as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (given !== undefined && given !== id) {
      errors.push({
        path: '/id',
        message: 'job id cannot be changed (export, edit, import, delete the old one)',
      });
    }
    return { doc: { id, ...rest }, errors };
  }
}
