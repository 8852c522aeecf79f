import { describe, expect, it } from '@jest/globals';
import type { Clock } from '@nomaflow/kernel';
import { FakeClock } from '@nomaflow/kernel/testing';
import { InstantTimers } from './instant-timers.js';

/** Node timers may fire a millisecond early; this clock always does. */
class EarlyClock implements Clock {
  constructor(readonly inner: FakeClock) {}
  now(): Date {
    return this.inner.now();
  }
  sleep(ms: number): Promise<void> {
    return this.inner.sleep(ms);
  }
  setTimer(ms: number, fn: () => void): () => void {
    return this.inner.setTimer(ms > 1 ? ms - 1 : ms, fn);
  }
}

const start = new Date('2026-01-01T00:00:00Z');
const plus = (ms: number): Date => new Date(start.getTime() + ms);

describe('InstantTimers', () => {
  it('never runs before the instant, even when the clock fires early', async () => {
    const fake = new FakeClock(start);
    const timers = new InstantTimers(new EarlyClock(fake));
    const seen: number[] = [];
    timers.set('a', plus(1000), () => seen.push(fake.now().getTime() - start.getTime()));
    await fake.advance(999);
    expect(seen).toEqual([]);
    await fake.advance(1);
    expect(seen).toEqual([1000]);
    expect(timers.size).toBe(0);
    expect(fake.pendingTimers()).toBe(0);
  });

  it('runs an instant already past at once (a late timer still fires)', async () => {
    const fake = new FakeClock(start);
    const timers = new InstantTimers(fake);
    let ran = 0;
    timers.set('a', plus(-60_000), () => (ran += 1));
    await fake.advance(0);
    expect(ran).toBe(1);
  });

  it('keeps one timer per key; cancel and cancelAll leave no timer behind', async () => {
    const fake = new FakeClock(start);
    const timers = new InstantTimers(fake);
    const seen: string[] = [];
    timers.set('a', plus(10), () => seen.push('a1'));
    timers.set('a', plus(20), () => seen.push('a2'));
    timers.set('b', plus(30), () => seen.push('b'));
    timers.set('c', plus(40), () => seen.push('c'));
    expect(timers.dueAt('a')).toEqual(plus(20));
    timers.cancel('b');
    await fake.advance(25);
    expect(seen).toEqual(['a2']);
    timers.cancelAll();
    expect(timers.size).toBe(0);
    expect(fake.pendingTimers()).toBe(0);
    await fake.advance(100);
    expect(seen).toEqual(['a2']);
  });
});
