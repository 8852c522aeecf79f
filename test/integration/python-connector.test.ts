// ctx.get_connector(name).execute / scalar / stream in Python, served by the host over the runner's
// protocol through the Connector contract, against a real PostgreSQL (one database for this file).
// The connector is the connector-postgres plugin when it loads through discovery, else a small
// Connector over `pg` written here (the plugin is developed alongside).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type {
  Connector,
  QueryOptions,
  QueryResult,
  Row,
  StepFailedError,
  StreamOptions,
} from '@nomaflow/contracts';
import { StepTypeRegistry } from '@nomaflow/kernel';
import { createTestStepContext } from '@nomaflow/kernel/testing';
import pg from 'pg';
import python from '../../plugins/python/src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let db: TestDatabase;
let connector: Connector & { close(): Promise<void> };

/** A minimal Connector over pg: positional parameters, streaming through a server-side cursor. */
class PgTestConnector implements Connector {
  readonly driver = 'postgres';
  readonly #pool: pg.Pool;

  constructor(
    readonly name: string,
    url: string,
  ) {
    this.#pool = new pg.Pool({ connectionString: url, max: 4 });
  }

  async query(
    sql: string,
    params?: Record<string, unknown> | unknown[],
    _opts?: QueryOptions,
  ): Promise<QueryResult> {
    const result = await this.#pool.query(sql, Array.isArray(params) ? params : []);
    return {
      rows: result.rows as Row[],
      rowCount: result.rowCount ?? 0,
      fields: result.fields.map((f) => f.name),
    };
  }

  async *stream(
    sql: string,
    params?: Record<string, unknown> | unknown[],
    opts?: StreamOptions,
  ): AsyncIterable<Row[]> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `DECLARE nomaflow_cursor NO SCROLL CURSOR FOR ${sql}`,
        Array.isArray(params) ? params : [],
      );
      for (;;) {
        const { rows } = await client.query(`FETCH ${opts?.batchSize ?? 1000} FROM nomaflow_cursor`);
        if (rows.length === 0) break;
        yield rows as Row[];
      }
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  columns(): never {
    throw new Error('not needed here');
  }
  primaryKey(): never {
    throw new Error('not needed here');
  }
  bulkWriter(): never {
    throw new Error('not needed here');
  }
  transaction(): never {
    throw new Error('not needed here');
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

async function openConnector(url: string): Promise<Connector & { close(): Promise<void> }> {
  const pluginDir = join(root, 'plugins', 'connector-postgres');
  if (existsSync(join(pluginDir, 'dist', 'index.js'))) {
    const registry = new StepTypeRegistry();
    const report = await registry.discover([pluginDir]);
    const driver = report.failed.length === 0 ? registry.connectorDriver('postgres') : undefined;
    if (driver) return driver.open({ name: 'pg', driver: 'postgres', url });
  }
  return new PgTestConnector('pg', url);
}

beforeAll(async () => {
  process.env['NOMAFLOW_PYTHON_PATH'] = join(root, 'test', 'fixtures', 'python');
  db = await createTestDatabase('nomaflow_py');
  connector = await openConnector(db.url);
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

function context(logLevel: 'INFO' | 'DEBUG' = 'INFO') {
  return createTestStepContext({ connectors: { pg: connector }, logLevel });
}

async function run(callable: string, params = {}) {
  const test = createTestStepContext({ connectors: { pg: connector }, params, logLevel: 'DEBUG' });
  const output = await python.execute(test.ctx, {
    callable,
    env: {},
    secret_env: {},
    cancel_grace_seconds: 5,
  });
  return { output, logs: test.logs };
}

describe('python step: connectors served by the host', () => {
  it('a sync function: execute (rows, rowcount, columns), scalar and stream round trip', async () => {
    const { output, logs } = await run('samples.db:roundtrip', { rows: 25, batch_size: 10 });
    expect(output).toEqual({
      inserted: 25,
      count: 25,
      first: [{ id: 3, label: 'item 3' }],
      columns: ['id', 'label'],
      batches: [10, 10, 5],
      seen: 25,
      nothing: null,
    });
    expect(logs).toContainEqual({ level: 'INFO', message: 'round trip done: 25 rows' });
    // DEBUG carries the SQL of every query (SPEC §2).
    expect(logs).toContainEqual({ level: 'DEBUG', message: 'connector pg · SELECT count(*) FROM py_items' });
    const inDb = await connector.query('SELECT count(*)::int AS n FROM py_items');
    expect(inDb.rows[0]?.['n']).toBe(25);
  });

  it('an async function awaits the same calls and iterates the stream with async for', async () => {
    const { output } = await run('samples.db:roundtrip_async', { batch_size: 7 });
    expect(output).toEqual({
      inserted: 20,
      total: 210,
      batches: [
        [1, 2, 3, 4, 5, 6, 7],
        [8, 9, 10, 11, 12, 13, 14],
        [15, 16, 17, 18, 19, 20],
      ],
    });
  });

  it('a stream left after its first batch is closed by the host, and the connector keeps serving', async () => {
    const { output } = await run('samples.db:early_exit_stream');
    expect(output).toEqual({ first: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], after: 42 });
  });

  it('a failing query raises ConnectorError in Python: uncaught it fails the step with the database message', async () => {
    const { ctx } = context();
    const error = (await python
      .execute(ctx, { callable: 'samples.db:bad_sql', env: {}, secret_env: {}, cancel_grace_seconds: 5 })
      .catch((e: unknown) => e)) as StepFailedError;
    expect(error.message).toMatch(/^ConnectorError: .*relation "no_such_table_here" does not exist/);
    expect(error.details).toMatch(/samples\/db\.py", line \d+, in bad_sql/);
  });

  it('a caught ConnectorError carries the SQLSTATE', async () => {
    const { output } = await run('samples.db:handled_error');
    expect(output).toEqual({ caught: expect.stringMatching(/no_such_table_here/), code: '42P01' });
  });

  it('an unknown connector name fails with the host message', async () => {
    const { ctx } = context();
    const error = (await python
      .execute(ctx, {
        callable: 'samples.db:unknown_connector',
        env: {},
        secret_env: {},
        cancel_grace_seconds: 5,
      })
      .catch((e: unknown) => e)) as StepFailedError;
    expect(error.message).toBe('ConnectorError: unknown connector: nope');
  });
});
