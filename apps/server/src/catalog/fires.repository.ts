import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

export interface FireRow {
  job_id: string;
  scheduled_for: Date;
  outcome: string;
  run_id: string | null;
  note: string | null;
}

/** Read side of the `fires` table (the scheduler writes it): what cron did in the past. */
@Injectable()
export class FiresRepository {
  constructor(private readonly db: Database) {}

  /** Fires of the jobs in `from <= scheduled_for <= to`, at most `perJob` per job (the latest). */
  between(jobIds: readonly string[], from: Date, to: Date, perJob: number): Promise<FireRow[]> {
    return this.db.query<FireRow>(
      `SELECT job_id, scheduled_for, outcome, run_id, note FROM (
         SELECT f.*, row_number() OVER (PARTITION BY f.job_id ORDER BY f.scheduled_for DESC) AS n
         FROM fires f
         WHERE f.job_id = ANY($1::text[]) AND f.scheduled_for >= $2 AND f.scheduled_for <= $3
       ) latest
       WHERE n <= $4
       ORDER BY scheduled_for, job_id`,
      [jobIds, from.toISOString(), to.toISOString(), perJob],
    );
  }
}
