import { Inject, Injectable, Logger } from '@nestjs/common';
import { StepReasons } from '@nomaflow/contracts';
import type { JobDocument, LogLineLevel, RunEvent, StepStatus, TriggeredBy } from '@nomaflow/contracts';
import { StepTypeRegistry } from '@nomaflow/kernel';
import type { Clock } from '@nomaflow/kernel';
import { Database } from '../database/database.js';
import type { Queryable } from '../database/database.js';
import { CLOCK } from '../kernel/clock.js';
import { RunWriter } from './run-writer.js';

interface LockedRun {
  id: string;
  job_id: string;
  status: string;
  worker_id: string | null;
  triggered_by: TriggeredBy;
  last_seq: string;
  job_snapshot: JobDocument;
}

interface StepRow {
  idx: number;
  name: string;
  status: StepStatus;
}

/** Re-queues after a lost worker are capped, so a run that kills its worker cannot loop forever. */
const MAX_REQUEUES = 3;

/**
 * Settles runs outside the engine — a cancelled QUEUED run, a run whose worker died, a run whose
 * engine crashed — writing step rows, the run row and the events (continuing the run's seq) in one
 * transaction, so no run is left RUNNING forever and no event gap appears.
 */
@Injectable()
export class RunSettler {
  private readonly logger = new Logger('RunSettler');

  constructor(
    private readonly db: Database,
    private readonly registry: StepTypeRegistry,
    private readonly events: RunWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** QUEUED → CANCELED. False when the run was no longer QUEUED (a worker took it meanwhile). */
  async cancelQueued(runId: string, by: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const run = await this.lock(tx, runId);
      if (!run || run.status !== 'QUEUED') return false;
      const reason = StepReasons.cancelledBy(by);
      const now = this.now();
      await tx.query(
        `UPDATE step_runs SET status = 'CANCELED', reason = $2 WHERE run_id = $1 AND status IN ('PENDING', 'RUNNING')`,
        [runId, reason],
      );
      await tx.query(`UPDATE runs SET status = 'CANCELED', finished_at = $2, error = $3 WHERE id = $1`, [
        runId,
        now,
        reason,
      ]);
      await this.append(tx, run, [
        { type: 'log:line', level: 'WARNING', message: `run ${reason}` },
        { type: 'run:finished', status: 'CANCELED', error: reason },
      ]);
      return true;
    });
  }

  /** A RUNNING run whose worker stopped heart-beating: re-queued when every step type is idempotent, else FAILED. */
  async reapLost(runId: string, deadWorker: string | null): Promise<'failed' | 'requeued' | 'skipped'> {
    return this.db.transaction(async (tx) => {
      const run = await this.lock(tx, runId);
      if (!run || run.status !== 'RUNNING' || run.worker_id !== deadWorker) return 'skipped';
      const who = `worker ${deadWorker ?? '(none)'} stopped heart-beating`;
      if (await this.canRequeue(tx, run)) {
        await tx.query(
          `UPDATE step_runs SET status = 'PENDING', reason = NULL, attempts = 0, started_at = NULL, finished_at = NULL,
                  output = NULL, error = NULL
           WHERE run_id = $1`,
          [runId],
        );
        await tx.query(
          `UPDATE runs SET status = 'QUEUED', worker_id = NULL, started_at = NULL WHERE id = $1`,
          [runId],
        );
        await this.append(tx, run, [
          {
            type: 'log:line',
            level: 'WARNING',
            message: `${who}; run re-queued (every step type is idempotent)`,
          },
          { type: 'run:queued', job_id: run.job_id, triggered_by: run.triggered_by },
        ]);
        await tx.query(`SELECT pg_notify('nomaflow_run_queued', $1)`, [runId]);
        return 'requeued';
      }
      await this.fail(tx, run, StepReasons.lostInRestart, `run lost in restart: ${who}`);
      return 'failed';
    });
  }

  /** The engine itself failed (e.g. the database went away mid-run): retried until it sticks. */
  async failCrashed(runId: string, workerId: string, error: string): Promise<void> {
    for (let delay = 200; ; delay = Math.min(delay * 2, 10_000)) {
      try {
        await this.events.flush();
        await this.db.transaction(async (tx) => {
          const run = await this.lock(tx, runId);
          if (run && run.status === 'RUNNING' && run.worker_id === workerId)
            await this.fail(tx, run, error, error);
        });
        return;
      } catch (e) {
        this.logger.warn(`could not settle crashed run ${runId} (${(e as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async fail(tx: Queryable, run: LockedRun, error: string, logMessage: string): Promise<void> {
    const steps = await tx.query<StepRow>(
      'SELECT idx, name, status FROM step_runs WHERE run_id = $1 ORDER BY idx',
      [run.id],
    );
    const now = this.now();
    const failing = steps.find((s) => s.status === 'RUNNING');
    const events: PendingEvent[] = [{ type: 'log:line', level: 'ERROR', message: logMessage }];
    if (failing) {
      await tx.query(
        `UPDATE step_runs SET status = 'FAILED', finished_at = $3, error = $4 WHERE run_id = $1 AND idx = $2`,
        [run.id, failing.idx, now, error],
      );
      events.push({ type: 'step:finished', step: failing.name, index: failing.idx, status: 'FAILED', error });
    }
    const reason = failing ? StepReasons.notReached(failing.name) : error;
    await tx.query(
      `UPDATE step_runs SET status = 'CANCELED', reason = $2 WHERE run_id = $1 AND status = 'PENDING'`,
      [run.id, reason],
    );
    await tx.query(`UPDATE runs SET status = 'FAILED', finished_at = $2, error = $3 WHERE id = $1`, [
      run.id,
      now,
      error,
    ]);
    events.push({ type: 'run:finished', status: 'FAILED', error });
    await this.append(tx, run, events);
  }

  private async canRequeue(tx: Queryable, run: LockedRun): Promise<boolean> {
    const allIdempotent = run.job_snapshot.steps.every(
      (s) => s.enabled === false || this.registry.manifest(s.type)?.idempotent === true,
    );
    if (!allIdempotent) return false;
    const [count] = await tx.query<{ n: string }>(
      `SELECT count(*) AS n FROM run_events WHERE run_id = $1 AND type = 'run:queued'`,
      [run.id],
    );
    return Number(count?.n ?? 0) <= MAX_REQUEUES;
  }

  private async lock(tx: Queryable, runId: string): Promise<LockedRun | undefined> {
    const [run] = await tx.query<LockedRun>(
      'SELECT id, job_id, status, worker_id, triggered_by, last_seq, job_snapshot FROM runs WHERE id = $1 FOR UPDATE',
      [runId],
    );
    return run;
  }

  /** Appends events after the run's last persisted seq (the row lock keeps two settlers apart). */
  private async append(tx: Queryable, run: LockedRun, pending: PendingEvent[]): Promise<void> {
    const [max] = await tx.query<{ seq: string | null }>(
      'SELECT max(seq) AS seq FROM run_events WHERE run_id = $1',
      [run.id],
    );
    let seq = Math.max(Number(run.last_seq), Number(max?.seq ?? 0));
    const at = this.now();
    for (const p of pending) {
      seq += 1;
      const event = toEvent(run, p, seq, at);
      if (event.type === 'log:line') {
        await tx.query(
          `INSERT INTO run_events (run_id, seq, type, at, level, step, message) VALUES ($1, $2, 'log:line', $3, $4, NULL, $5)`,
          [run.id, seq, at, event.line.level, event.line.message],
        );
      } else {
        await tx.query(
          `INSERT INTO run_events (run_id, seq, type, at, step, payload) VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            run.id,
            seq,
            event.type,
            at,
            'step' in event && typeof event.step === 'string' ? event.step : null,
            JSON.stringify(event),
          ],
        );
      }
    }
    await tx.query('UPDATE runs SET last_seq = $2 WHERE id = $1', [run.id, seq]);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

type PendingEvent =
  | { type: 'log:line'; level: LogLineLevel; message: string }
  | { type: 'run:finished'; status: 'FAILED' | 'CANCELED'; error: string }
  | { type: 'run:queued'; job_id: string; triggered_by: TriggeredBy }
  | { type: 'step:finished'; step: string; index: number; status: 'FAILED'; error: string };

function toEvent(run: LockedRun, p: PendingEvent, seq: number, at: string): RunEvent {
  const base = { run_id: run.id, seq, at };
  switch (p.type) {
    case 'log:line':
      return {
        ...base,
        type: 'log:line',
        line: { seq, ts: at, level: p.level, step: null, message: p.message },
      };
    case 'run:finished':
      return { ...base, type: 'run:finished', job_id: run.job_id, status: p.status, error: p.error };
    case 'run:queued':
      return { ...base, type: 'run:queued', job_id: run.job_id, triggered_by: p.triggered_by };
    case 'step:finished':
      return {
        ...base,
        type: 'step:finished',
        step: p.step,
        index: p.index,
        status: p.status,
        reason: null,
        attempts: 0,
        output: null,
        error: p.error,
        duration_ms: null,
      };
  }
}
