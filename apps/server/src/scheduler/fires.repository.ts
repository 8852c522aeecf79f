import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { Queryable } from '../database/database.js';
import { FireOutcome } from './fire-outcomes.js';

export interface FireRecord {
  jobId: string;
  scheduledFor: Date;
  claimedBy: string;
  claimedAt: Date;
  latenessMs: number;
  note: string | null;
}

/**
 * The `fires` table: one row per (job, instant), whatever happened to it. Its primary key is the
 * cluster-wide claim — `INSERT … ON CONFLICT DO NOTHING` lets exactly one process have each fire,
 * however many schedulers run, with no lock held between fires.
 */
@Injectable()
export class FiresRepository {
  constructor(private readonly db: Database) {}

  /** True when this process now owns the fire; false when another already recorded it. */
  async claim(tx: Queryable, fire: FireRecord): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO fires (job_id, scheduled_for, outcome, claimed_by, claimed_at, lateness_ms, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (job_id, scheduled_for) DO NOTHING
       RETURNING job_id`,
      [
        fire.jobId,
        fire.scheduledFor.toISOString(),
        FireOutcome.claiming,
        fire.claimedBy,
        fire.claimedAt.toISOString(),
        fire.latenessMs,
        fire.note,
      ],
    );
    return rows.length === 1;
  }

  async settle(
    tx: Queryable,
    jobId: string,
    scheduledFor: Date,
    outcome: string,
    runId: string | null = null,
  ): Promise<void> {
    await tx.query(`UPDATE fires SET outcome = $3, run_id = $4 WHERE job_id = $1 AND scheduled_for = $2`, [
      jobId,
      scheduledFor.toISOString(),
      outcome,
      runId,
    ]);
  }

  /** Gives a claim back (inside its transaction): the fire turned out not to be one. */
  async release(tx: Queryable, jobId: string, scheduledFor: Date): Promise<void> {
    await tx.query(`DELETE FROM fires WHERE job_id = $1 AND scheduled_for = $2`, [
      jobId,
      scheduledFor.toISOString(),
    ]);
  }

  /** Records fires that will not run, in one statement; fires already recorded are left alone. */
  async recordMany(records: readonly FireRecord[], outcome: string): Promise<number> {
    if (records.length === 0) return 0;
    const rows = await this.db.query(
      `INSERT INTO fires (job_id, scheduled_for, outcome, claimed_by, claimed_at, lateness_ms, note)
       SELECT f.job_id, f.at, $1, f.claimed_by, f.claimed_at, f.lateness, f.note
         FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::timestamptz[], $6::integer[], $7::text[])
              AS f(job_id, at, claimed_by, claimed_at, lateness, note)
       ON CONFLICT (job_id, scheduled_for) DO NOTHING
       RETURNING job_id`,
      [
        outcome,
        records.map((r) => r.jobId),
        records.map((r) => r.scheduledFor.toISOString()),
        records.map((r) => r.claimedBy),
        records.map((r) => r.claimedAt.toISOString()),
        records.map((r) => r.latenessMs),
        records.map((r) => r.note),
      ],
    );
    return rows.length;
  }
}
