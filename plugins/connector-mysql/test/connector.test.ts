// The mysql driver against the real MariaDB/MySQL of the tests (NOMAFLOW_TEST_MYSQL_* or 127.0.0.1:3306 root).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, hasErrorCode } from '@nomaflow/contracts';
import type { Connector, ConnectorConfig } from '@nomaflow/contracts';
import driver from '../src/index.js';

type Pool = Connector & { close(): Promise<void> };
const SERVER: ConnectorConfig = {
  name: 'admin',
  driver: 'mysql',
  host: process.env.NOMAFLOW_TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.NOMAFLOW_TEST_MYSQL_PORT ?? 3306),
  user: process.env.NOMAFLOW_TEST_MYSQL_USER ?? 'root',
  password: process.env.NOMAFLOW_TEST_MYSQL_PASSWORD ?? '',
  database: 'test',
};

describe('mysql connector driver', () => {
  let admin: Pool;
  let db: Pool;
  const name = `nomaflow_mydriver_${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    admin = await driver.open(SERVER);
    await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
    db = await driver.open({ ...SERVER, name: 'db', database: name, options: { pool_max: 3 } });
    await db.query(`CREATE TABLE t (id BIGINT PRIMARY KEY, amount DECIMAL(20,4), f DOUBLE, flag TINYINT(1), name VARCHAR(50),
      d DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL, doc JSON, bin BLOB)`);
  }, 30_000);

  afterAll(async () => {
    await db?.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await admin?.close();
  });

  it('bulk-loads with multi-row INSERTs and reads exact values back (query and stream)', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => [
      String(i + 1),
      i === 0 ? '-12345678901234.5678' : `${i}.25`,
      i / 3,
      i % 2 === 0,
      i === 0 ? 'héllo 🚀 \'q\' \\ "dq"' : `row ${i}`,
      '2024-02-29',
      '2024-02-29 23:59:59.999999',
      '2024-02-29T23:59:59.5+01:00',
      i === 0 ? { nested: ['é'] } : '{"n": 1}',
      i === 0 ? Buffer.from([0, 255]) : null,
    ]);
    const writer = await db.bulkWriter({ table: 't' }, [
      'id',
      'amount',
      'f',
      'flag',
      'name',
      'd',
      'dt',
      'ts',
      'doc',
      'bin',
    ]);
    await writer.write(rows.slice(0, 1000));
    await writer.write(rows.slice(1000));
    expect(await writer.close()).toEqual({ rows: 2500 });
    const first = await db.query('SELECT * FROM t WHERE id = :id', { id: 1 });
    expect(first.rows[0]).toEqual({
      id: '1',
      amount: '-12345678901234.5678',
      f: 0,
      flag: 1,
      name: 'héllo 🚀 \'q\' \\ "dq"',
      d: '2024-02-29',
      dt: '2024-02-29 23:59:59.999999',
      ts: '2024-02-29 22:59:59.500000',
      doc: '{"nested":["é"]}',
      bin: Buffer.from([0, 255]),
    });
    let count = 0;
    const sizes: number[] = [];
    for await (const batch of db.stream(
      'SELECT id FROM t WHERE id > :min',
      { min: 0 },
      { batchSize: 1000 },
    )) {
      count += batch.length;
      sizes.push(batch.length);
    }
    expect(count).toBe(2500);
    expect(sizes).toEqual([1000, 1000, 500]);
  });

  it('counts rows returned and affected; binds an injection attempt as a value', async () => {
    const evil = "x' OR '1'='1";
    expect((await db.query('SELECT * FROM t WHERE name = :n', { n: evil })).rowCount).toBe(0);
    expect((await db.query('UPDATE t SET flag = :f WHERE id <= :max', { f: 0, max: 10 })).rowCount).toBe(10);
  });

  it('columns() and primaryKey()', async () => {
    const columns = await db.columns({ schema: name, table: 't' });
    expect(columns[1]).toEqual({ name: 'amount', dataType: 'decimal(20,4)', nullable: true });
    expect(await db.primaryKey({ table: 't' })).toEqual(['id']);
    await expect(db.columns({ table: 'missing' })).rejects.toThrow(/does not exist/);
  });

  it('transaction(): rolls back on error; abort kills the statement and rolls back', async () => {
    await db.query('CREATE TABLE tx (n INT) ENGINE=InnoDB');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow(/boom/);
    const controller = new AbortController();
    const running = db.transaction(
      async (tx) => {
        await tx.query('INSERT INTO tx VALUES (2)');
        await tx.query('SELECT SLEEP(30) /* nf-mydriver-abort */');
      },
      { signal: controller.signal },
    );
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    controller.abort(new CancelledError('tester'));
    const error = await running.catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect((await db.query('SELECT COUNT(*) AS n FROM tx')).rows[0]?.n).toBe('0');
    const sleeping = await db.query(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(30) /* nf-mydriver-abort */'`,
    );
    expect(sleeping.rows[0]?.n).toBe('0');
    await Promise.all([1, 2, 3, 4].map(() => db.query('SELECT 1')));
  });

  it('never puts the password in an error message', async () => {
    const bad = await driver.open({ ...SERVER, name: 'bad', user: 'nobody_here', password: 'SuperSecret42' });
    const error = await bad.query('SELECT 1').catch((e: unknown) => e);
    await bad.close();
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
    expect((error as Error).message).toMatch(/Access denied/);
    expect((error as Error).message).not.toMatch(/SuperSecret42/);
  });
});
