import type { Run, RunStatus } from '@nomaflow/contracts';
import type { CatalogueSignal } from '../../core/live';
import { type RunsFilter, queuedRunMatches } from './runs-filter';

const RANK: Record<RunStatus, number> = { QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, CANCELED: 2 };

/**
 * The visible rows after a live catalogue message: a started or finished run that is on the page
 * changes state in place (never backwards). Returns the same array when nothing visible changed.
 */
export function applyToRows(rows: readonly Run[], m: CatalogueSignal): readonly Run[] {
  if (m.type !== 'run:started' && m.type !== 'run:finished') return rows;
  const i = rows.findIndex((r) => r.id === m.run_id);
  if (i < 0) return rows;
  const row = rows[i]!;
  const status: RunStatus = m.type === 'run:started' ? 'RUNNING' : m.status;
  if (RANK[status] < RANK[row.status] || (status === row.status && m.type === 'run:started')) return rows;
  const next = rows.slice();
  next[i] =
    m.type === 'run:started'
      ? { ...row, status, started_at: row.started_at ?? m.at }
      : {
          ...row,
          status,
          finished_at: row.finished_at ?? m.at,
          error: m.error,
          started_at: row.started_at ?? m.at,
        };
  return next;
}

/** The id of a newly queued run the filtered list should announce, else null. */
export function newRunFor(filter: RunsFilter, rows: readonly Run[], m: CatalogueSignal): string | null {
  if (m.type !== 'run:queued') return null;
  if (rows.some((r) => r.id === m.run_id)) return null;
  return queuedRunMatches(filter, m.job_id, m.at) ? m.run_id : null;
}
