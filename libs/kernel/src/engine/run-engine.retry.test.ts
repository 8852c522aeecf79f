import { describe, expect, it } from '@jest/globals';
import { ValidationError, type JobDocument, type StepDocument } from '@nomaflow/contracts';
import { createEngineHarness } from '../testing/engine-harness.js';

function job(steps: StepDocument[], extra: Partial<JobDocument> = {}): JobDocument {
  return { id: 'job-1', steps, ...extra };
}

describe('RunEngine: retries', () => {
  it('waits base_seconds between tries with fixed backoff (60 s, 60 s), in no real time', async () => {
    const wallStart = Date.now();
    const h = createEngineHarness();
    const outcome = await h.run(
      job([{ name: 'a', type: 'flaky', failures: 2 }], {
        retry: { attempts: 3, backoff: 'fixed', base_seconds: 60 },
      }),
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.steps[0]).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 3,
      error: null,
      output: { attempt: 3 },
    });
    expect(
      h.events.ofType('step:retrying').map((e) => [e.attempt, e.next_attempt, e.delay_ms, e.error, e.at]),
    ).toEqual([
      [1, 2, 60_000, 'flaky failure 1', '2026-01-01T00:00:00.000Z'],
      [2, 3, 60_000, 'flaky failure 2', '2026-01-01T00:01:00.000Z'],
    ]);
    expect(h.events.ofType('step:started').map((e) => [e.attempt, e.at])).toEqual([
      [1, '2026-01-01T00:00:00.000Z'],
      [2, '2026-01-01T00:01:00.000Z'],
      [3, '2026-01-01T00:02:00.000Z'],
    ]);
    expect(h.clock.now().toISOString()).toBe('2026-01-01T00:02:00.000Z');
    expect(outcome.steps[0]?.started_at).toBe('2026-01-01T00:00:00.000Z');
    expect(
      h.events
        .lines()
        .filter((l) => l.level === 'WARNING')
        .map((l) => l.message),
    ).toEqual([
      'step a · attempt 1/3 failed: flaky failure 1 · retrying in 60.0 s',
      'step a · attempt 2/3 failed: flaky failure 2 · retrying in 60.0 s',
    ]);
    expect(h.events.messages()).toContain('step a · type=flaky · attempt 2/3');
    expect(h.events.messages()).toContain('step a · SUCCEEDED · 120.0 s');
    expect(Date.now() - wallStart).toBeLessThan(1000);
  });

  it('doubles the wait with exponential backoff (60, 120, 240 s)', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job([{ name: 'a', type: 'flaky', failures: 3 }], {
        retry: { attempts: 4, backoff: 'exponential', base_seconds: 60 },
      }),
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect(h.events.ofType('step:retrying').map((e) => e.delay_ms)).toEqual([60_000, 120_000, 240_000]);
    expect(h.events.ofType('step:started').map((e) => e.at)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:03:00.000Z',
      '2026-01-01T00:07:00.000Z',
    ]);
  });

  it('fails the step once attempts are exhausted, with the last error', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job(
        [
          { name: 'a', type: 'flaky', failures: 5 },
          { name: 'b', type: 'echo' },
        ],
        { retry: { attempts: 2, base_seconds: 10 } },
      ),
    );
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('step a failed: flaky failure 2');
    expect(outcome.steps[0]).toMatchObject({ status: 'FAILED', attempts: 2, error: 'flaky failure 2' });
    expect(outcome.steps[1]).toMatchObject({ status: 'CANCELED', reason: 'not reached: a failed' });
    expect(h.events.ofType('step:retrying')).toHaveLength(1);
    expect(h.executor.callsOf('a').map((c) => c.attempt)).toEqual([1, 2]);
  });

  it('does not retry a non-retryable StepFailedError', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job([{ name: 'a', type: 'flaky', failures: 1, retryable: false }], { retry: { attempts: 3 } }),
    );
    expect(outcome.status).toBe('FAILED');
    expect(outcome.steps[0]?.attempts).toBe(1);
    expect(h.events.ofType('step:retrying')).toHaveLength(0);
  });

  it('does not retry a ValidationError', async () => {
    const h = createEngineHarness();
    h.executor.register('invalid', () => {
      throw new ValidationError([{ path: '/query', message: 'must be a string' }]);
    });
    const outcome = await h.run(job([{ name: 'a', type: 'invalid' }], { retry: { attempts: 3 } }));
    expect(outcome.error).toBe('step a failed: /query: must be a string');
    expect(outcome.steps[0]?.attempts).toBe(1);
  });

  it('counts a timeout as a failed attempt and retries it', async () => {
    const h = createEngineHarness();
    h.executor.register('slow-then-fast', (ctx) =>
      ctx.attempt === 1 ? new Promise(() => undefined) : Promise.resolve({ ok: true }),
    );
    const outcome = await h.run(
      job([{ name: 'a', type: 'slow-then-fast', timeout_seconds: 5 }], {
        retry: { attempts: 2, base_seconds: 60 },
      }),
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect(h.events.ofType('step:retrying')[0]).toMatchObject({
      attempt: 1,
      error: 'timed out after 5 s',
      at: '2026-01-01T00:00:05.000Z',
    });
    expect(h.events.ofType('step:started')[1]?.at).toBe('2026-01-01T00:01:05.000Z');
  });

  it('fails with `timed out after N s` when every attempt times out, and aborts the step signal', async () => {
    const h = createEngineHarness();
    const reasons: unknown[] = [];
    h.executor.register('observe', (ctx) => {
      ctx.signal.addEventListener('abort', () => reasons.push(ctx.signal.reason));
      return new Promise(() => undefined);
    });
    const outcome = await h.run(
      job([{ name: 'a', type: 'observe', timeout_seconds: 2 }], { retry: { attempts: 2 } }),
    );
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('step a failed: timed out after 2 s');
    expect(outcome.steps[0]).toMatchObject({ status: 'FAILED', attempts: 2, error: 'timed out after 2 s' });
    expect(reasons.map((r) => (r as Error).message)).toEqual(['timed out after 2 s', 'timed out after 2 s']);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('times out after 3600 s by default', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(job([{ name: 'a', type: 'hang' }]));
    expect(outcome.error).toBe('step a failed: timed out after 3600 s');
    expect(h.clock.now().toISOString()).toBe('2026-01-01T01:00:00.000Z');
  });
});
