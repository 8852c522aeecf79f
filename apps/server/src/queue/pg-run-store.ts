import type { StepRun } from '@nomaflow/contracts';
import type { RunPatch, RunStore } from '@nomaflow/kernel';
import type { Database } from '../database/database.js';

/** Thrown when a run was taken from this worker (reaped as lost) while it was still executing it. */
export class RunTakenAwayError extends Error {
  constructor(runId: string) {
    super(`run ${runId} is no longer owned by this worker`);
    this.name = 'RunTakenAwayError';
  }
}

const RUN_COLUMNS = ['status', 'started_at', 'finished_at', 'error', 'params', 'log_level'] as const;

/**
 * The engine's RunStore over PostgreSQL. Every write is guarded by ownership (`worker_id`, status
 * RUNNING): a worker the reaper declared dead must not resurrect a run another process settled.
 */
export class PgRunStore implements RunStore {
  constructor(
    private readonly db: Database,
    private readonly workerId: string,
  ) {}

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [runId, this.workerId];
    for (const column of RUN_COLUMNS) {
      if (patch[column] === undefined) continue;
      const value = patch[column];
      values.push(column === 'params' ? JSON.stringify(value) : value);
      sets.push(`${column} = $${values.length}`);
    }
    if (sets.length === 0) return;
    const rows = await this.db.query(
      `UPDATE runs SET ${sets.join(', ')} WHERE id = $1 AND worker_id = $2 AND status = 'RUNNING' RETURNING id`,
      values,
    );
    if (rows.length === 0) throw new RunTakenAwayError(runId);
  }

  async saveStep(runId: string, index: number, step: StepRun): Promise<void> {
    const rows = await this.db.query(
      `INSERT INTO step_runs (run_id, idx, name, type, status, reason, attempts, started_at, finished_at, output, error)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
       FROM runs r WHERE r.id = $1 AND r.worker_id = $12 AND r.status = 'RUNNING'
       ON CONFLICT (run_id, idx) DO UPDATE SET
         name = EXCLUDED.name, type = EXCLUDED.type, status = EXCLUDED.status, reason = EXCLUDED.reason,
         attempts = EXCLUDED.attempts, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
         output = EXCLUDED.output, error = EXCLUDED.error
       RETURNING run_id`,
      [
        runId,
        index,
        step.name,
        step.type,
        step.status,
        step.reason,
        step.attempts,
        step.started_at,
        step.finished_at,
        step.output === null ? null : JSON.stringify(step.output),
        step.error,
        this.workerId,
      ],
    );
    if (rows.length === 0) throw new RunTakenAwayError(runId);
  }
}
