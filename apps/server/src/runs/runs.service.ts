import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError } from '@nomaflow/contracts';
import type { JobDocument, LogLine, Run, RunEvent } from '@nomaflow/contracts';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { Database } from '../database/database.js';
import { Channels } from '../database/pg-listener.js';
import { RunQueueService } from '../queue/run-queue.service.js';
import { RunSettler } from '../queue/run-settler.js';
import { JobSecrets } from '../secrets/job-secrets.js';
import {
  encodeCursor,
  isRunId,
  parseDetailQuery,
  parseListQuery,
  parseLogsQuery,
  parseTrigger,
} from './run-requests.js';
import { RunsRepository } from './runs.repository.js';
import { triggerSource } from './trigger-source.js';

/** Triggering, cancelling, replaying and reading runs (SPEC §2, §6). */
@Injectable()
export class RunsService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly db: Database,
    private readonly queue: RunQueueService,
    private readonly settler: RunSettler,
    private readonly runs: RunsRepository,
    private readonly secrets: JobSecrets,
  ) {}

  /** Who acts through the API until users exist. */
  private get actor(): string {
    return this.config.defaultActor;
  }

  async trigger(jobId: string, body: unknown, client?: string): Promise<{ run_id: string }> {
    const overrides = parseTrigger(body);
    const [row] = await this.db.query<{ document: JobDocument }>('SELECT document FROM jobs WHERE id = $1', [
      jobId,
    ]);
    if (!row) throw new NotFoundError(`job not found: ${jobId}`);
    const job = row.document;
    const names = new Set(job.steps.map((s) => s.name));
    const unknown = Object.keys(overrides.steps ?? {}).filter((n) => !names.has(n));
    if (unknown.length > 0) {
      throw new ValidationError(unknown.map((n) => ({ path: `/steps/${n}`, message: `unknown step: ${n}` })));
    }
    const triggeredBy = triggerSource(client, this.actor);
    const result = await this.queue.enqueue({ job, triggeredBy, overrides });
    if (result.status === 'skipped') {
      throw new ConflictError(`a run of ${jobId} is already in flight (concurrency: skip)`);
    }
    return { run_id: result.runId };
  }

  async get(id: string, query: unknown): Promise<Run> {
    const { snapshot } = parseDetailQuery(query);
    const run = await this.findOrThrow(id, snapshot);
    const { overrides: _o, snapshot: _s, ...visible } = run;
    return visible.job ? { ...visible, job: this.secrets.mask(visible.job) } : visible;
  }

  async list(query: unknown): Promise<{ runs: Run[]; next_cursor: string | null }> {
    const q = parseListQuery(query);
    const runs = await this.runs.list(q);
    const last = runs[runs.length - 1];
    return {
      runs,
      next_cursor: runs.length === q.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  async logs(
    id: string,
    query: unknown,
  ): Promise<{ run_id: string; status: Run['status']; lines: LogLine[]; last_seq: number }> {
    const q = parseLogsQuery(query);
    const run = await this.findOrThrow(id);
    const lines = await this.runs.logs(id, q.afterSeq, q.limit);
    return { run_id: id, status: run.status, lines, last_seq: lines.at(-1)?.seq ?? q.afterSeq };
  }

  async events(
    id: string,
    query: unknown,
  ): Promise<{ run_id: string; status: Run['status']; events: RunEvent[] }> {
    const q = parseLogsQuery(query);
    const run = await this.findOrThrow(id);
    return {
      run_id: id,
      status: run.status,
      events: await this.runs.events(id, q.afterSeq, q.limit, q.types),
    };
  }

  async cancel(id: string): Promise<{ run_id: string; status: string }> {
    const run = await this.findOrThrow(id);
    if (run.status === 'QUEUED' && (await this.settler.cancelQueued(id, this.actor))) {
      return { run_id: id, status: 'CANCELED' };
    }
    if (await this.runs.requestCancel(id, this.actor)) {
      await this.db.notify(Channels.runCancel, JSON.stringify({ run_id: id, by: this.actor }));
      return { run_id: id, status: 'CANCELLING' };
    }
    const now = await this.findOrThrow(id);
    throw new ConflictError(`run ${id} is already ${now.status}`);
  }

  async replay(id: string, client?: string): Promise<{ run_id: string }> {
    const run = await this.findOrThrow(id);
    if (run.status === 'QUEUED' || run.status === 'RUNNING') {
      throw new ConflictError(`run ${id} is still ${run.status}; replay it once it has finished`);
    }
    const result = await this.queue.enqueue({
      job: run.snapshot,
      triggeredBy: triggerSource(client, this.actor),
      overrides: run.overrides,
      replayOf: id,
      scheduledFor: run.scheduled_for ? new Date(run.scheduled_for) : null,
    });
    if (result.status === 'skipped') {
      throw new ConflictError(`a run of ${run.job_id} is already in flight (concurrency: skip)`);
    }
    return { run_id: result.runId };
  }

  private async findOrThrow(id: string, withSnapshot = false) {
    const run = isRunId(id) ? await this.runs.find(id, withSnapshot) : undefined;
    if (!run) throw new NotFoundError(`run not found: ${id}`);
    return run;
  }
}
