import type { JobDocument } from '@nomaflow/contracts';
import { initialRunForm, runOverrides } from './run-overrides';

const job: JobDocument = {
  id: 'j',
  params: { apps_id: 10, region: 'eu' },
  log_level: 'INFO',
  steps: [
    { name: 'a', type: 'noop', op_kwargs: { batch: 5 } },
    { name: 'b', type: 'noop', enabled: false },
  ],
};

describe('runOverrides: only what changed', () => {
  it('sends nothing for an untouched form', () => {
    expect(runOverrides(job, initialRunForm(job))).toEqual({});
  });

  it('sends a changed param alone, not the others', () => {
    const f = initialRunForm(job);
    f.params = { ...f.params, region: 'us' };
    expect(runOverrides(job, f)).toEqual({ params: { region: 'us' } });
  });

  it('sends per-step enabled and changed or added op_kwargs only', () => {
    const f = initialRunForm(job);
    f.steps['a'] = { enabled: false, op_kwargs: { batch: 5, extra: true } };
    f.steps['b'] = { enabled: true, op_kwargs: {} };
    expect(runOverrides(job, f)).toEqual({
      steps: { a: { enabled: false, op_kwargs: { extra: true } }, b: { enabled: true } },
    });
  });

  it('sends the log level only when it differs from the job (default INFO)', () => {
    const f = initialRunForm({ ...job, log_level: undefined });
    expect(runOverrides({ ...job, log_level: undefined }, f)).toEqual({});
    f.log_level = 'DEBUG';
    expect(runOverrides(job, f)).toEqual({ log_level: 'DEBUG' });
  });
});
