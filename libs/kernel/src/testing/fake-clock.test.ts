import { describe, expect, it } from '@jest/globals';
import { CancelledError } from '@nomaflow/contracts';
import { FakeClock } from './fake-clock.js';

describe('FakeClock', () => {
  it('starts at 2026-01-01 unless told otherwise, and only moves on advance', async () => {
    expect(new FakeClock().now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const clock = new FakeClock(new Date('2030-05-05T05:05:05Z'));
    expect(clock.now().toISOString()).toBe('2030-05-05T05:05:05.000Z');
    await clock.advance(1500);
    expect(clock.now().toISOString()).toBe('2030-05-05T05:05:06.500Z');
  });

  it('fires due timers in due order, ties in creation order, with the clock at their due time', async () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimer(200, () => fired.push(`b@${clock.now().getTime() % 100_000}`));
    clock.setTimer(100, () => fired.push('a1'));
    clock.setTimer(100, () => fired.push('a2'));
    clock.setTimer(300, () => fired.push('late'));
    await clock.advance(250);
    expect(fired).toEqual(['a1', 'a2', 'b@200']);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('cancels timers', async () => {
    const clock = new FakeClock();
    let fired = false;
    const cancel = clock.setTimer(10, () => (fired = true));
    cancel();
    await clock.advance(20);
    expect(fired).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('lets promise chains a timer unblocks run before the next timer, including new timers they set', async () => {
    const clock = new FakeClock();
    const steps: string[] = [];
    const chain = (async () => {
      await clock.sleep(60_000);
      steps.push(`first@${clock.now().toISOString()}`);
      await Promise.resolve();
      await clock.sleep(60_000);
      steps.push(`second@${clock.now().toISOString()}`);
    })();
    await clock.advance(120_000);
    await chain;
    expect(steps).toEqual(['first@2026-01-01T00:01:00.000Z', 'second@2026-01-01T00:02:00.000Z']);
  });

  it('rejects a sleep with the abort reason and drops its timer', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    expect(clock.pendingTimers()).toBe(1);
    const reason = new CancelledError('bob');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(clock.pendingTimers()).toBe(0);
    await expect(clock.sleep(5, controller.signal)).rejects.toBe(reason);
  });

  it('runs until idle, and refuses to spin forever', async () => {
    const clock = new FakeClock();
    let n = 0;
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(3_600_000);
        n++;
      }
    })();
    await clock.runUntilIdle();
    expect(n).toBe(3);
    expect(clock.now().toISOString()).toBe('2026-01-01T03:00:00.000Z');

    const tick = (): void => void clock.setTimer(1, tick);
    tick();
    await expect(clock.runUntilIdle(50)).rejects.toThrow(/still busy/);
  });
});
