import { describe, expect, it } from '@jest/globals';
import { CancelledError, hasErrorCode } from '@nomaflow/contracts';
import { asCancelledError, runCancellation } from './cancellation.js';
import { formatDuration } from './durations.js';
import { normaliseOutput } from './outputs.js';
import { ProgressThrottle } from './progress-throttle.js';
import { stepConfig } from './step-config.js';

describe('formatDuration', () => {
  it('uses ms under a second and seconds with one decimal above', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(35)).toBe('35 ms');
    expect(formatDuration(999)).toBe('999 ms');
    expect(formatDuration(1000)).toBe('1.0 s');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('125.0 s');
  });
});

describe('normaliseOutput', () => {
  it('round-trips through JSON and turns non-objects into {}', () => {
    const date = new Date('2026-01-01T00:00:00Z');
    expect(normaliseOutput({ a: 1, at: date, gone: undefined, f: () => 1 })).toEqual({
      a: 1,
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(normaliseOutput(undefined)).toEqual({});
    expect(normaliseOutput(null)).toEqual({});
    expect(normaliseOutput(42)).toEqual({});
    expect(normaliseOutput([1, 2])).toEqual({});
  });

  it('fails, not retryable, on output that cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    let caught: unknown;
    try {
      normaliseOutput(cyclic);
    } catch (e) {
      caught = e;
    }
    expect(hasErrorCode(caught, 'step_failed') && caught.retryable).toBe(false);
    expect(() => normaliseOutput({ n: 1n })).toThrow(/not JSON-serialisable/);
  });
});

describe('ProgressThrottle', () => {
  it('admits at most one report per interval, and always the final one', () => {
    const throttle = new ProgressThrottle(100);
    expect(throttle.admit({ done: 1, total: 10 }, 0)).toBe(true);
    expect(throttle.admit({ done: 2, total: 10 }, 50)).toBe(false);
    expect(throttle.admit({ done: 3, total: 10 }, 100)).toBe(true);
    expect(throttle.admit({ done: 4 }, 150)).toBe(false);
    expect(throttle.admit({ done: 10, total: 10 }, 151)).toBe(true);
  });
});

describe('stepConfig', () => {
  it('keeps the type-specific fields only', () => {
    expect(
      stepConfig({
        name: 'n',
        type: 't',
        enabled: true,
        timeout_seconds: 5,
        op_kwargs: { a: 1 },
        url: 'u',
        mode: 'x',
      }),
    ).toEqual({ url: 'u', mode: 'x' });
  });
});

describe('cancellation', () => {
  it('keeps a CancelledError and turns any other reason into one by system', () => {
    const byAlice = new CancelledError('alice');
    expect(asCancelledError(byAlice)).toBe(byAlice);
    expect(asCancelledError(new Error('x')).by).toBe('system');
    expect(asCancelledError(undefined).message).toBe('cancelled by system');
  });

  it('relays the host signal with a CancelledError and unhooks on dispose', () => {
    const host = new AbortController();
    const run = runCancellation(host.signal);
    expect(run.signal.aborted).toBe(false);
    host.abort('plain reason');
    expect(asCancelledError(run.signal.reason).by).toBe('system');
    expect(hasErrorCode(run.signal.reason, 'cancelled')).toBe(true);

    const host2 = new AbortController();
    const run2 = runCancellation(host2.signal);
    run2.dispose();
    host2.abort(new CancelledError('bob'));
    expect(run2.signal.aborted).toBe(false);

    const already = runCancellation(AbortSignal.abort(new CancelledError('carol')));
    expect((already.signal.reason as CancelledError).by).toBe('carol');
    expect(runCancellation(undefined).signal.aborted).toBe(false);
  });
});
