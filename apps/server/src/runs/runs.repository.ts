import { Injectable } from '@nestjs/common';
import type { JobDocument, LogLine, Run, RunEvent, RunOverrides, StepRun } from '@nomaflow/contracts';
import { Database } from '../database/database.js';
import type { RunListQuery } from './run-requests.js';

interface RunRow {
  id: string;
  job_id: string;
  status: Run['status'];
  triggered_by: Run['triggered_by'];
  replay_of: string | null;
  scheduled_for: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  log_level: Run['log_level'];
  params: Run['params'];
  error: string | null;
  overrides?: RunOverrides;
  job_snapshot?: JobDocument;
}

interface StepRow {
  run_id: string;
  name: string;
  type: string;
  status: StepRun['status'];
  reason: string | null;
  attempts: number;
  started_at: Date | null;
  finished_at: Date | null;
  output: StepRun['output'];
  error: string | null;
}

interface EventRow {
  seq: string;
  type: RunEvent['type'];
  at: Date;
  level: LogLine['level'] | null;
  step: string | null;
  message: string | null;
  payload: RunEvent | null;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

const RUN_COLUMNS = `id, job_id, status, triggered_by, replay_of, scheduled_for, created_at, started_at, finished_at,
  log_level, params, error`;

function toRun(row: RunRow, steps: StepRow[]): Run {
  return {
    id: row.id,
    job_id: row.job_id,
    status: row.status,
    triggered_by: row.triggered_by,
    replay_of: row.replay_of,
    scheduled_for: iso(row.scheduled_for),
    created_at: iso(row.created_at) as string,
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    log_level: row.log_level,
    params: row.params,
    error: row.error,
    steps: steps.map((s) => ({
      name: s.name,
      type: s.type,
      status: s.status,
      reason: s.reason,
      attempts: s.attempts,
      started_at: iso(s.started_at),
      finished_at: iso(s.finished_at),
      output: s.output,
      error: s.error,
    })),
  };
}

@Injectable()
export class RunsRepository {
  constructor(private readonly db: Database) {}

  async find(
    id: string,
    withSnapshot = false,
  ): Promise<(Run & { overrides: RunOverrides; snapshot: JobDocument }) | undefined> {
    const [row] = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS}, overrides, job_snapshot FROM runs WHERE id = $1`,
      [id],
    );
    if (!row) return undefined;
    const steps = await this.db.query<StepRow>('SELECT * FROM step_runs WHERE run_id = $1 ORDER BY idx', [
      id,
    ]);
    const run = toRun(row, steps);
    return {
      ...run,
      ...(withSnapshot ? { job: row.job_snapshot as JobDocument } : {}),
      overrides: row.overrides ?? {},
      snapshot: row.job_snapshot as JobDocument,
    };
  }

  async list(q: RunListQuery): Promise<Run[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (q.job) add('job_id = ?', q.job);
    if (q.statuses) add('status = ANY(?::text[])', q.statuses);
    if (q.from) add('created_at >= ?', q.from);
    if (q.to) add('created_at < ?', q.to);
    if (q.cursor) {
      values.push(q.cursor.createdAt, q.cursor.id);
      where.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    values.push(q.limit);
    const rows = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    if (rows.length === 0) return [];
    const steps = await this.db.query<StepRow>(
      'SELECT * FROM step_runs WHERE run_id = ANY($1::uuid[]) ORDER BY run_id, idx',
      [rows.map((r) => r.id)],
    );
    const byRun = new Map<string, StepRow[]>();
    for (const s of steps) byRun.set(s.run_id, [...(byRun.get(s.run_id) ?? []), s]);
    return rows.map((r) => toRun(r, byRun.get(r.id) ?? []));
  }

  async logs(runId: string, afterSeq: number, limit: number): Promise<LogLine[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT seq, type, at, level, step, message FROM run_events
       WHERE run_id = $1 AND seq > $2 AND type = 'log:line' ORDER BY seq LIMIT $3`,
      [runId, afterSeq, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      ts: new Date(r.at).toISOString(),
      level: r.level as LogLine['level'],
      step: r.step,
      message: r.message ?? '',
    }));
  }

  /** Every event after a seq, in order: the history a live stream continues from. */
  async events(runId: string, afterSeq: number, limit: number, types?: string[]): Promise<RunEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT seq, type, at, level, step, message, payload FROM run_events
       WHERE run_id = $1 AND seq > $2 ${types ? 'AND type = ANY($4::text[])' : ''} ORDER BY seq LIMIT $3`,
      types ? [runId, afterSeq, limit, types] : [runId, afterSeq, limit],
    );
    return rows.map((r): RunEvent => {
      if (r.type !== 'log:line' && r.payload) return { ...r.payload, type: r.type } as RunEvent;
      const seq = Number(r.seq);
      const ts = new Date(r.at).toISOString();
      return {
        type: 'log:line',
        run_id: runId,
        seq,
        at: ts,
        line: { seq, ts, level: r.level as LogLine['level'], step: r.step, message: r.message ?? '' },
      };
    });
  }

  async requestCancel(runId: string, by: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE runs SET cancel_requested_by = $2 WHERE id = $1 AND status = 'RUNNING' RETURNING id`,
      [runId, by],
    );
    return rows.length > 0;
  }
}
