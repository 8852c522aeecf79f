import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { Queryable } from '../database/database.js';
import type { JobRow } from './cron-job.js';

/** Reads the `jobs` table for the scheduler; the jobs API owns the writes. */
@Injectable()
export class ScheduledJobsRepository {
  constructor(private readonly db: Database) {}

  /** Every job with the instant of its latest recorded fire (the start of its catch-up window). */
  loadAll(): Promise<JobRow[]> {
    return this.db.query<JobRow>(
      `SELECT j.id, j.document, j.updated_at,
              (SELECT max(f.scheduled_for) FROM fires f WHERE f.job_id = j.id) AS last_fire
         FROM jobs j
        ORDER BY j.id`,
    );
  }

  async load(id: string, q: Queryable = this.db): Promise<JobRow | undefined> {
    const rows = await q.query<JobRow>(`SELECT id, document, updated_at FROM jobs WHERE id = $1`, [id]);
    return rows[0];
  }
}
