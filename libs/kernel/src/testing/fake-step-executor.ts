import {
  StepFailedError,
  type Json,
  type StepContext,
  type StepOutput,
  type StepTypeManifest,
} from '@nomaflow/contracts';
import type { Clock, StepExecutor, StepInvocation } from '../engine/ports.js';

export type FakeStepHandler = (
  ctx: StepContext,
  config: Record<string, Json>,
) => Promise<StepOutput> | StepOutput;

export interface FakeStepCall {
  invocation: StepInvocation;
  attempt: number;
  params: Record<string, Json>;
}

/** A StepExecutor over handlers registered by type name, recording every call. */
export class FakeStepExecutor implements StepExecutor {
  readonly calls: FakeStepCall[] = [];
  readonly #types = new Map<string, { manifest: StepTypeManifest; handler: FakeStepHandler }>();

  register(type: string, handler: FakeStepHandler, manifest: Partial<StepTypeManifest> = {}): this {
    this.#types.set(type, {
      handler,
      manifest: {
        type,
        version: '1.0.0',
        title: type,
        description: `test step type ${type}`,
        schema: {},
        ...manifest,
      },
    });
    return this;
  }

  manifestOf(type: string): StepTypeManifest | undefined {
    return this.#types.get(type)?.manifest;
  }

  async execute(invocation: StepInvocation, ctx: StepContext): Promise<StepOutput> {
    this.calls.push({
      invocation: structuredClone(invocation),
      attempt: ctx.attempt,
      params: { ...ctx.params },
    });
    const entry = this.#types.get(invocation.type);
    if (!entry) throw new Error(`FakeStepExecutor: no handler for ${invocation.type}`);
    return entry.handler(ctx, invocation.config);
  }

  callsOf(stepName: string): FakeStepCall[] {
    return this.calls.filter((c) => c.invocation.stepName === stepName);
  }
}

/**
 * Step types for engine and host tests, driven by their config:
 * - `echo`: returns `{config, params}`; logs `message` at INFO when set.
 * - `flaky`: fails its first `failures` attempts (`retryable` false → non-retryable), then returns `{attempt}`.
 * - `fail`: always fails with `message` (optional `details`, `retryable`).
 * - `hang`: never settles and ignores the abort.
 * - `wait`: waits `ms` on the clock honouring the abort (default: until aborted).
 * - `log`: writes `lines` (`[{level, message}]`) through ctx.log.
 * - `progress`: reports done = 1…`total`, advancing nothing (same instant).
 * - `secret`: `password` is a secret field; echoes it in a log line, its output and (with `fail`) its error.
 */
export function withTestStepTypes(executor: FakeStepExecutor, clock: Clock): FakeStepExecutor {
  const str = (v: Json | undefined, fallback = ''): string => (typeof v === 'string' ? v : fallback);
  return executor
    .register('echo', (ctx, config) => {
      if (typeof config['message'] === 'string') ctx.log.info(config['message']);
      return { config, params: ctx.params };
    })
    .register('flaky', (ctx, config) => {
      const failures = typeof config['failures'] === 'number' ? config['failures'] : 1;
      if (ctx.attempt <= failures) {
        throw new StepFailedError(`flaky failure ${ctx.attempt}`, {
          retryable: config['retryable'] !== false,
        });
      }
      return { attempt: ctx.attempt };
    })
    .register('fail', (_ctx, config) => {
      const details = typeof config['details'] === 'string' ? config['details'] : undefined;
      throw new StepFailedError(str(config['message'], 'boom'), {
        retryable: config['retryable'] !== false,
        ...(details ? { details } : {}),
      });
    })
    .register('hang', () => new Promise<StepOutput>(() => undefined))
    .register('wait', async (ctx, config) => {
      if (typeof config['ms'] === 'number') await clock.sleep(config['ms'], ctx.signal);
      else
        await new Promise<void>((_, reject) => {
          if (ctx.signal.aborted) reject(ctx.signal.reason);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        });
      return { waited: true };
    })
    .register('log', (ctx, config) => {
      const lines = Array.isArray(config['lines']) ? config['lines'] : [];
      for (const line of lines) {
        if (line === null || typeof line !== 'object' || Array.isArray(line)) continue;
        const message = str(line['message']);
        switch (line['level']) {
          case 'DEBUG':
            ctx.log.debug(message);
            break;
          case 'WARNING':
            ctx.log.warn(message);
            break;
          case 'ERROR':
            ctx.log.error(message);
            break;
          default:
            ctx.log.info(message);
        }
      }
      return {};
    })
    .register('progress', (ctx, config) => {
      const total = typeof config['total'] === 'number' ? config['total'] : 10;
      for (let done = 1; done <= total; done++) ctx.progress({ done, total, unit: 'rows' });
      return { total };
    })
    .register(
      'secret',
      (ctx, config) => {
        const password = str(config['password']);
        ctx.log.info(`connecting with ${password}`);
        if (config['fail'] === true)
          throw new StepFailedError(`login refused for ${password}`, { retryable: false });
        return { echoed: password, nested: { list: [`pw=${password}`] } };
      },
      { secrets: ['/password'] },
    );
}
