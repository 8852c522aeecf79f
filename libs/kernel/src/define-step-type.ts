import { CancelledError, isNomaflowError } from '@nomaflow/contracts';
import type {
  FromSchema,
  NomaflowError,
  StepContext,
  StepOutput,
  StepType,
  StepTypeManifest,
} from '@nomaflow/contracts';

/**
 * Declares a step type. The config type is inferred from the literal schema in the manifest
 * (a plugin passes its generated `manifest.generated.ts`), so plugins never write `any` or a
 * hand-copied config interface that drifts from the schema.
 */
export function defineStepType<const M extends StepTypeManifest, O extends StepOutput>(definition: {
  manifest: M;
  execute(ctx: StepContext, config: FromSchema<M['schema']>): Promise<O>;
}): StepType<FromSchema<M['schema']>, O> & { readonly manifest: M } {
  return Object.freeze({ manifest: definition.manifest, execute: definition.execute });
}

/** The typed error an aborted signal stands for (the host aborts with CancelledError or StepTimeoutError). */
export function abortError(signal: AbortSignal): NomaflowError {
  const reason: unknown = signal.reason;
  return isNomaflowError(reason) ? reason : new CancelledError('system', { cause: reason });
}

/** A wait that ends early, with the typed abort error, when the signal aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
