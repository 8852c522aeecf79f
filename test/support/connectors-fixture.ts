// A real ConnectorProvider for cross-package tests: connector drivers and step types are discovered
// from plugins/ (built dist, as the server loads them), connectors open real pools. Independent of
// apps/server.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '@nomaflow/contracts';
import type {
  Connector,
  ConnectorConfig,
  ConnectorProvider,
  JobDocument,
  Json,
  StepContext,
  StepOutput,
  StepProgress,
} from '@nomaflow/contracts';
import { InProcessStepExecutor, RunEngine, StepTypeRegistry, SystemClock } from '@nomaflow/kernel';
import type { RunOutcome } from '@nomaflow/kernel';
import { MemoryRunStore, RecordingEventSink } from '@nomaflow/kernel/testing';
import type { RecordedLog } from '@nomaflow/kernel/testing';
import { TEST_PG_ADMIN_URL, createTestDatabase } from './test-database.js';

export const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), '../../plugins');

/** The MariaDB/MySQL the tests use (root, empty password), like the PostgreSQL of test-database.ts. */
export const TEST_MYSQL: ConnectorConfig = {
  name: 'mysql-admin',
  driver: 'mysql',
  host: process.env.NOMAFLOW_TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.NOMAFLOW_TEST_MYSQL_PORT ?? 3306),
  user: process.env.NOMAFLOW_TEST_MYSQL_USER ?? 'root',
  password: process.env.NOMAFLOW_TEST_MYSQL_PASSWORD ?? '',
  database: 'test',
};

export interface StepRun {
  output: StepOutput;
  logs: RecordedLog[];
  progress: StepProgress[];
}

export class ConnectorsFixture implements ConnectorProvider {
  private readonly configs = new Map<string, ConnectorConfig>();
  private readonly open = new Map<string, Promise<Connector & { close(): Promise<void> }>>();

  private constructor(readonly registry: StepTypeRegistry) {}

  /** Discovers plugins (connector drivers and step types) from `dirs`; throws if a SQL plugin failed. */
  static async create(dirs: readonly string[] = [pluginsDir]): Promise<ConnectorsFixture> {
    const registry = new StepTypeRegistry();
    const report = await registry.discover(dirs);
    const mine = ['postgres', 'mysql', 'sql_query', 'sql_copy'];
    const failed = report.failed.filter((f) => f.type !== undefined && mine.includes(f.type));
    if (failed.length > 0)
      throw new Error(`plugins failed to load: ${failed.map((f) => f.error).join('; ')}`);
    return new ConnectorsFixture(registry);
  }

  /** Declares a connector by name (opened on first use). */
  add(config: ConnectorConfig): this {
    this.configs.set(config.name, config);
    return this;
  }

  async get(name: string): Promise<Connector> {
    let pending = this.open.get(name);
    if (!pending) {
      const config = this.configs.get(name);
      if (!config) throw new NotFoundError(`unknown connector: ${name}`);
      const driver = this.registry.connectorDriver(config.driver);
      if (!driver) throw new NotFoundError(`unknown connector driver: ${config.driver}`);
      pending = driver.open(config);
      this.open.set(name, pending);
    }
    return pending;
  }

  /** Runs one step of `type` with `config` (schema defaults applied) against these connectors. */
  async runStep(
    type: string,
    config: Record<string, Json>,
    options: { signal?: AbortSignal; logLevel?: 'INFO' | 'DEBUG'; onProgress?: (done: number) => void } = {},
  ): Promise<StepRun> {
    const stepType = this.registry.get(type);
    if (!stepType) throw new Error(`step type ${type} is not installed`);
    const logs: RecordedLog[] = [];
    const progress: StepProgress[] = [];
    const ctx: StepContext = {
      runId: `run-${randomBytes(4).toString('hex')}`,
      jobId: 'sql-tests',
      stepName: 'step',
      attempt: 1,
      params: {},
      logLevel: options.logLevel ?? 'INFO',
      signal: options.signal ?? new AbortController().signal,
      log: {
        debug: (message) => logs.push({ level: 'DEBUG', message }),
        info: (message) => logs.push({ level: 'INFO', message }),
        warn: (message) => logs.push({ level: 'WARNING', message }),
        error: (message) => logs.push({ level: 'ERROR', message }),
      },
      connectors: this,
      previousStep: () => undefined,
      progress: (p) => {
        progress.push(p);
        options.onProgress?.(p.done);
      },
    };
    const output = await stepType.execute(ctx, this.registry.prepareConfig(type, config));
    return { output, logs, progress };
  }

  /** Runs a whole job through the kernel's RunEngine (in-memory store and events, real time). */
  async runJob(
    job: JobDocument,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ outcome: RunOutcome; events: RecordingEventSink }> {
    const events = new RecordingEventSink();
    const engine = new RunEngine({
      store: new MemoryRunStore(),
      events,
      connectors: this,
      clock: new SystemClock(),
      executor: new InProcessStepExecutor(this.registry),
      env: {},
    });
    const outcome = await engine.execute(
      { id: `run-${randomBytes(4).toString('hex')}`, job, triggered_by: 'api' },
      options.signal ? { signal: options.signal } : {},
    );
    return { outcome, events };
  }

  async close(): Promise<void> {
    const pools = await Promise.allSettled([...this.open.values()]);
    this.open.clear();
    await Promise.all(pools.map((p) => (p.status === 'fulfilled' ? p.value.close() : undefined)));
  }
}

export interface TestConnectorDatabase {
  name: string;
  /** A connector document for this database under `connectorName`. */
  connector(connectorName: string, options?: ConnectorConfig['options']): ConnectorConfig;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database (see test-database.ts) described as connector documents. */
export async function createPgConnectorDatabase(prefix = 'nomaflow_sql'): Promise<TestConnectorDatabase> {
  const db = await createTestDatabase(prefix);
  return {
    name: db.name,
    connector: (connectorName, options) => ({
      name: connectorName,
      driver: 'postgres',
      url: db.url,
      ...(options ? { options } : {}),
    }),
    drop: () => db.drop(),
  };
}

/** A fresh MariaDB/MySQL database, created and dropped through the `mysql` connector driver itself. */
export async function createMysqlConnectorDatabase(
  fixture: ConnectorsFixture,
  prefix = 'nomaflow_sql',
): Promise<TestConnectorDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const driver = fixture.registry.connectorDriver('mysql');
  if (!driver) throw new Error('the mysql connector driver is not installed');
  const admin = await driver.open(TEST_MYSQL);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } catch (e) {
    throw new Error(
      `cannot create a MariaDB/MySQL test database on ${TEST_MYSQL.host}:${TEST_MYSQL.port} ` +
        `(start MariaDB, or set NOMAFLOW_TEST_MYSQL_HOST/PORT/USER/PASSWORD): ${(e as Error).message}`,
    );
  } finally {
    await admin.close();
  }
  return {
    name,
    connector: (connectorName, options) => ({
      ...TEST_MYSQL,
      name: connectorName,
      database: name,
      ...(options ? { options } : {}),
    }),
    async drop() {
      const c = await driver.open(TEST_MYSQL);
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.close();
      }
    },
  };
}

export { TEST_PG_ADMIN_URL };
