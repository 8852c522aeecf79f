// sql_copy against the real PostgreSQL and MariaDB: PG ↔ PG, MariaDB → PG and PG → MariaDB in every
// mode with values that must round-trip exactly; abort leaves the target untouched; a concurrent
// reader never sees an overwrite half done.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, hasErrorCode } from '@nomaflow/contracts';
import type { Connector, Json, Row } from '@nomaflow/contracts';
import {
  ConnectorsFixture,
  createMysqlConnectorDatabase,
  createPgConnectorDatabase,
} from '../support/connectors-fixture.js';
import type { TestConnectorDatabase } from '../support/connectors-fixture.js';

const PG_TABLE = `(
  id bigint PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, amount numeric(18,4), big numeric, ratio real,
  f double precision, flag boolean, name text, code varchar(20), fixed char(6), d date, ts timestamp(6),
  tz timestamptz, doc jsonb, js json, bin bytea, uid uuid)`;

// Every type, the NULLs, unicode, extremes, micro-seconds, JSON with unicode and big numbers, binary zeroes.
const PG_ROWS = `INSERT INTO src VALUES
  (1, 1, 2, 3, 1.5, 0, 1.1, 0.1, true, 'plain', 'A', 'ab', '2024-02-29', '2024-02-29 23:59:59.999999',
   '2024-02-29 23:59:59.123456+00', '{"a": 1}', '{"b": [1, 2]}', '\\x00ff10', '11111111-2222-3333-4444-555555555555'),
  (2, -32768, -2147483648, -9223372036854775808, -99999999999999.9999, 123456789012345678901234567890.123456789,
   -3.4e38, -1.7976931348623157e308, false, 'héllo wörld 🚀 日本語 ''quoted'' "dq" back\\slash tab	end', 'ÇA', 'xyz   ',
   '0001-01-01', '1970-01-01 00:00:00', '1999-12-31 23:00:00-01', '{"emoji": "🚀", "n": 12345678901234567890, "nested": {"x": null}}',
   '[1, "two", {"three": 3.0}]', '\\x', '00000000-0000-0000-0000-000000000000'),
  (3, 32767, 2147483647, 9223372036854775807, 0.0001, -0.000000001, 3.4e38, 2.2250738585072014e-308, true,
   E'line1\\nline2\\r\\nline3', '', '', '9999-12-31', '2038-01-19 03:14:07.5', '2100-06-15 12:00:00.000001+05:30',
   '[]', '"just a string"', decode(repeat('ab', 5000), 'hex'), 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 0, 0, 0, 0, 0, 0, 0, false, '', '', ' ', '2000-01-01', '2000-01-01 00:00:00', '2000-01-01 00:00:00+00',
   '{}', 'null', '\\x00', '123e4567-e89b-12d3-a456-426614174000')`;

const MY_TABLE = `(
  id BIGINT PRIMARY KEY, i4 INT, i8 BIGINT, amount DECIMAL(18,4), f DOUBLE, flag TINYINT(1), name VARCHAR(200),
  fixed CHAR(6), d DATE, ts DATETIME(6), tz TIMESTAMP(6) NULL, doc JSON, bin LONGBLOB
) CHARACTER SET utf8mb4`;

const MY_PG_TABLE = `(
  id bigint PRIMARY KEY, i4 integer, i8 bigint, amount numeric(18,4), f double precision, flag boolean, name text,
  fixed varchar(6), d date, ts timestamp(6), tz timestamptz, doc jsonb, bin bytea)`;

const MY_ROWS: unknown[][] = [
  [
    1,
    2,
    '3',
    '1.5000',
    0.1,
    1,
    'plain',
    'ab',
    '2024-02-29',
    '2024-02-29 23:59:59.999999',
    '2024-02-29 23:59:59.123456',
    '{"a": 1}',
    Buffer.from([0, 255, 16]),
  ],
  [
    2,
    -2147483648,
    '-9223372036854775808',
    '-99999999999999.9999',
    -1.7976931348623157e308,
    0,
    'héllo wörld 🚀 日本語 \'q\' "dq" back\\slash\ttab',
    'xyz',
    '1000-01-01',
    '1970-01-01 00:00:00.000000',
    '1999-12-31 23:00:00.000000',
    '{"emoji": "🚀", "nested": {"x": null}}',
    Buffer.alloc(0),
  ],
  [
    3,
    2147483647,
    '9223372036854775807',
    '0.0001',
    2.2250738585072014e-308,
    1,
    'line1\nline2\r\nline3',
    '',
    '9999-12-31',
    '2038-01-19 03:14:07.500000',
    '2037-06-15 06:30:00.000001',
    '[]',
    Buffer.from('ab'.repeat(5000), 'hex'),
  ],
  [4, null, null, null, null, null, null, null, null, null, null, null, null],
];

function sortById(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => Number(a.id) - Number(b.id));
}

async function pgRowsAsText(c: Connector, table: string): Promise<string[]> {
  const { rows } = await c.query(`SELECT t::text AS row FROM ${table} t ORDER BY id`);
  return rows.map((r) => String(r.row));
}

/** Compares MariaDB and PostgreSQL rows of the same data, normalising only what the types differ in. */
function normalised(rows: Row[]): Record<string, Json | string>[] {
  return sortById(rows).map((r) => {
    const out: Record<string, Json | string> = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === null || v === undefined) out[k] = null;
      else if (k === 'flag') out[k] = v === true || v === 1 || v === '1';
      else if (k === 'doc') out[k] = JSON.parse(String(v)) as Json;
      else if (k === 'bin') out[k] = Buffer.from(v as Buffer).toString('hex');
      else if (k === 'tz')
        out[k] = String(v)
          .replace('T', ' ')
          .replace(/Z$/, '')
          .replace(/(\.\d*?)0+$/, '$1')
          .replace(/\.$/, '');
      else if (k === 'ts')
        out[k] = String(v)
          .replace(/(\.\d*?)0+$/, '$1')
          .replace(/\.$/, '');
      else if (k === 'fixed') out[k] = String(v).trimEnd();
      else if (k === 'f') out[k] = Number(v);
      else out[k] = String(v);
    }
    return out;
  });
}

async function insertRows(c: Connector, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const placeholders = columns.map((col) => `:${col}`).join(', ');
  for (const row of rows) {
    const params = Object.fromEntries(columns.map((col, i) => [col, row[i]]));
    await c.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})`, params);
  }
}

const MY_COLUMNS = ['id', 'i4', 'i8', 'amount', 'f', 'flag', 'name', 'fixed', 'd', 'ts', 'tz', 'doc', 'bin'];

describe('sql_copy against real databases', () => {
  let fx: ConnectorsFixture;
  let pgA: TestConnectorDatabase;
  let pgB: TestConnectorDatabase;
  let my: TestConnectorDatabase;
  let a: Connector;
  let b: Connector;
  let m: Connector;

  beforeAll(async () => {
    fx = await ConnectorsFixture.create();
    [pgA, pgB, my] = await Promise.all([
      createPgConnectorDatabase('nomaflow_sqlcopy_a'),
      createPgConnectorDatabase('nomaflow_sqlcopy_b'),
      createMysqlConnectorDatabase(fx, 'nomaflow_sqlcopy'),
    ]);
    fx.add(pgA.connector('pg_a')).add(pgB.connector('pg_b')).add(my.connector('maria'));
    fx.add(pgB.connector('pg_b_reader')).add(my.connector('maria_reader'));
    [a, b, m] = await Promise.all([fx.get('pg_a'), fx.get('pg_b'), fx.get('maria')]);
    await a.query(`CREATE TABLE src ${PG_TABLE}`);
    await a.query(PG_ROWS);
    await m.query(`CREATE TABLE src ${MY_TABLE}`);
    await insertRows(m, 'src', MY_COLUMNS, MY_ROWS);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
    await Promise.allSettled([pgA?.drop(), pgB?.drop(), my?.drop()]);
  });

  const copy = (config: Record<string, Json>, signal?: AbortSignal, onProgress?: (done: number) => void) =>
    fx.runStep('sql_copy', config, { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });

  describe('PostgreSQL → PostgreSQL', () => {
    beforeAll(async () => {
      await b.query(`CREATE TABLE dst ${PG_TABLE}`);
    });

    it('overwrite replaces every row, values round-tripping exactly', async () => {
      await b.query(`INSERT INTO dst (id, name) VALUES (1, 'old'), (99, 'stale')`);
      const run = await copy({
        source: { connector: 'pg_a', schema: 'public', table: 'src' },
        target: { connector: 'pg_b', schema: 'public', table: 'dst' },
        batch_size: 2,
      });
      expect(run.output).toMatchObject({ source_rows: 5, target_rows: 5 });
      expect(typeof run.output.elapsed_ms).toBe('number');
      expect(await pgRowsAsText(b, 'dst')).toEqual(await pgRowsAsText(a, 'src'));
      // Per-batch INFO progress and progress reports.
      expect(
        run.logs.filter((l) => l.level === 'INFO' && l.message.startsWith('▶ batch')).map((l) => l.message),
      ).toEqual([
        // The total comes from a count run alongside the copy: lines name it once it is known.
        expect.stringMatching(/^▶ batch 1( of 3)? · 2 rows$/),
        expect.stringMatching(/^▶ batch 2( of 3)? · 4 rows$/),
        expect.stringMatching(/^▶ batch 3( of 3)? · 5 rows$/),
      ]);
      expect(run.logs.some((l) => l.message === 'source: 5 rows to copy')).toBe(true);
      expect(run.progress.at(-1)).toEqual({ done: 5, total: 5, unit: 'rows' });
      expect(run.logs.some((l) => l.level === 'INFO' && /swapp/.test(l.message))).toBe(true);
      // The swapped-in table kept the target's primary key (name included) and no stash is left.
      const pk = await b.query(
        `SELECT conname FROM pg_constraint WHERE conrelid = 'public.dst'::regclass AND contype = 'p'`,
      );
      expect(pk.rows).toEqual([{ conname: 'dst_pkey' }]);
      const stash = await b.query(`SELECT relname FROM pg_class WHERE relname LIKE '%\\_\\_nf\\_%'`);
      expect(stash.rows).toEqual([]);
    });

    it('overwrite decodes and re-encodes every value when a column is coerced, still exactly', async () => {
      await b.query(`INSERT INTO dst (id, name) VALUES (77, 'old')`);
      const native = await copy({
        source: { connector: 'pg_a', table: 'src' },
        target: { connector: 'pg_b', table: 'dst' },
      });
      expect(native.logs.some((l) => /pass through in the native bulk format/.test(l.message))).toBe(true);
      const decoded = await copy({
        source: { connector: 'pg_a', table: 'src' },
        target: { connector: 'pg_b', table: 'dst' },
        coerce: { code: 'text' },
        batch_size: 2,
      });
      expect(decoded.logs.some((l) => /pass through/.test(l.message))).toBe(false);
      expect(decoded.output).toMatchObject({ source_rows: 5, target_rows: 5 });
      expect(await pgRowsAsText(b, 'dst')).toEqual(await pgRowsAsText(a, 'src'));
    });

    it('append adds rows on top of the existing ones', async () => {
      await b.query('TRUNCATE dst');
      await b.query(`INSERT INTO dst (id, name) VALUES (100, 'kept')`);
      const run = await copy({
        source: { connector: 'pg_a', table: 'src' },
        target: { connector: 'pg_b', table: 'dst' },
        mode: 'append',
      });
      expect(run.output).toMatchObject({ source_rows: 5, target_rows: 5 });
      const text = await pgRowsAsText(b, 'dst');
      expect(text.slice(0, 5)).toEqual(await pgRowsAsText(a, 'src'));
      expect(text[5]).toMatch(/^\(100,.*kept/);
    });

    it('upsert updates existing keys, inserts new ones and keeps the rest', async () => {
      await b.query('TRUNCATE dst');
      await b.query(`INSERT INTO dst (id, name, amount) VALUES (1, 'before', 7), (200, 'untouched', 8)`);
      const run = await copy({
        source: { connector: 'pg_a', table: 'src' },
        target: { connector: 'pg_b', table: 'dst' },
        mode: 'upsert',
      });
      expect(run.output).toMatchObject({ source_rows: 5, target_rows: 5 });
      const text = await pgRowsAsText(b, 'dst');
      expect(text.slice(0, 5)).toEqual(await pgRowsAsText(a, 'src'));
      expect(text[5]).toMatch(/^\(200,.*untouched/);
    });

    it('copies a subset with renames, a where filter with bound params, and coercions', async () => {
      await b.query(
        `CREATE TABLE subset (key bigint PRIMARY KEY, label text, amount numeric(20,1), day date)`,
      );
      const run = await copy({
        source: { connector: 'pg_a', table: 'src' },
        target: { connector: 'pg_b', table: 'subset' },
        columns: { id: 'key', code: 'label', amount: 'amount', i4: 'day' },
        coerce: {
          label: 'null_if_blank',
          amount: { type: 'decimal', decimal_mode: 'truncate' },
          day: 'julian_date',
        },
        where: 'id <= :max AND name <> :injection',
        params: { max: 3, injection: "x' OR '1'='1" },
      }).catch((e: unknown) => e);
      // i4 values are not Julian dates: a clear, non-retryable error naming the column.
      expect(hasErrorCode(run, 'step_failed')).toBe(true);
      expect((run as Error).message).toMatch(/column i4 → day: cannot coerce/);
      const ok = await copy({
        source: { connector: 'pg_a', table: 'src' },
        target: { connector: 'pg_b', table: 'subset' },
        columns: { id: 'key', code: 'label', amount: 'amount' },
        coerce: { label: 'null_if_blank', amount: { type: 'decimal', decimal_mode: 'truncate' } },
        where: 'id <= :max AND name <> :injection',
        params: { max: 3, injection: "x' OR '1'='1" },
      });
      expect(ok.output).toMatchObject({ source_rows: 3, target_rows: 3 });
      const rows = await b.query('SELECT key, label, amount FROM subset ORDER BY key');
      expect(rows.rows).toEqual([
        { key: '1', label: 'A', amount: '1.5' },
        { key: '2', label: 'ÇA', amount: '-99999999999999.9' },
        { key: '3', label: null, amount: '0.0' },
      ]);
    });

    it('upsert without key columns on a table without a primary key fails clearly', async () => {
      await b.query('CREATE TABLE nokey (id bigint, name text)');
      const error = await copy({
        source: { connector: 'pg_a', table: 'src' },
        target: { connector: 'pg_b', table: 'nokey' },
        columns: ['id', 'name'],
        mode: 'upsert',
      }).catch((e: unknown) => e);
      expect(hasErrorCode(error, 'step_failed')).toBe(true);
      expect((error as Error).message).toMatch(/needs key_columns: the target table has no primary key/);
      const noIndex = await copy({
        source: { connector: 'pg_a', table: 'src' },
        target: { connector: 'pg_b', table: 'nokey' },
        columns: ['id', 'name'],
        mode: 'upsert',
        key_columns: ['id'],
      }).catch((e: unknown) => e);
      expect((noIndex as Error).message).toMatch(/no primary key or unique index on \(id\)/);
    });
  });

  describe('MariaDB → PostgreSQL', () => {
    beforeAll(async () => {
      await b.query(`CREATE TABLE from_maria ${MY_PG_TABLE}`);
    });

    for (const mode of ['overwrite', 'append', 'upsert'] as const) {
      it(`${mode}: every value arrives exactly`, async () => {
        await b.query('TRUNCATE from_maria');
        if (mode !== 'append') await b.query(`INSERT INTO from_maria (id, name) VALUES (1, 'old')`);
        const run = await copy({
          source: { connector: 'maria', table: 'src' },
          target: { connector: 'pg_b', table: 'from_maria' },
          mode,
        });
        expect(run.output).toMatchObject({ source_rows: 4, target_rows: 4 });
        const source = await m.query('SELECT * FROM src ORDER BY id');
        const target = await b.query('SELECT * FROM from_maria ORDER BY id');
        expect(normalised(target.rows)).toEqual(normalised(source.rows));
      });
    }
  });

  describe('PostgreSQL → MariaDB', () => {
    beforeAll(async () => {
      await b.query('TRUNCATE from_maria');
      await copy({
        source: { connector: 'maria', table: 'src' },
        target: { connector: 'pg_b', table: 'from_maria' },
      });
      await m.query(`CREATE TABLE dst ${MY_TABLE}`);
    });

    for (const mode of ['overwrite', 'append', 'upsert'] as const) {
      it(`${mode}: every value arrives exactly`, async () => {
        await m.query('DELETE FROM dst');
        if (mode === 'append') await m.query(`INSERT INTO dst (id, name) VALUES (50, 'kept')`);
        else await m.query(`INSERT INTO dst (id, name) VALUES (2, 'old')`);
        const run = await copy({
          source: { connector: 'pg_b', table: 'from_maria' },
          target: { connector: 'maria', table: 'dst' },
          mode,
          batch_size: 3,
        });
        expect(run.output).toMatchObject({ source_rows: 4, target_rows: 4 });
        const source = await b.query('SELECT * FROM from_maria ORDER BY id');
        const target = await m.query(`SELECT * FROM dst WHERE id <> 50 ORDER BY id`);
        expect(normalised(target.rows)).toEqual(normalised(source.rows));
        if (mode === 'append')
          expect((await m.query('SELECT name FROM dst WHERE id = 50')).rows).toEqual([{ name: 'kept' }]);
      });
    }
  });

  describe('abort and atomicity', () => {
    const BIG = 200_000;

    beforeAll(async () => {
      await a.query(
        `CREATE TABLE big AS SELECT i::bigint AS id, 'row ' || i AS name, (i * 1.25)::numeric(12,2) AS amount,
                timestamp '2020-01-01' + i * interval '1 second' AS ts
           FROM generate_series(1, ${BIG}) i`,
      );
      await a.query('ALTER TABLE big ADD PRIMARY KEY (id)');
      const ddl = '(id bigint PRIMARY KEY, name text, amount numeric(12,2), ts timestamp)';
      await b.query(`CREATE TABLE big_dst ${ddl}`);
      await b.query(`CREATE TABLE big_viewed ${ddl}`);
      await b.query('CREATE VIEW big_view AS SELECT id, name FROM big_viewed');
      await m.query(
        'CREATE TABLE big_dst (id BIGINT PRIMARY KEY, name TEXT, amount DECIMAL(12,2), ts DATETIME(6))',
      );
    }, 60_000);

    async function fill(c: Connector, table: string, n: number): Promise<void> {
      await c.query(`DELETE FROM ${table}`);
      for (let start = 0; start < n; start += 1000) {
        const rows = Array.from(
          { length: Math.min(1000, n - start) },
          (_, i) => `(${-(start + i + 1)}, 'before')`,
        );
        await c.query(`INSERT INTO ${table} (id, name) VALUES ${rows.join(', ')}`);
      }
    }

    for (const [label, connector, table] of [
      ['PostgreSQL target (swap)', 'pg_b', 'big_dst'],
      ['PostgreSQL target with a dependent view (rows replaced)', 'pg_b', 'big_viewed'],
      ['MariaDB target (RENAME TABLE)', 'maria', 'big_dst'],
    ] as const) {
      it(`${label}: an abort mid-copy leaves the target exactly as it was, stash dropped`, async () => {
        const target = connector === 'maria' ? m : b;
        await fill(target, table, 3);
        const before = (await target.query(`SELECT id, name FROM ${table} ORDER BY id`)).rows;
        const controller = new AbortController();
        // Abort once the load is under way: 10 000 of the 200 000 rows written.
        const started = copy(
          {
            source: { connector: 'pg_a', table: 'big' },
            target: { connector, table },
            batch_size: 2000,
          },
          controller.signal,
          (done) => {
            if (done >= 10_000 && !controller.signal.aborted) controller.abort(new CancelledError('tester'));
          },
        );
        const error = await started.catch((e: unknown) => e);
        expect(hasErrorCode(error, 'cancelled')).toBe(true);
        expect((error as Error).message).toBe('cancelled by tester');
        // Wait for the server to drop the killed session (locks released).
        await new Promise((r) => setTimeout(r, 300));
        expect((await target.query(`SELECT id, name FROM ${table} ORDER BY id`)).rows).toEqual(before);
        const leftovers =
          connector === 'maria'
            ? await m.query(
                `SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE '%\\_\\_nf\\_%'`,
              )
            : await b.query(`SELECT relname FROM pg_class WHERE relname LIKE '%\\_\\_nf\\_%'`);
        expect(leftovers.rows).toEqual([]);
      });

      it(`${label}: overwrite is never seen empty or half loaded by a concurrent reader`, async () => {
        const target = connector === 'maria' ? m : b;
        const reader = await fx.get(connector === 'maria' ? 'maria_reader' : 'pg_b_reader');
        const OLD = 5_000;
        await fill(target, table, OLD);
        const counts: number[] = [];
        let done = false;
        const poll = (async () => {
          while (!done) {
            const { rows } = await reader.query(`SELECT COUNT(*) AS n FROM ${table}`);
            counts.push(Number(rows[0]?.n));
            await new Promise((r) => setTimeout(r, 2));
          }
        })();
        try {
          const run = await copy({
            source: { connector: 'pg_a', table: 'big' },
            target: { connector, table },
            batch_size: 5000,
          });
          expect(run.output).toMatchObject({ source_rows: BIG, target_rows: BIG });
        } finally {
          done = true;
          await poll;
        }
        const { rows } = await reader.query(`SELECT COUNT(*) AS n FROM ${table}`);
        counts.push(Number(rows[0]?.n));
        expect(counts.length).toBeGreaterThan(10);
        expect(new Set(counts)).toEqual(new Set([OLD, BIG]));
        expect(counts[0]).toBe(OLD);
        expect(counts.at(-1)).toBe(BIG);
        // Old, then new: never back.
        expect(counts.indexOf(BIG)).toBeGreaterThan(counts.lastIndexOf(OLD));
      }, 60_000);
    }
  });

  it('runs through the RunEngine: a job with a sql_copy step succeeds and logs its progress', async () => {
    await b.query('TRUNCATE dst');
    const { outcome, events } = await fx.runJob({
      id: 'copy-job',
      steps: [
        {
          name: 'copy-src',
          type: 'sql_copy',
          source: { connector: 'pg_a', table: 'src' },
          target: { connector: 'pg_b', table: 'dst' },
          mode: 'overwrite',
        },
      ],
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.steps[0]?.output).toMatchObject({ source_rows: 5, target_rows: 5 });
    expect(events.messages().some((msg) => /^▶ batch 1( of 1)? · 5 rows$/.test(msg))).toBe(true);
  });
});
