import { Injectable } from '@nestjs/common';
import type { JobDocument, RunEvent, RunStatus } from '@nomaflow/contracts';
import { Database } from '../database/database.js';
import { rowToEvent } from './event-rows.js';
import type { EventRow } from './event-rows.js';

/** Events of a statement that the catalogue shows, with the run's step count ("step 6 / 17"). */
export interface StateEvent {
  event: RunEvent;
  stepCount: number;
}

export interface NoticeRange {
  runId: string;
  from: number;
  to: number;
}

/** The catalogue's share of a run's events: enough for the job card's state, last run and progress. */
export const STATE_EVENT_TYPES = ['run:queued', 'run:started', 'step:started', 'run:finished'] as const;

/**
 * Reads of `run_events` for the live stream: the rows of `GET /api/runs/:id/events` and
 * `GET /api/runs/:id/logs`, turned into events the same way, so a socket, the REST API and the
 * CLI see one sequence with the same fields.
 */
@Injectable()
export class RunEventReader {
  constructor(private readonly db: Database) {}

  /**
   * The events with `afterSeq < seq <= upTo`, in seq order. Bounded by seq rather than by LIMIT:
   * the primary key (run_id, seq) serves it whatever the planner estimates for one run's rows
   * (a LIMIT read of a large run's tail can otherwise sort every remaining row of the run).
   */
  async events(runId: string, afterSeq: number, upTo: number): Promise<RunEvent[]> {
    if (upTo <= afterSeq) return [];
    const rows = await this.db.query<EventRow>(
      `SELECT seq, type, at, level, step, message, payload FROM run_events
       WHERE run_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
      [runId, afterSeq, upTo],
    );
    return rows.map((r) => rowToEvent(runId, r));
  }

  async lastSeq(runId: string): Promise<number> {
    const [row] = await this.db.query<{ seq: string | null }>(
      'SELECT max(seq) AS seq FROM run_events WHERE run_id = $1',
      [runId],
    );
    return Number(row?.seq ?? 0);
  }

  async run(runId: string): Promise<{ job_id: string; status: RunStatus } | undefined> {
    const [row] = await this.db.query<{ job_id: string; status: RunStatus }>(
      'SELECT job_id, status FROM runs WHERE id = $1',
      [runId],
    );
    return row;
  }

  /** The catalogue events inside the given seq ranges (each one statement's inserts), in order per run. */
  async stateEvents(ranges: readonly NoticeRange[]): Promise<StateEvent[]> {
    if (ranges.length === 0) return [];
    const rows = await this.db.query<{
      type: RunEvent['type'];
      payload: RunEvent;
      step_count: number | null;
    }>(
      `SELECT e.type, e.payload, jsonb_array_length(r.job_snapshot->'steps') AS step_count
       FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS n(run_id, lo, hi)
       JOIN run_events e ON e.run_id = n.run_id AND e.seq BETWEEN n.lo AND n.hi
       JOIN runs r ON r.id = n.run_id
       WHERE e.type = ANY($4::text[]) AND e.payload IS NOT NULL
       ORDER BY e.run_id, e.seq`,
      [ranges.map((r) => r.runId), ranges.map((r) => r.from), ranges.map((r) => r.to), STATE_EVENT_TYPES],
    );
    // As RunsRepository.events maps them: the stored payload, its type from the row.
    return rows.map((r) => ({
      event: { ...r.payload, type: r.type } as RunEvent,
      stepCount: r.step_count ?? 0,
    }));
  }

  async jobCount(): Promise<number> {
    const [row] = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM jobs');
    return Number(row?.n ?? 0);
  }

  async job(id: string): Promise<{ document: JobDocument; version: number } | undefined> {
    const [row] = await this.db.query<{ document: JobDocument; version: number }>(
      'SELECT document, version FROM jobs WHERE id = $1',
      [id],
    );
    return row;
  }
}
