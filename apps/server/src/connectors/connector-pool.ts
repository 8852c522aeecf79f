import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { NotFoundError, StepFailedError } from '@nomaflow/contracts';
import type { Connector, ConnectorConfig, ConnectorProvider } from '@nomaflow/contracts';
import { StepTypeRegistry } from '@nomaflow/kernel';
import { DATABASE_URL } from '../database/database-url.js';
import { Channels, PgListener } from '../database/pg-listener.js';
import { SecretBox } from '../secrets/secret-box.js';
import { ConnectorsRepository } from './connectors.repository.js';
import type { ConnectorRow } from './connectors.repository.js';

type OpenConnector = Connector & { close(): Promise<void> };

/** The server's own database, always available to steps as the connector `default`. */
export const DEFAULT_CONNECTOR = 'default';

/** How long a replaced pool stays open, so steps already using it finish their statements. */
const RETIRE_AFTER_MS = 10 * 60_000;

/**
 * The ConnectorProvider of steps: one pool per connector, opened on first use with the driver plugin
 * and the decrypted password, shared by every run of this process, replaced when the connector is
 * edited in any process (NOTIFY).
 */
@Injectable()
export class ConnectorPool implements ConnectorProvider, OnApplicationShutdown {
  private readonly logger = new Logger('Connectors');
  private readonly pools = new Map<string, Promise<OpenConnector>>();
  private readonly retiring = new Set<Promise<OpenConnector>>();

  constructor(
    private readonly registry: StepTypeRegistry,
    private readonly repository: ConnectorsRepository,
    private readonly box: SecretBox,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    listener: PgListener,
  ) {
    listener.on(Channels.connectorsChanged, (name) => this.retire(name));
  }

  get(name: string): Promise<Connector> {
    let pool = this.pools.get(name);
    if (!pool) {
      pool = this.configOf(name).then((config) => this.open(config));
      this.pools.set(name, pool);
      pool.catch(() => {
        if (this.pools.get(name) === pool) this.pools.delete(name);
      });
    }
    return pool;
  }

  /** The configuration with its secrets opened: for drivers only, never for the API. */
  async configOf(name: string): Promise<ConnectorConfig> {
    if (name === DEFAULT_CONNECTOR)
      return { name, driver: 'postgres', url: this.databaseUrl, options: { pool_max: 5 } };
    const row = await this.repository.find(name);
    if (!row) throw new NotFoundError(`unknown connector: ${name}`);
    return this.toConfig(row);
  }

  toConfig(row: ConnectorRow): ConnectorConfig {
    return {
      name: row.name,
      driver: row.driver,
      ...(row.host !== null ? { host: row.host } : {}),
      ...(row.port !== null ? { port: row.port } : {}),
      ...(row.database !== null ? { database: row.database } : {}),
      ...(row.user !== null ? { user: row.user } : {}),
      ...(row.password_sealed !== null ? { password: this.box.open(row.password_sealed) } : {}),
      ...(row.url_sealed !== null ? { url: this.box.open(row.url_sealed) } : {}),
      options: row.options,
    };
  }

  /** Opens a connection for `config` with its driver plugin. */
  async open(config: ConnectorConfig): Promise<OpenConnector> {
    const driver = this.registry.connectorDriver(config.driver);
    if (!driver) {
      const installed = this.registry.connectorDrivers();
      throw new StepFailedError(
        `connector ${config.name}: no driver ${config.driver} installed (installed: ${installed.join(', ') || 'none'})`,
        { retryable: false },
      );
    }
    return driver.open(config);
  }

  private retire(name: string): void {
    const pool = this.pools.get(name);
    if (!pool) return;
    this.pools.delete(name);
    this.retiring.add(pool);
    setTimeout(() => {
      this.retiring.delete(pool);
      void pool.then((c) => c.close()).catch(() => undefined);
    }, RETIRE_AFTER_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    const all = [...this.pools.values(), ...this.retiring];
    this.pools.clear();
    this.retiring.clear();
    await Promise.all(
      all.map((p) =>
        p
          .then((c) => c.close())
          .catch((e: unknown) => this.logger.warn(`closing a connector pool failed: ${String(e)}`)),
      ),
    );
  }
}
