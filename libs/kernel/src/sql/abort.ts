import { abortError } from '../define-step-type.js';

/**
 * Runs `op`; when `signal` aborts before `op` settles, calls `kill` (once: close the connection, stop
 * the statement on the server), waits for it, and rejects with the typed abort error
 * (`CancelledError` / `StepTimeoutError`, the signal's reason). `op`'s own late failure is swallowed.
 */
export function onAbort<T>(
  signal: AbortSignal | undefined,
  kill: () => unknown,
  op: () => Promise<T>,
): Promise<T> {
  if (!signal) return op();
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const abort = () => {
      if (settled) return;
      settled = true;
      Promise.resolve()
        .then(kill)
        .catch(() => undefined)
        .then(() => reject(abortError(signal)));
    };
    signal.addEventListener('abort', abort, { once: true });
    let running: Promise<T>;
    try {
      running = op();
    } catch (e) {
      running = Promise.reject(e);
    }
    running.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        if (settled) return;
        settled = true;
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        if (settled) return;
        settled = true;
        reject(signal.aborted ? abortError(signal) : error);
      },
    );
  });
}
