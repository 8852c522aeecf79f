import type {
  ConnectorConfig,
  FieldError,
  FireView,
  JobDocument,
  PluginLoadFailure,
  RunStatus,
  StepTypeView,
  TriggeredBy,
} from '@nomaflow/contracts';

/** The console's view of the API's JSON (dates travel as ISO strings). */

export type {
  Calendar as CalendarView,
  CalendarFire,
  ConnectorTestResult,
  ConnectorView,
  FireView,
  PluginLoadFailure,
  StepTypeView,
} from '@nomaflow/contracts';

export interface LastRunView {
  id: string;
  status: RunStatus;
  triggered_by: TriggeredBy;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface RunningStateView {
  run_id: string;
  step_index: number;
  step_count: number;
  step: string | null;
}

/** One card of `GET /api/jobs`. */
export type CatalogueEntry = JobDocument & {
  version: number;
  updated_at: string;
  updated_by: string;
  last_run: LastRunView | null;
  next_fire: FireView | null;
  running: RunningStateView | null;
  degraded: string | null;
};

export interface StepTypesResponse {
  step_types: StepTypeView[];
  failed: readonly PluginLoadFailure[];
}

/** What the connector form sends (a connector document); `password` omitted = keep the stored one. */
export type ConnectorInput = ConnectorConfig;

export interface RunsQuery {
  job?: string;
  /** One state or several, comma-separated. */
  status?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface CancelResult {
  run_id: string;
  status: 'CANCELED' | 'CANCELLING';
}

/** A refused request: the server's `{"errors": [{path, message}]}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: FieldError[],
  ) {
    super(errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ') || `HTTP ${status}`);
    this.name = 'ApiError';
  }
}
