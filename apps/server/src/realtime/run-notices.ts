import type { RunEvent } from '@nomaflow/contracts';
import { rowToEvent, tupleToRow } from './event-rows.js';

/** NOTIFY channel of the run_events trigger (migration 1764496800000-run-events-notify). */
export const RUN_EVENTS_CHANNEL = 'nomaflow_run_events';

/** One run's share of one INSERT statement on run_events. */
export interface RunNotice {
  runId: string;
  /** First and last seq the statement inserted for the run. */
  from: number;
  to: number;
  /** The statement inserted a run:queued, run:started, step:started or run:finished of the run. */
  state: boolean;
  /** The inserted events themselves, when the statement inserted few (else they are read back). */
  events?: RunEvent[];
}

/** `[[run_id, first_seq, last_seq, 0|1, rows?], …]`; anything else reads as no notice. */
export function parseRunNotices(payload: string): RunNotice[] {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const notices: RunNotice[] = [];
  for (const entry of raw as unknown[]) {
    if (!Array.isArray(entry)) continue;
    const [runId, from, to, state, rows] = entry as unknown[];
    if (typeof runId !== 'string' || typeof from !== 'number' || typeof to !== 'number') continue;
    const notice: RunNotice = { runId, from, to, state: state === 1 || state === true };
    if (Array.isArray(rows)) {
      const parsed = rows.map(tupleToRow);
      // Only a complete, well-formed set stands for the statement; otherwise read it back.
      if (parsed.every((r) => r !== undefined)) notice.events = parsed.map((r) => rowToEvent(runId, r!));
    }
    notices.push(notice);
  }
  return notices;
}
