import type { Run, RunEvent } from '@nomaflow/contracts';
import { foldRunEvents, initialRunState, isFinal, stepDurationMs } from './run-state';

const RUN = 'r-1';

function run(overrides: Partial<Run> = {}): Run {
  return {
    id: RUN,
    job_id: 'job-a',
    status: 'QUEUED',
    triggered_by: 'api',
    replay_of: null,
    scheduled_for: null,
    created_at: '2026-01-01T10:00:00.000Z',
    started_at: null,
    finished_at: null,
    log_level: 'INFO',
    params: {},
    error: null,
    steps: ['extract', 'load', 'notify'].map((name) => ({
      name,
      type: 'noop',
      status: 'PENDING' as const,
      reason: null,
      attempts: 0,
      started_at: null,
      finished_at: null,
      output: null,
      error: null,
    })),
    ...overrides,
  };
}

let seq = 0;
const at = (s: number) => `2026-01-01T10:00:${String(s).padStart(2, '0')}.000Z`;
const base = (t: number) => ({ run_id: RUN, seq: ++seq, at: at(t) });

/** A run whose second step fails after a retry, so the third is not reached. */
function failingHistory(): RunEvent[] {
  seq = 0;
  return [
    { ...base(0), type: 'run:queued', job_id: 'job-a', triggered_by: 'api' },
    { ...base(1), type: 'run:started', job_id: 'job-a', step_count: 3 },
    { ...base(1), type: 'step:started', step: 'extract', index: 0, step_type: 'noop', attempt: 1 },
    { ...base(1), type: 'log:line', line: { seq, ts: at(1), level: 'INFO', step: 'extract', message: 'hi' } },
    {
      ...base(2),
      type: 'step:finished',
      step: 'extract',
      index: 0,
      status: 'SUCCEEDED',
      reason: null,
      attempts: 1,
      output: { rows: 3 },
      error: null,
      duration_ms: 1000,
    },
    { ...base(2), type: 'step:started', step: 'load', index: 1, step_type: 'noop', attempt: 1 },
    { ...base(3), type: 'step:progress', step: 'load', done: 5, total: 10, unit: 'rows' },
    {
      ...base(4),
      type: 'step:retrying',
      step: 'load',
      index: 1,
      attempt: 1,
      next_attempt: 2,
      delay_ms: 10,
      error: 'boom',
    },
    { ...base(5), type: 'step:started', step: 'load', index: 1, step_type: 'noop', attempt: 2 },
    {
      ...base(6),
      type: 'step:finished',
      step: 'load',
      index: 1,
      status: 'FAILED',
      reason: null,
      attempts: 2,
      output: null,
      error: 'StepFailedError: boom\n  at line 1',
      duration_ms: 4000,
    },
    {
      ...base(6),
      type: 'step:finished',
      step: 'notify',
      index: 2,
      status: 'CANCELED',
      reason: 'not reached: load failed',
      attempts: 0,
      output: null,
      error: null,
      duration_ms: null,
    },
    { ...base(6), type: 'run:finished', job_id: 'job-a', status: 'FAILED', error: 'load: boom' },
  ];
}

describe('foldRunEvents', () => {
  it('folds a whole history into run and step states', () => {
    const s = foldRunEvents(initialRunState(run()), failingHistory());
    expect(s.run.status).toBe('FAILED');
    expect(s.run.started_at).toBe(at(1));
    expect(s.run.finished_at).toBe(at(6));
    expect(s.run.error).toBe('load: boom');
    expect(s.seq).toBe(12);
    expect(s.steps.map((x) => [x.name, x.status, x.reason, x.attempts])).toEqual([
      ['extract', 'SUCCEEDED', null, 1],
      ['load', 'FAILED', null, 2],
      ['notify', 'CANCELED', 'not reached: load failed', 0],
    ]);
    expect(s.steps[0]!.output).toEqual({ rows: 3 });
    expect(s.steps[1]!.error).toContain('boom');
    expect(s.steps[1]!.progress).toBeNull();
  });

  it('shows a running step with its progress and attempt while live', () => {
    const events = failingHistory().slice(0, 7);
    const s = foldRunEvents(initialRunState(run()), events);
    expect(s.run.status).toBe('RUNNING');
    expect(s.steps[1]).toMatchObject({ status: 'RUNNING', attempts: 1, started_at: at(2) });
    expect(s.steps[1]!.progress).toEqual({ done: 5, total: 10, unit: 'rows' });
    expect(s.steps[2]!.status).toBe('PENDING');
  });

  it('gives the same state whether events arrive in one batch or one by one', () => {
    const events = failingHistory();
    const once = foldRunEvents(initialRunState(run()), events);
    let stepwise = initialRunState(run());
    for (const e of events) stepwise = foldRunEvents(stepwise, [e]);
    expect(stepwise).toEqual(once);
  });

  it('never moves a finished run or step backwards when history replays over a later snapshot', () => {
    const done = foldRunEvents(initialRunState(run()), failingHistory());
    const snapshot: Run = { ...done.run, steps: done.steps };
    const replayed = foldRunEvents(initialRunState(snapshot), failingHistory());
    expect(replayed.run.status).toBe('FAILED');
    expect(replayed.steps.map((x) => x.status)).toEqual(['SUCCEEDED', 'FAILED', 'CANCELED']);
    const partial = foldRunEvents(initialRunState(snapshot), failingHistory().slice(0, 3));
    expect(partial.run.status).toBe('FAILED');
    expect(partial.steps[0]!.status).toBe('SUCCEEDED');
  });

  it('adds steps the run did not list yet at their index', () => {
    seq = 0;
    const s = foldRunEvents(initialRunState(run({ steps: [] })), [
      { ...base(1), type: 'step:started', step: 'b', index: 1, step_type: 'noop', attempt: 1 },
      { ...base(1), type: 'step:started', step: 'a', index: 0, step_type: 'http', attempt: 1 },
    ]);
    expect(s.steps.map((x) => [x.name, x.type, x.status])).toEqual([
      ['a', 'http', 'RUNNING'],
      ['b', 'noop', 'RUNNING'],
    ]);
  });

  it('ignores events of another run and keeps the same state object for nothing new', () => {
    const s0 = initialRunState(run());
    const other = { ...failingHistory()[1]!, run_id: 'other' };
    expect(foldRunEvents(s0, [other])).toBe(s0);
  });

  it('records a cancel: CANCELED steps carry who cancelled', () => {
    seq = 0;
    const s = foldRunEvents(initialRunState(run({ status: 'RUNNING' })), [
      {
        ...base(3),
        type: 'step:finished',
        step: 'extract',
        index: 0,
        status: 'CANCELED',
        reason: 'cancelled by admin',
        attempts: 1,
        output: null,
        error: null,
        duration_ms: 1500,
      },
      { ...base(3), type: 'run:finished', job_id: 'job-a', status: 'CANCELED', error: 'cancelled by admin' },
    ]);
    expect(isFinal(s.run.status)).toBe(true);
    expect(s.steps[0]).toMatchObject({ status: 'CANCELED', reason: 'cancelled by admin' });
  });
});

describe('stepDurationMs', () => {
  it('uses the engine figure, else the elapsed time of a running step', () => {
    const s = foldRunEvents(initialRunState(run()), failingHistory());
    expect(stepDurationMs(s.steps[0]!, 0)).toBe(1000);
    const live = foldRunEvents(initialRunState(run()), failingHistory().slice(0, 6));
    expect(stepDurationMs(live.steps[1]!, Date.parse(at(2)) + 2500)).toBe(2500);
    expect(stepDurationMs(live.steps[2]!, Date.now())).toBeNull();
  });
});
