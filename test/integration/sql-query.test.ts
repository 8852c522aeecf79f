// sql_query against the real PostgreSQL and MariaDB: bound parameters (an injection attempt stays a
// value), row counts, DEBUG-only SQL, and cancel that really stops the statement and rolls back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, hasErrorCode } from '@nomaflow/contracts';
import type { Connector } from '@nomaflow/contracts';
import {
  ConnectorsFixture,
  createMysqlConnectorDatabase,
  createPgConnectorDatabase,
} from '../support/connectors-fixture.js';
import type { TestConnectorDatabase } from '../support/connectors-fixture.js';

const EVIL = "x'); DROP TABLE users; --";

async function waitFor(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sql_query against real databases', () => {
  let fx: ConnectorsFixture;
  let pgDb: TestConnectorDatabase;
  let myDb: TestConnectorDatabase;
  let pg: Connector;
  let my: Connector;

  beforeAll(async () => {
    fx = await ConnectorsFixture.create();
    [pgDb, myDb] = await Promise.all([
      createPgConnectorDatabase('nomaflow_sqlquery'),
      createMysqlConnectorDatabase(fx, 'nomaflow_sqlquery'),
    ]);
    fx.add(pgDb.connector('pg'))
      .add(myDb.connector('maria'))
      .add(pgDb.connector('pg_watch'))
      .add(myDb.connector('maria_watch'));
    [pg, my] = await Promise.all([fx.get('pg'), fx.get('maria')]);
    for (const c of [pg, my]) {
      await c.query('CREATE TABLE users (id int PRIMARY KEY, name varchar(100), active boolean)');
      await c.query(`INSERT INTO users VALUES (1, 'alice', true), (2, 'bob', true), (3, 'carol', false)`);
      await c.query('CREATE TABLE marks (n int)');
    }
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
    await Promise.allSettled([pgDb?.drop(), myDb?.drop()]);
  });

  for (const connector of ['pg', 'maria'] as const) {
    describe(connector === 'pg' ? 'PostgreSQL' : 'MariaDB', () => {
      const c = () => (connector === 'pg' ? pg : my);

      it('binds :named parameters; an injection attempt stays a value', async () => {
        const found = await fx.runStep('sql_query', {
          connector,
          query: 'SELECT * FROM users WHERE name = :name OR name = :other',
          params: { name: 'alice', other: "x' OR '1'='1" },
        });
        expect(found.output).toEqual({ rows_affected: 1 });
        const insert = await fx.runStep('sql_query', {
          connector,
          query: 'INSERT INTO users (id, name, active) VALUES (:id, :name, :active)',
          params: { id: 4, name: EVIL, active: false },
        });
        expect(insert.output).toEqual({ rows_affected: 1 });
        const stored = await c().query('SELECT name FROM users WHERE id = 4');
        expect(stored.rows).toEqual([{ name: EVIL }]);
        expect((await c().query('SELECT COUNT(*) AS n FROM users')).rows[0]?.n).toBe('4');
        await c().query('DELETE FROM users WHERE id = 4');
      });

      it('counts rows returned by a read and affected by a write', async () => {
        expect((await fx.runStep('sql_query', { connector, query: 'SELECT id FROM users' })).output).toEqual({
          rows_affected: 3,
        });
        const update = await fx.runStep('sql_query', {
          connector,
          query: 'UPDATE users SET active = :active WHERE id <= :max',
          params: { active: true, max: 2 },
        });
        expect(update.output).toEqual({ rows_affected: 2 });
        expect(update.logs.filter((l) => l.level === 'INFO').map((l) => l.message)).toEqual([
          expect.stringMatching(new RegExp(`^2 rows affected · ${connector} · \\d+\\.\\d s$`)),
        ]);
        const none = await fx.runStep('sql_query', { connector, query: 'DELETE FROM users WHERE id > 100' });
        expect(none.output).toEqual({ rows_affected: 0 });
      });

      it('logs the full SQL at DEBUG only', async () => {
        const run = await fx.runStep(
          'sql_query',
          { connector, query: 'SELECT id FROM users WHERE id = :id /* find one */', params: { id: 1 } },
          { logLevel: 'DEBUG' },
        );
        const debug = run.logs.filter((l) => l.level === 'DEBUG').map((l) => l.message);
        expect(debug).toContain(`SQL on ${connector}: SELECT id FROM users WHERE id = :id /* find one */`);
        expect(run.logs.filter((l) => l.level === 'INFO').some((l) => l.message.includes('SELECT'))).toBe(
          false,
        );
      });

      it('refuses more than one statement and reports SQL errors as typed, non-retryable failures', async () => {
        const two = await fx
          .runStep('sql_query', { connector, query: 'SELECT 1; SELECT 2' })
          .catch((e: unknown) => e);
        expect(hasErrorCode(two, 'step_failed')).toBe(true);
        expect((two as Error).message).toMatch(/2 statements/);
        const bad = await fx
          .runStep('sql_query', { connector, query: 'SELECT * FROM no_such_table' })
          .catch((e: unknown) => e);
        expect(hasErrorCode(bad, 'step_failed')).toBe(true);
        expect((bad as Error).message).toMatch(/no_such_table/);
        expect((bad as { retryable: boolean }).retryable).toBe(false);
        expect((bad as Error).cause).toBeInstanceOf(Error);
      });
    });
  }

  it('PostgreSQL: cancel stops the pg_sleep backend and rolls its write back', async () => {
    const watch = await fx.get('pg_watch');
    const controller = new AbortController();
    const running = fx.runStep(
      'sql_query',
      {
        connector: 'pg',
        query:
          'WITH w AS (INSERT INTO marks VALUES (:n) RETURNING n) SELECT pg_sleep(30) /* nf-sqlquery-int */ FROM w',
        params: { n: 1 },
      },
      { signal: controller.signal },
    );
    const sleeping = async () =>
      Number(
        (
          await watch.query(
            `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query LIKE '%nf-sqlquery-int%' AND pid <> pg_backend_pid()`,
          )
        ).rows[0]?.n,
      ) === 1;
    expect(await waitFor(sleeping)).toBe(true);
    const t0 = Date.now();
    controller.abort(new CancelledError('alice'));
    const error = await running.catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
    expect((error as Error).message).toBe('cancelled by alice');
    expect(await waitFor(async () => !(await sleeping()), 2000)).toBe(true);
    expect((await watch.query('SELECT COUNT(*) AS n FROM marks')).rows[0]?.n).toBe('0');
  });

  it('MariaDB: cancel kills the SLEEP statement and rolls its write back', async () => {
    const watch = await fx.get('maria_watch');
    const controller = new AbortController();
    const running = fx.runStep(
      'sql_query',
      {
        connector: 'maria',
        query: 'INSERT INTO marks SELECT :n FROM DUAL WHERE SLEEP(30) = 0 /* nf-sqlquery-int */',
        params: { n: 1 },
      },
      { signal: controller.signal },
    );
    const sleeping = async () =>
      Number(
        (
          await watch.query(
            `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%nf-sqlquery-int%' AND ID <> CONNECTION_ID()`,
          )
        ).rows[0]?.n,
      ) === 1;
    expect(await waitFor(sleeping)).toBe(true);
    controller.abort(new CancelledError('bob'));
    const error = await running.catch((e: unknown) => e);
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
    expect(await waitFor(async () => !(await sleeping()), 2000)).toBe(true);
    expect((await watch.query('SELECT COUNT(*) AS n FROM marks')).rows[0]?.n).toBe('0');
  });

  it('through the RunEngine: cancelling a run stops its SQL step, the run ends CANCELED', async () => {
    const controller = new AbortController();
    const started = fx.runJob(
      {
        id: 'sleepy',
        steps: [{ name: 'sleep', type: 'sql_query', connector: 'pg', query: 'SELECT pg_sleep(30)' }],
      },
      { signal: controller.signal },
    );
    await new Promise((r) => setTimeout(r, 300));
    controller.abort(new CancelledError('carol'));
    const { outcome } = await started;
    expect(outcome.status).toBe('CANCELED');
    expect(outcome.steps[0]?.status).toBe('CANCELED');
  });

  it('an unknown connector fails the step with a clear error', async () => {
    const error = await fx
      .runStep('sql_query', { connector: 'nope', query: 'SELECT 1' })
      .catch((e: unknown) => e);
    expect(hasErrorCode(error, 'not_found')).toBe(true);
    expect((error as Error).message).toBe('unknown connector: nope');
  });
});
