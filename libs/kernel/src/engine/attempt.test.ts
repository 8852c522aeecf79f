import { describe, expect, it } from '@jest/globals';
import { CancelledError } from '@nomaflow/contracts';
import { FakeClock } from '../testing/fake-clock.js';
import { runAttempt } from './attempt.js';

async function settled<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

describe('runAttempt', () => {
  it('returns the work result and leaves no timer behind', async () => {
    const clock = new FakeClock();
    const result = await runAttempt({
      clock,
      runSignal: new AbortController().signal,
      timeoutSeconds: 10,
      work: async () => 'done',
    });
    expect(result).toBe('done');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const clock = new FakeClock();
    const out = await settled(
      runAttempt({
        clock,
        runSignal: new AbortController().signal,
        timeoutSeconds: 10,
        work: () => {
          throw new Error('sync');
        },
      }),
    );
    expect((out.error as Error).message).toBe('sync');
  });

  it('aborts the work signal with a StepTimeoutError and rejects even when the work ignores it', async () => {
    const clock = new FakeClock();
    let seen: AbortSignal | undefined;
    const p = settled(
      runAttempt({
        clock,
        runSignal: new AbortController().signal,
        timeoutSeconds: 5,
        work: (signal) => {
          seen = signal;
          return new Promise<never>(() => undefined);
        },
      }),
    );
    await clock.advance(4_999);
    expect(seen?.aborted).toBe(false);
    await clock.advance(1);
    const out = await p;
    expect((out.error as Error).message).toBe('timed out after 5 s');
    expect(seen?.reason).toBe(out.error);
  });

  it('rejects with the run cancel reason and ignores a late settle', async () => {
    const clock = new FakeClock();
    const run = new AbortController();
    let finish: ((v: string) => void) | undefined;
    const p = settled(
      runAttempt({
        clock,
        runSignal: run.signal,
        timeoutSeconds: 60,
        work: () => new Promise<string>((resolve) => (finish = resolve)),
      }),
    );
    await clock.flush();
    const reason = new CancelledError('alice');
    run.abort(reason);
    finish?.('too late');
    expect((await p).error).toBe(reason);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('prefers the abort reason over what an honouring step throws', async () => {
    const clock = new FakeClock();
    const p = settled(
      runAttempt({
        clock,
        runSignal: new AbortController().signal,
        timeoutSeconds: 1,
        work: (signal) =>
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(new Error('AbortError from a driver'))),
          ),
      }),
    );
    await clock.advance(1_000);
    expect((await p).error).toMatchObject({ code: 'timeout' });
  });
});
