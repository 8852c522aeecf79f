import { matchesFilter, parseFilter } from './catalogue-filter';
import { entry } from './test-entries';

const failedRun = {
  id: 'r',
  status: 'FAILED' as const,
  triggered_by: 'cron' as const,
  created_at: '2026-01-01T00:00:00Z',
  started_at: null,
  finished_at: null,
};

const jobs = [
  entry('reporting-nightly', { tags: ['etl', 'nightly'], last_run: failedRun }),
  entry('ldap-sync', { tags: ['directory'], enabled: false }),
  entry('etl-hourly', {
    tags: ['hourly'],
    running: { run_id: 'x', step_index: 0, step_count: 1, step: null },
  }),
  entry('adhoc'),
];
const ids = (text: string) => jobs.filter((j) => matchesFilter(j, parseFilter(text))).map((j) => j.id);

describe('catalogue filter', () => {
  it('matches everything when empty', () => {
    expect(ids('  ')).toHaveLength(4);
  });
  it('matches free text against id, tags and state', () => {
    expect(ids('etl')).toEqual(['reporting-nightly', 'etl-hourly']);
    expect(ids('NIGHT')).toEqual(['reporting-nightly']);
    expect(ids('failed')).toEqual(['reporting-nightly']);
    expect(ids('disabled')).toEqual(['ldap-sync']);
  });
  it('narrows with tag: (exact tag) and state: tokens, all tokens together', () => {
    expect(ids('tag:etl')).toEqual(['reporting-nightly']);
    expect(ids('tag:et')).toEqual([]);
    expect(ids('state:running')).toEqual(['etl-hourly']);
    expect(ids('state:disabled')).toEqual(['ldap-sync']);
    expect(ids('state:never')).toEqual(['ldap-sync', 'etl-hourly', 'adhoc']);
    expect(ids('tag:etl state:failed')).toEqual(['reporting-nightly']);
    expect(ids('tag:etl state:running')).toEqual([]);
  });
  it('treats a bare prefix as free text', () => {
    expect(parseFilter('tag: state:')).toEqual({ tags: [], states: [], words: ['tag:', 'state:'] });
  });
});
