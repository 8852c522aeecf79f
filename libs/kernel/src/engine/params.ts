import type { JobDocument, LogLevel, Params, RunOverrides, StepDocument } from '@nomaflow/contracts';

type StepOverride = NonNullable<RunOverrides['steps']>[string];

/** The run's shared params: job params, then the trigger's params (later wins). */
export function mergeSharedParams(job: Pick<JobDocument, 'params'>, overrides?: RunOverrides): Params {
  return { ...job.params, ...overrides?.params };
}

/** A step's kwargs, SPEC §2: job.params → step.op_kwargs → run params → run per-step op_kwargs. */
export function mergeStepKwargs(
  job: Pick<JobDocument, 'params'>,
  step: Pick<StepDocument, 'name' | 'op_kwargs'>,
  overrides?: RunOverrides,
): Params {
  return {
    ...job.params,
    ...step.op_kwargs,
    ...overrides?.params,
    ...stepOverride(overrides, step.name)?.op_kwargs,
  };
}

export function isStepEnabled(
  step: Pick<StepDocument, 'name' | 'enabled'>,
  overrides?: RunOverrides,
): boolean {
  return stepOverride(overrides, step.name)?.enabled ?? step.enabled ?? true;
}

export function resolveLogLevel(job: Pick<JobDocument, 'log_level'>, overrides?: RunOverrides): LogLevel {
  return overrides?.log_level ?? job.log_level ?? 'INFO';
}

function stepOverride(overrides: RunOverrides | undefined, name: string): StepOverride | undefined {
  const steps = overrides?.steps;
  // Own keys only: a step named `constructor` must not pick up Object.prototype members.
  return steps && Object.hasOwn(steps, name) ? steps[name] : undefined;
}
