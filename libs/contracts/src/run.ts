import type { JobDocument, LogLevel } from './job.js';
import type { Json, JsonObject, Params } from './json.js';

export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const STEP_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELED'];

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
export type LogLineLevel = (typeof LOG_LEVELS)[number];

/** `cron`, `api`, `cli` or `user:<name>`. */
export type TriggeredBy = 'cron' | 'api' | 'cli' | `user:${string}`;

/** Per-run overrides a trigger may send (SPEC §6 `POST /api/jobs/:id/runs`). */
export interface RunOverrides {
  params?: Params;
  steps?: Record<string, { enabled?: boolean; op_kwargs?: Params }>;
  log_level?: LogLevel;
}

/** What a worker needs to execute a run: the frozen job and the trigger's inputs. */
export interface RunSnapshot {
  id: string;
  job: JobDocument;
  triggered_by: TriggeredBy;
  scheduled_for?: string | null;
  overrides?: RunOverrides;
}

export interface StepRun {
  name: string;
  type: string;
  status: StepStatus;
  reason: string | null;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  output: JsonObject | null;
  error: string | null;
}

export interface Run {
  id: string;
  job_id: string;
  status: RunStatus;
  triggered_by: TriggeredBy;
  replay_of: string | null;
  scheduled_for: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  log_level: LogLevel;
  /** The merged shared params: job params overridden by the run's params. */
  params: Params;
  error: string | null;
  steps: StepRun[];
  /** Only with `?include=snapshot`. */
  job?: JobDocument;
}

export interface LogLine {
  seq: number;
  ts: string;
  level: LogLineLevel;
  /** The step that logged it; null for run-level lines. */
  step: string | null;
  message: string;
}

/** Reasons a step ends CANCELED without having failed. */
export const StepReasons = {
  disabled: 'skipped: disabled',
  cancelledBy: (who: string) => `cancelled by ${who}`,
  notReached: (failedStep: string) => `not reached: ${failedStep} failed`,
  lostInRestart: 'lost in restart',
} as const;

export type { Json };
