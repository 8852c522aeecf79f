import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import { ValidationError } from '@nomaflow/contracts';
import type {
  ConnectorDriver,
  FieldError,
  JSONSchemaObject,
  Json,
  PluginLoadFailure,
  StepType,
  StepTypeManifest,
} from '@nomaflow/contracts';
import type { ValidateFunction } from 'ajv';
import semver from 'semver';
import { createAjv } from './ajv.js';
import { ajvErrorsToFieldErrors } from './ajv-errors.js';
import { checkStepTypeManifest } from './manifest-rules.js';
import { findPluginPackages } from './plugin-package.js';
import type { PluginPackage } from './plugin-package.js';
import { pluginManifestSchema } from './plugin-manifest.schema.js';

export type { PluginLoadFailure };

export interface LoadedPlugin {
  kind: 'step-type' | 'connector';
  type: string;
  version: string;
  source: string;
}

export interface DiscoveryReport {
  loaded: LoadedPlugin[];
  failed: PluginLoadFailure[];
}

interface Entry {
  stepType: StepType;
  manifest: StepTypeManifest;
  validate: ValidateFunction;
  applyDefaults: ValidateFunction;
}

export class PluginError extends Error {
  constructor(
    message: string,
    readonly type?: string,
  ) {
    super(message);
    this.name = 'PluginError';
  }
}

/**
 * Holds the installed step types and connector drivers. A plugin that fails to load is reported
 * and the rest keep working; its type is remembered so jobs using it can be shown as degraded.
 */
export class StepTypeRegistry {
  private readonly ajv = createAjv();
  private readonly defaultsAjv = createAjv({ useDefaults: true });
  private readonly stepTypes = new Map<string, Entry>();
  private readonly drivers = new Map<string, { driver: ConnectorDriver; source: string }>();
  private readonly failed: PluginLoadFailure[] = [];

  /** Registers a step type; throws PluginError when its manifest or schema is invalid or the type is taken. */
  register(stepType: StepType, options: { source?: string; sandboxed?: boolean } = {}): StepTypeManifest {
    const given: unknown = stepType?.manifest;
    if (typeof given !== 'object' || given === null || typeof stepType.execute !== 'function') {
      throw new PluginError('not a step type: expected { manifest, execute }');
    }
    const manifest: StepTypeManifest = {
      ...stepType.manifest,
      source: options.source ?? stepType.manifest.source ?? 'builtin',
      sandboxed: options.sandboxed ?? stepType.manifest.sandboxed ?? false,
    };
    const problems = checkStepTypeManifest(manifest);
    if (problems.length > 0) {
      throw new PluginError(
        `invalid manifest for step type ${String(manifest.type)}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        typeof manifest.type === 'string' ? manifest.type : undefined,
      );
    }
    const existing = this.stepTypes.get(manifest.type);
    if (existing) {
      throw new PluginError(
        `duplicate step type: ${manifest.type} (already registered from ${existing.manifest.source})`,
        manifest.type,
      );
    }
    let validate: ValidateFunction;
    let applyDefaults: ValidateFunction;
    try {
      validate = this.ajv.compile(withoutId(manifest.schema));
      applyDefaults = this.defaultsAjv.compile(withoutId(manifest.schema));
    } catch (e) {
      throw new PluginError(
        `schema of step type ${manifest.type} does not compile: ${(e as Error).message}`,
        manifest.type,
      );
    }
    this.stepTypes.set(manifest.type, { stepType, manifest, validate, applyDefaults });
    return manifest;
  }

  registerConnectorDriver(driver: ConnectorDriver, source = 'builtin'): void {
    const name = driver?.manifest?.driver;
    if (typeof name !== 'string' || typeof driver.open !== 'function') {
      throw new PluginError('not a connector driver: expected { manifest: { driver }, open }');
    }
    if (semver.valid(driver.manifest.version) === null) {
      throw new PluginError(
        `connector driver ${name}: version ${driver.manifest.version} is not semver`,
        name,
      );
    }
    const existing = this.drivers.get(name);
    if (existing) {
      throw new PluginError(
        `duplicate connector driver: ${name} (already registered from ${existing.source})`,
        name,
      );
    }
    this.drivers.set(name, { driver, source });
  }

  get(type: string): StepType | undefined {
    return this.stepTypes.get(type)?.stepType;
  }

  manifest(type: string): StepTypeManifest | undefined {
    return this.stepTypes.get(type)?.manifest;
  }

  has(type: string): boolean {
    return this.stepTypes.has(type);
  }

  list(): StepTypeManifest[] {
    return [...this.stepTypes.values()].map((e) => e.manifest).sort((a, b) => a.type.localeCompare(b.type));
  }

  connectorDriver(name: string): ConnectorDriver | undefined {
    return this.drivers.get(name)?.driver;
  }

  connectorDrivers(): string[] {
    return [...this.drivers.keys()].sort();
  }

  failures(): readonly PluginLoadFailure[] {
    return this.failed;
  }

  /** Why a type is not available, when a plugin declaring it failed to load. */
  unavailableReason(type: string): string | undefined {
    if (this.stepTypes.has(type)) return undefined;
    return this.failed.find((f) => f.type === type)?.error;
  }

  /** Errors of a step's type-specific fields against its type's schema (paths relative to the step). */
  validateConfig(type: string, config: unknown): FieldError[] {
    const entry = this.stepTypes.get(type);
    if (!entry) return [{ path: '/type', message: `unknown step type: ${type}` }];
    return entry.validate(config) ? [] : ajvErrorsToFieldErrors(entry.validate.errors ?? []);
  }

  /** A copy of the config with the schema's defaults applied; throws ValidationError when invalid. */
  prepareConfig(type: string, config: Readonly<Record<string, Json>>): Record<string, Json> {
    const entry = this.stepTypes.get(type);
    if (!entry) throw new ValidationError([{ path: '/type', message: `unknown step type: ${type}` }]);
    const copy = structuredClone(config) as Record<string, Json>;
    if (!entry.applyDefaults(copy)) {
      throw new ValidationError(ajvErrorsToFieldErrors(entry.applyDefaults.errors ?? []));
    }
    return copy;
  }

  /** Finds plugin packages in `dirs`, loads each, and reports those that failed without stopping. */
  async discover(dirs: readonly string[]): Promise<DiscoveryReport> {
    const report: DiscoveryReport = { loaded: [], failed: [] };
    for (const pkg of await findPluginPackages(dirs)) {
      try {
        report.loaded.push(await this.load(pkg));
      } catch (e) {
        const failure: PluginLoadFailure = {
          dir: pkg.dir,
          package: pkg.name,
          error: e instanceof Error ? e.message : String(e),
          ...(e instanceof PluginError && e.type ? { type: e.type } : {}),
        };
        if (!failure.type && typeof pkg.manifest.type === 'string') failure.type = pkg.manifest.type;
        report.failed.push(failure);
        this.failed.push(failure);
      }
    }
    return report;
  }

  private async load(pkg: PluginPackage): Promise<LoadedPlugin> {
    const validManifest = this.ajv.validate(pluginManifestSchema, pkg.manifest);
    if (!validManifest) {
      const detail = ajvErrorsToFieldErrors(this.ajv.errors ?? [])
        .map((e) => `${e.path || '/'} ${e.message}`)
        .join('; ');
      throw new PluginError(`invalid "nomaflow" manifest in ${pkg.name}: ${detail}`);
    }
    if (semver.valid(pkg.version) === null) {
      throw new PluginError(
        `${pkg.name}: version ${JSON.stringify(pkg.version)} is not semver`,
        pkg.manifest.type,
      );
    }
    const m = pkg.manifest;
    const entryFile = join(pkg.dir, m.entry ?? pkg.main ?? 'index.js');
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(entryFile).href)) as Record<string, unknown>;
    } catch (e) {
      throw new PluginError(`${pkg.name}: cannot load ${entryFile}: ${(e as Error).message}`, m.type);
    }
    const exported = (mod.default ?? mod.plugin) as Record<string, unknown> | undefined;
    if (m.kind === 'connector') {
      const driver = exported as unknown as ConnectorDriver;
      if (driver?.manifest?.driver !== m.type) {
        throw new PluginError(`${pkg.name}: module does not export connector driver ${m.type}`, m.type);
      }
      this.registerConnectorDriver(driver, pkg.name);
      return { kind: 'connector', type: m.type, version: pkg.version, source: pkg.name };
    }
    const schema = await readSchema(pkg, m.schema ?? 'schema.json');
    const stepType = exported as unknown as StepType;
    if (typeof stepType?.execute !== 'function') {
      throw new PluginError(`${pkg.name}: module does not export a step type (default export)`, m.type);
    }
    const own = stepType.manifest;
    if (
      own &&
      (own.type !== m.type || !isDeepStrictEqual(own.schema, schema) || own.version !== pkg.version)
    ) {
      throw new PluginError(
        `${pkg.name}: the module's manifest differs from package.json/schema.json (type, version or schema); ` +
          'rebuild it (npm run gen:schemas && npm run build)',
        m.type,
      );
    }
    const manifest: StepTypeManifest = {
      type: m.type,
      version: pkg.version,
      title: m.title,
      description: m.description,
      schema,
      ...(m.secrets ? { secrets: m.secrets } : {}),
      ...(m.idempotent !== undefined ? { idempotent: m.idempotent } : {}),
    };
    this.register({ manifest, execute: stepType.execute.bind(stepType) }, { source: pkg.name });
    return { kind: 'step-type', type: m.type, version: pkg.version, source: pkg.name };
  }
}

async function readSchema(pkg: PluginPackage, file: string): Promise<JSONSchemaObject> {
  try {
    return JSON.parse(await readFile(join(pkg.dir, file), 'utf8')) as JSONSchemaObject;
  } catch (e) {
    throw new PluginError(
      `${pkg.name}: cannot read schema ${file}: ${(e as Error).message}`,
      pkg.manifest.type,
    );
  }
}

/** ajv keys compiled schemas by $id; two plugins (or a reload) may reuse one, so compile anonymously. */
function withoutId(schema: JSONSchemaObject): JSONSchemaObject {
  const { $id: _id, ...rest } = schema;
  return rest;
}
