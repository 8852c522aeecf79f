import type { Clock } from '@nomaflow/kernel';

interface Entry {
  at: number;
  cancel: () => void;
}

/**
 * At most one timer per key, due at an instant, armed through the injected kernel Clock (so tests
 * drive time with a FakeClock and shutdown can cancel everything).
 *
 * Node timers may fire a millisecond or two early; a fire instant that has not been reached yet is
 * waited for again rather than fired (or, worse, skipped because "the next fire" is computed from a
 * `now` that is still before it).
 */
export class InstantTimers<K = string> {
  private readonly entries = new Map<K, Entry>();

  constructor(private readonly clock: Clock) {}

  /** Replaces any timer of `key`; `fn` runs once `clock.now() >= at`. */
  set(key: K, at: Date, fn: () => void): void {
    this.cancel(key);
    const entry: Entry = { at: at.getTime(), cancel: () => undefined };
    const arm = (): void => {
      const delay = Math.max(0, entry.at - this.clock.now().getTime());
      entry.cancel = this.clock.setTimer(delay, () => {
        if (this.entries.get(key) !== entry) return;
        if (this.clock.now().getTime() < entry.at) {
          arm();
          return;
        }
        this.entries.delete(key);
        fn();
      });
    };
    this.entries.set(key, entry);
    arm();
  }

  cancel(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.cancel();
  }

  cancelAll(): void {
    for (const key of [...this.entries.keys()]) this.cancel(key);
  }

  dueAt(key: K): Date | undefined {
    const entry = this.entries.get(key);
    return entry ? new Date(entry.at) : undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}
