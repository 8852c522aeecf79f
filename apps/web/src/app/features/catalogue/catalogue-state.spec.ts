import type { CatalogueSignal } from '../../core/live';
import {
  applyRunEvent,
  mergeEntries,
  needsReread,
  runNowBlocked,
  runsDirectly,
  toJobDocument,
} from './catalogue-state';
import { entry } from './test-entries';

const at = '2026-01-01T10:00:00.000Z';
const base = { run_id: 'r1', at };

describe('applyRunEvent', () => {
  const threeSteps = entry('etl', {
    steps: [
      { name: 'a', type: 'noop' },
      { name: 'b', type: 'noop' },
      { name: 'c', type: 'noop' },
    ],
  });

  it('follows a run from queued to finished on its card only', () => {
    const events: CatalogueSignal[] = [
      { ...base, seq: 1, type: 'run:queued', job_id: 'etl', triggered_by: 'user:admin' },
      { ...base, seq: 2, type: 'run:started', job_id: 'etl', step_count: 3 },
      {
        ...base,
        seq: 3,
        type: 'step:started',
        step: 'a',
        index: 0,
        step_type: 'noop',
        attempt: 1,
        step_count: 3,
      },
      { ...base, seq: 5, type: 'step:started', step: 'b', index: 1, step_type: 'noop', attempt: 1 },
    ];
    const list = [entry('other'), threeSteps];
    let state: readonly ReturnType<typeof entry>[] = list;
    for (const e of events) state = applyRunEvent(state, e);
    expect(state[0]).toBe(list[0]);
    expect(state[1]!.running).toEqual({ run_id: 'r1', step_index: 1, step_count: 3, step: 'b' });
    expect(state[1]!.last_run).toMatchObject({ id: 'r1', status: 'RUNNING', triggered_by: 'user:admin' });

    state = applyRunEvent(state, {
      ...base,
      seq: 9,
      type: 'run:finished',
      job_id: 'etl',
      status: 'FAILED',
      error: 'boom',
      at: '2026-01-01T10:05:00.000Z',
    });
    expect(state[1]!.running).toBeNull();
    expect(state[1]!.last_run).toMatchObject({
      id: 'r1',
      status: 'FAILED',
      finished_at: '2026-01-01T10:05:00.000Z',
    });
  });

  it('returns the same array when no card is concerned', () => {
    const list = [entry('a')];
    expect(applyRunEvent(list, { ...base, seq: 1, type: 'run:started', job_id: 'zzz', step_count: 1 })).toBe(
      list,
    );
    expect(
      applyRunEvent(list, {
        ...base,
        seq: 2,
        type: 'step:started',
        step: 's',
        index: 0,
        step_type: 'noop',
        attempt: 1,
      }),
    ).toBe(list);
    expect(applyRunEvent(list, { type: 'resync' })).toBe(list);
    expect(applyRunEvent(list, { type: 'config:reloaded', jobs: 1, at })).toBe(list);
  });

  it('keeps the run in flight when a second run of a queue job is queued', () => {
    const running = entry('q', {
      concurrency: 'queue',
      running: { run_id: 'r0', step_index: 0, step_count: 1, step: 'wait' },
    });
    const [next] = applyRunEvent([running], {
      ...base,
      seq: 1,
      type: 'run:queued',
      job_id: 'q',
      triggered_by: 'cron',
    });
    expect(next!.running!.run_id).toBe('r0');
    expect(next!.last_run).toMatchObject({ id: 'r1', status: 'QUEUED' });
  });

  it('does not clear the running state of another run when one finishes', () => {
    const card = entry('p', { running: { run_id: 'r2', step_index: 0, step_count: 1, step: null } });
    const [next] = applyRunEvent([card], {
      ...base,
      seq: 3,
      type: 'run:finished',
      job_id: 'p',
      status: 'SUCCEEDED',
      error: null,
    });
    expect(next!.running!.run_id).toBe('r2');
    expect(next!.last_run!.status).toBe('SUCCEEDED');
  });
});

describe('needsReread', () => {
  it('re-reads after job changes, reloads, finished runs and reconnects only', () => {
    expect(needsReread({ type: 'resync' })).toBe(true);
    expect(needsReread({ type: 'config:reloaded', jobs: 2, at })).toBe(true);
    expect(needsReread({ type: 'job:changed', job_id: 'a', change: 'deleted', at })).toBe(true);
    expect(
      needsReread({ ...base, seq: 1, type: 'run:finished', job_id: 'a', status: 'CANCELED', error: null }),
    ).toBe(true);
    expect(needsReread({ ...base, seq: 1, type: 'run:started', job_id: 'a', step_count: 1 })).toBe(false);
  });
});

describe('job document helpers', () => {
  it('strips every catalogue-only field before a PUT', () => {
    const doc = toJobDocument(
      entry('a', { tags: ['etl'], running: { run_id: 'r', step_index: 0, step_count: 1, step: null } }),
    );
    expect(Object.keys(doc).sort()).toEqual(['id', 'steps', 'tags']);
  });

  it('runs a one-step job without shared params directly', () => {
    expect(runsDirectly(entry('a'))).toBe(true);
    expect(runsDirectly(entry('a', { params: {} }))).toBe(true);
    expect(runsDirectly(entry('a', { params: { n: 1 } }))).toBe(false);
    expect(
      runsDirectly(
        entry('a', {
          steps: [
            { name: 'a', type: 'noop' },
            { name: 'b', type: 'noop' },
          ],
        }),
      ),
    ).toBe(false);
  });

  it('blocks Run now while a run is in flight unless the job queues or runs in parallel', () => {
    const running = { run_id: 'r', step_index: 0, step_count: 1, step: null };
    expect(runNowBlocked(entry('a'))).toBe(false);
    expect(runNowBlocked(entry('a', { running }))).toBe(true);
    expect(runNowBlocked(entry('a', { running, concurrency: 'skip' }))).toBe(true);
    expect(runNowBlocked(entry('a', { running, concurrency: 'queue' }))).toBe(false);
    expect(runNowBlocked(entry('a', { running, concurrency: 'parallel' }))).toBe(false);
  });
});

describe('mergeEntries', () => {
  it('sorts by id and reuses unchanged cards', () => {
    const a = entry('a');
    const b = entry('b');
    const merged = mergeEntries([a, b], [entry('c'), entry('b', { enabled: false }), entry('a')]);
    expect(merged.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(merged[0]).toBe(a);
    expect(merged[1]).not.toBe(b);
    expect(merged[1]!.enabled).toBe(false);
  });

  it('takes the fresh card when only its run or next fire changed', () => {
    const a = entry('a');
    const ran = entry('a', {
      last_run: {
        id: 'r9',
        status: 'FAILED',
        triggered_by: 'cron',
        created_at: at,
        started_at: at,
        finished_at: at,
      },
    });
    expect(mergeEntries([a], [ran])[0]).toBe(ran);
    const moved = entry('a', { next_fire: { at: '2026-01-02T02:00:00.000Z', local: '' } });
    expect(mergeEntries([a], [moved])[0]).toBe(moved);
    const saved = entry('a', { version: a.version + 1 });
    expect(mergeEntries([a], [saved])[0]).toBe(saved);
  });
});
