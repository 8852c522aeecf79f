import type { ConnectorProvider } from './connector.js';
import type { JSONSchemaObject } from './json-schema.js';
import type { Json } from './json.js';
import type { StepStatus } from './run.js';

export interface StepTypeManifest {
  /** `sql_query`; lower case, digits and `_`. */
  type: string;
  /** semver */
  version: string;
  title: string;
  description: string;
  /** The type-specific fields of a step; drives validation and the editor form. */
  schema: JSONSchemaObject;
  /** JSON pointers (into the step's config) of fields to encrypt, mask and never return. */
  secrets?: readonly string[];
  /** May be re-run from the start after a lost worker. */
  idempotent?: boolean;
  /** Where the type came from: `builtin`, a folder, or an npm package name. */
  source?: string;
  /** Third-party types run in an isolate; built-ins run in the worker. */
  sandboxed?: boolean;
}

export interface StepLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface StepProgress {
  done: number;
  total?: number;
  unit?: string;
}

export interface PreviousStep {
  status: StepStatus;
  output: Json | undefined;
}

/** What a step type sees of the run: nothing else of the host reaches it. */
export interface StepContext {
  runId: string;
  jobId: string;
  stepName: string;
  attempt: number;
  scheduledFor?: string;
  /** The merged op_kwargs (SPEC §2 precedence). */
  params: Readonly<Record<string, Json>>;
  logLevel: 'INFO' | 'DEBUG';
  /** Aborted on timeout and on cancel; every step type honours it. */
  signal: AbortSignal;
  log: StepLogger;
  connectors: ConnectorProvider;
  previousStep(name: string): PreviousStep | undefined;
  progress(p: StepProgress): void;
}

export type StepOutput = Record<string, unknown>;

export interface StepType<Config = unknown, Output extends StepOutput = StepOutput> {
  readonly manifest: StepTypeManifest;
  execute(ctx: StepContext, config: Config): Promise<Output>;
}

/** The `"nomaflow"` key of a plugin's package.json. */
export interface PluginManifest {
  kind: 'step-type' | 'connector';
  /** Step type name (`kind: step-type`) or driver name (`kind: connector`). */
  type: string;
  title: string;
  description: string;
  /** Path of the JSON Schema, relative to the package (step types). */
  schema?: string;
  secrets?: readonly string[];
  idempotent?: boolean;
  /** Module to import, relative to the package; defaults to the package's `main`. */
  entry?: string;
}
