import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

/** Run states a run never leaves: only these are ever pruned. */
const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELED'];

/**
 * The deletes of the daily prune. Each is one short statement (its own transaction) over a bounded
 * set of rows, so a prune of millions of rows never holds long locks, never builds one huge WAL
 * record, and can stop between batches.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly db: Database) {}

  /** Ids of finished runs that ended before `cutoff`, oldest first (the partial index runs_finished). */
  async finishedRunsBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM runs
        WHERE finished_at < $1 AND status = ANY($2::text[])
        ORDER BY finished_at
        LIMIT $3`,
      [cutoff.toISOString(), FINISHED, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Deletes up to `limit` events of these runs, found and deleted through the primary key
   * (run_id, seq). No ORDER BY: any `limit` rows will do, and sorting a million-event run would not.
   */
  async deleteEvents(runIds: readonly string[], limit: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM run_events e
        USING (SELECT run_id, seq FROM run_events
                WHERE run_id = ANY($1::uuid[])
                LIMIT $2) batch
        WHERE e.run_id = batch.run_id AND e.seq = batch.seq
       RETURNING 1`,
      [runIds, limit],
    );
    return rows.length;
  }

  async deleteSteps(runIds: readonly string[]): Promise<number> {
    const rows = await this.db.query(`DELETE FROM step_runs WHERE run_id = ANY($1::uuid[]) RETURNING 1`, [
      runIds,
    ]);
    return rows.length;
  }

  /** The status check is repeated so a run is only ever deleted in a finished state. */
  async deleteRuns(runIds: readonly string[], cutoff: Date): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM runs
        WHERE id = ANY($1::uuid[]) AND finished_at < $2 AND status = ANY($3::text[])
       RETURNING 1`,
      [runIds, cutoff.toISOString(), FINISHED],
    );
    return rows.length;
  }

  /**
   * Deletes up to `limit` fires scheduled before `cutoff`, except the latest fire of each job: that
   * row is where the scheduler's catch-up starts, and without it a job that fires less often than the
   * retention period would look as if it had missed everything since its last save.
   */
  async deleteFires(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM fires f
        USING (SELECT old.job_id, old.scheduled_for FROM fires old
                WHERE old.scheduled_for < $1
                  AND EXISTS (SELECT 1 FROM fires newer
                               WHERE newer.job_id = old.job_id AND newer.scheduled_for > old.scheduled_for)
                LIMIT $2) batch
        WHERE f.job_id = batch.job_id AND f.scheduled_for = batch.scheduled_for
       RETURNING 1`,
      [cutoff.toISOString(), limit],
    );
    return rows.length;
  }
}
