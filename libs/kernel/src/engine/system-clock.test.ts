import { describe, expect, it } from '@jest/globals';
import { CancelledError } from '@nomaflow/contracts';
import { SystemClock } from './system-clock.js';

describe('SystemClock', () => {
  const clock = new SystemClock();

  it('tells the time', () => {
    const before = Date.now();
    const now = clock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('sleeps', async () => {
    const start = Date.now();
    await clock.sleep(5);
    expect(Date.now() - start).toBeGreaterThanOrEqual(4);
  });

  it('rejects a sleep with the abort reason, at once when already aborted', async () => {
    const reason = new CancelledError('alice');
    await expect(clock.sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(reason);
    // A 60 s timer left armed would keep Jest open: the abort must clear it.
    await expect(sleeping).rejects.toBe(reason);
  });

  it('runs and cancels timers', async () => {
    let fired = 0;
    const cancel = clock.setTimer(1, () => fired++);
    clock.setTimer(1, () => fired++)();
    await new Promise((r) => setTimeout(r, 10));
    expect(fired).toBe(1);
    cancel();
  });
});
