import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JobDocument, RunOverrides, TriggeredBy } from '@nomaflow/contracts';
import { mergeSharedParams, resolveLogLevel } from '@nomaflow/kernel';
import type { Clock } from '@nomaflow/kernel';
import { Database } from '../database/database.js';
import type { Queryable } from '../database/database.js';
import { Channels } from '../database/pg-listener.js';
import { CLOCK } from '../kernel/clock.js';
import { jobLockKey } from './job-lock.js';

export interface EnqueueRequest {
  /** The job as it is now: the run keeps this snapshot whatever later saves do. */
  job: JobDocument;
  triggeredBy: TriggeredBy;
  scheduledFor?: Date | null;
  overrides?: RunOverrides;
  replayOf?: string | null;
}

export type EnqueueResult =
  { status: 'queued'; runId: string } | { status: 'skipped'; reason: 'single-instance' };

/**
 * Turns a trigger into a QUEUED run (snapshot, merged params, PENDING step rows, `run:queued` as
 * seq 1) and wakes the workers. Serialised per job with an advisory lock so `concurrency: skip`
 * holds even when two servers trigger the same job at the same instant.
 */
@Injectable()
export class RunQueueService {
  constructor(
    private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Inside the caller's transaction when given (the scheduler claims a fire and queues in one). */
  async enqueue(req: EnqueueRequest, tx?: Queryable): Promise<EnqueueResult> {
    if (!tx) return this.db.transaction((t) => this.enqueue(req, t));
    const { job } = req;
    if ((job.concurrency ?? 'skip') === 'skip') {
      // Only `skip` needs the check-then-insert serialised; `queue` and `parallel` accept any number.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [jobLockKey(job.id)]);
      const active = await tx.query(
        `SELECT 1 FROM runs WHERE job_id = $1 AND status IN ('QUEUED', 'RUNNING') LIMIT 1`,
        [job.id],
      );
      if (active.length > 0) return { status: 'skipped', reason: 'single-instance' };
    }
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    const params = mergeSharedParams(job, req.overrides);
    const logLevel = resolveLogLevel(job, req.overrides);
    const queued = {
      type: 'run:queued',
      run_id: id,
      seq: 1,
      at: now,
      job_id: job.id,
      triggered_by: req.triggeredBy,
    };
    // One statement for the run, its PENDING plan rows and its first event; the NOTIFY is delivered
    // at commit, so a worker never wakes for a run it cannot see yet.
    await tx.query(
      `WITH run AS (
         INSERT INTO runs (id, job_id, status, triggered_by, replay_of, scheduled_for, created_at, log_level, params,
                           overrides, job_snapshot, last_seq)
         VALUES ($1, $2, 'QUEUED', $3, $4, $5, $6, $7, $8, $9, $10, 1)
       ),
       plan AS (
         INSERT INTO step_runs (run_id, idx, name, type, status, attempts)
         SELECT $1, s.idx - 1, s.step->>'name', s.step->>'type', 'PENDING', 0
         FROM jsonb_array_elements($10::jsonb->'steps') WITH ORDINALITY AS s(step, idx)
       ),
       event AS (
         INSERT INTO run_events (run_id, seq, type, at, payload) VALUES ($1, 1, 'run:queued', $6, $11)
       )
       SELECT pg_notify($12, $1::text)`,
      [
        id,
        job.id,
        req.triggeredBy,
        req.replayOf ?? null,
        req.scheduledFor ? req.scheduledFor.toISOString() : null,
        now,
        logLevel,
        JSON.stringify(params),
        JSON.stringify(req.overrides ?? {}),
        JSON.stringify(job),
        JSON.stringify(queued),
        Channels.runQueued,
      ],
    );
    return { status: 'queued', runId: id };
  }
}
