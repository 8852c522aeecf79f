import { Injectable } from '@nestjs/common';
import type { JobDocument, RunOverrides, RunSnapshot, TriggeredBy } from '@nomaflow/contracts';
import { Database } from '../database/database.js';
import { jobLockKey } from './job-lock.js';

export interface ClaimedRun {
  snapshot: RunSnapshot;
  lastSeq: number;
}

interface CandidateRow {
  id: string;
  job_id: string;
  concurrency: string | null;
}

interface ClaimedRow {
  id: string;
  job_snapshot: JobDocument;
  triggered_by: TriggeredBy;
  scheduled_for: Date | null;
  overrides: RunOverrides;
  last_seq: string;
}

/**
 * Claims the oldest runnable QUEUED run for a worker. `FOR UPDATE SKIP LOCKED` lets any number of
 * workers claim concurrently without waiting on each other; for jobs that are not `parallel` a
 * per-job advisory lock plus "none RUNNING, none older QUEUED" keeps one run at a time, in order.
 */
@Injectable()
export class RunClaimer {
  constructor(private readonly db: Database) {}

  async claim(workerId: string): Promise<ClaimedRun | undefined> {
    // Fast path, one statement: the oldest QUEUED run, unless its job queues runs one at a time.
    // `skip` jobs need no ordering here — queueing already allows one active run per such job.
    const [fast] = await this.db.query<
      ClaimedRow & { candidate: string; concurrency: string; claimed: string | null }
    >(
      `WITH c AS (
         SELECT id, COALESCE(job_snapshot->>'concurrency', 'skip') AS concurrency
         FROM runs WHERE status = 'QUEUED' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
       ), u AS (
         UPDATE runs r SET status = 'RUNNING', worker_id = $1, cancel_requested_by = NULL
         FROM c WHERE r.id = c.id AND c.concurrency <> 'queue'
         RETURNING r.id, r.job_snapshot, r.triggered_by, r.scheduled_for, r.overrides,
                   GREATEST(r.last_seq, (SELECT COALESCE(max(seq), 0) FROM run_events e WHERE e.run_id = r.id)) AS last_seq
       )
       SELECT c.id AS candidate, c.concurrency, u.id AS claimed, u.job_snapshot, u.triggered_by, u.scheduled_for,
              u.overrides, u.last_seq
       FROM c LEFT JOIN u ON u.id = c.id`,
      [workerId],
    );
    if (!fast) return undefined;
    if (fast.claimed) return toClaimed({ ...fast, id: fast.claimed });
    return this.claimInOrder(workerId);
  }

  /** Slow path: per-job order for `queue` jobs (and any candidate the fast path passed over). */
  private async claimInOrder(workerId: string): Promise<ClaimedRun | undefined> {
    return this.db.transaction(async (tx) => {
      const candidates = await tx.query<CandidateRow>(
        `SELECT id, job_id, job_snapshot->>'concurrency' AS concurrency
         FROM runs WHERE status = 'QUEUED'
         ORDER BY created_at, id
         LIMIT 20
         FOR UPDATE SKIP LOCKED`,
      );
      for (const c of candidates) {
        if (c.concurrency !== 'parallel') {
          const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
            jobLockKey(c.job_id),
          ]);
          if (!lock?.ok) continue;
          const blocked = await tx.query(
            `SELECT 1 FROM runs o
             WHERE o.job_id = $1 AND o.id <> $2
               AND (o.status = 'RUNNING'
                    OR (o.status = 'QUEUED' AND (o.created_at, o.id) < (SELECT created_at, id FROM runs WHERE id = $2)))
             LIMIT 1`,
            [c.job_id, c.id],
          );
          if (blocked.length > 0) continue;
        }
        const [row] = await tx.query<ClaimedRow>(
          `UPDATE runs SET status = 'RUNNING', worker_id = $2, cancel_requested_by = NULL
           WHERE id = $1 AND status = 'QUEUED'
           RETURNING id, job_snapshot, triggered_by, scheduled_for, overrides,
             GREATEST(last_seq, (SELECT COALESCE(max(seq), 0) FROM run_events WHERE run_id = $1)) AS last_seq`,
          [c.id, workerId],
        );
        if (!row) continue;
        return toClaimed(row);
      }
      return undefined;
    });
  }
}

function toClaimed(row: ClaimedRow): ClaimedRun {
  return {
    snapshot: {
      id: row.id,
      job: row.job_snapshot,
      triggered_by: row.triggered_by,
      scheduled_for: row.scheduled_for ? new Date(row.scheduled_for).toISOString() : null,
      overrides: row.overrides,
    },
    lastSeq: Number(row.last_seq),
  };
}
