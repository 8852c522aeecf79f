import { describe, expect, it } from '@jest/globals';
import { CancelledError, type JobDocument, type StepDocument } from '@nomaflow/contracts';
import { createEngineHarness } from '../testing/engine-harness.js';
import { MemoryRunStore } from '../testing/memory-ports.js';

function job(steps: StepDocument[], extra: Partial<JobDocument> = {}): JobDocument {
  return { id: 'job-1', steps, ...extra };
}

const threeSteps = (middle: StepDocument): JobDocument =>
  job([{ name: 'a', type: 'echo' }, middle, { name: 'c', type: 'echo' }], {
    retry: { attempts: 3, base_seconds: 60 },
  });

describe('RunEngine: cancel', () => {
  it('cancels the running step, the later ones and the run; the last line says who', async () => {
    const h = createEngineHarness();
    const controller = new AbortController();
    const seen: unknown[] = [];
    h.executor.register('watch', async (ctx) => {
      await new Promise<void>((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          seen.push(ctx.signal.reason);
          reject(new Error('connection closed'));
        }),
      );
      return {};
    });
    const outcome = h.start(threeSteps({ name: 'b', type: 'watch' }), {}, { signal: controller.signal });
    await h.clock.advance(10_000);
    controller.abort(new CancelledError('alice'));
    const result = await outcome;

    expect(result.status).toBe('CANCELED');
    expect(result.error).toBe('cancelled by alice');
    expect(result.steps.map((s) => [s.name, s.status, s.reason, s.error])).toEqual([
      ['a', 'SUCCEEDED', null, null],
      ['b', 'CANCELED', 'cancelled by alice', null],
      ['c', 'CANCELED', 'cancelled by alice', null],
    ]);
    expect((seen[0] as CancelledError).by).toBe('alice');
    expect(h.events.ofType('step:retrying')).toHaveLength(0);
    const lines = h.events.lines();
    expect(lines[lines.length - 1]).toMatchObject({
      level: 'WARNING',
      step: null,
      message: 'run cancelled by alice',
    });
    expect(h.events.events[h.events.events.length - 1]).toMatchObject({
      type: 'run:finished',
      status: 'CANCELED',
      error: 'cancelled by alice',
    });
    expect(h.store.run('run-1')).toMatchObject({
      status: 'CANCELED',
      error: 'cancelled by alice',
      finished_at: '2026-01-01T00:00:10.000Z',
    });
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('cancels during a retry backoff without another attempt', async () => {
    const h = createEngineHarness();
    const controller = new AbortController();
    const outcome = h.start(
      threeSteps({ name: 'b', type: 'flaky', failures: 5 }),
      {},
      { signal: controller.signal },
    );
    await h.clock.advance(30_000);
    expect(h.events.ofType('step:retrying')).toHaveLength(1);
    controller.abort(new CancelledError('bob'));
    const result = await outcome;
    expect(result.status).toBe('CANCELED');
    expect(result.steps[1]).toMatchObject({ status: 'CANCELED', reason: 'cancelled by bob', attempts: 1 });
    expect(h.executor.callsOf('b')).toHaveLength(1);
    expect(h.clock.pendingTimers()).toBe(0);
    expect(h.clock.now().toISOString()).toBe('2026-01-01T00:00:30.000Z');
  });

  it('cancels every step when the signal is aborted before the start', async () => {
    const h = createEngineHarness();
    const result = await h.run(
      threeSteps({ name: 'b', type: 'echo' }),
      {},
      {
        signal: AbortSignal.abort(new CancelledError('scheduler')),
      },
    );
    expect(result.status).toBe('CANCELED');
    expect(result.steps.map((s) => [s.status, s.reason, s.attempts])).toEqual([
      ['CANCELED', 'cancelled by scheduler', 0],
      ['CANCELED', 'cancelled by scheduler', 0],
      ['CANCELED', 'cancelled by scheduler', 0],
    ]);
    expect(h.executor.calls).toHaveLength(0);
    expect(h.events.ofType('step:started')).toHaveLength(0);
    expect(h.events.messages()).toEqual(['run cancelled by scheduler']);
  });

  it('ends the run even when the step ignores the abort, and drops what it does afterwards', async () => {
    const h = createEngineHarness();
    const controller = new AbortController();
    let lateCtx: { log: { info(m: string): void }; progress(p: { done: number }): void } | undefined;
    h.executor.register('stubborn', (ctx) => {
      lateCtx = ctx;
      return new Promise(() => undefined);
    });
    const outcome = h.start(threeSteps({ name: 'b', type: 'stubborn' }), {}, { signal: controller.signal });
    await h.clock.advance(1_000);
    controller.abort(new CancelledError('alice'));
    const result = await outcome;
    expect(result.status).toBe('CANCELED');
    expect(result.steps[1]).toMatchObject({ status: 'CANCELED', reason: 'cancelled by alice' });
    const count = h.events.events.length;
    lateCtx?.log.info('still here');
    lateCtx?.progress({ done: 1 });
    expect(h.events.events).toHaveLength(count);
  });

  it('treats an abort reason that is not a CancelledError as a cancel by system', async () => {
    const h = createEngineHarness();
    const controller = new AbortController();
    const outcome = h.start(job([{ name: 'a', type: 'wait' }]), {}, { signal: controller.signal });
    await h.clock.flush();
    controller.abort();
    const result = await outcome;
    expect(result.error).toBe('cancelled by system');
    expect(result.steps[0]?.reason).toBe('cancelled by system');
    expect(h.events.messages().at(-1)).toBe('run cancelled by system');
  });

  it('cancels between steps: a finished step keeps its success, the next one never starts', async () => {
    const controller = new AbortController();
    class CancellingStore extends MemoryRunStore {
      override async saveStep(...args: Parameters<MemoryRunStore['saveStep']>): Promise<void> {
        await super.saveStep(...args);
        if (args[1] === 0 && args[2].status === 'SUCCEEDED') controller.abort(new CancelledError('carol'));
      }
    }
    const h = createEngineHarness({ store: new CancellingStore() });
    const result = await h.run(
      job([
        { name: 'a', type: 'echo' },
        { name: 'b', type: 'echo' },
      ]),
      {},
      { signal: controller.signal },
    );
    expect(result.steps.map((s) => [s.name, s.status, s.reason])).toEqual([
      ['a', 'SUCCEEDED', null],
      ['b', 'CANCELED', 'cancelled by carol'],
    ]);
    expect(result.status).toBe('CANCELED');
    expect(h.executor.callsOf('b')).toHaveLength(0);
  });
});
