import type { LogLine, RunEvent } from '@nomaflow/contracts';

/** A `run_events` row, as a query returns it or as the NOTIFY payload carries it. */
export interface EventRow {
  seq: string | number;
  type: RunEvent['type'];
  at: Date | string;
  level: LogLine['level'] | null;
  step: string | null;
  message: string | null;
  payload: RunEvent | null;
}

/**
 * A stored row as the event clients receive — the mapping of `GET /api/runs/:id/events` and
 * `GET /api/runs/:id/logs`: other events are their stored payload, log lines are rebuilt from
 * their columns.
 */
export function rowToEvent(runId: string, r: EventRow): RunEvent {
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
}

/** `[seq, type, at, level, step, message, payload]` from the NOTIFY payload; undefined if malformed. */
export function tupleToRow(tuple: unknown): EventRow | undefined {
  if (!Array.isArray(tuple) || tuple.length !== 7) return undefined;
  const [seq, type, at, level, step, message, payload] = tuple as unknown[];
  if (typeof seq !== 'number' || typeof type !== 'string' || typeof at !== 'string') return undefined;
  return {
    seq,
    type: type as RunEvent['type'],
    at,
    level: typeof level === 'string' ? (level as LogLine['level']) : null,
    step: typeof step === 'string' ? step : null,
    message: typeof message === 'string' ? message : null,
    payload: typeof payload === 'object' && payload !== null ? (payload as RunEvent) : null,
  };
}
