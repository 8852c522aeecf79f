import { CancelledError, isNomaflowError } from '@nomaflow/contracts';
import type { Json, JSONSchemaObject, StepType } from '@nomaflow/contracts';
import { StepTypeRegistry } from '../registry/step-type-registry.js';
import { createAjv } from '../registry/ajv.js';
import { createTestStepContext } from './test-step-context.js';

export interface ContractOptions {
  /** A config that keeps the step busy long enough to be aborted (e.g. noop `{ms: 60000}`). */
  abortConfig?: Record<string, Json>;
  /** Params (kwargs) to run `abortConfig` and `failConfig` with. */
  params?: Record<string, Json>;
  /** A config the step must succeed on; its output must be a plain JSON object. */
  successConfig?: Record<string, Json>;
  /** A config the step must fail on; the error it throws must be typed. */
  failConfig?: Record<string, Json>;
  /** More configs that must validate, besides the schema's own `examples`. */
  validConfigs?: Record<string, Json>[];
  /** Configs the schema must refuse. */
  invalidConfigs?: Record<string, Json>[];
  /** How long abort may take to be honoured (default 1000 ms). */
  abortWithinMs?: number;
}

export interface ContractCheck {
  name: string;
  run(): Promise<void>;
}

class ContractViolation extends Error {
  override name = 'ContractViolation';
}

function expectThat(ok: boolean, message: string): void {
  if (!ok) throw new ContractViolation(message);
}

/**
 * The checks every step plugin runs on itself, whatever test runner it uses:
 * `for (const c of await stepTypeContractChecks(dir, opts)) it(c.name, c.run)`.
 * The plugin is loaded the way the server loads it, through discovery of its package folder.
 */
export async function stepTypeContractChecks(
  pluginDir: string,
  options: ContractOptions = {},
): Promise<ContractCheck[]> {
  const registry = new StepTypeRegistry();
  const report = await registry.discover([pluginDir]);
  const loaded = report.loaded.find((p) => p.kind === 'step-type');
  const failure = report.failed[0];
  const checks: ContractCheck[] = [
    {
      name: 'loads through discovery: manifest valid, schema compiles',
      async run() {
        expectThat(!failure, `plugin failed to load: ${failure?.error}`);
        expectThat(loaded !== undefined, `no step type found in ${pluginDir}`);
      },
    },
  ];
  if (!loaded) return checks;
  const type = loaded.type;
  const stepType = registry.get(type) as StepType;
  const schema = stepType.manifest.schema;

  checks.push({
    name: 'schema documents itself: title, description, and a title on every field',
    async run() {
      expectThat(
        typeof schema.title === 'string' && typeof schema.description === 'string',
        'schema needs title and description',
      );
      for (const [field, sub] of Object.entries(schema.properties ?? {})) {
        expectThat(typeof sub === 'object' && typeof sub.title === 'string', `field ${field} has no title`);
      }
    },
  });

  checks.push({
    name: 'every default validates against its own field schema',
    async run() {
      const ajv = createAjv();
      for (const [field, sub] of Object.entries(schema.properties ?? {})) {
        if (typeof sub !== 'object' || sub.default === undefined) continue;
        const valid = ajv.validate(withoutDefault(sub), sub.default);
        expectThat(valid, `default of ${field} is invalid: ${ajv.errorsText(ajv.errors)}`);
      }
    },
  });

  checks.push({
    name: 'examples validate, and defaults keep them valid',
    async run() {
      const examples = [...((schema.examples ?? []) as Json[]), ...(options.validConfigs ?? [])];
      expectThat(examples.length > 0, 'schema has no examples (add "examples" to schema.json)');
      for (const example of examples) {
        const errors = registry.validateConfig(type, example);
        expectThat(
          errors.length === 0,
          `example ${JSON.stringify(example)} is invalid: ${JSON.stringify(errors)}`,
        );
        const prepared = registry.prepareConfig(type, example as Record<string, Json>);
        expectThat(
          registry.validateConfig(type, prepared).length === 0,
          'example invalid once defaults are applied',
        );
      }
      for (const bad of options.invalidConfigs ?? []) {
        expectThat(
          registry.validateConfig(type, bad).length > 0,
          `invalid config ${JSON.stringify(bad)} was accepted`,
        );
      }
    },
  });

  if (options.abortConfig) {
    const abortConfig = options.abortConfig;
    checks.push({
      name: `abort is honoured within ${options.abortWithinMs ?? 1000} ms with a typed error`,
      async run() {
        const { ctx, controller } = createTestStepContext({ params: options.params ?? {} });
        const config = registry.prepareConfig(type, abortConfig);
        const started = Date.now();
        const outcome = stepType.execute(ctx, config).then(
          () => ({ ok: true as const }),
          (e: unknown) => ({ ok: false as const, e }),
        );
        await new Promise((r) => setTimeout(r, 50));
        controller.abort(new CancelledError('contract-test'));
        const limit = options.abortWithinMs ?? 1000;
        const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), limit + 50).unref());
        const result = await Promise.race([outcome, timer]);
        expectThat(result !== 'late', `execute did not settle within ${limit} ms of abort`);
        const elapsed = Date.now() - started - 50;
        expectThat(elapsed <= limit, `abort took ${elapsed} ms`);
        if (result === 'late') return;
        expectThat(!result.ok, 'execute resolved although it was aborted');
        if (!result.ok) {
          expectThat(isNomaflowError(result.e), `abort rejected with an untyped error: ${String(result.e)}`);
        }
      },
    });
  }

  if (options.successConfig) {
    const successConfig = options.successConfig;
    checks.push({
      name: 'a successful step returns a plain JSON object',
      async run() {
        const { ctx } = createTestStepContext({ params: options.params ?? {} });
        const output: unknown = await stepType.execute(ctx, registry.prepareConfig(type, successConfig));
        expectThat(
          typeof output === 'object' && output !== null && !Array.isArray(output),
          'output is not an object',
        );
        expectThat(
          JSON.stringify(JSON.parse(JSON.stringify(output))) === JSON.stringify(output),
          'output does not survive a JSON round trip',
        );
      },
    });
  }

  if (options.failConfig) {
    const failConfig = options.failConfig;
    checks.push({
      name: 'a failing step throws a typed error with a message',
      async run() {
        const { ctx } = createTestStepContext({ params: options.params ?? {} });
        let thrown: unknown;
        try {
          await stepType.execute(ctx, registry.prepareConfig(type, failConfig));
        } catch (e) {
          thrown = e;
        }
        expectThat(thrown !== undefined, 'execute did not fail');
        expectThat(isNomaflowError(thrown), `threw an untyped error: ${String(thrown)}`);
        expectThat(isNomaflowError(thrown) && thrown.message.length > 0, 'error has no message');
      },
    });
  }
  return checks;
}

function withoutDefault(schema: JSONSchemaObject): JSONSchemaObject {
  const { default: _default, ...rest } = schema;
  return rest;
}
