import mysql from 'mysql2';
import type { Connection, ExecuteValues, Pool, PoolConnection, PoolOptions, ResultSetHeader } from 'mysql2';
import { StepFailedError } from '@nomaflow/contracts';
import type {
  BulkWriter,
  BulkWriterOptions,
  ColumnInfo,
  Connector,
  ConnectorConfig,
  QueryOptions,
  QueryResult,
  Row,
  StreamOptions,
  TableRef,
} from '@nomaflow/contracts';
import {
  abortError,
  bindNamedParams,
  connectorSecrets,
  displayName,
  onAbort,
  withLease,
  combineSignals,
  qualifiedName,
  quoteIdent,
  sqlError,
} from '@nomaflow/kernel';
import { mysqlValue, paramValue } from './values.js';
import type { ValueKind } from './values.js';

const DRIVER = 'mysql';
const DEFAULT_BATCH = 10_000;
const KILL_TIMEOUT_MS = 2_000;
/** The protocol's limit of placeholders in one prepared statement. */
const MAX_PLACEHOLDERS = 65_535;

type Params = Record<string, unknown> | unknown[] | undefined;

export function poolOptions(config: ConnectorConfig): PoolOptions {
  const o = config.options ?? {};
  const ssl = o.ssl
    ? {
        ...(typeof o.ssl_ca === 'string' ? { ca: o.ssl_ca } : {}),
        rejectUnauthorized: o.ssl_verify !== false,
      }
    : undefined;
  const base: PoolOptions = config.url
    ? { uri: config.url }
    : {
        host: config.host ?? '127.0.0.1',
        port: config.port ?? 3306,
        database: config.database,
        user: config.user,
        password: config.password,
      };
  if (config.url && config.password !== undefined) base.password = config.password;
  return {
    ...base,
    ...(ssl ? { ssl } : {}),
    connectionLimit: typeof o.pool_max === 'number' ? o.pool_max : 10,
    connectTimeout: typeof o.connect_timeout_ms === 'number' ? o.connect_timeout_ms : 10_000,
    maxIdle: typeof o.pool_max === 'number' ? o.pool_max : 10,
    idleTimeout: typeof o.idle_timeout_ms === 'number' ? o.idle_timeout_ms : 30_000,
    waitForConnections: true,
    queueLimit: 0,
    charset: 'utf8mb4',
    // Exact values: DECIMAL/BIGINT as strings, dates and times as text (see README).
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    timezone: 'Z',
    multipleStatements: false,
  };
}

interface Lease {
  conn: PoolConnection;
  killed: boolean;
  kill(): Promise<void>;
  release(destroy?: boolean): void;
}

function call<T>(fn: (cb: (err: Error | null, result?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result as T))));
}

export class MysqlPool {
  readonly pool: Pool;
  readonly secrets: string[];
  private closed = false;
  private readonly kills = new Set<Promise<void>>();
  private readonly options: PoolOptions;

  constructor(readonly config: ConnectorConfig) {
    this.options = poolOptions(config);
    this.secrets = connectorSecrets(config);
    this.pool = mysql.createPool(this.options);
    this.pool.on('connection', (conn) => {
      conn.on('error', () => undefined);
      // Every session in UTC: TIMESTAMP values are read and written without a zone surprise.
      conn.query("SET time_zone = '+00:00'");
    });
  }

  error(e: unknown, context?: string): Error {
    return sqlError(DRIVER, e, this.secrets, context);
  }

  async lease(signal?: AbortSignal): Promise<Lease> {
    if (this.closed) throw new StepFailedError(`${DRIVER}: connector ${this.config.name} is closed`);
    if (signal?.aborted) throw abortError(signal);
    const pending = call<PoolConnection>((cb) => this.pool.getConnection(cb));
    let conn: PoolConnection;
    try {
      conn = await onAbort(
        signal,
        () => {
          pending.then(
            (c) => c.release(),
            () => undefined,
          );
        },
        () => pending,
      );
    } catch (e) {
      throw this.error(e, 'connect');
    }
    let released = false;
    const lease: Lease = {
      conn,
      killed: false,
      kill: () => {
        if (lease.killed) return Promise.resolve();
        lease.killed = true;
        const threadId = conn.threadId;
        conn.destroy();
        const done = this.killThread(threadId).finally(() => this.kills.delete(done));
        this.kills.add(done);
        return done;
      },
      release: (destroy = false) => {
        if (released) return;
        released = true;
        if (destroy || lease.killed) {
          if (!lease.killed) conn.destroy();
          // A destroyed connection leaves the pool by itself; release would reuse it.
          return;
        }
        conn.release();
      },
    };
    return lease;
  }

  /** `KILL` the server thread from a separate connection: the statement stops, the transaction rolls back. */
  private async killThread(threadId: number | null): Promise<void> {
    if (typeof threadId !== 'number' || !Number.isSafeInteger(threadId)) return;
    const killer = mysql.createConnection({ ...this.options, connectTimeout: KILL_TIMEOUT_MS });
    killer.on('error', () => undefined);
    const timer = new Promise<void>((resolve) => setTimeout(resolve, KILL_TIMEOUT_MS).unref());
    const work = call((cb) => killer.query(`KILL ${threadId}`, cb))
      .catch(() => undefined)
      .finally(() => killer.destroy());
    await Promise.race([work, timer]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.kills]);
    await call((cb) => this.pool.end(cb));
  }
}

function isResultHeader(r: unknown): r is ResultSetHeader {
  return typeof r === 'object' && r !== null && !Array.isArray(r) && 'affectedRows' in r;
}

interface RawResult {
  rows: unknown;
  fields: { name: string }[] | undefined;
}

function runOn(conn: Connection, sql: string, values: unknown[] | undefined): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, rows?: unknown, fields?: unknown) =>
      err ? reject(err) : resolve({ rows, fields: fields as { name: string }[] | undefined });
    if (values) conn.execute(sql, values as ExecuteValues, cb);
    else conn.query(sql, cb);
  });
}

export class MysqlConnector implements Connector {
  readonly driver = DRIVER;
  readonly name: string;

  constructor(
    protected readonly pool: MysqlPool,
    private readonly bound?: { lease: Lease; signal?: AbortSignal; savepoints: number },
  ) {
    this.name = pool.config.name;
  }

  /** Runs `fn` on a connection (the bound one, or a pooled one released after). */
  private withLease<T>(signal: AbortSignal | undefined, fn: (lease: Lease) => Promise<T>): Promise<T> {
    return withLease(this.bound, (sig) => this.pool.lease(sig), signal, fn);
  }

  async query(sql: string, params?: Params, opts: QueryOptions = {}): Promise<QueryResult> {
    const bound = bindNamedParams(sql, params, 'mysql');
    const values =
      bound.values.length > 0 || Array.isArray(params) ? bound.values.map(paramValue) : undefined;
    return this.withLease(opts.signal, async (lease) => {
      let raw: RawResult;
      try {
        raw = await runOn(lease.conn, bound.sql, values);
      } catch (e) {
        throw this.pool.error(e);
      }
      if (isResultHeader(raw.rows)) return { rows: [], rowCount: raw.rows.affectedRows, fields: [] };
      const rows = (Array.isArray(raw.rows) ? raw.rows : []) as Row[];
      return { rows, rowCount: rows.length, fields: (raw.fields ?? []).map((f) => f.name) };
    });
  }

  async *stream(sql: string, params?: Params, opts: StreamOptions = {}): AsyncIterable<Row[]> {
    const bound = bindNamedParams(sql, params, 'mysql');
    const values =
      bound.values.length > 0 || Array.isArray(params) ? bound.values.map(paramValue) : undefined;
    const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
    const signal = combineSignals(this.bound?.signal, opts.signal);
    const lease = this.bound ? this.bound.lease : await this.pool.lease(signal);
    let clean = false;
    try {
      clean = yield* this.streamRows(lease, bound.sql, values, batchSize, signal);
    } finally {
      if (!this.bound) lease.release(!clean);
      else if (!clean && !lease.killed) {
        // A caller's transaction whose stream stopped early cannot go on on this connection.
        await lease.kill();
      }
    }
  }

  /**
   * Reads a result set row by row ('result' events, no Readable per row) into batches; the socket is
   * paused while two batches wait for the consumer, so memory stays constant.
   */
  private async *streamRows(
    lease: Lease,
    sql: string,
    values: unknown[] | undefined,
    batchSize: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Row[], boolean> {
    const conn = lease.conn;
    const cmd = values ? conn.execute(sql, values as ExecuteValues) : conn.query(sql);
    let batch: Row[] = [];
    const ready: Row[][] = [];
    let ended = false;
    let paused = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    cmd.on('result', (row: unknown) => {
      batch.push(row as Row);
      if (batch.length >= batchSize) {
        ready.push(batch);
        batch = [];
        if (ready.length >= 2 && !paused) {
          paused = true;
          conn.pause();
        }
        notify();
      }
    });
    cmd.on('end', () => {
      if (batch.length > 0) ready.push(batch);
      batch = [];
      ended = true;
      notify();
    });
    cmd.on('error', (e: unknown) => {
      failure ??= e;
      notify();
    });
    for (;;) {
      const next = ready.shift();
      if (next) {
        if (paused && ready.length < 2) {
          paused = false;
          conn.resume();
        }
        yield next;
        continue;
      }
      if (failure !== undefined) throw this.pool.error(failure);
      if (ended) return true;
      await onAbort(
        signal,
        () => lease.kill(),
        () => new Promise<void>((resolve) => (wake = resolve)),
      );
    }
  }

  private async tableQuery(sql: string, table: TableRef): Promise<Row[]> {
    const { rows } = await this.query(sql, { schema: table.schema ?? null, table: table.table });
    return rows;
  }

  async columns(table: TableRef): Promise<ColumnInfo[]> {
    const rows = await this.tableQuery(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS data_type, IS_NULLABLE AS nullable
         FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table
        ORDER BY ORDINAL_POSITION`,
      table,
    );
    if (rows.length === 0) {
      throw new StepFailedError(`${DRIVER}: table ${displayName(table)} does not exist`, {
        retryable: false,
      });
    }
    return rows.map((r) => ({
      name: String(r.name),
      dataType: String(r.data_type),
      nullable: r.nullable === 'YES',
    }));
  }

  async primaryKey(table: TableRef): Promise<string[]> {
    const rows = await this.tableQuery(
      `SELECT COLUMN_NAME AS name
         FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table AND INDEX_NAME = 'PRIMARY'
        ORDER BY SEQ_IN_INDEX`,
      table,
    );
    return rows.map((r) => String(r.name));
  }

  async bulkWriter(
    table: TableRef,
    columns: readonly string[],
    opts: BulkWriterOptions = {},
  ): Promise<BulkWriter> {
    if (columns.length === 0) throw new StepFailedError(`${DRIVER}: bulk write needs at least one column`);
    const signal = combineSignals(this.bound?.signal, opts.signal);
    const lease = this.bound ? this.bound.lease : await this.pool.lease(signal);
    const owned = !this.bound;
    try {
      return await this.openInsertWriter(lease, owned, table, columns, signal);
    } catch (e) {
      if (owned) lease.release(lease.killed);
      throw e;
    }
  }

  private async openInsertWriter(
    lease: Lease,
    owned: boolean,
    table: TableRef,
    columns: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<BulkWriter> {
    const pool = this.pool;
    const kill = () => lease.kill();
    const run = (sql: string, values?: unknown[]) =>
      onAbort(signal, kill, () => runOn(lease.conn, sql, values)).catch((e: unknown) => {
        throw signal?.aborted ? abortError(signal) : pool.error(e);
      });
    // SHOW COLUMNS also sees TEMPORARY tables (information_schema does not).
    const info = await run(`SHOW COLUMNS FROM ${qualifiedName(table, 'mysql')}`);
    const typeOf = new Map(
      ((info.rows ?? []) as Row[]).map((r) => [
        String(r.Field),
        String(r.Type)
          .toLowerCase()
          .replace(/[\s(].*$/, ''),
      ]),
    );
    const missing = columns.filter((c) => !typeOf.has(c));
    if (missing.length > 0) {
      throw new StepFailedError(
        `${DRIVER}: table ${displayName(table)} has no column ${missing.join(', ')}`,
        {
          retryable: false,
        },
      );
    }
    const kinds = columns.map((c) => kindOf(typeOf.get(c) as string));
    const packet = await run('SELECT @@max_allowed_packet AS packet');
    const maxPacket = Number(((packet.rows as Row[])[0] ?? {}).packet ?? 4 * 1024 * 1024);
    // Leave room for the protocol's own bytes; never build statements over 16 MB.
    const budget = Math.max(64 * 1024, Math.min(Math.floor(maxPacket * 0.8), 16 * 1024 * 1024));
    const width = columns.length;
    const maxRowsByPlaceholders = Math.max(1, Math.floor(MAX_PLACEHOLDERS / width));
    const head = `INSERT INTO ${qualifiedName(table, 'mysql')} (${columns.map((c) => quoteIdent(c, 'mysql')).join(', ')}) VALUES `;
    const tuple = `(${new Array(width).fill('?').join(', ')})`;
    const statements = new Map<number, string>();
    const statementFor = (n: number) => {
      let sql = statements.get(n);
      if (!sql) {
        sql = head + new Array(n).fill(tuple).join(', ');
        statements.set(n, sql);
      }
      return sql;
    };
    let chunkRows = 0; // rows per statement, fixed after the first batch so statements are re-used
    let written = 0;
    let failure: unknown;
    let state: 'open' | 'closed' | 'aborted' = 'open';
    const inflight: Promise<void>[] = [];

    const send = (values: unknown[], n: number) => {
      const sql = statementFor(n);
      const p = run(sql, values).then(
        (r) => {
          written += isResultHeader(r.rows) ? n : 0;
        },
        (e: unknown) => {
          failure ??= e;
        },
      );
      inflight.push(p);
    };
    const flushValues = async (rows: readonly (readonly unknown[])[]) => {
      let i = 0;
      while (i < rows.length) {
        const n = Math.min(chunkRows, rows.length - i);
        const values: unknown[] = new Array<unknown>(n * width);
        let bytes = 0;
        let k = 0;
        for (let r = i; r < i + n; r++) {
          const row = rows[r] as readonly unknown[];
          for (let c = 0; c < width; c++) {
            const v = mysqlValue(row[c], kinds[c] as ValueKind);
            values[k++] = v;
            bytes += typeof v === 'string' ? v.length * 3 + 9 : Buffer.isBuffer(v) ? v.length + 9 : 10;
          }
        }
        if (bytes > budget && n > 1) {
          // Rows bigger than estimated: halve the statement size for the rest of the load.
          chunkRows = Math.max(1, Math.floor(n / 2));
          continue;
        }
        send(values, n);
        i += n;
        // Keep at most two statements queued on the connection.
        while (inflight.length > 2) await inflight.shift();
        if (failure !== undefined) return;
      }
    };
    const check = () => {
      if (signal?.aborted) throw abortError(signal);
      if (failure !== undefined) throw pool.error(failure);
    };
    return {
      async write(rows) {
        if (state !== 'open') throw new StepFailedError(`${DRIVER}: bulk writer is ${state}`);
        check();
        if (rows.length === 0) return;
        if (chunkRows === 0) {
          let sample = 0;
          const probe = Math.min(rows.length, 100);
          for (let r = 0; r < probe; r++) {
            const row = rows[r] as readonly unknown[];
            for (let c = 0; c < width; c++) {
              const v = mysqlValue(row[c], kinds[c] as ValueKind);
              sample += typeof v === 'string' ? v.length * 3 + 9 : Buffer.isBuffer(v) ? v.length + 9 : 10;
            }
          }
          const perRow = Math.max(1, Math.ceil((sample / probe) * 1.5));
          chunkRows = Math.max(1, Math.min(maxRowsByPlaceholders, Math.floor(budget / perRow), 5_000));
        }
        await flushValues(rows);
        check();
      },
      async close() {
        if (state !== 'open') throw new StepFailedError(`${DRIVER}: bulk writer is ${state}`);
        state = 'closed';
        try {
          await Promise.all(inflight.splice(0));
          check();
        } catch (e) {
          if (owned) lease.release(true);
          throw e;
        }
        for (const sql of statements.values()) lease.conn.unprepare(sql);
        if (owned) lease.release();
        return { rows: written };
      },
      async abort() {
        if (state !== 'open') return;
        state = 'aborted';
        await Promise.allSettled(inflight.splice(0));
        for (const sql of statements.values()) lease.conn.unprepare(sql);
        if (owned) lease.release(lease.killed);
      },
    };
  }

  async transaction<T>(fn: (tx: Connector) => Promise<T>, opts: QueryOptions = {}): Promise<T> {
    const signal = combineSignals(this.bound?.signal, opts.signal);
    if (this.bound) {
      const lease = this.bound.lease;
      const name = quoteIdent(`nf_sp_${++this.bound.savepoints}`, 'mysql');
      const run = (sql: string) =>
        onAbort(
          signal,
          () => lease.kill(),
          () => runOn(lease.conn, sql, undefined),
        ).catch((e: unknown) => {
          throw signal?.aborted ? abortError(signal) : this.pool.error(e);
        });
      await run(`SAVEPOINT ${name}`);
      try {
        const result = await onAbort(
          signal,
          () => lease.kill(),
          () => fn(this),
        );
        await run(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (e) {
        if (!lease.killed)
          await runOn(lease.conn, `ROLLBACK TO SAVEPOINT ${name}`, undefined).catch(() => undefined);
        throw e;
      }
    }
    const lease = await this.pool.lease(signal);
    const kill = () => lease.kill();
    let broken = false;
    try {
      try {
        await onAbort(signal, kill, () => runOn(lease.conn, 'START TRANSACTION', undefined));
      } catch (e) {
        throw signal?.aborted ? abortError(signal) : this.pool.error(e);
      }
      const tx = new MysqlConnector(this.pool, { lease, signal, savepoints: 0 });
      let result: T;
      try {
        result = await onAbort(signal, kill, () => fn(tx));
      } catch (e) {
        if (!lease.killed) {
          await runOn(lease.conn, 'ROLLBACK', undefined).catch(() => {
            broken = true;
          });
        }
        throw signal?.aborted ? abortError(signal) : this.pool.error(e);
      }
      try {
        await onAbort(signal, kill, () => runOn(lease.conn, 'COMMIT', undefined));
      } catch (e) {
        broken = true;
        throw signal?.aborted ? abortError(signal) : this.pool.error(e, 'commit');
      }
      return result;
    } finally {
      lease.release(broken || lease.killed);
    }
  }
}

function kindOf(dataType: string): ValueKind {
  switch (dataType) {
    case 'datetime':
    case 'timestamp':
      return 'datetime';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'json':
      return 'json';
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'integer':
    case 'bigint':
    case 'bit':
    case 'year':
      return 'integer';
    case 'decimal':
    case 'numeric':
    case 'float':
    case 'double':
    case 'real':
      return 'number';
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return 'binary';
    default:
      return 'text';
  }
}

export class MysqlPooledConnector extends MysqlConnector {
  async close(): Promise<void> {
    await this.pool.close();
  }
}
