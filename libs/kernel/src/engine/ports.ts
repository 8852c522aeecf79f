import type {
  Json,
  Run,
  RunEvent,
  StepContext,
  StepOutput,
  StepRun,
  StepTypeManifest,
} from '@nomaflow/contracts';

/** Time as the engine sees it; the host passes the system clock, tests a fake one. */
export interface Clock {
  now(): Date;
  /** Resolves after ms; rejects with signal.reason (a CancelledError/StepTimeoutError) when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs fn after ms; returns a cancel function. Used for step timeouts. */
  setTimer(ms: number, fn: () => void): () => void;
}

export type RunPatch = Partial<
  Pick<Run, 'status' | 'started_at' | 'finished_at' | 'error' | 'params' | 'log_level'>
>;

/** Where run and step rows live; the engine writes, the host persists. */
export interface RunStore {
  updateRun(runId: string, patch: RunPatch): Promise<void>;
  /** Upsert by (runId, index). */
  saveStep(runId: string, index: number, step: StepRun): Promise<void>;
}

export interface EventSink {
  /** Called synchronously in seq order for every event, log lines included; the host persists then broadcasts (it may batch). */
  emit(event: RunEvent): void;
  /** Resolves when everything emitted so far is durable; awaited before execute() resolves. */
  flush(): Promise<void>;
}

export interface StepInvocation {
  type: string;
  stepName: string;
  /** The step's type-specific fields after templating (the common fields removed). */
  config: Record<string, Json>;
}

export interface StepExecutor {
  /** Manifest of an installed type (for `secrets` masking); undefined = unknown type → step fails with 'unknown step type: x'. */
  manifestOf(type: string): StepTypeManifest | undefined;
  /** Runs the step type (in process for built-ins, in a sandbox for third-party types — the engine must not care). */
  execute(invocation: StepInvocation, ctx: StepContext): Promise<StepOutput>;
}
