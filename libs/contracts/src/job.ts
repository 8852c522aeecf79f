import type { Json, Params } from './json.js';

export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
export const STEP_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Fields every step has whatever its type; a step type's schema may not declare them. */
export const STEP_COMMON_FIELDS = ['name', 'type', 'enabled', 'timeout_seconds', 'op_kwargs'] as const;
export type StepCommonField = (typeof STEP_COMMON_FIELDS)[number];

export const DEFAULT_STEP_TIMEOUT_SECONDS = 3600;

export type LogLevel = 'INFO' | 'DEBUG';
export type Concurrency = 'skip' | 'queue' | 'parallel';
export type Catchup = 'none' | 'last' | 'all';
export type Backoff = 'fixed' | 'exponential';

export interface Schedule {
  /** 5 fields, optional trailing seconds field, or an `@daily`-style alias; empty = manual-only. */
  cron?: string;
  /** IANA zone; defaults to the server's zone. */
  timezone?: string;
}

export interface RetryPolicy {
  /** Total tries per step (1 = no retry). */
  attempts?: number;
  backoff?: Backoff;
  base_seconds?: number;
}

export interface Alerts {
  on_failure?: boolean;
  on_long_run_minutes?: number;
  recipients?: string[];
  on_success?: boolean;
}

/** A step: the common fields plus whatever its type's JSON Schema declares. */
export interface StepDocument {
  name: string;
  type: string;
  enabled?: boolean;
  timeout_seconds?: number;
  op_kwargs?: Params;
  [field: string]: Json | undefined;
}

export interface JobDocument {
  id: string;
  description?: string;
  tags?: string[];
  enabled?: boolean;
  schedule?: Schedule;
  params?: Params;
  steps: StepDocument[];
  retry?: RetryPolicy;
  alerts?: Alerts;
  log_level?: LogLevel;
  concurrency?: Concurrency;
  catchup?: Catchup;
}

/** The retry policy with the defaults of SPEC §1 filled in. */
export function resolveRetryPolicy(retry: RetryPolicy | undefined): Required<RetryPolicy> {
  return {
    attempts: retry?.attempts ?? 1,
    backoff: retry?.backoff ?? 'fixed',
    base_seconds: retry?.base_seconds ?? 60,
  };
}

/** A job document, its schema version and who saved it: the shape of export files. */
export interface JobsExport {
  version: 1;
  exported_at: string;
  jobs: JobDocument[];
}
