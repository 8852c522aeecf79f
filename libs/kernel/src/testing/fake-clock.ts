import type { Clock } from '../engine/ports.js';
import { sleepOnTimer } from '../engine/sleep-on-timer.js';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to: a 60 s backoff costs a test nothing. Between timers it lets
 * pending promise chains run, so work a timer unblocks proceeds before the next one fires.
 */
export class FakeClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #nextId = 1;

  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimer((m, fn) => this.setTimer(m, fn), ms, signal);
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: Timer = { id: this.#nextId++, due: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  pendingTimers(): number {
    return this.#timers.length;
  }

  /** Lets every queued promise reaction run (one macrotask turn drains the microtask queue). */
  async flush(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Moves time forward by ms, firing due timers in order (ties in creation order). */
  async advance(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await this.flush();
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#timers = this.#timers.filter((t) => t !== timer);
      this.#now = timer.due;
      timer.fn();
      await this.flush();
    }
    this.#now = target;
    await this.flush();
  }

  /** Fires timers, earliest first, until none is left; throws if they keep coming. */
  async runUntilIdle(maxTimers = 10_000): Promise<void> {
    await this.flush();
    for (let fired = 0; fired < maxTimers; fired++) {
      const next = this.#nextDue(Number.POSITIVE_INFINITY);
      if (!next) return;
      await this.advance(next.due - this.#now);
    }
    throw new Error(`FakeClock.runUntilIdle: still busy after ${maxTimers} timers`);
  }

  #nextDue(limit: number): Timer | undefined {
    let next: Timer | undefined;
    for (const t of this.#timers) {
      if (t.due <= limit && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
    }
    return next;
  }
}
