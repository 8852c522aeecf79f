import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, hasErrorCode } from '@nomaflow/contracts';
import type { Connector } from '@nomaflow/contracts';
import { StepTypeRegistry } from '@nomaflow/kernel';
import { createTestStepContext, stepTypeContractChecks } from '@nomaflow/kernel/testing';
import sqlCopy from '../src/index.js';

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const PG_URL = process.env.NOMAFLOW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('sql_copy: the kernel contract kit', () => {
  it('passes every contract check', async () => {
    const checks = await stepTypeContractChecks(pluginDir, {
      // Without connectors the step fails, typed (not_found); abort is proven below with a real one.
      failConfig: { source: { connector: 'a', table: 't' }, target: { connector: 'b', table: 't' } },
      validConfigs: [
        {
          source: { connector: 'a', table: 't' },
          target: { connector: 'b', schema: 's', table: 't' },
          columns: ['x', 'y'],
          coerce: { x: 'trim', y: { type: 'decimal', scale: 2, decimal_mode: 'truncate' } },
          mode: 'upsert',
          key_columns: ['x'],
        },
      ],
      invalidConfigs: [
        { source: { connector: 'a', table: 't' } },
        { source: { connector: 'a' }, target: { connector: 'b', table: 't' } },
        { source: { connector: 'a', table: 't' }, target: { connector: 'b', table: 't' }, mode: 'replace' },
        { source: { connector: 'a', table: 't' }, target: { connector: 'b', table: 't' }, batch_size: 0 },
        {
          source: { connector: 'a', table: 't' },
          target: { connector: 'b', table: 't' },
          coerce: { x: 'upper' },
        },
        {
          source: { connector: 'a', table: 't' },
          target: { connector: 'b', table: 't' },
          type_coercion: 'sap',
        },
      ],
    });
    expect(checks.map((c) => c.name)).toHaveLength(5);
    for (const check of checks) await expect(check.run()).resolves.toBeUndefined();
  });
});

describe('sql_copy: abort with a real PostgreSQL connector (discovered driver)', () => {
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

  it('abort is honoured within 1 s with a typed error', async () => {
    // A slow source: a view that sleeps while it is read.
    const suffix = Math.random().toString(36).slice(2, 8);
    await pg.query(`CREATE TABLE nf_copy_target_${suffix} (n int)`);
    await pg.query(
      `CREATE VIEW nf_copy_slow_${suffix} AS SELECT n FROM generate_series(1, 3) n, pg_sleep(10)`,
    );
    try {
      const { ctx, controller } = createTestStepContext({ connectors: { pg } });
      const running = sqlCopy.execute(ctx, {
        source: { connector: 'pg', table: `nf_copy_slow_${suffix}` },
        target: { connector: 'pg', table: `nf_copy_target_${suffix}` },
        mode: 'overwrite',
        type_coercion: 'none',
        decimal_mode: 'preserve',
        params: {},
        batch_size: 10000,
      });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      controller.abort(new CancelledError('contract-test'));
      const error = await running.catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(hasErrorCode(error, 'cancelled')).toBe(true);
    } finally {
      await pg.query(`DROP VIEW IF EXISTS nf_copy_slow_${suffix}`);
      await pg.query(`DROP TABLE IF EXISTS nf_copy_target_${suffix}`);
    }
  });
});
