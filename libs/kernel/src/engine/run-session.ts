import type {
  ConnectorProvider,
  JobDocument,
  LogLevel,
  LogLineLevel,
  Params,
  PreviousStep,
  RunOverrides,
  RunSnapshot,
  StepDocument,
  StepRun,
} from '@nomaflow/contracts';
import { asCancelledError } from './cancellation.js';
import { mergeSharedParams, resolveLogLevel } from './params.js';
import type { Clock, EventSink, RunStore, StepExecutor } from './ports.js';
import { RunEventWriter } from './run-events.js';
import type { StepOutputLookup } from './templating.js';

export interface RunEngineDeps {
  store: RunStore;
  events: EventSink;
  connectors: ConnectorProvider;
  clock: Clock;
  executor: StepExecutor;
  /** For `${env:…}`; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export type FinalStepStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELED';
export type FinalRunStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELED';

/**
 * The state of one run while it executes: the step rows as last saved, the event writer and the
 * cancellation signal. Every row transition is saved before the event announcing it is emitted.
 */
export class RunSession {
  readonly deps: RunEngineDeps;
  readonly snapshot: RunSnapshot;
  readonly job: JobDocument;
  readonly overrides: RunOverrides | undefined;
  readonly params: Params;
  readonly logLevel: LogLevel;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted with a CancelledError. */
  readonly signal: AbortSignal;
  readonly events: RunEventWriter;
  readonly rows: StepRun[];

  constructor(deps: RunEngineDeps, snapshot: RunSnapshot, signal: AbortSignal, startSeq: number) {
    this.deps = deps;
    this.snapshot = snapshot;
    this.job = snapshot.job;
    this.overrides = snapshot.overrides;
    this.params = mergeSharedParams(this.job, this.overrides);
    this.logLevel = resolveLogLevel(this.job, this.overrides);
    this.env = deps.env ?? process.env;
    this.signal = signal;
    this.events = new RunEventWriter(deps.events, deps.clock, snapshot.id, startSeq);
    this.rows = this.job.steps.map(pendingRow);
  }

  get runId(): string {
    return this.snapshot.id;
  }

  now(): string {
    return this.deps.clock.now().toISOString();
  }

  stepAt(index: number): StepDocument {
    const step = this.job.steps[index];
    if (!step) throw new RangeError(`run ${this.runId} has no step ${index}`);
    return step;
  }

  rowAt(index: number): StepRun {
    const row = this.rows[index];
    if (!row) throw new RangeError(`run ${this.runId} has no step ${index}`);
    return row;
  }

  /** Who cancelled the run; only meaningful once the signal is aborted. */
  cancelledBy(): string {
    return asCancelledError(this.signal.reason).by;
  }

  log(level: LogLineLevel, step: string | null, message: string): void {
    if (level === 'DEBUG' && this.logLevel !== 'DEBUG') return;
    this.events.log(level, step, message);
  }

  /** The whole plan goes to the store up front so the console shows every step from the start. */
  async start(): Promise<void> {
    await this.deps.store.updateRun(this.runId, {
      status: 'RUNNING',
      started_at: this.now(),
      params: this.params,
      log_level: this.logLevel,
    });
    for (const [index, row] of this.rows.entries())
      await this.deps.store.saveStep(this.runId, index, { ...row });
    this.events.emit({ type: 'run:started', job_id: this.job.id, step_count: this.rows.length });
  }

  async saveRow(index: number, patch: Partial<StepRun>): Promise<StepRun> {
    const row: StepRun = { ...this.rowAt(index), ...patch };
    this.rows[index] = row;
    await this.deps.store.saveStep(this.runId, index, { ...row });
    return row;
  }

  emitStepFinished(index: number): void {
    const row = this.rowAt(index);
    const started = row.started_at === null ? null : Date.parse(row.started_at);
    const finished = row.finished_at === null ? null : Date.parse(row.finished_at);
    this.events.emit({
      type: 'step:finished',
      step: row.name,
      index,
      status: row.status as FinalStepStatus,
      reason: row.reason,
      attempts: row.attempts,
      output: row.output,
      error: row.error,
      duration_ms: started === null || finished === null ? null : finished - started,
    });
  }

  /** Ends steps that will never start (skipped, not reached, cancelled before their turn). */
  async closeStep(index: number, reason: string): Promise<void> {
    await this.saveRow(index, { status: 'CANCELED', reason, finished_at: this.now() });
    this.emitStepFinished(index);
  }

  async closeRemaining(from: number, reason: string): Promise<void> {
    for (let index = from; index < this.rows.length; index++) await this.closeStep(index, reason);
  }

  async finish(status: FinalRunStatus, error: string | null): Promise<void> {
    await this.deps.store.updateRun(this.runId, { status, finished_at: this.now(), error });
    this.events.emit({ type: 'run:finished', job_id: this.job.id, status, error });
    await this.deps.events.flush();
  }

  /** What a step type may see of an earlier step (StepContext.previousStep). */
  previousStep(current: number, name: string): PreviousStep | undefined {
    const index = this.job.steps.findIndex((s) => s.name === name);
    if (index < 0 || index >= current) return undefined;
    const row = this.rowAt(index);
    return { status: row.status, output: row.output === null ? undefined : structuredClone(row.output) };
  }

  /** What `${out:name…}` may read from step `current`. */
  stepOutput(current: number, name: string): StepOutputLookup {
    const index = this.job.steps.findIndex((s) => s.name === name);
    const self = this.stepAt(current).name;
    if (index < 0) return { unavailable: `unknown step ${name}` };
    if (index === current) return { unavailable: `step ${name} cannot read its own output` };
    if (index > current) return { unavailable: `step ${name} runs after ${self}` };
    const row = this.rowAt(index);
    if (row.status !== 'SUCCEEDED' || row.output === null) {
      return { unavailable: `step ${name} did not run (${row.reason ?? row.status})` };
    }
    return { output: row.output };
  }
}

function pendingRow(step: StepDocument): StepRun {
  return {
    name: step.name,
    type: step.type,
    status: 'PENDING',
    reason: null,
    attempts: 0,
    started_at: null,
    finished_at: null,
    output: null,
    error: null,
  };
}
