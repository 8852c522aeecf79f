import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

/**
 * The `fires` row that makes one process, and one only, prune on a given day.
 *
 * Why a row and not a pg advisory lock: a lock only keeps two prunes from overlapping — a process
 * whose timer fires a second after another's prune finished would prune again — and leaves no trace.
 * The row is claimed with the same `INSERT … ON CONFLICT DO NOTHING` as a cron fire, so it holds
 * for the whole day, and it records who pruned, when and how much.
 *
 * The job id contains `:`, which a job id cannot (SPEC §1: `^[A-Za-z0-9_-]+$`), so it never
 * collides with a real job's fires.
 */
export const RETENTION_FIRE_ID = 'nomaflow:retention';

@Injectable()
export class RetentionClaimRepository {
  constructor(private readonly db: Database) {}

  async claim(day: Date, claimedBy: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO fires (job_id, scheduled_for, outcome, claimed_by, claimed_at, lateness_ms)
       VALUES ($1, $2, 'pruning', $3, $4, $5)
       ON CONFLICT (job_id, scheduled_for) DO NOTHING
       RETURNING job_id`,
      [
        RETENTION_FIRE_ID,
        day.toISOString(),
        claimedBy,
        now.toISOString(),
        Math.min(2_147_483_647, Math.max(0, now.getTime() - day.getTime())),
      ],
    );
    return rows.length === 1;
  }

  async settle(day: Date, outcome: string, note: string | null): Promise<void> {
    await this.db.query(`UPDATE fires SET outcome = $3, note = $4 WHERE job_id = $1 AND scheduled_for = $2`, [
      RETENTION_FIRE_ID,
      day.toISOString(),
      outcome,
      note,
    ]);
  }
}
