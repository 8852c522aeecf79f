import { describe, expect, it } from '@jest/globals';
import type { JobDocument, Json, RunEvent, StepDocument, StepOutput } from '@nomaflow/contracts';
import { createEngineHarness } from '../testing/engine-harness.js';
import { MemoryRunStore, RecordingEventSink } from '../testing/memory-ports.js';

function job(steps: StepDocument[], extra: Partial<JobDocument> = {}): JobDocument {
  return { id: 'job-1', steps, ...extra };
}

const summary = (events: RunEvent[]): string[] =>
  events.flatMap((e) => {
    switch (e.type) {
      case 'run:started':
      case 'run:finished':
        return [e.type];
      case 'step:started':
        return [`${e.type} ${e.step}#${e.attempt}`];
      case 'step:finished':
        return [`${e.type} ${e.step} ${e.status}${e.reason ? ` (${e.reason})` : ''}`];
      default:
        return [];
    }
  });

describe('RunEngine: order and the step plan', () => {
  it('runs the steps strictly in order and succeeds', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job([
        { name: 'a', type: 'echo' },
        { name: 'b', type: 'wait', ms: 500 },
        { name: 'c', type: 'echo' },
      ]),
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.error).toBeNull();
    expect(h.executor.calls.map((c) => c.invocation.stepName)).toEqual(['a', 'b', 'c']);
    expect(summary(h.events.events)).toEqual([
      'run:started',
      'step:started a#1',
      'step:finished a SUCCEEDED',
      'step:started b#1',
      'step:finished b SUCCEEDED',
      'step:started c#1',
      'step:finished c SUCCEEDED',
      'run:finished',
    ]);
    expect(outcome.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ['a', 'SUCCEEDED', 1],
      ['b', 'SUCCEEDED', 1],
      ['c', 'SUCCEEDED', 1],
    ]);
    expect(h.store.stepsOf('run-1')).toEqual(outcome.steps);
    expect(h.store.run('run-1')).toEqual({
      status: 'SUCCEEDED',
      started_at: '2026-01-01T00:00:00.000Z',
      finished_at: '2026-01-01T00:00:00.500Z',
      params: {},
      log_level: 'INFO',
      error: null,
    });
    const b = outcome.steps[1];
    expect([b?.started_at, b?.finished_at]).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.500Z']);
    expect(h.events.ofType('step:finished').map((e) => e.duration_ms)).toEqual([0, 500, 0]);
    expect(h.events.ofType('run:started')[0]).toMatchObject({ job_id: 'job-1', step_count: 3 });
    expect(h.events.ofType('run:finished')[0]).toMatchObject({
      job_id: 'job-1',
      status: 'SUCCEEDED',
      error: null,
    });
  });

  it('saves the whole plan as PENDING before run:started', async () => {
    const store = new MemoryRunStore();
    const events = new RecordingEventSink();
    const h = createEngineHarness({ store, events });
    let writesAtStart = -1;
    const emit = events.emit.bind(events);
    events.emit = (e) => {
      if (e.type === 'run:started') writesAtStart = store.writes.length;
      emit(e);
    };
    await h.run(
      job([
        { name: 'a', type: 'echo' },
        { name: 'b', type: 'echo' },
      ]),
    );
    expect(store.writes.slice(0, writesAtStart)).toEqual([
      {
        op: 'updateRun',
        runId: 'run-1',
        patch: { status: 'RUNNING', started_at: '2026-01-01T00:00:00.000Z', params: {}, log_level: 'INFO' },
      },
      ...['a', 'b'].map((name, index) => ({
        op: 'saveStep',
        runId: 'run-1',
        index,
        step: {
          name,
          type: 'echo',
          status: 'PENDING',
          reason: null,
          attempts: 0,
          started_at: null,
          finished_at: null,
          output: null,
          error: null,
        },
      })),
    ]);
  });

  it('skips a disabled step without starting it and goes on', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job([
        { name: 'a', type: 'echo' },
        { name: 'b', type: 'fail', enabled: false },
        { name: 'c', type: 'echo' },
      ]),
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect(summary(h.events.events)).toEqual([
      'run:started',
      'step:started a#1',
      'step:finished a SUCCEEDED',
      'step:finished b CANCELED (skipped: disabled)',
      'step:started c#1',
      'step:finished c SUCCEEDED',
      'run:finished',
    ]);
    expect(outcome.steps[1]).toMatchObject({ status: 'CANCELED', reason: 'skipped: disabled', attempts: 0 });
    expect(h.events.ofType('step:finished')[1]?.duration_ms).toBeNull();
  });

  it('lets run overrides enable a disabled step and disable an enabled one', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job([
        { name: 'a', type: 'echo', enabled: false },
        { name: 'b', type: 'echo' },
      ]),
      { overrides: { steps: { a: { enabled: true }, b: { enabled: false } } } },
    );
    expect(outcome.steps.map((s) => [s.name, s.status, s.reason])).toEqual([
      ['a', 'SUCCEEDED', null],
      ['b', 'CANCELED', 'skipped: disabled'],
    ]);
  });

  it('runs a job without steps to success', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(job([]));
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', steps: [] });
  });
});

describe('RunEngine: parameters and templating', () => {
  it('merges the four parameter layers per step and stores the shared params on the run', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job(
        [
          { name: 'a', type: 'echo', op_kwargs: { b: 'step', c: 'step', d: 'step' } },
          { name: 'b', type: 'echo' },
        ],
        { params: { a: 'job', b: 'job', c: 'job', d: 'job' } },
      ),
      { overrides: { params: { c: 'run', d: 'run' }, steps: { a: { op_kwargs: { d: 'run-step' } } } } },
    );
    expect(h.executor.callsOf('a')[0]?.params).toEqual({ a: 'job', b: 'step', c: 'run', d: 'run-step' });
    expect(h.executor.callsOf('b')[0]?.params).toEqual({ a: 'job', b: 'job', c: 'run', d: 'run' });
    expect(outcome.params).toEqual({ a: 'job', b: 'job', c: 'run', d: 'run' });
    expect(h.store.run('run-1')?.params).toEqual(outcome.params);
  });

  it('hands the executor the type-specific fields only, templated', async () => {
    const h = createEngineHarness({ env: { SLACK_WEBHOOK_URL: 'https://hooks/x' } });
    await h.run(
      job(
        [
          {
            name: 'copy',
            type: 'echo',
            enabled: true,
            timeout_seconds: 30,
            op_kwargs: { table: 'customers' },
            source: { connector: '${kw:source_connector}', table: '${kw:table}' },
            apps: '${kw:apps_id}',
            label: 'apps ${kw:apps_id}',
            where: 'run ${ctx:run_id} of ${ctx:job_id} at ${ctx:scheduled_for}',
            url: '${env:SLACK_WEBHOOK_URL}',
            literal: '$${kw:apps_id}',
          },
        ],
        { params: { apps_id: 10, source_connector: 'erp' } },
      ),
      { scheduled_for: '2026-01-01T02:00:00.000Z' },
    );
    expect(h.executor.calls[0]?.invocation).toEqual({
      type: 'echo',
      stepName: 'copy',
      config: {
        source: { connector: 'erp', table: 'customers' },
        apps: 10,
        label: 'apps 10',
        where: 'run run-1 of job-1 at 2026-01-01T02:00:00.000Z',
        url: 'https://hooks/x',
        literal: '${kw:apps_id}',
      },
    });
  });

  it('reads an earlier step output with ${out:…}, keeping its type', async () => {
    const h = createEngineHarness();
    h.executor.register('rows', () => ({ rows: 42, meta: { table: 't' } }));
    const outcome = await h.run(
      job([
        { name: 'load', type: 'rows' },
        {
          name: 'report',
          type: 'echo',
          count: '${out:load.rows}',
          text: '${out:load.meta.table}: ${out:load.rows}',
        },
      ]),
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect(h.executor.callsOf('report')[0]?.invocation.config).toEqual({ count: 42, text: 't: 42' });
  });

  it('fails the step without retrying when a placeholder cannot resolve, and names it', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job(
        [
          { name: 'notify', type: 'echo', url: '${env:SLACK_WEBHOOK_URL}' },
          { name: 'after', type: 'echo' },
        ],
        { retry: { attempts: 3 } },
      ),
    );
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('step notify failed: environment variable SLACK_WEBHOOK_URL is not set');
    expect(outcome.steps[0]).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      error: 'environment variable SLACK_WEBHOOK_URL is not set',
    });
    expect(outcome.steps[1]).toMatchObject({ status: 'CANCELED', reason: 'not reached: notify failed' });
    expect(h.executor.calls).toHaveLength(0);
    expect(h.events.ofType('step:retrying')).toHaveLength(0);
  });

  it.each<[string, StepDocument[], string]>([
    [
      'a later step',
      [
        { name: 'a', type: 'echo', x: '${out:b.rows}' },
        { name: 'b', type: 'echo' },
      ],
      'step b runs after a in ${out:b.rows}',
    ],
    [
      'a skipped step',
      [
        { name: 'b', type: 'echo', enabled: false },
        { name: 'a', type: 'echo', x: '${out:b.rows}' },
      ],
      'step b did not run (skipped: disabled) in ${out:b.rows}',
    ],
    [
      'a missing field',
      [
        { name: 'b', type: 'echo' },
        { name: 'a', type: 'echo', x: '${out:b.rows}' },
      ],
      'output of step b has no field rows in ${out:b.rows}',
    ],
    [
      'an unknown step',
      [{ name: 'a', type: 'echo', x: '${out:zz.rows}' }],
      'unknown step zz in ${out:zz.rows}',
    ],
    ['an unknown kwarg', [{ name: 'a', type: 'echo', x: '${kw:nope}' }], 'unknown kwarg nope in ${kw:nope}'],
  ])('fails a ${out:…} or ${kw:…} of %s', async (_label, steps, message) => {
    const h = createEngineHarness();
    const outcome = await h.run(job(steps));
    expect(outcome.error).toBe(`step a failed: ${message}`);
  });

  it('offers previousStep for earlier steps only', async () => {
    const h = createEngineHarness();
    const seen: Record<string, Json> = {};
    h.executor.register('peek', (ctx) => {
      for (const name of ['a', 'skipped', 'peek', 'later', 'nope']) {
        const p = ctx.previousStep(name);
        seen[name] = p === undefined ? 'undefined' : { status: p.status, output: p.output ?? 'none' };
      }
      return {};
    });
    await h.run(
      job([
        { name: 'a', type: 'echo', n: 1 },
        { name: 'skipped', type: 'echo', enabled: false },
        { name: 'peek', type: 'peek' },
        { name: 'later', type: 'echo' },
      ]),
    );
    expect(seen).toEqual({
      a: { status: 'SUCCEEDED', output: { config: { n: 1 }, params: {} } },
      skipped: { status: 'CANCELED', output: 'none' },
      peek: 'undefined',
      later: 'undefined',
      nope: 'undefined',
    });
  });
});

describe('RunEngine: outcomes', () => {
  it('fails the run on a failed step and leaves later steps not reached', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job([
        { name: 'a', type: 'echo' },
        { name: 'b', type: 'fail', message: 'table missing', details: 'Traceback: line 3' },
        { name: 'c', type: 'echo' },
        { name: 'd', type: 'echo', enabled: false },
      ]),
    );
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('step b failed: table missing');
    expect(outcome.steps.map((s) => [s.name, s.status, s.reason, s.error])).toEqual([
      ['a', 'SUCCEEDED', null, null],
      ['b', 'FAILED', null, 'table missing'],
      ['c', 'CANCELED', 'not reached: b failed', null],
      ['d', 'CANCELED', 'not reached: b failed', null],
    ]);
    const errorLine = h.events.lines().find((l) => l.level === 'ERROR');
    expect(errorLine).toMatchObject({
      step: 'b',
      message: 'step b · FAILED · 0 ms · table missing\nTraceback: line 3',
    });
    expect(h.store.run('run-1')).toMatchObject({ status: 'FAILED', error: 'step b failed: table missing' });
    expect(h.events.ofType('run:finished')[0]).toMatchObject({
      status: 'FAILED',
      error: 'step b failed: table missing',
    });
  });

  it('normalises anything thrown into a step failure', async () => {
    const h = createEngineHarness();
    h.executor.register('throws-error', () => {
      throw new TypeError('x is undefined');
    });
    h.executor.register('throws-string', () => Promise.reject('just a string'));
    const first = await h.run(job([{ name: 'a', type: 'throws-error' }]));
    expect(first.error).toBe('step a failed: x is undefined');
    const second = await h.run(job([{ name: 'a', type: 'throws-string' }]));
    expect(second.error).toBe('step a failed: just a string');
  });

  it('fails an unknown step type without retrying', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(job([{ name: 'a', type: 'nope' }], { retry: { attempts: 3 } }));
    expect(outcome.error).toBe('step a failed: unknown step type: nope');
    expect(outcome.steps[0]?.attempts).toBe(1);
  });

  it('stores outputs as plain JSON objects', async () => {
    const h = createEngineHarness();
    h.executor.register('dated', () => ({ at: new Date('2026-02-02T00:00:00Z'), skip: undefined }));
    h.executor.register('scalar', () => 7 as unknown as StepOutput);
    const outcome = await h.run(
      job([
        { name: 'a', type: 'dated' },
        { name: 'b', type: 'scalar' },
      ]),
    );
    expect(outcome.steps.map((s) => s.output)).toEqual([{ at: '2026-02-02T00:00:00.000Z' }, {}]);
    expect(h.events.ofType('step:finished')[0]?.output).toEqual({ at: '2026-02-02T00:00:00.000Z' });
  });

  it('writes the step boundary lines with type, mode and duration', async () => {
    const h = createEngineHarness();
    await h.run(
      job([
        { name: 'copy', type: 'wait', ms: 1234, mode: '${kw:mode}' },
        { name: 'quick', type: 'wait', ms: 35 },
      ]),
      { overrides: { params: { mode: 'overwrite' } } },
    );
    expect(h.events.lines().map((l) => [l.level, l.step, l.message])).toEqual([
      ['INFO', 'copy', 'step copy · type=wait · mode=overwrite'],
      ['INFO', 'copy', 'step copy · SUCCEEDED · 1.2 s'],
      ['INFO', 'quick', 'step quick · type=wait'],
      ['INFO', 'quick', 'step quick · SUCCEEDED · 35 ms'],
    ]);
  });
});

describe('RunEngine: events and logs', () => {
  it('numbers every event from startSeq + 1 without gaps, log lines sharing the sequence', async () => {
    const h = createEngineHarness();
    const outcome = await h.run(
      job(
        [
          {
            name: 'a',
            type: 'log',
            lines: [
              { level: 'INFO', message: 'one' },
              { level: 'WARNING', message: 'two' },
            ],
          },
          { name: 'b', type: 'flaky', failures: 1 },
          { name: 'c', type: 'progress', total: 3 },
          { name: 'd', type: 'fail' },
          { name: 'e', type: 'echo' },
        ],
        { retry: { attempts: 2, base_seconds: 1 } },
      ),
      {},
      { startSeq: 41 },
    );
    const seqs = h.events.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => 42 + i));
    expect(outcome.lastSeq).toBe(41 + seqs.length);
    for (const e of h.events.ofType('log:line')) expect(e.line.seq).toBe(e.seq);
    expect(new Set(h.events.events.map((e) => e.type))).toEqual(
      new Set([
        'run:started',
        'step:started',
        'step:retrying',
        'step:finished',
        'log:line',
        'step:progress',
        'run:finished',
      ]),
    );
    expect(outcome.steps.map((s) => s.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
      'FAILED',
      'CANCELED',
    ]);
    expect(h.events.events.every((e) => e.run_id === 'run-1')).toBe(true);
  });

  it('keeps step log lines in order with their levels; warn is WARNING', async () => {
    const h = createEngineHarness();
    await h.run(
      job([
        {
          name: 'a',
          type: 'log',
          lines: [
            { level: 'INFO', message: 'i' },
            { level: 'WARNING', message: 'w' },
            { level: 'ERROR', message: 'e' },
            { level: 'DEBUG', message: 'd' },
          ],
        },
      ]),
    );
    expect(h.events.lines().map((l) => `${l.level}:${l.message}`)).toEqual([
      'INFO:step a · type=log',
      'INFO:i',
      'WARNING:w',
      'ERROR:e',
      'INFO:step a · SUCCEEDED · 0 ms',
    ]);
  });

  it('writes DEBUG lines only when the run log level is DEBUG', async () => {
    const steps: StepDocument[] = [
      { name: 'a', type: 'log', lines: [{ level: 'DEBUG', message: 'SELECT 1' }] },
    ];
    const debugLines = async (
      extra: Partial<JobDocument>,
      overrideLevel?: 'INFO' | 'DEBUG',
    ): Promise<string[]> => {
      const h = createEngineHarness();
      const overrides = overrideLevel ? { log_level: overrideLevel } : undefined;
      await h.run(job(steps, extra), overrides ? { overrides } : {});
      return h.events
        .lines()
        .filter((l) => l.level === 'DEBUG')
        .map((l) => l.message);
    };
    expect(await debugLines({})).toEqual([]);
    expect(await debugLines({ log_level: 'DEBUG' })).toEqual(['SELECT 1']);
    expect(await debugLines({}, 'DEBUG')).toEqual(['SELECT 1']);
    expect(await debugLines({ log_level: 'DEBUG' }, 'INFO')).toEqual([]);
  });

  it('coalesces progress to one event per 100 ms but always sends the final one', async () => {
    const h = createEngineHarness();
    h.executor.register('slow-progress', async (ctx) => {
      ctx.progress({ done: 1, total: 5, unit: 'rows' });
      ctx.progress({ done: 2, total: 5, unit: 'rows' });
      await h.clock.sleep(100);
      ctx.progress({ done: 3, total: 5, unit: 'rows' });
      await h.clock.sleep(50);
      ctx.progress({ done: 4, total: 5, unit: 'rows' });
      ctx.progress({ done: 5, total: 5, unit: 'rows' });
      ctx.progress({ done: Number.NaN });
      return {};
    });
    await h.run(job([{ name: 'a', type: 'slow-progress' }]));
    expect(h.events.ofType('step:progress').map((e) => [e.step, e.done, e.total, e.unit])).toEqual([
      ['a', 1, 5, 'rows'],
      ['a', 3, 5, 'rows'],
      ['a', 5, 5, 'rows'],
    ]);
  });

  it('saves each step transition before emitting its event', async () => {
    const journal: string[] = [];
    class JournalStore extends MemoryRunStore {
      override async saveStep(...args: Parameters<MemoryRunStore['saveStep']>): Promise<void> {
        const [, index, step] = args;
        await Promise.resolve();
        await super.saveStep(...args);
        journal.push(`save ${index} ${step.status} ${step.attempts}`);
      }
    }
    class JournalSink extends RecordingEventSink {
      override emit(event: RunEvent): void {
        super.emit(event);
        if (event.type === 'step:started') journal.push(`event ${event.index} started ${event.attempt}`);
        if (event.type === 'step:finished')
          journal.push(`event ${event.index} ${event.status} ${event.attempts}`);
        if (event.type === 'step:retrying') journal.push(`event ${event.index} retrying ${event.attempt}`);
      }
    }
    const h = createEngineHarness({ store: new JournalStore(), events: new JournalSink() });
    await h.run(
      job(
        [
          { name: 'a', type: 'flaky', failures: 1 },
          { name: 'b', type: 'echo', enabled: false },
          { name: 'c', type: 'fail' },
          { name: 'd', type: 'echo' },
        ],
        { retry: { attempts: 2, base_seconds: 1 } },
      ),
    );
    expect(journal.filter((j) => !j.includes('PENDING'))).toEqual([
      'save 0 RUNNING 1',
      'event 0 started 1',
      'save 0 RUNNING 1',
      'event 0 retrying 1',
      'save 0 RUNNING 2',
      'event 0 started 2',
      'save 0 SUCCEEDED 2',
      'event 0 SUCCEEDED 2',
      'save 1 CANCELED 0',
      'event 1 CANCELED 0',
      'save 2 RUNNING 1',
      'event 2 started 1',
      'save 2 RUNNING 1',
      'event 2 retrying 1',
      'save 2 RUNNING 2',
      'event 2 started 2',
      'save 2 FAILED 2',
      'event 2 FAILED 2',
      'save 3 CANCELED 0',
      'event 3 CANCELED 0',
    ]);
  });

  it('awaits the sink flush before resolving', async () => {
    let release: (() => void) | undefined;
    class GatedSink extends RecordingEventSink {
      override async flush(): Promise<void> {
        await new Promise<void>((resolve) => (release = resolve));
        await super.flush();
      }
    }
    const events = new GatedSink();
    const h = createEngineHarness({ events });
    let resolved = false;
    const outcome = h.start(job([{ name: 'a', type: 'echo' }])).then((o) => {
      resolved = true;
      return o;
    });
    await h.clock.runUntilIdle();
    expect(events.ofType('run:finished')).toHaveLength(1);
    expect(resolved).toBe(false);
    release?.();
    await outcome;
    expect(resolved).toBe(true);
    expect(events.durable).toBe(events.events.length);
  });
});

describe('RunEngine: secrets', () => {
  it('masks secret values in log lines, outputs, errors and events', async () => {
    const h = createEngineHarness({ env: { LDAP_PW: 'from-env-pw' } });
    const outcome = await h.run(
      job([
        { name: 'plain', type: 'secret', password: 'hunter2' },
        { name: 'templated', type: 'secret', password: '${env:LDAP_PW}' },
        { name: 'failing', type: 'secret', password: 'hunter2', fail: true },
      ]),
    );
    expect(outcome.steps[0]?.output).toEqual({ echoed: '***', nested: { list: ['pw=***'] } });
    expect(outcome.steps[1]?.output).toEqual({ echoed: '***', nested: { list: ['pw=***'] } });
    expect(outcome.steps[2]?.error).toBe('login refused for ***');
    expect(outcome.error).toBe('step failing failed: login refused for ***');
    expect(h.events.messages()).toContain('connecting with ***');
    const everything = JSON.stringify([h.events.events, [...h.store.writes], outcome]);
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('from-env-pw');
    // The executor itself gets the real value: masking is about what leaves the step.
    expect(h.executor.callsOf('templated')[0]?.invocation.config['password']).toBe('from-env-pw');
  });

  it('masks secrets in retry events and warnings', async () => {
    const h = createEngineHarness();
    h.executor.register(
      'leaky',
      (_ctx, config) => {
        throw new Error(`bad token ${String(config['token'])}`);
      },
      { secrets: ['/token'] },
    );
    const outcome = await h.run(
      job([{ name: 'a', type: 'leaky', token: 'tok-123' }], { retry: { attempts: 2 } }),
    );
    expect(h.events.ofType('step:retrying')[0]?.error).toBe('bad token ***');
    expect(JSON.stringify([h.events.events, h.store.writes, outcome])).not.toContain('tok-123');
  });
});
