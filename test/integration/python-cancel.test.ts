// Timeout and cancel of python steps against a real python3: the function is told first (is_cancelled(),
// its asyncio task cancelled), the process group is killed after the grace period, the step rejects
// with the typed reason, and no process is left behind.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  CancelledError,
  StepTimeoutError,
  hasErrorCode,
  type JobDocument,
  type NomaflowError,
} from '@nomaflow/contracts';
import { InProcessStepExecutor, RunEngine, StepTypeRegistry, SystemClock } from '@nomaflow/kernel';
import {
  MemoryRunStore,
  RecordingEventSink,
  createTestStepContext,
  type RecordedLog,
} from '@nomaflow/kernel/testing';
import python from '../../plugins/python/src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

beforeAll(() => {
  process.env['NOMAFLOW_PYTHON_PATH'] = join(root, 'test', 'fixtures', 'python');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a process still runs; a zombie (dead, not reaped yet by whoever inherited it) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: kill(pid, 0) is all there is
  }
}

/** The pid a fixture logs first (`pid 1234`), once it is logged. */
async function loggedPid(logs: readonly { message: string }[], label = 'pid'): Promise<number> {
  const pattern = new RegExp(`^${label} (\\d+)$`);
  for (let waited = 0; waited < 10_000; waited += 10) {
    const line = logs.find((l) => pattern.test(l.message));
    if (line) return Number(pattern.exec(line.message)?.[1]);
    await sleep(10);
  }
  throw new Error(`no "${label} N" line logged`);
}

async function waitGone(pid: number, withinMs: number): Promise<boolean> {
  for (let waited = 0; waited <= withinMs; waited += 20) {
    if (!alive(pid)) return true;
    await sleep(20);
  }
  return false;
}

function start(callable: string, graceSeconds = 5) {
  const test = createTestStepContext();
  const outcome = python
    .execute(test.ctx, { callable, env: {}, secret_env: {}, cancel_grace_seconds: graceSeconds })
    .then(
      () => {
        throw new Error(`${callable} resolved although it was aborted`);
      },
      (e: unknown) => e as NomaflowError,
    );
  return { ...test, outcome };
}

const messages = (logs: RecordedLog[]) => logs.map((l) => l.message);

describe('python step: cancel', () => {
  it('an async function: its task is cancelled at once, the step rejects with CancelledError, the child is gone', async () => {
    const { ctx, controller, logs, outcome } = start('samples.slow:sleep_async');
    const pid = await loggedPid(logs);
    expect(alive(pid)).toBe(true);
    const t0 = Date.now();
    controller.abort(new CancelledError('alice'));
    const error = await outcome;
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
    expect(error.message).toBe('cancelled by alice');
    expect(error).toBe(ctx.signal.reason);
    expect(Date.now() - t0).toBeLessThan(2_000); // cooperative: well inside the 5 s grace
    expect(alive(pid)).toBe(false);
    expect(messages(logs)).toContain('task cancelled: cleaning up (cancelled=True)');
  });

  it('a sync function sees ctx.is_cancelled() turn true and stops by itself', async () => {
    const { controller, logs, outcome } = start('samples.slow:cooperative');
    const pid = await loggedPid(logs);
    controller.abort(new CancelledError('bob'));
    const error = await outcome;
    expect(error.message).toBe('cancelled by bob');
    expect(messages(logs)).toContain('noticed the cancellation');
    expect(alive(pid)).toBe(false);
  });

  it('a function that ignores the cancellation is killed after cancel_grace_seconds', async () => {
    const { controller, logs, outcome } = start('samples.slow:stubborn_async', 0.5);
    const pid = await loggedPid(logs);
    const t0 = Date.now();
    controller.abort(new CancelledError('carol'));
    const error = await outcome;
    const took = Date.now() - t0;
    expect(error.message).toBe('cancelled by carol');
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(3_000);
    expect(messages(logs)).toContain('ignoring the cancellation');
    expect(messages(logs)).toContain(
      `python process ${pid} still running 0.5 s after the cancellation: killed`,
    );
    expect(alive(pid)).toBe(false);
  });

  it('the kill takes the processes the function started too', async () => {
    const { controller, logs, outcome } = start('samples.slow:with_child', 0.2);
    const pid = await loggedPid(logs);
    const grandchild = await loggedPid(logs, 'grandchild');
    expect(alive(grandchild)).toBe(true);
    controller.abort(new CancelledError('dave'));
    expect(hasErrorCode(await outcome, 'cancelled')).toBe(true);
    expect(alive(pid)).toBe(false);
    expect(await waitGone(grandchild, 1_000)).toBe(true);
  });

  it('a cancel while the module still imports kills the process at once (no function to wind down)', async () => {
    const { controller, logs, outcome } = start('samples.slow_import:run', 5);
    const pid = await loggedPid(logs);
    const t0 = Date.now();
    controller.abort(new CancelledError('erin'));
    const error = await outcome;
    expect(error.message).toBe('cancelled by erin');
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(alive(pid)).toBe(false);
  });

  it('an abort before the process started rejects at once, without spawning', async () => {
    const { ctx, controller } = createTestStepContext();
    controller.abort(new CancelledError('early'));
    const error = await python
      .execute(ctx, { callable: 'samples.slow:sleep_sync', env: {}, secret_env: {}, cancel_grace_seconds: 5 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('cancelled by early');
  });
});

describe('python step: timeout', () => {
  it('a timeout (the signal aborted with StepTimeoutError) kills a sleeping sync function and rejects with it', async () => {
    const { controller, logs, outcome } = start('samples.slow:sleep_sync', 0.3);
    const pid = await loggedPid(logs);
    controller.abort(new StepTimeoutError(1));
    const error = await outcome;
    expect(hasErrorCode(error, 'timeout')).toBe(true);
    expect(error.message).toBe('timed out after 1 s');
    expect(alive(pid)).toBe(false);
  });

  it('through the RunEngine: timeout_seconds fails the step with "timed out", and the process is gone', async () => {
    const registry = new StepTypeRegistry();
    await registry.discover([join(root, 'plugins', 'python')]);
    const events = new RecordingEventSink();
    const engine = new RunEngine({
      store: new MemoryRunStore(),
      events,
      clock: new SystemClock(),
      executor: new InProcessStepExecutor(registry),
      connectors: { get: async (name) => Promise.reject(new Error(`no connector ${name}`)) },
      env: {},
    });
    const job = {
      id: 'py-timeout',
      steps: [
        {
          name: 'slow',
          type: 'python',
          callable: 'samples.slow:sleep_sync',
          timeout_seconds: 3,
          cancel_grace_seconds: 0.2,
        },
      ],
    } as JobDocument;
    const t0 = Date.now();
    const outcome = await engine.execute({ id: 'run-timeout', job, triggered_by: 'api' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.steps[0]?.error).toBe('timed out after 3 s');
    expect(Date.now() - t0).toBeLessThan(6_000);
    const pid = Number(/^pid (\d+)$/.exec(events.messages().find((m) => /^pid \d+$/.test(m)) ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    // The engine moves on at the timeout; the plugin kills the process after the grace period.
    expect(await waitGone(pid, 2_000)).toBe(true);
  });
});
