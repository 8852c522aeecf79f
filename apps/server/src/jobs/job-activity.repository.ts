import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { LastRun, RunningState } from './job-views.js';

/** Read-only views of the runs tables for the catalogue: one query each, whatever the number of jobs. */
@Injectable()
export class JobActivityRepository {
  constructor(private readonly db: Database) {}

  async lastRuns(jobIds: readonly string[]): Promise<Map<string, LastRun>> {
    const rows = await this.db.query<LastRun & { job_id: string }>(
      `SELECT DISTINCT ON (job_id) job_id, id, status, triggered_by, created_at, started_at, finished_at
       FROM runs WHERE job_id = ANY($1::text[])
       ORDER BY job_id, created_at DESC, id DESC`,
      [jobIds],
    );
    return new Map(rows.map(({ job_id, ...run }) => [job_id, run]));
  }

  /**
   * The newest RUNNING run of each job and its current step: the first step not yet finished, or
   * the last one while the run is being closed.
   */
  async running(jobIds: readonly string[]): Promise<Map<string, RunningState>> {
    const rows = await this.db.query<RunningState & { job_id: string }>(
      `SELECT DISTINCT ON (r.job_id) r.job_id, r.id AS run_id, counts.n AS step_count,
              COALESCE(cur.idx, 0) AS step_index, cur.name AS step
       FROM runs r
       CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM step_runs s WHERE s.run_id = r.id) counts
       LEFT JOIN LATERAL (
         SELECT s.idx, s.name FROM step_runs s WHERE s.run_id = r.id
         ORDER BY (s.status IN ('PENDING', 'RUNNING')) DESC,
                  CASE WHEN s.status IN ('PENDING', 'RUNNING') THEN s.idx ELSE -s.idx END
         LIMIT 1
       ) cur ON true
       WHERE r.status = 'RUNNING' AND r.job_id = ANY($1::text[])
       ORDER BY r.job_id, r.started_at DESC NULLS LAST, r.created_at DESC`,
      [jobIds],
    );
    return new Map(rows.map(({ job_id, ...state }) => [job_id, state]));
  }
}
