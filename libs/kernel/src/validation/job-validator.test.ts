import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@nomaflow/contracts';
import type { FieldError } from '@nomaflow/contracts';
import { defineStepType } from '../define-step-type.js';
import { StepTypeRegistry } from '../registry/step-type-registry.js';
import { JobValidator } from './job-validator.js';

const registry = new StepTypeRegistry();
registry.register(
  defineStepType({
    manifest: {
      type: 'sqlish',
      version: '1.0.0',
      title: 'SQL-ish',
      description: 'a step with required fields',
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['connector', 'query'],
        properties: {
          connector: { type: 'string' },
          query: { type: 'string' },
          batch_size: { type: 'integer', minimum: 1, default: 10000 },
        },
      },
    },
    async execute() {
      return {};
    },
  }),
);
registry.register(
  defineStepType({
    manifest: {
      type: 'noop',
      version: '1.0.0',
      title: 'No-op',
      description: '',
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: { ms: { type: 'integer', minimum: 0, default: 0 }, message: { type: 'string' } },
      },
    },
    async execute() {
      return {};
    },
  }),
);
const validator = new JobValidator(registry);

const validJob = () => ({
  id: 'reporting-nightly_sync',
  description: 'Nightly refresh.',
  tags: ['etl', 'nightly'],
  enabled: true,
  schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' },
  params: { apps_id: 10, source_connector: 'erp', full: false },
  steps: [
    {
      name: 'refresh-totals',
      type: 'sqlish',
      connector: '${kw:source_connector}',
      query: 'select 1',
      timeout_seconds: 1800,
    },
    {
      name: 'wait',
      type: 'noop',
      ms: '${kw:wait_ms}',
      message: 'rows: ${out:refresh-totals.rows_affected}',
      op_kwargs: { wait_ms: 5 },
    },
  ],
  retry: { attempts: 2, backoff: 'fixed', base_seconds: 60 },
  alerts: { on_failure: true, on_long_run_minutes: 90, recipients: ['#data-oncall'], on_success: false },
  log_level: 'INFO',
  concurrency: 'skip',
  catchup: 'last',
});

function errorsOf(mutate: (job: ReturnType<typeof validJob>) => unknown): FieldError[] {
  const job = validJob();
  const result = mutate(job);
  return validator.validate(result === undefined ? job : result);
}

describe('JobValidator — the messages of SPEC §1', () => {
  it('accepts a complete valid job, templated fields included', () => {
    expect(validator.validate(validJob())).toEqual([]);
  });

  it('accepts a manual-only job (no schedule, empty cron) and the 6-field and alias forms', () => {
    expect(errorsOf((j) => ({ ...j, schedule: undefined }))).toEqual([]);
    expect(errorsOf((j) => void (j.schedule.cron = ''))).toEqual([]);
    expect(errorsOf((j) => void (j.schedule.cron = '0 2 * * * 30'))).toEqual([]);
    expect(errorsOf((j) => void (j.schedule.cron = '@daily'))).toEqual([]);
  });

  it('job id contains invalid characters', () => {
    expect(errorsOf((j) => void (j.id = 'my job!'))).toEqual([
      { path: '/id', message: 'job id contains invalid characters' },
    ]);
    expect(errorsOf((j) => void (j.id = 'étè'))).toEqual([
      { path: '/id', message: 'job id contains invalid characters' },
    ]);
  });

  it('a missing id', () => {
    expect(errorsOf((j) => ({ ...j, id: undefined }))).toEqual([
      { path: '/id', message: 'job id is required' },
    ]);
  });

  it('unknown timezone', () => {
    const errors = errorsOf((j) => void (j.schedule.timezone = 'Europe/Atlantis'));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('/schedule/timezone');
    expect(errors[0]?.message).toContain('unknown timezone');
  });

  it('invalid cron expression', () => {
    for (const cron of ['61 2 * * *', '0 2 * *', 'every day', '@reboot', '0 2 30 2 * * *']) {
      const errors = errorsOf((j) => void (j.schedule.cron = cron));
      expect(errors).toHaveLength(1);
      expect(errors[0]?.path).toBe('/schedule/cron');
      expect(errors[0]?.message).toContain('invalid cron expression');
    }
  });

  it('step <name> is missing required field(s): a, b', () => {
    const errors = errorsOf((j) => void (j.steps[0] = { name: 'refresh-totals', type: 'sqlish' } as never));
    expect(errors).toEqual([
      {
        path: '/steps/0/connector',
        message: 'step refresh-totals is missing required field(s): connector, query',
      },
    ]);
  });

  it('a step without name or type', () => {
    const errors = errorsOf((j) => void (j.steps[1] = { ms: 1 } as never));
    expect(errors).toContainEqual({
      path: '/steps/1/name',
      message: 'step #2 is missing required field(s): name, type',
    });
  });

  it('unknown step type: <type>', () => {
    const errors = errorsOf((j) => void (j.steps[1]!.type = 'sql_quer'));
    expect(errors).toEqual([{ path: '/steps/1/type', message: 'unknown step type: sql_quer' }]);
  });

  it('duplicate step name: <name>', () => {
    const errors = errorsOf((j) => void (j.steps[1]!.name = 'refresh-totals'));
    expect(errors).toContainEqual({ path: '/steps/1/name', message: 'duplicate step name: refresh-totals' });
  });

  it('reports several problems at once, each at its field', () => {
    const errors = errorsOf((j) => {
      j.id = 'bad id';
      j.schedule = { cron: 'nope', timezone: 'Nowhere/Town' };
      j.steps[1]!.name = 'refresh-totals';
    });
    expect(errors.map((e) => e.path).sort()).toEqual([
      '/id',
      '/schedule/cron',
      '/schedule/timezone',
      '/steps/1/name',
    ]);
  });

  it('refuses a job without steps', () => {
    expect(errorsOf((j) => ({ ...j, steps: [] }))).toEqual([
      { path: '/steps', message: 'a job needs at least one step' },
    ]);
    expect(errorsOf((j) => ({ ...j, steps: undefined }))).toEqual([
      { path: '/steps', message: 'a job needs at least one step' },
    ]);
  });

  it('refuses unknown fields, at the job and in a step', () => {
    expect(errorsOf((j) => ({ ...j, colour: 'red' }))).toEqual([
      { path: '/colour', message: 'unknown field: colour' },
    ]);
    expect(errorsOf((j) => void Object.assign(j.steps[1]!, { bogus: 1 }))).toEqual([
      { path: '/steps/1/bogus', message: 'step wait has unknown field: bogus' },
    ]);
  });

  it('refuses wrong types with the field path', () => {
    expect(errorsOf((j) => void ((j.retry as Record<string, unknown>).attempts = '2'))).toEqual([
      { path: '/retry/attempts', message: 'must be integer' },
    ]);
    expect(errorsOf((j) => void ((j.params as Record<string, unknown>).nested = { a: 1 }))).toEqual([
      { path: '/params/nested', message: 'must be string,number,boolean' },
    ]);
    expect(errorsOf((j) => void ((j as Record<string, unknown>).concurrency = 'always'))).toEqual([
      { path: '/concurrency', message: 'must be one of: "skip", "queue", "parallel"' },
    ]);
    expect(errorsOf((j) => void ((j.steps[0] as Record<string, unknown>).batch_size = 0))).toEqual([
      { path: '/steps/0/batch_size', message: 'must be >= 1' },
    ]);
    expect(errorsOf((j) => void (j.steps[0]!.name = 'has.dot'))[0]?.message).toMatch(
      /step name contains invalid characters/,
    );
  });

  it('refuses placeholders that can never resolve', () => {
    const later = errorsOf((j) => void (j.steps[0]!.query = 'select ${out:wait.params}'));
    expect(later).toEqual([
      {
        path: '/steps/0/query',
        message: 'step refresh-totals uses ${out:wait.params}, but wait is not an earlier step of this job',
      },
    ]);
    expect(errorsOf((j) => void (j.steps[0]!.query = 'select ${nope:x}'))[0]?.path).toBe('/steps/0/query');
    expect(errorsOf((j) => void (j.steps[0]!.query = 'select ${ctx:colour}'))[0]?.message).toMatch(
      /unknown context key colour/,
    );
  });

  it('refuses a document that is not an object', () => {
    for (const doc of [null, 42, 'job', [validJob()]]) {
      expect(validator.validate(doc)).toEqual([{ path: '', message: 'a job must be a JSON object' }]);
    }
  });

  it('assertValid returns the job or throws a ValidationError with every error', () => {
    expect(validator.assertValid(validJob()).id).toBe('reporting-nightly_sync');
    const job = { ...validJob(), id: 'x y' };
    let thrown: unknown;
    try {
      validator.assertValid(job);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).toJSON()).toEqual({
      errors: [{ path: '/id', message: 'job id contains invalid characters' }],
    });
  });

  it('names the failed plugin when a type is unavailable', async () => {
    const degraded = new StepTypeRegistry();
    // A plugin folder that exists but whose entry cannot load.
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'nomaflow-degraded-'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'broken',
        version: '1.0.0',
        type: 'module',
        main: 'missing.js',
        nomaflow: { kind: 'step-type', type: 'broken', title: 'B', description: '', schema: 'schema.json' },
      }),
    );
    writeFileSync(join(dir, 'schema.json'), JSON.stringify({ type: 'object' }));
    await degraded.discover([dir]);
    const errors = new JobValidator(degraded).validate({ id: 'j', steps: [{ name: 's', type: 'broken' }] });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(
      /^unknown step type: broken \(its plugin failed to load: .*missing\.js/,
    );
  });
});
