// The python step type against a real python3: returns, kwargs, ctx, logs and prints, previous steps,
// errors, the clean environment; then through the kernel's RunEngine as the server runs it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { hasErrorCode, type JobDocument, type Json, type StepFailedError } from '@nomaflow/contracts';
import { InProcessStepExecutor, RunEngine, StepTypeRegistry, SystemClock } from '@nomaflow/kernel';
import { MemoryRunStore, RecordingEventSink, createTestStepContext } from '@nomaflow/kernel/testing';
import python from '../../plugins/python/src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'python');

beforeAll(() => {
  process.env['NOMAFLOW_PYTHON_PATH'] = fixtures;
});

type Options = Parameters<typeof createTestStepContext>[0];

function config(callable: string, more: Partial<Parameters<typeof python.execute>[1]> = {}) {
  return { callable, env: {}, secret_env: {}, cancel_grace_seconds: 5, ...more };
}

async function run(callable: string, options: Options = {}, more: Parameters<typeof config>[1] = {}) {
  const test = createTestStepContext(options);
  const output = await python.execute(test.ctx, config(callable, more));
  return { output, logs: test.logs };
}

async function failure(callable: string, options: Options = {}, more: Parameters<typeof config>[1] = {}) {
  const test = createTestStepContext(options);
  const error = await python.execute(test.ctx, config(callable, more)).then(
    () => {
      throw new Error(`${callable} succeeded`);
    },
    (e: unknown) => e,
  );
  expect(hasErrorCode(error, 'step_failed')).toBe(true);
  return { error: error as StepFailedError, logs: test.logs };
}

describe('python step: calling the function', () => {
  it('runs a sync function with the merged kwargs and outputs the dict it returns', async () => {
    const { output } = await run('samples.basics:hello', { params: { name: 'ops', apps_id: 10 } });
    expect(output).toEqual({ greeting: 'hello ops', kwargs: { name: 'ops', apps_id: 10 } });
  });

  it('runs an async function', async () => {
    const { output } = await run('samples.basics:hello_async', { params: { name: 'async' } });
    expect(output).toEqual({ greeting: 'hello async', async: true, kwargs: { name: 'async' } });
  });

  it('a function without **kwargs receives the kwargs it names; ctx.params has them all', async () => {
    const { output, logs } = await run('samples.basics:only_named', {
      params: { apps_id: 7, region: 'eu' },
      logLevel: 'DEBUG',
    });
    expect(output).toEqual({ apps_id: 7, mode: 'full', params: { apps_id: 7, region: 'eu' } });
    expect(logs).toContainEqual({
      level: 'DEBUG',
      message: 'kwargs not passed to samples.basics:only_named (not in its signature): region',
    });
  });

  it('ctx carries the run, the job, the step, the log level and the params; session_user is None', async () => {
    const { output } = await run('samples.basics:context', {
      params: { a: 1 },
      stepName: 'decide',
      attempt: 2,
    });
    expect(output).toEqual({
      run_id: 'test-run',
      job_id: 'test-job',
      step_name: 'decide',
      attempt: 2,
      log_level: 'INFO',
      session_user: null,
      params: { a: 1 },
      cancelled: false,
      cwd: fixtures,
    });
  });

  it('None is an empty output; dates, decimals and tuples come out as JSON', async () => {
    expect((await run('samples.basics:empty')).output).toEqual({});
    expect((await run('samples.basics:returns_rich')).output).toEqual({
      when: '2026-01-31',
      amount: '12.50',
      tags: ['a', 'b'],
      nested: { none: null, flag: true },
    });
  });

  it('previous_step(name) gives .status and .output of an earlier step, None for an unknown one', async () => {
    const { output } = await run('samples.basics:previous', {
      previous: { extract: { status: 'SUCCEEDED', output: { rows: 12 } } },
    });
    expect(output).toEqual({ status: 'SUCCEEDED', output: { rows: 12 }, missing: true });
  });
});

describe('python step: logs', () => {
  it('ctx.log lines and printed lines reach the step log in order, stdout as INFO and stderr as WARNING', async () => {
    const { logs } = await run('samples.basics:logs', { logLevel: 'DEBUG' });
    const lines = logs.filter((l) => !l.message.startsWith('python '));
    // Prints travel with ctx.log lines (one channel, one order); raw fd writes come on their own pipes.
    const raw = [
      { level: 'INFO', message: 'raw fd 1 line' },
      { level: 'WARNING', message: 'raw fd 2 line' },
    ];
    expect(lines).toEqual(expect.arrayContaining(raw));
    expect(lines.filter((l) => !l.message.startsWith('raw fd'))).toEqual([
      { level: 'INFO', message: 'copied 42 rows into reporting.customers' },
      { level: 'INFO', message: 'printed line one' },
      { level: 'WARNING', message: 'a warning from ctx' },
      { level: 'INFO', message: 'printed line two' },
      { level: 'WARNING', message: 'to stderr' },
      { level: 'ERROR', message: 'an error line from ctx' },
      { level: 'DEBUG', message: 'a debug line from ctx' },
      { level: 'INFO', message: 'partial line' },
      { level: 'INFO', message: 'bytes line ✓' },
      { level: 'INFO', message: 'no newline at the end' },
    ]);
  });

  it('ctx.log.debug is dropped at the INFO log level', async () => {
    const { logs } = await run('samples.basics:logs');
    expect(logs.map((l) => l.message)).not.toContain('a debug line from ctx');
  });
});

describe('python step: failures', () => {
  it('an exception fails the step with `<Type>: <message>` and the traceback in details (retryable)', async () => {
    const { error, logs } = await failure('samples.basics:fails', { params: { value: 'x' } });
    expect(error.message).toBe('ValueError: bad input: x');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatch(/^Traceback \(most recent call last\):/);
    expect(error.details).toMatch(/samples\/basics\.py", line \d+, in fails\n/);
    expect(error.details).toMatch(/in _check\n.*\nValueError: bad input: x$/s);
    expect(error.details).not.toMatch(/nomaflow_runner/);
    expect(logs).toContainEqual({ level: 'INFO', message: 'about to fail' });
  });

  it('an async exception too, without asyncio frames', async () => {
    const { error } = await failure('samples.basics:fails_async');
    expect(error.message).toBe('RuntimeError: async failure');
    expect(error.details).toMatch(/in fails_async\n/);
    expect(error.details).not.toMatch(/asyncio|nomaflow_runner/);
  });

  it('a module that does not exist: ImportError naming the module and the code folder (not retried)', async () => {
    const { error } = await failure('samples.nope:run');
    expect(error.message).toBe(`ImportError: module 'samples.nope' not found in ${fixtures}`);
    expect(error.retryable).toBe(false);
    expect((await failure('nomaflow_nothing_here:run')).error.message).toBe(
      `ImportError: module 'nomaflow_nothing_here' not found in ${fixtures}`,
    );
  });

  it('a function that does not exist: ImportError naming the function and the module', async () => {
    const { error } = await failure('samples.basics:nope');
    expect(error.message).toBe("ImportError: no function 'nope' in module 'samples.basics'");
    expect(error.retryable).toBe(false);
    expect((await failure('samples.basics:NOT_A_FUNCTION')).error.message).toBe(
      "ImportError: 'samples.basics:NOT_A_FUNCTION' is not a function (it is a int)",
    );
  });

  it("a module whose own import fails: ImportError with the cause and the module's traceback", async () => {
    const { error } = await failure('samples.broken:run');
    expect(error.message).toBe(
      "ImportError: cannot import module 'samples.broken': ModuleNotFoundError: No module named 'nomaflow_missing_dependency_xyz'",
    );
    expect(error.details).toMatch(/samples\/broken\.py", line 3, in <module>/);
  });

  it('a return value that is not a dict, or not JSON, fails clearly (not retried)', async () => {
    const list = await failure('samples.basics:returns_list');
    expect(list.error.message).toBe(
      'TypeError: samples.basics:returns_list returned list; a python step returns a dict (or None)',
    );
    expect(list.error.retryable).toBe(false);
    const odd = await failure('samples.basics:returns_unserialisable');
    expect(odd.error.message).toMatch(
      /^TypeError: the dict samples\.basics:returns_unserialisable returned is not JSON-serialisable: /,
    );
  });

  it('a process that dies without a result fails with its exit code', async () => {
    const { error } = await failure('samples.basics:exits');
    expect(error.message).toBe('python process exited with code 3 before the function returned');
  });
});

describe('python step: a clean environment', () => {
  it('sees none of the server environment, only PATH, LANG, PYTHONPATH, PYTHONUNBUFFERED and what the step declares', async () => {
    process.env['SECRET_TOKEN'] = 'server-only-secret';
    try {
      const { output } = await run(
        'samples.basics:environment',
        {},
        {
          env: { REPORT_REGION: 'eu-west' },
          secret_env: { API_TOKEN: 'tok-123' },
        },
      );
      expect(output).toEqual({
        keys: ['API_TOKEN', 'LANG', 'PATH', 'PYTHONPATH', 'PYTHONUNBUFFERED', 'REPORT_REGION'],
        secret_token: null,
        region: 'eu-west',
        api_token: 'tok-123',
        pythonpath: fixtures,
      });
    } finally {
      delete process.env['SECRET_TOKEN'];
    }
  });
});

describe('python step: through the RunEngine', () => {
  async function engineRun(job: JobDocument, env: Record<string, string> = {}) {
    const registry = new StepTypeRegistry();
    const report = await registry.discover([join(root, 'plugins', 'python')]);
    expect(report.failed).toEqual([]);
    const store = new MemoryRunStore();
    const events = new RecordingEventSink();
    const engine = new RunEngine({
      store,
      events,
      clock: new SystemClock(),
      executor: new InProcessStepExecutor(registry),
      connectors: { get: async (name) => Promise.reject(new Error(`no connector ${name}`)) },
      env,
    });
    const outcome = await engine.execute({ id: 'run-py', job, triggered_by: 'api' });
    return { outcome, events, store };
  }

  it('chains steps: the second reads the first one through previous_step; kwargs merge job params and op_kwargs', async () => {
    const { outcome } = await engineRun({
      id: 'py-chain',
      params: { name: 'job' },
      steps: [
        { name: 'extract', type: 'python', callable: 'samples.basics:hello', op_kwargs: { rows: 12 } },
        { name: 'load', type: 'python', callable: 'samples.basics:previous' },
      ],
    } as JobDocument);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.steps[0]?.output).toEqual({ greeting: 'hello job', kwargs: { name: 'job', rows: 12 } });
    expect(outcome.steps[1]?.output).toEqual({
      status: 'SUCCEEDED',
      output: { greeting: 'hello job', kwargs: { name: 'job', rows: 12 } },
      missing: true,
    });
  });

  it('a failing function: the step error is the one line, the engine logs the traceback', async () => {
    const { outcome, events } = await engineRun({
      id: 'py-fail',
      steps: [{ name: 'crunch', type: 'python', callable: 'samples.basics:fails' }],
    } as JobDocument);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.steps[0]?.error).toBe('ValueError: bad input: 42');
    const failed = events.lines().find((l) => l.level === 'ERROR');
    expect(failed?.message).toMatch(/^step crunch · FAILED · .* · ValueError: bad input: 42\nTraceback/);
    expect(failed?.message).toMatch(/in _check\n/);
  });

  it('secret_env values never show in logs, events or outputs, even when the function prints them', async () => {
    const secret = 'tok-very-secret-42';
    const { outcome, events, store } = await engineRun(
      {
        id: 'py-secret',
        steps: [
          {
            name: 'leak',
            type: 'python',
            callable: 'samples.basics:leak',
            secret_env: { API_TOKEN: '${env:API_TOKEN}' },
          },
        ],
      } as JobDocument,
      { API_TOKEN: secret },
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.steps[0]?.output).toEqual({ token: '***' });
    expect(events.messages()).toEqual(expect.arrayContaining(['token is ***', 'using ***']));
    const everything = JSON.stringify([events.events, store.writes, outcome] as unknown as Json);
    expect(everything).not.toContain(secret);
  });
});
