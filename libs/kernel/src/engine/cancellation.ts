import { CancelledError, hasErrorCode } from '@nomaflow/contracts';

/** The host aborts with a CancelledError naming who cancelled; anything else counts as the system. */
export function asCancelledError(reason: unknown): CancelledError {
  return hasErrorCode(reason, 'cancelled') ? reason : new CancelledError('system', { cause: reason });
}

/**
 * The run's own signal, always aborted with a CancelledError, so every wait and every step sees the
 * same reason whatever the host passed. dispose() unhooks it from the host's signal.
 */
export function runCancellation(external: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (!external) return { signal: controller.signal, dispose: () => undefined };
  const relay = (): void => controller.abort(asCancelledError(external.reason));
  if (external.aborted) relay();
  else external.addEventListener('abort', relay, { once: true });
  return { signal: controller.signal, dispose: () => external.removeEventListener('abort', relay) };
}
