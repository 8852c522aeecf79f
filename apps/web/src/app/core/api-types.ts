import type { FieldError, JobDocument, JSONSchemaObject, RunStatus, TriggeredBy } from '@nomaflow/contracts';

/** The console's view of the API's JSON (dates travel as ISO strings). */

export interface FireView {
  /** ISO instant. */
  at: string;
  /** Wall time in the job's zone, e.g. `2026-03-29 03:00 (Europe/Paris)`. */
  local: string;
  /** DST note: a fire moved by a gap or kept once in a repeated hour. */
  note?: string;
}

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

export interface StepTypeView {
  type: string;
  version: string;
  title: string;
  description: string;
  schema: JSONSchemaObject;
  secrets: readonly string[];
  idempotent: boolean;
  source: string;
  sandboxed: boolean;
}

/** A plugin that did not load: jobs using its `type` are degraded. */
export interface PluginLoadFailure {
  /** Folder of the plugin package, when it was discovered on disk. */
  dir?: string;
  package?: string;
  type?: string;
  error: string;
}

export interface StepTypesResponse {
  step_types: StepTypeView[];
  failed: readonly PluginLoadFailure[];
}

export interface ConnectorView {
  name: string;
  driver: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  url?: string;
  options: Record<string, unknown>;
  has_password: boolean;
  builtin: boolean;
  created_at?: string;
  updated_at?: string;
}

/** What the connector form sends; `password` omitted = keep the stored one. */
export interface ConnectorInput {
  name: string;
  driver: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  url?: string;
  options?: Record<string, unknown>;
}

export interface ConnectorTestResult {
  ok: boolean;
  elapsed_ms: number;
  error?: string;
}

export interface CalendarFire {
  job_id: string;
  tags: string[];
  at: string;
  local: string;
  note?: string;
  past: boolean;
  run_id?: string | null;
  outcome?: string;
}

export interface CalendarView {
  from: string;
  to: string;
  fires: CalendarFire[];
}

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
