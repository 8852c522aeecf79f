import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CancelledError, hasErrorCode } from '@nomaflow/contracts';
import { createTestStepContext, stepTypeContractChecks } from '@nomaflow/kernel/testing';
import noop from '../src/index.js';

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('noop: the kernel contract kit', () => {
  it('passes every contract check', async () => {
    const checks = await stepTypeContractChecks(pluginDir, {
      abortConfig: { ms: 60_000 },
      failConfig: { fail: true },
      successConfig: { message: 'hi' },
      params: { apps_id: 10 },
      invalidConfigs: [{ ms: -1 }, { ms: 'soon' }, { fail: 'yes' }, { nope: 1 }],
    });
    expect(checks.map((c) => c.name)).toHaveLength(7);
    for (const check of checks) {
      await expect(check.run()).resolves.toBeUndefined();
    }
  });
});

describe('noop: behaviour', () => {
  it('outputs the merged kwargs it received and logs its message', async () => {
    const { ctx, logs } = createTestStepContext({ params: { apps_id: 10, mode: 'full' } });
    await expect(noop.execute(ctx, { ms: 0, fail: false, message: 'hello' })).resolves.toEqual({
      params: { apps_id: 10, mode: 'full' },
    });
    expect(logs).toEqual([{ level: 'INFO', message: 'hello' }]);
  });

  it('sleeps for ms', async () => {
    const { ctx } = createTestStepContext();
    const t0 = Date.now();
    await noop.execute(ctx, { ms: 120, fail: false });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it('fails with a typed step error when asked to', async () => {
    const { ctx } = createTestStepContext();
    const error = await noop.execute(ctx, { ms: 0, fail: true }).catch((e: unknown) => e);
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
  });

  it('stops sleeping on cancel with the cancel reason', async () => {
    const { ctx, controller } = createTestStepContext();
    const running = noop.execute(ctx, { ms: 60_000, fail: false });
    setTimeout(() => controller.abort(new CancelledError('alice')), 20);
    const error = await running.catch((e: unknown) => e);
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
    expect((error as Error).message).toBe('cancelled by alice');
  });

  it('a plain abort without a typed reason still rejects with a typed error', async () => {
    const { ctx, controller } = createTestStepContext();
    const running = noop.execute(ctx, { ms: 60_000, fail: false });
    setTimeout(() => controller.abort(), 10);
    expect(hasErrorCode(await running.catch((e: unknown) => e), 'cancelled')).toBe(true);
  });
});
