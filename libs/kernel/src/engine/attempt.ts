import { StepTimeoutError } from '@nomaflow/contracts';
import type { Clock } from './ports.js';

export interface AttemptOptions<T> {
  clock: Clock;
  /** The run's cancellation; its reason becomes the attempt's. */
  runSignal: AbortSignal;
  timeoutSeconds: number;
  work(signal: AbortSignal): Promise<T>;
}

/**
 * One try of a step under its timeout and the run's cancel. The work's promise is raced against the
 * attempt signal: a step type that ignores the abort and never settles cannot hold the run, and
 * whatever it does after the abort is ignored. Rejects with the signal's reason when aborted.
 */
export async function runAttempt<T>(opts: AttemptOptions<T>): Promise<T> {
  const controller = new AbortController();
  const { signal } = controller;
  const onRunAbort = (): void => controller.abort(opts.runSignal.reason);
  if (opts.runSignal.aborted) onRunAbort();
  else opts.runSignal.addEventListener('abort', onRunAbort, { once: true });
  const cancelTimer = opts.clock.setTimer(opts.timeoutSeconds * 1000, () =>
    controller.abort(new StepTimeoutError(opts.timeoutSeconds)),
  );

  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const work = (async () => opts.work(signal))();
  // The loser of the race settles unobserved; keep it from surfacing as an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, aborted]);
  } finally {
    cancelTimer();
    opts.runSignal.removeEventListener('abort', onRunAbort);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
