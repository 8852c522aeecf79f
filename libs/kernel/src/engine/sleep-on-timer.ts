/**
 * A sleep built on a clock's own timer, so the real and the fake clock share the abort rules:
 * an aborted wait clears its timer at once (a cancelled backoff must not keep a process alive)
 * and rejects with the signal's reason.
 */
export function sleepOnTimer(
  setTimer: (ms: number, fn: () => void) => () => void,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
