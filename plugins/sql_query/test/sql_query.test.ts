import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, hasErrorCode } from '@nomaflow/contracts';
import type { Connector } from '@nomaflow/contracts';
import { StepTypeRegistry } from '@nomaflow/kernel';
import { createTestStepContext, stepTypeContractChecks } from '@nomaflow/kernel/testing';
import sqlQuery from '../src/index.js';

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const PG_URL = process.env.NOMAFLOW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('sql_query: the kernel contract kit', () => {
  it('passes every contract check', async () => {
    const checks = await stepTypeContractChecks(pluginDir, {
      // Without a connector the step fails, typed (not_found); abort is proven below with a real one.
      failConfig: { connector: 'missing', query: 'SELECT 1' },
      validConfigs: [{ connector: 'c', query: 'SELECT :a', params: { a: 1, b: 'x', c: true, d: null } }],
      invalidConfigs: [
        { query: 'SELECT 1' },
        { connector: 'c' },
        { connector: '', query: 'x' },
        { connector: 'c', query: 'x', params: { a: {} } },
        { connector: 'c', query: 'x', extra: 1 },
      ],
    });
    expect(checks.map((c) => c.name)).toHaveLength(5);
    for (const check of checks) await expect(check.run()).resolves.toBeUndefined();
  });
});

describe('sql_query: with a real PostgreSQL connector (discovered driver)', () => {
  let pg: Connector & { close(): Promise<void> };

  beforeAll(async () => {
    const registry = new StepTypeRegistry();
    await registry.discover([join(pluginDir, '..', 'connector-postgres')]);
    const driver = registry.connectorDriver('postgres');
    if (!driver) throw new Error('build plugins/connector-postgres first (npx tsc -b)');
    pg = await driver.open({ name: 'pg', driver: 'postgres', url: PG_URL });
  });

  afterAll(async () => {
    await pg?.close();
  });

  it('abort is honoured within 1 s with a typed error, and the backend stops', async () => {
    const { ctx, controller } = createTestStepContext({ connectors: { pg } });
    const running = sqlQuery.execute(ctx, {
      connector: 'pg',
      query: 'SELECT pg_sleep(30) /* nf-sqlquery-plugin */',
      params: {},
    });
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    controller.abort(new CancelledError('contract-test'));
    const error = await running.catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
    const { rows } = await pg.query(
      `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30) /* nf-sqlquery-plugin */'`,
    );
    expect(rows[0]?.n).toBe('0');
  });

  it('outputs rows_affected, logs the count at INFO and the SQL at DEBUG', async () => {
    const { ctx, logs } = createTestStepContext({ connectors: { pg }, logLevel: 'DEBUG' });
    const output = await sqlQuery.execute(ctx, {
      connector: 'pg',
      query: 'SELECT g FROM generate_series(1, :n) g',
      params: { n: 3 },
    });
    expect(output).toEqual({ rows_affected: 3 });
    expect(logs.filter((l) => l.level === 'INFO').map((l) => l.message)).toEqual([
      expect.stringMatching(/^3 rows returned · pg · \d+\.\d s$/),
    ]);
    expect(logs.filter((l) => l.level === 'DEBUG').map((l) => l.message)).toEqual([
      'SQL on pg: SELECT g FROM generate_series(1, :n) g',
      'bound parameters: :n',
    ]);
  });

  it('a missing parameter is a clear, non-retryable failure', async () => {
    const { ctx } = createTestStepContext({ connectors: { pg } });
    const error = await sqlQuery
      .execute(ctx, { connector: 'pg', query: 'SELECT :nope', params: {} })
      .catch((e: unknown) => e);
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
    expect((error as Error).message).toMatch(/no value for SQL parameter :nope/);
  });
});
