// The postgres driver against the real PostgreSQL of the tests (NOMAFLOW_TEST_PG_URL or 127.0.0.1:5432).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, hasErrorCode } from '@nomaflow/contracts';
import type { Connector } from '@nomaflow/contracts';
import driver from '../src/index.js';

const ADMIN_URL = process.env.NOMAFLOW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
type Pool = Connector & { close(): Promise<void> };

const TYPES = `(id int PRIMARY KEY, i2 smallint, i8 bigint, n numeric(30,6), r real, f float8, b boolean, t text,
  v varchar(10), c char(4), d date, ts timestamp, tz timestamptz, j json, jb jsonb, by bytea, u uuid, tm time,
  arr int[], e mood)`;
const COLUMNS = [
  'id',
  'i2',
  'i8',
  'n',
  'r',
  'f',
  'b',
  't',
  'v',
  'c',
  'd',
  'ts',
  'tz',
  'j',
  'jb',
  'by',
  'u',
  'tm',
  'arr',
  'e',
];

describe('postgres connector driver', () => {
  let admin: Pool;
  let db: Pool;
  let name: string;

  beforeAll(async () => {
    name = `nomaflow_pgdriver_${randomBytes(5).toString('hex')}`;
    admin = await driver.open({ name: 'admin', driver: 'postgres', url: ADMIN_URL });
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    db = await driver.open({ name: 'db', driver: 'postgres', url: url.toString(), options: { pool_max: 3 } });
    await db.query(`CREATE TYPE mood AS ENUM ('sad', 'happy')`);
    await db.query(`CREATE TABLE reference ${TYPES}`);
    await db.query(`CREATE TABLE loaded ${TYPES}`);
    await db.query(`INSERT INTO reference VALUES
      (1, -32768, -9223372036854775808, -123456789012345678901234.123456, 1.1, 0.1, true, 'héllo 🚀 ''q'' \\ tab	x',
       'vvv', 'ab', '2024-02-29', '2024-02-29 23:59:59.999999', '2024-02-29 23:59:59.5+02', '{"a": [1, 2.50]}',
       '{"n": 12345678901234567890}', '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '23:59:59.999999', '{1,NULL,3}', 'happy'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (3, 0, 0, 0, 'NaN', '-Infinity', false, '', '', '', '0001-01-01 BC', '1900-01-01 00:00:00', '1970-01-01 00:00:00+00',
       '[]', '{}', '\\x', '00000000-0000-0000-0000-000000000000', '00:00:00', '{}', 'sad')`);
  }, 30_000);

  afterAll(async () => {
    await db?.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin?.close();
  });

  async function asText(table: string): Promise<string[]> {
    return (await db.query(`SELECT x::text AS row FROM ${table} x ORDER BY id`)).rows.map((r) =>
      String(r.row),
    );
  }

  it('reads exact values: int8/numeric/date/timestamp as text, JSON as its text, bytea as Buffer', async () => {
    const { rows, rowCount, fields } = await db.query(
      'SELECT id, i8, n, d, ts, tz, jb, by, b, arr FROM reference WHERE id = :id',
      { id: 1 },
    );
    expect(rowCount).toBe(1);
    expect(fields).toEqual(['id', 'i8', 'n', 'd', 'ts', 'tz', 'jb', 'by', 'b', 'arr']);
    expect(rows[0]).toEqual({
      id: 1,
      i8: '-9223372036854775808',
      n: '-123456789012345678901234.123456',
      d: '2024-02-29',
      ts: '2024-02-29 23:59:59.999999',
      tz: '2024-02-29T21:59:59.5Z',
      jb: '{"n": 12345678901234567890}',
      by: Buffer.from([0, 255]),
      b: true,
      arr: '{1,NULL,3}',
    });
  });

  for (const [label, params] of [
    ['COPY TO (no parameters)', undefined],
    ['a cursor (bound parameters)', { min: 0 }],
  ] as const) {
    it(`streams through ${label} in batches, the same values as query()`, async () => {
      const sql = params
        ? 'SELECT * FROM reference WHERE id > :min ORDER BY id'
        : 'SELECT * FROM reference ORDER BY id';
      const batches = [];
      for await (const batch of db.stream(sql, params, { batchSize: 2 })) batches.push(batch);
      expect(batches.map((b) => b.length)).toEqual([2, 1]);
      expect(batches.flat()).toEqual((await db.query(sql, params)).rows);
    });
  }

  for (const format of ['binary', 'text'] as const) {
    it(`bulk-loads every type with COPY FROM STDIN (${format}) exactly as PostgreSQL stores it`, async () => {
      await db.query('TRUNCATE loaded');
      const rows = (await db.query('SELECT * FROM reference ORDER BY id')).rows.map((r) =>
        COLUMNS.map((c) => r[c]),
      );
      const writer = await db.bulkWriter({ schema: 'public', table: 'loaded' }, COLUMNS, { format });
      await writer.write(rows.slice(0, 1));
      await writer.write(rows.slice(1));
      expect(await writer.close()).toEqual({ rows: 3 });
      expect(await asText('loaded')).toEqual(await asText('reference'));
    });
  }

  it('native pass-through: binary COPY tuples from streamNative load unchanged through writeNative', async () => {
    await db.query('CREATE TABLE native_src AS SELECT id, i8, n, d, ts, tz, jb, by, u FROM reference');
    await db.query('CREATE TABLE native_dst AS SELECT * FROM native_src WHERE false');
    const columns = ['id', 'i8', 'n', 'd', 'ts', 'tz', 'jb', 'by', 'u'];
    const writer = await db.bulkWriter({ table: 'native_dst' }, columns);
    expect(writer.nativeFormat).toBe('postgres/binary-copy');
    let batches = 0;
    for await (const batch of db.streamNative?.(`SELECT ${columns.join(', ')} FROM native_src`, {
      batchSize: 2,
    }) ?? []) {
      await writer.writeNative?.(batch);
      batches += 1;
    }
    expect(batches).toBe(2);
    expect(await writer.close()).toEqual({ rows: 3 });
    expect(await asText('native_dst')).toEqual(await asText('native_src'));
    // Types must match column for column.
    const mismatch = await db.bulkWriter({ table: 'native_dst' }, [
      'id',
      'i8',
      'n',
      'd',
      'ts',
      'tz',
      'jb',
      'u',
      'by',
    ]);
    const native = db.streamNative?.(`SELECT ${columns.join(', ')} FROM native_src`);
    if (!native) throw new Error('the postgres connector streams native rows');
    const iterator = native[Symbol.asyncIterator]();
    const first = await iterator.next();
    await iterator.return?.();
    const error = await mismatch.writeNative?.(first.value).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/do not match the columns/);
    await mismatch.abort();
  });

  it('bulk writer: a bad value fails with the row and column, and nothing is loaded', async () => {
    await db.query('TRUNCATE loaded');
    const writer = await db.bulkWriter({ table: 'loaded' }, ['id', 'd'], {});
    const error = await writer.write([[1, 'not a date']]).catch((e: unknown) => e);
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
    expect((error as Error).message).toMatch(
      /row 1 of the batch, column d: cannot write "not a date" as date/,
    );
    await writer.abort(error);
    expect((await db.query('SELECT COUNT(*) AS n FROM loaded')).rows[0]?.n).toBe('0');
  });

  it('columns() and primaryKey()', async () => {
    const columns = await db.columns({ table: 'reference' });
    expect(columns.slice(0, 4)).toEqual([
      { name: 'id', dataType: 'integer', nullable: false },
      { name: 'i2', dataType: 'smallint', nullable: true },
      { name: 'i8', dataType: 'bigint', nullable: true },
      { name: 'n', dataType: 'numeric(30,6)', nullable: true },
    ]);
    expect(await db.primaryKey({ schema: 'public', table: 'reference' })).toEqual(['id']);
    await expect(db.columns({ table: 'missing' })).rejects.toThrow(/relation "missing" does not exist/);
  });

  it('transaction(): commits on success, rolls back on error, on one connection', async () => {
    await db.query('CREATE TABLE tx (n int)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx VALUES (1)');
      const pid1 = (await tx.query('SELECT pg_backend_pid() AS p')).rows[0]?.p;
      const pid2 = (await tx.query('SELECT pg_backend_pid() AS p')).rows[0]?.p;
      expect(pid1).toBe(pid2);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx VALUES (2)');
        throw new Error('boom');
      }),
    ).rejects.toThrow(/boom/);
    expect((await db.query('SELECT n FROM tx ORDER BY n')).rows).toEqual([{ n: 1 }]);
  });

  it('abort: terminates the backend, rolls the transaction back, frees the pool', async () => {
    await db.query('CREATE TABLE aborted (n int)');
    const controller = new AbortController();
    const running = db.transaction(
      async (tx) => {
        await tx.query('INSERT INTO aborted VALUES (1)');
        await tx.query('SELECT pg_sleep(30) /* nf-pgdriver-abort */');
      },
      { signal: controller.signal },
    );
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    controller.abort(new CancelledError('tester'));
    const error = await running.catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
    const sleeping = await db.query(
      `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30) /* nf-pgdriver-abort */'`,
    );
    expect(sleeping.rows[0]?.n).toBe('0');
    expect((await db.query('SELECT COUNT(*) AS n FROM aborted')).rows[0]?.n).toBe('0');
    // The pool (3 connections) still serves queries.
    await Promise.all([1, 2, 3, 4].map(() => db.query('SELECT 1')));
  });

  it('an already aborted signal never starts the statement', async () => {
    const error = await db
      .query('SELECT 1', undefined, { signal: AbortSignal.abort(new CancelledError('x')) })
      .catch((e: unknown) => e);
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
  });

  it('never puts the password in an error message', async () => {
    const bad = await driver.open({
      name: 'bad',
      driver: 'postgres',
      url: 'postgres://someone:SuperSecret42@127.0.0.1:1/nowhere',
      options: { connect_timeout_ms: 1000 },
    });
    const error = await bad.query('SELECT 1').catch((e: unknown) => e);
    await bad.close();
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
    expect(JSON.stringify({ m: (error as Error).message, c: String((error as Error).cause) })).not.toMatch(
      /SuperSecret42/,
    );
  });
});
