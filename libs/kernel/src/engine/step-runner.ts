import {
  DEFAULT_STEP_TIMEOUT_SECONDS,
  StepFailedError,
  StepReasons,
  toNomaflowError,
  type Json,
  type JsonObject,
  type LogLineLevel,
  type NomaflowError,
  type StepContext,
  type StepDocument,
  type StepProgress,
  type StepTypeManifest,
} from '@nomaflow/contracts';
import { runAttempt } from './attempt.js';
import { formatDuration } from './durations.js';
import { SecretMasker, secretValues } from './masking.js';
import { normaliseOutput } from './outputs.js';
import { isStepEnabled, mergeStepKwargs } from './params.js';
import { ProgressThrottle } from './progress-throttle.js';
import { isRetryable, resolveRetry, type ResolvedRetry } from './retry.js';
import type { RunSession } from './run-session.js';
import { stepConfig } from './step-config.js';
import { renderTemplates, type TemplateScope } from './templating.js';

export type StepEnd =
  | { status: 'SUCCEEDED' }
  | { status: 'SKIPPED' }
  | { status: 'FAILED'; error: string }
  | { status: 'CANCELED' };

/** Runs step `index` of the session to a final state: skipped, succeeded, failed or cancelled. */
export async function runStep(session: RunSession, index: number): Promise<StepEnd> {
  const step = session.stepAt(index);
  if (!isStepEnabled(step, session.overrides)) {
    await session.closeStep(index, StepReasons.disabled);
    return { status: 'SKIPPED' };
  }
  return new StepRunner(session, index, step).run();
}

/** Whether a context handed to a step type still speaks for the current attempt. */
interface AttemptState {
  live: boolean;
}

class StepRunner {
  readonly #session: RunSession;
  readonly #index: number;
  readonly #step: StepDocument;
  readonly #manifest: StepTypeManifest | undefined;
  readonly #rawConfig: Record<string, Json>;
  readonly #kwargs: Record<string, Json>;
  readonly #masker: SecretMasker;
  readonly #retry: ResolvedRetry;
  readonly #timeoutSeconds: number;
  readonly #throttle = new ProgressThrottle();

  constructor(session: RunSession, index: number, step: StepDocument) {
    this.#session = session;
    this.#index = index;
    this.#step = step;
    this.#manifest = session.deps.executor.manifestOf(step.type);
    this.#rawConfig = stepConfig(step);
    this.#kwargs = mergeStepKwargs(session.job, step, session.overrides);
    this.#masker = new SecretMasker(secretValues(this.#rawConfig, this.#manifest?.secrets ?? []));
    this.#retry = resolveRetry(session.job.retry);
    const timeout = step.timeout_seconds;
    this.#timeoutSeconds =
      typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_STEP_TIMEOUT_SECONDS;
  }

  async run(): Promise<StepEnd> {
    const { clock } = this.#session.deps;
    for (let attempt = 1; ; attempt++) {
      const row = this.#session.rowAt(this.#index);
      await this.#session.saveRow(this.#index, {
        status: 'RUNNING',
        attempts: attempt,
        started_at: row.started_at ?? this.#session.now(),
      });
      this.#session.events.emit({
        type: 'step:started',
        step: this.#step.name,
        index: this.#index,
        step_type: this.#step.type,
        attempt,
      });

      let output: JsonObject;
      try {
        output = await this.#attempt(attempt);
      } catch (thrown) {
        // Once the run is cancelled, whatever the step threw on its way out is a consequence.
        if (this.#session.signal.aborted) return this.#cancelled();
        const error = toNomaflowError(thrown);
        const message = this.#masker.text(error.message);
        if (attempt >= this.#retry.attempts || !isRetryable(error))
          return this.#failed(message, detailsOf(error));
        const delayMs = this.#retry.delayMs(attempt);
        this.#log(
          'WARNING',
          `step ${this.#step.name} · attempt ${attempt}/${this.#retry.attempts} failed: ${message} · retrying in ${formatDuration(delayMs)}`,
        );
        await this.#session.saveRow(this.#index, { error: message });
        this.#session.events.emit({
          type: 'step:retrying',
          step: this.#step.name,
          index: this.#index,
          attempt,
          next_attempt: attempt + 1,
          delay_ms: delayMs,
          error: message,
        });
        try {
          await clock.sleep(delayMs, this.#session.signal);
        } catch (e) {
          if (this.#session.signal.aborted) return this.#cancelled();
          throw e;
        }
        continue;
      }
      return this.#succeeded(output);
    }
  }

  async #attempt(attempt: number): Promise<JsonObject> {
    const { executor, clock } = this.#session.deps;
    let config: Record<string, Json> | undefined;
    let renderError: unknown;
    try {
      config = renderTemplates(this.#rawConfig, this.#scope()) as Record<string, Json>;
      this.#masker.add(secretValues(config, this.#manifest?.secrets ?? []));
    } catch (e) {
      renderError = e;
    }
    this.#log('INFO', this.#boundaryLine(attempt, config));
    if (!this.#manifest)
      throw new StepFailedError(`unknown step type: ${this.#step.type}`, { retryable: false });
    if (!config) throw renderError;

    const state: AttemptState = { live: true };
    const invocation = { type: this.#step.type, stepName: this.#step.name, config };
    try {
      const result = await runAttempt({
        clock,
        runSignal: this.#session.signal,
        timeoutSeconds: this.#timeoutSeconds,
        work: (signal) => executor.execute(invocation, this.#context(attempt, signal, state)),
      });
      return this.#masker.json(normaliseOutput(result));
    } finally {
      state.live = false;
    }
  }

  #boundaryLine(attempt: number, config: Record<string, Json> | undefined): string {
    let line = `step ${this.#step.name} · type=${this.#step.type}`;
    const mode = config?.['mode'];
    if (typeof mode === 'string') line += ` · mode=${mode}`;
    if (attempt > 1) line += ` · attempt ${attempt}/${this.#retry.attempts}`;
    return line;
  }

  #scope(): TemplateScope {
    const session = this.#session;
    return {
      env: session.env,
      kwargs: this.#kwargs,
      context: {
        run_id: session.runId,
        job_id: session.job.id,
        scheduled_for: session.snapshot.scheduled_for ?? null,
      },
      stepOutput: (name) => session.stepOutput(this.#index, name),
    };
  }

  #context(attempt: number, signal: AbortSignal, state: AttemptState): StepContext {
    const session = this.#session;
    // A step that outlives its attempt (it ignored the abort) must not write into the run any more.
    const logAt =
      (level: LogLineLevel) =>
      (message: string): void => {
        if (state.live) this.#log(level, String(message));
      };
    return {
      runId: session.runId,
      jobId: session.job.id,
      stepName: this.#step.name,
      attempt,
      scheduledFor: session.snapshot.scheduled_for ?? undefined,
      params: { ...this.#kwargs },
      logLevel: session.logLevel,
      signal,
      log: { debug: logAt('DEBUG'), info: logAt('INFO'), warn: logAt('WARNING'), error: logAt('ERROR') },
      connectors: session.deps.connectors,
      previousStep: (name) => session.previousStep(this.#index, name),
      progress: (p) => {
        if (state.live) this.#progress(p);
      },
    };
  }

  #progress(p: StepProgress): void {
    // Sandboxed step types hand over whatever they like; a malformed report is dropped, not fatal.
    const done: unknown = (p as Partial<StepProgress> | null)?.done;
    if (typeof done !== 'number' || !Number.isFinite(done)) return;
    if (!this.#throttle.admit(p, this.#session.deps.clock.now().getTime())) return;
    this.#session.events.emit({
      type: 'step:progress',
      step: this.#step.name,
      done: p.done,
      ...(typeof p.total === 'number' ? { total: p.total } : {}),
      ...(typeof p.unit === 'string' ? { unit: p.unit } : {}),
    });
  }

  #log(level: LogLineLevel, message: string): void {
    this.#session.log(level, this.#step.name, this.#masker.text(message));
  }

  async #succeeded(output: JsonObject): Promise<StepEnd> {
    const row = await this.#session.saveRow(this.#index, {
      status: 'SUCCEEDED',
      output,
      error: null,
      finished_at: this.#session.now(),
    });
    this.#log('INFO', `step ${this.#step.name} · SUCCEEDED · ${formatDuration(elapsedMs(row))}`);
    this.#session.emitStepFinished(this.#index);
    return { status: 'SUCCEEDED' };
  }

  async #failed(message: string, details: string | undefined): Promise<StepEnd> {
    const row = await this.#session.saveRow(this.#index, {
      status: 'FAILED',
      error: message,
      finished_at: this.#session.now(),
    });
    const suffix = details ? `\n${details}` : '';
    this.#log(
      'ERROR',
      `step ${this.#step.name} · FAILED · ${formatDuration(elapsedMs(row))} · ${message}${suffix}`,
    );
    this.#session.emitStepFinished(this.#index);
    return { status: 'FAILED', error: message };
  }

  async #cancelled(): Promise<StepEnd> {
    const reason = StepReasons.cancelledBy(this.#session.cancelledBy());
    await this.#session.saveRow(this.#index, {
      status: 'CANCELED',
      reason,
      finished_at: this.#session.now(),
    });
    this.#log('WARNING', `step ${this.#step.name} · CANCELED · ${reason}`);
    this.#session.emitStepFinished(this.#index);
    return { status: 'CANCELED' };
  }
}

function elapsedMs(row: { started_at: string | null; finished_at: string | null }): number {
  if (row.started_at === null || row.finished_at === null) return 0;
  return Date.parse(row.finished_at) - Date.parse(row.started_at);
}

/** Extra text some errors carry (a Python traceback); logged, never put in the one-line error. */
function detailsOf(error: NomaflowError): string | undefined {
  const details = (error as { details?: unknown }).details;
  return typeof details === 'string' && details.length > 0 ? details : undefined;
}
