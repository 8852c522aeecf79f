import type { Clock } from './ports.js';
import { sleepOnTimer } from './sleep-on-timer.js';

/** Node clamps longer setTimeout delays to 1 ms, so a long timeout is armed in legs. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimer((m, fn) => this.setTimer(m, fn), ms, signal);
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
