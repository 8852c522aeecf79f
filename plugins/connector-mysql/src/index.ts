import type { Connector, ConnectorConfig, ConnectorDriver } from '@nomaflow/contracts';
import { MysqlPool, MysqlPooledConnector } from './connector.js';

export { MysqlConnector, MysqlPooledConnector, MysqlPool } from './connector.js';

/** Options a `mysql` connector document may carry (SPEC §3 connector documents). */
export const optionsSchema = {
  type: 'object',
  title: 'MySQL / MariaDB options',
  additionalProperties: true,
  properties: {
    ssl: { type: 'boolean', title: 'TLS', description: 'Connect over TLS.', default: false },
    ssl_verify: {
      type: 'boolean',
      title: 'Verify the server certificate',
      description:
        'With ssl: check the certificate chain and host name (turn off only for self-signed test servers).',
      default: true,
    },
    ssl_ca: { type: 'string', title: 'CA certificate (PEM)', description: 'Trusted CA for ssl: true.' },
    pool_max: { type: 'integer', title: 'Pool size', minimum: 1, maximum: 1000, default: 10 },
    connect_timeout_ms: { type: 'integer', title: 'Connect timeout (ms)', minimum: 1, default: 10000 },
    idle_timeout_ms: { type: 'integer', title: 'Idle connection timeout (ms)', minimum: 1, default: 30000 },
  },
} as const;

const driver: ConnectorDriver = {
  manifest: {
    driver: 'mysql',
    version: '1.0.0',
    title: 'MySQL / MariaDB',
    description:
      'Pooled MySQL and MariaDB connections: bound :named parameters (server-side prepared statements), streaming reads, multi-row INSERT bulk loads sized to max_allowed_packet, cancel by KILL.',
    schema: optionsSchema,
  },
  async open(config: ConnectorConfig): Promise<Connector & { close(): Promise<void> }> {
    return new MysqlPooledConnector(new MysqlPool(config));
  },
};

export default driver;
