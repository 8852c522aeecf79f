import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError } from '@nomaflow/contracts';
import type { ConnectorConfig, ConnectorTestResult, ConnectorView } from '@nomaflow/contracts';
import { StepTypeRegistry } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { Database } from '../database/database.js';
import { Channels } from '../database/pg-listener.js';
import { SecretBox } from '../secrets/secret-box.js';
import { ConnectorPool, DEFAULT_CONNECTOR } from './connector-pool.js';
import { parseConnector, redactUrl, urlHasPassword } from './connector-input.js';
import type { ConnectorInput } from './connector-input.js';
import { ConnectorsRepository } from './connectors.repository.js';
import type { ConnectorRow, ConnectorWrite } from './connectors.repository.js';

const TEST_TIMEOUT_MS = 10_000;

@Injectable()
export class ConnectorsService {
  constructor(
    private readonly repository: ConnectorsRepository,
    private readonly pool: ConnectorPool,
    private readonly registry: StepTypeRegistry,
    private readonly box: SecretBox,
    private readonly db: Database,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  async list(): Promise<ConnectorView[]> {
    return [this.defaultView(), ...(await this.repository.list()).map((r) => this.view(r))];
  }

  async get(name: string): Promise<ConnectorView> {
    if (name === DEFAULT_CONNECTOR) return this.defaultView();
    return this.view(await this.findOrThrow(name));
  }

  async create(body: unknown): Promise<ConnectorView> {
    const input = this.checked(parseConnector(body));
    if (!(await this.repository.insert(this.toWrite(input, undefined)))) {
      throw new ConflictError(`duplicate connector name: ${input.name}`);
    }
    await this.changed(input.name);
    return this.get(input.name);
  }

  /** `password` left out keeps the stored one; `null` removes it. */
  async replace(name: string, body: unknown): Promise<ConnectorView> {
    const given =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as { name?: unknown }).name
        : undefined;
    if (given !== undefined && given !== name) {
      throw new ValidationError([{ path: '/name', message: 'connector name cannot be changed' }]);
    }
    const input = this.checked(parseConnector({ ...(body as object), name }));
    await this.db.transaction(async (tx) => {
      const existing = await this.repository.find(name, tx);
      if (!existing) throw new NotFoundError(`connector not found: ${name}`);
      await this.repository.update(tx, this.toWrite(input, existing));
    });
    await this.changed(name);
    return this.get(name);
  }

  async remove(name: string): Promise<void> {
    this.refuseDefault(name);
    if (!(await this.repository.delete(name))) throw new NotFoundError(`connector not found: ${name}`);
    await this.changed(name);
  }

  /** "Test connection" of a saved connector. */
  async test(name: string): Promise<ConnectorTestResult> {
    return this.probe(await this.pool.configOf(name));
  }

  /** "Test connection" of a form not saved yet (a saved connector's password is reused when omitted). */
  async testUnsaved(body: unknown): Promise<ConnectorTestResult> {
    const input = this.checked(parseConnector(body), true);
    const saved = input.name === DEFAULT_CONNECTOR ? undefined : await this.repository.find(input.name);
    const password =
      input.password === undefined && saved?.password_sealed
        ? this.box.open(saved.password_sealed)
        : input.password;
    const config: ConnectorConfig = { ...input, ...(password ? { password } : { password: undefined }) };
    return this.probe(config);
  }

  private async probe(config: ConnectorConfig): Promise<ConnectorTestResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    try {
      const connection = await this.pool.open({ ...config, options: { ...config.options, pool_max: 1 } });
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${TEST_TIMEOUT_MS / 1000} s`)),
            TEST_TIMEOUT_MS,
          );
        });
        await Promise.race([connection.query('SELECT 1'), timeout]);
      } finally {
        await connection.close().catch(() => undefined);
      }
      return { ok: true, elapsed_ms: elapsed() };
    } catch (e) {
      return {
        ok: false,
        elapsed_ms: elapsed(),
        error: scrub((e as Error).message ?? String(e), config.password),
      };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private checked(input: ConnectorInput, allowDefault = false): ConnectorInput {
    if (!allowDefault) this.refuseDefault(input.name);
    if (!this.registry.connectorDriver(input.driver)) {
      const installed = this.registry.connectorDrivers();
      throw new ValidationError([
        {
          path: '/driver',
          message: `unknown driver: ${input.driver} (installed: ${installed.join(', ') || 'none'})`,
        },
      ]);
    }
    return input;
  }

  private refuseDefault(name: string): void {
    if (name === DEFAULT_CONNECTOR) {
      throw new ConflictError('the connector default is the server database and cannot be changed');
    }
  }

  private toWrite(input: ConnectorInput, existing: ConnectorRow | undefined): ConnectorWrite {
    const password_sealed =
      input.password === undefined
        ? (existing?.password_sealed ?? null)
        : input.password === null
          ? null
          : this.box.seal(input.password);
    return {
      name: input.name,
      driver: input.driver,
      host: input.host ?? null,
      port: input.port ?? null,
      database: input.database ?? null,
      user: input.user ?? null,
      password_sealed,
      url_sealed: input.url ? this.box.seal(input.url) : null,
      options: input.options ?? {},
      updated_by: this.config.defaultActor,
    };
  }

  private async changed(name: string): Promise<void> {
    await this.db.notify(Channels.connectorsChanged, name);
  }

  private async findOrThrow(name: string): Promise<ConnectorRow> {
    const row = await this.repository.find(name);
    if (!row) throw new NotFoundError(`connector not found: ${name}`);
    return row;
  }

  private view(row: ConnectorRow): ConnectorView {
    const url = row.url_sealed ? this.box.open(row.url_sealed) : undefined;
    return {
      name: row.name,
      driver: row.driver,
      ...(row.host !== null ? { host: row.host } : {}),
      ...(row.port !== null ? { port: row.port } : {}),
      ...(row.database !== null ? { database: row.database } : {}),
      ...(row.user !== null ? { user: row.user } : {}),
      ...(url ? { url: redactUrl(url) } : {}),
      options: row.options,
      has_password: row.password_sealed !== null || urlHasPassword(url),
      builtin: false,
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString(),
    };
  }

  private defaultView(): ConnectorView {
    return { name: DEFAULT_CONNECTOR, driver: 'postgres', options: {}, has_password: true, builtin: true };
  }
}

/** Drivers should never echo a password; this makes sure an error shown to the operator does not. */
function scrub(message: string, password: string | undefined): string {
  return password ? message.split(password).join('***') : message;
}
