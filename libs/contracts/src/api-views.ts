import type { JSONSchemaObject } from './json-schema.js';

/**
 * Read models the API returns and the console shows (SPEC §6), beyond the job document and
 * runs. Dates are ISO strings, as they travel.
 */

/** One fire of a schedule: the instant, its wall time in the job's zone, and any DST note. */
export interface FireView {
  at: string;
  /** e.g. `2026-03-29 03:00 (+02:00)` */
  local: string;
  /** A fire moved by a spring-forward gap or kept once in a repeated hour. */
  note?: string;
}

/** `GET /api/schedule/calendar`: fires across jobs in a window, past ones with their outcome. */
export interface CalendarFire extends FireView {
  job_id: string;
  tags: string[];
  past: boolean;
  run_id?: string | null;
  outcome?: string;
}

export interface Calendar {
  from: string;
  to: string;
  fires: CalendarFire[];
  /** Jobs firing so often that only their first fires in the window are listed. */
  truncated?: string[];
}

/** An installed step type, as the editor renders its form and Settings → Plugins lists it. */
export interface StepTypeView {
  type: string;
  version: string;
  title: string;
  description: string;
  schema: JSONSchemaObject;
  /** JSON pointers of the fields sealed at rest and masked. */
  secrets: readonly string[];
  idempotent: boolean;
  source: string;
  sandboxed: boolean;
}

/** A plugin that did not load: jobs using its `type` are degraded. */
export interface PluginLoadFailure {
  /** Folder of the plugin package (discovery); absent for a programmatic registration. */
  dir?: string;
  package?: string;
  /** The step type or driver it declared, when it got that far. */
  type?: string;
  error: string;
}

/** A connector as the API shows it: never a password, `has_password` instead. */
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
  /** The server's own database (`default`): read-only. */
  builtin: boolean;
  created_at?: string;
  updated_at?: string;
}

/** "Test connection". */
export interface ConnectorTestResult {
  ok: boolean;
  elapsed_ms: number;
  error?: string;
}
