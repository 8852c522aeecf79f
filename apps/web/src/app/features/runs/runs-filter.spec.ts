import {
  DEFAULT_PAGE_SIZE,
  filterFromParams,
  filterToParams,
  queuedRunMatches,
  sameFilter,
  toRunsQuery,
} from './runs-filter';

describe('runs filter ↔ URL', () => {
  it('reads states, dates and page size from the query params, dropping what is not valid', () => {
    const f = filterFromParams({
      job: ' nightly ',
      status: 'failed,RUNNING,bogus,QUEUED',
      from: '2026-01-01T00:00:00Z',
      to: 'not a date',
      limit: '100',
    });
    expect(f).toEqual({
      job: 'nightly',
      statuses: ['QUEUED', 'RUNNING', 'FAILED'],
      from: '2026-01-01T00:00:00.000Z',
      to: '',
      limit: 100,
    });
    expect(filterFromParams({ limit: '7' }).limit).toBe(7);
    expect(filterFromParams({ limit: '0' }).limit).toBe(DEFAULT_PAGE_SIZE);
    expect(filterFromParams({ limit: '501' }).limit).toBe(DEFAULT_PAGE_SIZE);
    expect(filterFromParams({ limit: 'x' }).limit).toBe(DEFAULT_PAGE_SIZE);
    expect(filterFromParams({}).statuses).toEqual([]);
  });

  it('fixes the job on a job runs page whatever the URL says', () => {
    expect(filterFromParams({ job: 'other' }, 'mine').job).toBe('mine');
    const params = filterToParams(filterFromParams({ status: 'FAILED' }, 'mine'), 'mine');
    expect(params.job).toBeNull();
  });

  it('round-trips through the URL, leaving defaults out', () => {
    const f = filterFromParams({
      job: 'a',
      status: 'SUCCEEDED,FAILED',
      from: '2026-02-01T10:00:00.000Z',
      limit: '50',
    });
    const params = filterToParams(f);
    expect(params).toEqual({
      job: 'a',
      status: 'SUCCEEDED,FAILED',
      from: '2026-02-01T10:00:00.000Z',
      to: null,
      limit: '50',
    });
    const back = filterFromParams({
      job: params.job,
      status: params.status,
      from: params.from,
      to: params.to,
      limit: params.limit,
    });
    expect(sameFilter(back, f)).toBe(true);
    expect(filterToParams(filterFromParams({}))).toEqual({
      job: null,
      status: null,
      from: null,
      to: null,
      limit: null,
    });
  });

  it('builds the API query with the cursor of the page', () => {
    const f = filterFromParams({ job: 'a', status: 'FAILED,CANCELED', to: '2026-03-01T00:00:00Z' });
    expect(toRunsQuery(f, 'abc')).toEqual({
      job: 'a',
      status: 'FAILED,CANCELED',
      to: '2026-03-01T00:00:00.000Z',
      limit: 25,
      cursor: 'abc',
    });
    expect(toRunsQuery(filterFromParams({}), null)).toEqual({ limit: 25 });
  });

  it('tells whether a newly queued run belongs in the filtered list', () => {
    const at = '2026-02-01T12:00:00.000Z';
    expect(queuedRunMatches(filterFromParams({}), 'x', at)).toBe(true);
    expect(queuedRunMatches(filterFromParams({ job: 'a' }), 'b', at)).toBe(false);
    expect(queuedRunMatches(filterFromParams({ status: 'FAILED' }), 'a', at)).toBe(false);
    expect(queuedRunMatches(filterFromParams({ status: 'QUEUED,FAILED' }), 'a', at)).toBe(true);
    expect(queuedRunMatches(filterFromParams({ to: '2026-02-01T12:00:00Z' }), 'a', at)).toBe(false);
    expect(queuedRunMatches(filterFromParams({ from: '2026-02-02T00:00:00Z' }), 'a', at)).toBe(false);
  });
});
