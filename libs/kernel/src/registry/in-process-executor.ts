import { ValidationError } from '@nomaflow/contracts';
import type { StepContext, StepOutput, StepTypeManifest } from '@nomaflow/contracts';
import type { StepExecutor, StepInvocation } from '../engine/ports.js';
import type { StepTypeRegistry } from './step-type-registry.js';

/**
 * Runs trusted (built-in) step types in the worker process: schema defaults applied and the
 * templated config re-validated first, so a `${kw:…}` that rendered to the wrong type fails clearly
 * (and is not retried) instead of reaching the plugin.
 */
export class InProcessStepExecutor implements StepExecutor {
  constructor(private readonly registry: StepTypeRegistry) {}

  manifestOf(type: string): StepTypeManifest | undefined {
    return this.registry.manifest(type);
  }

  async execute(invocation: StepInvocation, ctx: StepContext): Promise<StepOutput> {
    const stepType = this.registry.get(invocation.type);
    if (!stepType)
      throw new ValidationError([{ path: '/type', message: `unknown step type: ${invocation.type}` }]);
    let config;
    try {
      config = this.registry.prepareConfig(invocation.type, invocation.config);
    } catch (e) {
      if (e instanceof ValidationError) {
        throw new ValidationError(
          e.errors.map((err) => ({ path: err.path, message: `step ${invocation.stepName}: ${err.message}` })),
          { cause: e },
        );
      }
      throw e;
    }
    return stepType.execute(ctx, config);
  }
}
