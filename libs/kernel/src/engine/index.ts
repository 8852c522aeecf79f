export type { Clock, EventSink, RunPatch, RunStore, StepExecutor, StepInvocation } from './ports.js';
export { SystemClock } from './system-clock.js';
export { RunEngine, type ExecuteOptions, type RunEngineDeps, type RunOutcome } from './run-engine.js';
export { isStepEnabled, mergeSharedParams, mergeStepKwargs, resolveLogLevel } from './params.js';
export { stepConfig } from './step-config.js';
export {
  CONTEXT_KEYS,
  TEMPLATE_NAMESPACES,
  findTemplateRefs,
  renderString,
  renderTemplates,
  type StepOutputLookup,
  type TemplateNamespace,
  type TemplateRef,
  type TemplateScope,
} from './templating.js';
export { MASK, SecretMasker, resolvePointer, secretValues } from './masking.js';
export { asCancelledError } from './cancellation.js';
export { isRetryable, resolveRetry, type ResolvedRetry } from './retry.js';
export { formatDuration } from './durations.js';
export { normaliseOutput } from './outputs.js';
export type { RunEventPayload } from './run-events.js';
