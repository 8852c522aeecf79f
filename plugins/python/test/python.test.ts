import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { hasErrorCode } from '@nomaflow/contracts';
import { createTestStepContext, stepTypeContractChecks } from '@nomaflow/kernel/testing';
import python, { childEnvironment, codeFolders, resolvePython } from '../src/index.js';

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(pluginDir, '..', '..', 'test', 'fixtures', 'python');

beforeAll(() => {
  process.env['NOMAFLOW_PYTHON_PATH'] = fixtures;
});

describe('python: the kernel contract kit', () => {
  it('passes every contract check', async () => {
    const checks = await stepTypeContractChecks(pluginDir, {
      // An async function: the cancellation reaches its task and the process ends at once.
      abortConfig: { callable: 'samples.slow:sleep_async' },
      failConfig: { callable: 'samples.basics:fails' },
      successConfig: { callable: 'samples.basics:hello' },
      params: { name: 'contract' },
      validConfigs: [{ callable: 'pkg.mod:Class.method', env: { A_1: 'x' }, cancel_grace_seconds: 0 }],
      invalidConfigs: [
        {},
        { callable: 'no_colon' },
        { callable: 'bad-module:run' },
        { callable: 'mod:' },
        { callable: 'mod:run', cancel_grace_seconds: -1 },
        { callable: 'mod:run', env: { 'BAD-NAME': 'x' } },
        { callable: 'mod:run', env: { N: 1 } },
        { callable: 'mod:run', secret_env: { T: true } },
        { callable: 'mod:run', nope: 1 },
      ],
    });
    expect(checks).toHaveLength(7);
    for (const check of checks) {
      await expect(check.run()).resolves.toBeUndefined();
    }
  });
});

describe('python: host side', () => {
  it('resolves the real interpreter once, behind any shim', async () => {
    const first = resolvePython();
    expect(resolvePython()).toBe(first);
    const { executable, version } = await first;
    expect(executable).toMatch(/python/);
    expect(executable).not.toMatch(/shims/);
    expect(version).toMatch(/^3\.\d+\.\d+$/);
  });

  it('a missing interpreter fails clearly and is not cached', async () => {
    const first = resolvePython('nomaflow-no-such-python3');
    const error = await first.catch((e: unknown) => e);
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
    expect((error as Error).message).toMatch(/nomaflow-no-such-python3 not found on PATH .*NOMAFLOW_PYTHON/);
    const again = resolvePython('nomaflow-no-such-python3');
    expect(again).not.toBe(first);
    await again.catch(() => undefined);
  });

  it('code folders come from NOMAFLOW_PYTHON_PATH, default ./python from the cwd', () => {
    expect(codeFolders({})).toEqual([join(process.cwd(), 'python')]);
    expect(codeFolders({ NOMAFLOW_PYTHON_PATH: '/a:/b' })).toEqual(['/a', '/b']);
  });

  it('the child environment holds only PATH, LANG, PYTHONPATH, PYTHONUNBUFFERED and what the step declares', () => {
    const env = childEnvironment(
      {
        callable: 'm:f',
        env: { REGION: 'eu', PYTHONPATH: '/extra' },
        secret_env: { TOKEN: 't' },
        cancel_grace_seconds: 5,
      },
      ['/code'],
    );
    expect(Object.keys(env).sort()).toEqual([
      'LANG',
      'PATH',
      'PYTHONPATH',
      'PYTHONUNBUFFERED',
      'REGION',
      'TOKEN',
    ]);
    expect(env['PYTHONPATH']).toBe('/code:/extra');
  });

  it('a code folder that does not exist is an ImportError naming it', async () => {
    process.env['NOMAFLOW_PYTHON_PATH'] = join(fixtures, 'nope');
    try {
      const { ctx } = createTestStepContext();
      const error = await python
        .execute(ctx, { callable: 'm:f', env: {}, secret_env: {}, cancel_grace_seconds: 5 })
        .catch((e: unknown) => e);
      expect(hasErrorCode(error, 'step_failed')).toBe(true);
      expect((error as Error).message).toBe(
        `ImportError: the python code folder ${join(fixtures, 'nope')} does not exist (set NOMAFLOW_PYTHON_PATH)`,
      );
    } finally {
      process.env['NOMAFLOW_PYTHON_PATH'] = fixtures;
    }
  });
});
