import type { Clock } from './ports.js';

/** Node clamps longer setTimeout delays to 1 ms, so a long timeout is armed in legs. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        // A cancelled backoff must not keep the process (or a test runner) alive for its full length.
        cancel();
        reject(signal?.reason);
      };
      const cancel = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  setTimer(ms: number, fn: () => void): () => void {
    let timer: ReturnType<typeof setTimeout>;
    const arm = (remaining: number): void => {
      const leg = Math.min(Math.max(0, remaining), MAX_TIMEOUT_MS);
      timer = setTimeout(() => (remaining > leg ? arm(remaining - leg) : fn()), leg);
    };
    arm(ms);
    return () => clearTimeout(timer);
  }
}
