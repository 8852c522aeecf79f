import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StepType } from '@nomaflow/contracts';
import { StepTypeRegistry } from './step-type-registry.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

const objectSchema = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  title: 'T',
  description: 'D',
  additionalProperties: false,
  properties,
  ...extra,
});

interface FixturePlugin {
  folder: string;
  pkg: Record<string, unknown>;
  schema?: unknown;
  code?: string;
}

function writePlugin(root: string, p: FixturePlugin): void {
  const dir = join(root, p.folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', main: 'index.js', ...p.pkg }));
  if (p.schema !== undefined) writeFileSync(join(dir, 'schema.json'), JSON.stringify(p.schema));
  writeFileSync(
    join(dir, 'index.js'),
    p.code ?? 'export default { async execute(ctx, config) { return { echoed: config }; } };\n',
  );
}

const manifest = (type: string, extra: Record<string, unknown> = {}) => ({
  kind: 'step-type',
  type,
  title: `Title of ${type}`,
  description: `Description of ${type}`,
  schema: 'schema.json',
  ...extra,
});

describe('StepTypeRegistry.discover', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nomaflow-plugins-'));
    const good = objectSchema({ greeting: { type: 'string', title: 'Greeting', default: 'hi' } });
    writePlugin(root, {
      folder: 'a-good',
      pkg: { name: 'good', version: '1.2.3', nomaflow: manifest('greet') },
      schema: good,
    });
    writePlugin(root, {
      folder: '@acme/plugin-scoped',
      pkg: { name: '@acme/plugin-scoped', version: '0.1.0', nomaflow: manifest('scoped_type') },
      schema: objectSchema({}),
    });
    writePlugin(root, {
      folder: 'b-bad-schema',
      pkg: { name: 'bad-schema', version: '1.0.0', nomaflow: manifest('bad_schema') },
      schema: objectSchema({ x: { type: 'strin' } }),
    });
    writePlugin(root, {
      folder: 'c-reserved',
      pkg: { name: 'reserved', version: '1.0.0', nomaflow: manifest('reserved') },
      schema: objectSchema({ timeout_seconds: { type: 'number' } }),
    });
    writePlugin(root, {
      folder: 'd-bad-version',
      pkg: { name: 'bad-version', version: '1.0', nomaflow: manifest('bad_version') },
      schema: objectSchema({}),
    });
    writePlugin(root, {
      folder: 'e-throws',
      pkg: { name: 'throws', version: '1.0.0', nomaflow: manifest('throws_on_load') },
      schema: objectSchema({}),
      code: "throw new Error('boom at import');\n",
    });
    writePlugin(root, {
      folder: 'f-duplicate',
      pkg: { name: 'duplicate', version: '2.0.0', nomaflow: manifest('greet') },
      schema: objectSchema({}),
    });
    writePlugin(root, { folder: 'g-not-a-plugin', pkg: { name: 'lodash-ish', version: '1.0.0' } });
    writePlugin(root, {
      folder: 'h-bad-manifest',
      pkg: { name: 'bad-manifest', version: '1.0.0', nomaflow: { kind: 'step-type', type: 'Bad Type!' } },
    });
    writePlugin(root, {
      folder: 'i-bad-secret',
      pkg: {
        name: 'bad-secret',
        version: '1.0.0',
        nomaflow: manifest('bad_secret', { secrets: ['/password'] }),
      },
      schema: objectSchema({ user: { type: 'string' } }),
    });
    writePlugin(root, {
      folder: 'j-no-export',
      pkg: { name: 'no-export', version: '1.0.0', nomaflow: manifest('no_export') },
      schema: objectSchema({}),
      code: 'export const nothing = 1;\n',
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('loads the good plugins and reports each bad one without stopping', async () => {
    const registry = new StepTypeRegistry();
    const report = await registry.discover([root]);
    expect(report.loaded.map((p) => p.type).sort()).toEqual(['greet', 'scoped_type']);
    const byPackage = Object.fromEntries(report.failed.map((f) => [f.package, f]));
    expect(Object.keys(byPackage).sort()).toEqual(
      [
        'bad-manifest',
        'bad-schema',
        'bad-secret',
        'bad-version',
        'duplicate',
        'no-export',
        'reserved',
        'throws',
      ].sort(),
    );
    expect(byPackage['bad-schema']?.error).toMatch(/schema of step type bad_schema does not compile/);
    expect(byPackage['reserved']?.error).toMatch(/field name "timeout_seconds" is reserved/);
    expect(byPackage['bad-version']?.error).toMatch(/version "1.0" is not semver/);
    expect(byPackage['throws']?.error).toMatch(/boom at import/);
    expect(byPackage['duplicate']?.error).toMatch(
      /duplicate step type: greet \(already registered from good\)/,
    );
    expect(byPackage['bad-manifest']?.error).toMatch(/invalid "nomaflow" manifest/);
    expect(byPackage['bad-secret']?.error).toMatch(/secret "\/password" does not point at a field/);
    expect(byPackage['no-export']?.error).toMatch(/does not export a step type/);
    expect(registry.failures()).toHaveLength(8);
    expect(registry.unavailableReason('throws_on_load')).toMatch(/boom at import/);
    expect(registry.unavailableReason('greet')).toBeUndefined();
  });

  it('runs a discovered step type with its schema defaults applied', async () => {
    const registry = new StepTypeRegistry();
    await registry.discover([join(root, 'a-good')]);
    const greet = registry.get('greet') as StepType;
    expect(registry.manifest('greet')).toMatchObject({
      type: 'greet',
      version: '1.2.3',
      source: 'good',
      sandboxed: false,
    });
    const config = registry.prepareConfig('greet', {});
    expect(config).toEqual({ greeting: 'hi' });
    const { createTestStepContext } = await import('../testing/test-step-context.js');
    await expect(greet.execute(createTestStepContext().ctx, config)).resolves.toEqual({
      echoed: { greeting: 'hi' },
    });
  });

  it('discovers the built-in noop plugin of this repository', async () => {
    const registry = new StepTypeRegistry();
    const report = await registry.discover([join(repoRoot, 'plugins')]);
    expect(report.failed).toEqual([]);
    expect(report.loaded).toContainEqual({
      kind: 'step-type',
      type: 'noop',
      version: '1.0.0',
      source: '@nomaflow/plugin-noop',
    });
    expect(registry.list().map((m) => m.type)).toContain('noop');
  });

  it('ignores folders that do not exist', async () => {
    const report = await new StepTypeRegistry().discover([join(root, 'missing')]);
    expect(report).toEqual({ loaded: [], failed: [] });
  });
});

describe('StepTypeRegistry.register', () => {
  const stepType = (type: string, schema: Record<string, unknown>): StepType => ({
    manifest: { type, version: '1.0.0', title: type, description: '', schema },
    async execute() {
      return {};
    },
  });

  it('refuses a duplicate type', () => {
    const registry = new StepTypeRegistry();
    registry.register(stepType('dup', objectSchema({})));
    expect(() => registry.register(stepType('dup', objectSchema({})))).toThrow(/duplicate step type: dup/);
  });

  it('refuses a schema that is not an object schema', () => {
    expect(() => new StepTypeRegistry().register(stepType('arr', { type: 'array' }))).toThrow(
      /must describe an object/,
    );
  });

  it('refuses a bad type name', () => {
    expect(() => new StepTypeRegistry().register(stepType('Bad-Name', objectSchema({})))).toThrow(
      /invalid step type name/,
    );
  });

  it('validates configs and reports field paths', () => {
    const registry = new StepTypeRegistry();
    registry.register(
      stepType(
        'q',
        objectSchema(
          { query: { type: 'string' }, n: { type: 'integer', minimum: 1 } },
          { required: ['query'] },
        ),
      ),
    );
    expect(registry.validateConfig('q', { query: 'select 1', n: 2 })).toEqual([]);
    expect(registry.validateConfig('q', { n: 0, extra: true })).toEqual(
      expect.arrayContaining([
        { path: '/query', message: 'missing required field: query' },
        { path: '/n', message: 'must be >= 1' },
        { path: '/extra', message: 'unknown field: extra' },
      ]),
    );
    expect(() => registry.prepareConfig('q', { n: 0 })).toThrow(/missing required field: query/);
    expect(registry.validateConfig('nope', {})).toEqual([
      { path: '/type', message: 'unknown step type: nope' },
    ]);
  });

  it('does not mutate the config it prepares', () => {
    const registry = new StepTypeRegistry();
    registry.register(stepType('d', objectSchema({ a: { type: 'number', default: 5 } })));
    const config = {};
    expect(registry.prepareConfig('d', config)).toEqual({ a: 5 });
    expect(config).toEqual({});
  });
});
