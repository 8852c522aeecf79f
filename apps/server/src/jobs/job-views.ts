import type { FireView, JobDocument, RunStatus, TriggeredBy } from '@nomaflow/contracts';

export type { FireView };

/** A job row: the document as saved and its bookkeeping. */
export interface StoredJob {
  document: JobDocument;
  version: number;
  updated_at: Date;
  updated_by: string;
}

export type VersionAction = 'created' | 'updated' | 'deleted' | 'imported';

export interface JobVersion {
  job_id: string;
  version: number;
  action: VersionAction;
  /** null for a delete. */
  document: JobDocument | null;
  saved_by: string;
  saved_at: Date;
}

export interface LastRun {
  id: string;
  status: RunStatus;
  triggered_by: TriggeredBy;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** Where an in-flight run is: the console shows `step <step_index + 1> / <step_count>`. */
export interface RunningState {
  run_id: string;
  step_index: number;
  step_count: number;
  step: string | null;
}

export type CatalogueEntry = JobDocument & {
  version: number;
  updated_at: Date;
  updated_by: string;
  last_run: LastRun | null;
  next_fire: FireView | null;
  running: RunningState | null;
  degraded: string | null;
};
