import type { Run } from '@nomaflow/contracts';
import type { CatalogueSignal } from '../../core/live';
import { filterFromParams } from './runs-filter';
import { applyToRows, newRunFor } from './runs-live';
import { errorExcerpt } from './runs-table';

function row(id: string, status: Run['status'], job = 'a'): Run {
  return {
    id,
    job_id: job,
    status,
    triggered_by: 'api',
    replay_of: null,
    scheduled_for: null,
    created_at: '2026-02-01T10:00:00.000Z',
    started_at: status === 'QUEUED' ? null : '2026-02-01T10:00:01.000Z',
    finished_at: null,
    log_level: 'INFO',
    params: {},
    error: null,
    steps: [],
  };
}

const base = { seq: 1, at: '2026-02-01T10:00:05.000Z', job_id: 'a' };

describe('live runs list', () => {
  it('updates the state of a visible row in place, never backwards', () => {
    const rows = [row('r1', 'QUEUED'), row('r2', 'RUNNING')];
    const started: CatalogueSignal = { ...base, type: 'run:started', run_id: 'r1', step_count: 2 };
    const afterStart = applyToRows(rows, started);
    expect(afterStart[0]).toMatchObject({ status: 'RUNNING', started_at: base.at });
    expect(afterStart[1]).toBe(rows[1]);

    const finished: CatalogueSignal = {
      ...base,
      type: 'run:finished',
      run_id: 'r2',
      status: 'FAILED',
      error: 'boom',
    };
    const afterFinish = applyToRows(afterStart, finished);
    expect(afterFinish[1]).toMatchObject({ status: 'FAILED', error: 'boom', finished_at: base.at });

    const late: CatalogueSignal = { ...base, type: 'run:started', run_id: 'r2', step_count: 2 };
    expect(applyToRows(afterFinish, late)).toBe(afterFinish);
  });

  it('leaves the rows alone for runs not on the page and other messages', () => {
    const rows = [row('r1', 'RUNNING')];
    expect(
      applyToRows(rows, { ...base, type: 'run:finished', run_id: 'zz', status: 'SUCCEEDED', error: null }),
    ).toBe(rows);
    expect(applyToRows(rows, { type: 'resync' })).toBe(rows);
  });

  it('announces a queued run only when it matches the filters and is not shown yet', () => {
    const queued = (run_id: string, job_id: string): CatalogueSignal => ({
      ...base,
      job_id,
      type: 'run:queued',
      run_id,
      triggered_by: 'api',
    });
    const rows = [row('r1', 'QUEUED')];
    expect(newRunFor(filterFromParams({}), rows, queued('r9', 'b'))).toBe('r9');
    expect(newRunFor(filterFromParams({}), rows, queued('r1', 'a'))).toBeNull();
    expect(newRunFor(filterFromParams({ job: 'a' }), rows, queued('r9', 'b'))).toBeNull();
    expect(newRunFor(filterFromParams({ status: 'FAILED' }), rows, queued('r9', 'a'))).toBeNull();
  });
});

describe('errorExcerpt', () => {
  it('keeps the first line, cut to 80 characters', () => {
    expect(errorExcerpt(null)).toBe('');
    expect(errorExcerpt('boom\n  at x')).toBe('boom');
    const long = errorExcerpt('x'.repeat(200));
    expect(long.length).toBe(80);
    expect(long.endsWith('…')).toBe(true);
  });
});
