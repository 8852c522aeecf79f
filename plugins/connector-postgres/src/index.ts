import type { Connector, ConnectorConfig, ConnectorDriver } from '@nomaflow/contracts';
import { PgPool, PgPooledConnector } from './connector.js';

export { PgConnector, PgPooledConnector, PgPool, typeParsers } from './connector.js';

/** Options a `postgres` connector document may carry (SPEC §3 connector documents). */
export const optionsSchema = {
  type: 'object',
  title: 'PostgreSQL options',
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
    statement_timeout_ms: { type: 'integer', title: 'Statement timeout (ms)', minimum: 1 },
    application_name: { type: 'string', title: 'application_name', default: 'nomaflow' },
  },
} as const;

const driver: ConnectorDriver = {
  manifest: {
    driver: 'postgres',
    version: '1.0.0',
    title: 'PostgreSQL',
    description:
      'Pooled PostgreSQL connections: bound :named parameters, binary COPY streaming out and bulk loads in, cancel by terminating the backend.',
    schema: optionsSchema,
  },
  async open(config: ConnectorConfig): Promise<Connector & { close(): Promise<void> }> {
    const pool = new PgPool(config);
    return new PgPooledConnector(pool);
  },
};

export default driver;
