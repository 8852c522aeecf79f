import { describe, expect, it } from '@jest/globals';
import type { JobDocument, RunOverrides } from '@nomaflow/contracts';
import { isStepEnabled, mergeSharedParams, mergeStepKwargs, resolveLogLevel } from './params.js';

const job: JobDocument = {
  id: 'j',
  params: { a: 'job', b: 'job', c: 'job', d: 'job' },
  steps: [{ name: 's', type: 'noop', op_kwargs: { b: 'step', c: 'step', d: 'step', only_step: 1 } }],
};
const step = job.steps[0]!;

describe('mergeStepKwargs', () => {
  it('applies job.params → step.op_kwargs → run params → run per-step op_kwargs, later wins', () => {
    const overrides: RunOverrides = {
      params: { c: 'run', d: 'run' },
      steps: { s: { op_kwargs: { d: 'run-step' } }, other: { op_kwargs: { a: 'not me' } } },
    };
    expect(mergeStepKwargs(job, step, overrides)).toEqual({
      a: 'job',
      b: 'step',
      c: 'run',
      d: 'run-step',
      only_step: 1,
    });
  });

  it('works without params, op_kwargs or overrides', () => {
    expect(mergeStepKwargs({}, { name: 's' })).toEqual({});
    expect(mergeStepKwargs(job, step)).toEqual({ a: 'job', b: 'step', c: 'step', d: 'step', only_step: 1 });
  });

  it('ignores inherited keys of the overrides map', () => {
    expect(mergeStepKwargs({}, { name: 'constructor' }, { steps: {} })).toEqual({});
    expect(isStepEnabled({ name: 'toString' }, { steps: {} })).toBe(true);
  });
});

describe('mergeSharedParams', () => {
  it('lays the run params over the job params and leaves the job untouched', () => {
    expect(mergeSharedParams(job, { params: { a: 'run', e: true } })).toEqual({
      a: 'run',
      b: 'job',
      c: 'job',
      d: 'job',
      e: true,
    });
    expect(job.params).toEqual({ a: 'job', b: 'job', c: 'job', d: 'job' });
    expect(mergeSharedParams({})).toEqual({});
  });
});

describe('isStepEnabled', () => {
  it('takes the run override, then the step, then true', () => {
    expect(isStepEnabled({ name: 's' })).toBe(true);
    expect(isStepEnabled({ name: 's', enabled: false })).toBe(false);
    expect(isStepEnabled({ name: 's', enabled: false }, { steps: { s: { enabled: true } } })).toBe(true);
    expect(isStepEnabled({ name: 's', enabled: true }, { steps: { s: { enabled: false } } })).toBe(false);
    expect(isStepEnabled({ name: 's', enabled: false }, { steps: { s: { op_kwargs: {} } } })).toBe(false);
  });
});

describe('resolveLogLevel', () => {
  it('takes the run override, then the job, then INFO', () => {
    expect(resolveLogLevel({})).toBe('INFO');
    expect(resolveLogLevel({ log_level: 'DEBUG' })).toBe('DEBUG');
    expect(resolveLogLevel({ log_level: 'DEBUG' }, { log_level: 'INFO' })).toBe('INFO');
  });
});
