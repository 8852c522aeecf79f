import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { CopyStreamQuery, CopyToStreamQuery } from 'pg-copy-streams';
import { StepFailedError } from '@nomaflow/contracts';
import type {
  BulkWriter,
  BulkWriterOptions,
  ColumnInfo,
  Connector,
  ConnectorConfig,
  NativeRows,
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
import {
  ByteWriter,
  CopyBinaryDecoder,
  CopyBinarySplitter,
  EncodeError,
  OID,
  binaryDecoder,
  binaryEncoder,
  encodeBinaryRows,
  encodeTextRows,
  writeCopyHeader,
  writeCopyTrailer,
} from './binary.js';
import type { FieldDecoder, FieldEncoder, TupleBatch } from './binary.js';
import { US_PER_DAY, formatPgTimestamp, parseTimestampText } from './datetime.js';

const DRIVER = 'postgres';
/** NativeRows of this driver: binary COPY tuples. */
export const NATIVE_FORMAT = 'postgres/binary-copy';
const DEFAULT_BATCH = 10_000;
const KILL_TIMEOUT_MS = 2_000;

type Params = Record<string, unknown> | unknown[] | undefined;

// ---------------------------------------------------------------------------------------------
// Value representation of text results (cursor path and query()).
// ---------------------------------------------------------------------------------------------

const identity = (v: string): string => v;
const byteaParser = pg.types.getTypeParser(OID.bytea, 'text') as (v: string) => Buffer;

function timestamptzText(v: string): string {
  const t = parseTimestampText(v);
  if (!t) return v;
  if (t.special) return t.special;
  return formatPgTimestamp(t.days * US_PER_DAY + t.us - (t.offsetSeconds ?? 0) * 1_000_000, true);
}

/** The text parsers: exact values (int8/numeric/date/timestamp as strings), see README. */
export const typeParsers = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary') as (value: string) => unknown;
    switch (oid) {
      case OID.bool:
        return (v) => v === 't';
      case OID.int2:
      case OID.int4:
      case OID.oid:
        return Number;
      case OID.float4:
      case OID.float8:
        return parseFloat;
      case OID.bytea:
        return byteaParser;
      case OID.timestamptz:
        return timestamptzText;
      default:
        return identity;
    }
  },
} as unknown as pg.CustomTypesConfig;

// ---------------------------------------------------------------------------------------------
// Pool and leases
// ---------------------------------------------------------------------------------------------

interface Lease {
  client: pg.PoolClient;
  killed: boolean;
  /** Stops whatever the connection runs: terminates its backend, destroys the socket. */
  kill(): Promise<void>;
  release(destroy?: boolean): void;
}

const guarded = new WeakSet<pg.PoolClient>();

export function clientConfig(config: ConnectorConfig): pg.PoolConfig {
  const o = config.options ?? {};
  const ssl = o.ssl
    ? {
        ...(typeof o.ssl_ca === 'string' ? { ca: o.ssl_ca } : {}),
        ...(o.ssl_verify === false ? { rejectUnauthorized: false } : {}),
      }
    : undefined;
  const base: pg.PoolConfig = config.url
    ? { connectionString: config.url }
    : {
        host: config.host ?? '127.0.0.1',
        port: config.port ?? 5432,
        database: config.database,
        user: config.user,
        password: config.password,
      };
  if (config.url && config.password !== undefined) base.password = config.password;
  return {
    ...base,
    ...(ssl ? { ssl } : {}),
    max: typeof o.pool_max === 'number' ? o.pool_max : 10,
    idleTimeoutMillis: typeof o.idle_timeout_ms === 'number' ? o.idle_timeout_ms : 30_000,
    connectionTimeoutMillis: typeof o.connect_timeout_ms === 'number' ? o.connect_timeout_ms : 10_000,
    application_name: typeof o.application_name === 'string' ? o.application_name : 'nomaflow',
    ...(typeof o.statement_timeout_ms === 'number' ? { statement_timeout: o.statement_timeout_ms } : {}),
    // Every session in UTC: timestamptz values are read and written without a zone surprise.
    options: '-c TimeZone=UTC -c DateStyle=ISO',
    types: typeParsers,
  };
}

export class PgPool {
  readonly pool: pg.Pool;
  readonly secrets: string[];
  private closed = false;
  private readonly kills = new Set<Promise<void>>();

  constructor(
    readonly config: ConnectorConfig,
    private readonly poolConfig: pg.PoolConfig = clientConfig(config),
  ) {
    this.secrets = connectorSecrets(config);
    this.pool = new pg.Pool(poolConfig);
    // An idle client whose backend went away must not crash the process.
    this.pool.on('error', () => undefined);
  }

  error(e: unknown, context?: string): Error {
    if (e instanceof EncodeError)
      return new StepFailedError(`${DRIVER}: ${e.message}`, { cause: e, retryable: false });
    return sqlError(DRIVER, e, this.secrets, context);
  }

  /** A pooled connection; waiting for one ends early (and returns it later) when `signal` aborts. */
  async lease(signal?: AbortSignal): Promise<Lease> {
    if (this.closed) throw new StepFailedError(`${DRIVER}: connector ${this.config.name} is closed`);
    if (signal?.aborted) throw abortError(signal);
    const pending = this.pool.connect();
    let client: pg.PoolClient;
    try {
      client = await onAbort(
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
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => undefined);
    }
    let released = false;
    const lease: Lease = {
      client,
      killed: false,
      kill: () => {
        if (lease.killed) return Promise.resolve();
        lease.killed = true;
        const done = this.terminate(client).finally(() => {
          client.connection.stream.destroy();
          this.kills.delete(done);
        });
        this.kills.add(done);
        return done;
      },
      release: (destroy = false) => {
        if (released) return;
        released = true;
        client.release(destroy || lease.killed ? true : undefined);
      },
    };
    return lease;
  }

  /** Stops the backend of `client` from a separate connection, so the statement really ends. */
  private async terminate(client: pg.PoolClient): Promise<void> {
    const pid = (client as unknown as { processID?: number }).processID;
    if (typeof pid !== 'number') return;
    const killer = new pg.Client({ ...this.poolConfig, connectionTimeoutMillis: KILL_TIMEOUT_MS });
    killer.on('error', () => undefined);
    const timer = new Promise<void>((resolve) => setTimeout(resolve, KILL_TIMEOUT_MS).unref());
    const work = (async () => {
      try {
        await killer.connect();
        await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      } catch {
        // best effort: destroying the socket below still ends our side
      } finally {
        await killer.end().catch(() => undefined);
      }
    })();
    await Promise.race([work, timer]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.kills]);
    await this.pool.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The connector
// ---------------------------------------------------------------------------------------------

function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

let cursorSeq = 0;

export class PgConnector implements Connector {
  readonly driver = DRIVER;
  readonly name: string;

  constructor(
    protected readonly pool: PgPool,
    /** Set for the connector a transaction hands to its function: everything runs on that connection. */
    private readonly bound?: { lease: Lease; signal?: AbortSignal; savepoints: number },
  ) {
    this.name = pool.config.name;
  }

  /** Runs `fn` on a connection (the bound one, or a pooled one released after). */
  private withLease<T>(signal: AbortSignal | undefined, fn: (lease: Lease) => Promise<T>): Promise<T> {
    return withLease(this.bound, (sig) => this.pool.lease(sig), signal, fn);
  }

  async query(sql: string, params?: Params, opts: QueryOptions = {}): Promise<QueryResult> {
    const bound = bindNamedParams(sql, params, 'postgres');
    return this.withLease(opts.signal, async (lease) => {
      let result: pg.QueryResult | pg.QueryResult[];
      try {
        result =
          bound.values.length > 0 || Array.isArray(params)
            ? await lease.client.query(bound.sql, bound.values)
            : await lease.client.query(bound.sql);
      } catch (e) {
        throw this.pool.error(e);
      }
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      if (!last) return { rows: [], rowCount: 0, fields: [] };
      const rowCount =
        last.command === 'SELECT' || last.command === 'FETCH' || last.command === 'SHOW'
          ? last.rows.length
          : (last.rowCount ?? last.rows.length);
      return { rows: last.rows as Row[], rowCount, fields: last.fields.map((f: pg.FieldDef) => f.name) };
    });
  }

  async *stream(sql: string, params?: Params, opts: StreamOptions = {}): AsyncIterable<Row[]> {
    const bound = bindNamedParams(sql, params, 'postgres');
    const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
    const signal = combineSignals(this.bound?.signal, opts.signal);
    if (this.bound) {
      yield* this.streamCursor(this.bound.lease, bound.sql, bound.values, batchSize, signal, false);
      return;
    }
    const lease = await this.pool.lease(signal);
    let clean = false;
    try {
      if (bound.values.length === 0 && !Array.isArray(params)) {
        clean = yield* this.streamCopy(lease, bound.sql, batchSize, signal);
      } else {
        clean = yield* this.streamCursor(lease, bound.sql, bound.values, batchSize, signal, true);
      }
    } finally {
      // A consumer that stopped early (or an error) may leave the connection mid-stream: close it.
      lease.release(!clean);
    }
  }

  /**
   * The COPY statement that streams `sql` out in binary, and how to decode it: the column names,
   * their type OIDs and decoders. Columns of types without a binary decoder are cast to text.
   */
  private async describeCopyOut(
    lease: Lease,
    sql: string,
    signal: AbortSignal | undefined,
  ): Promise<{
    names: string[];
    oids: number[];
    decoders: FieldDecoder[];
    copySql: string;
    native: boolean;
  }> {
    const body = stripTrailingSemicolons(sql);
    let fields: pg.FieldDef[];
    try {
      const described = await onAbort(
        signal,
        () => lease.kill(),
        () => lease.client.query(`SELECT * FROM (${body}\n) AS nf_q LIMIT 0`),
      );
      fields = described.fields;
    } catch (e) {
      throw this.pool.error(e);
    }
    const names = fields.map((f: pg.FieldDef) => f.name);
    const oids = fields.map((f: pg.FieldDef) => f.dataTypeID);
    const decoders: FieldDecoder[] = [];
    let allBinary = true;
    for (const oid of oids) {
      const d = binaryDecoder(oid);
      if (!d) allBinary = false;
      decoders.push(d ?? ((buf, s, len) => buf.toString('utf8', s, s + len)));
    }
    let copySql: string;
    if (!allBinary || new Set(names).size !== names.length) {
      const aliases = fields.map((_: pg.FieldDef, i: number) => quoteIdent(`c${i + 1}`, 'postgres'));
      const select = oids
        .map((oid, i) => (binaryDecoder(oid) ? aliases[i] : `${aliases[i]}::text`))
        .join(', ');
      copySql = `COPY (SELECT ${select} FROM (${body}\n) AS nf_q(${aliases.join(', ')})) TO STDOUT (FORMAT binary)`;
    } else {
      copySql = `COPY (${body}\n) TO STDOUT (FORMAT binary)`;
    }
    return { names, oids, decoders, copySql, native: allBinary };
  }

  /**
   * Reads a COPY TO stream chunk by chunk, handing each to `take`, which returns the batches it
   * completed. Returns true when the stream was read to its end.
   */
  private async *readCopyOut<T>(
    lease: Lease,
    copySql: string,
    signal: AbortSignal | undefined,
    take: (chunk: Buffer | undefined) => T[],
  ): AsyncGenerator<T, boolean> {
    const stream: CopyToStreamQuery = lease.client.query(copyStreams.to(copySql, { highWaterMark: 1 << 20 }));
    const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    try {
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await onAbort(
            signal,
            () => lease.kill(),
            () => iterator.next(),
          );
        } catch (e) {
          throw this.pool.error(e);
        }
        let batches: T[];
        try {
          batches = take(next.done ? undefined : next.value);
        } catch (e) {
          throw this.pool.error(e, 'decode');
        }
        for (const batch of batches) yield batch;
        if (next.done) return true;
      }
    } finally {
      if (!stream.readableEnded) stream.destroy();
    }
  }

  /** Streams through `COPY (…) TO STDOUT (FORMAT binary)`, decoded here: the fastest way out of PostgreSQL. */
  private async *streamCopy(
    lease: Lease,
    sql: string,
    batchSize: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Row[], boolean> {
    const { names, decoders, copySql } = await this.describeCopyOut(lease, sql, signal);
    const decoder = new CopyBinaryDecoder(names, decoders);
    let rows: Row[] = [];
    return yield* this.readCopyOut(lease, copySql, signal, (chunk) => {
      const out: Row[][] = [];
      if (chunk) decoder.push(chunk, rows);
      while (rows.length >= batchSize || (!chunk && rows.length > 0)) {
        const n = Math.min(batchSize, rows.length);
        out.push(n === rows.length ? rows : rows.slice(0, n));
        rows = n === rows.length ? [] : rows.slice(n);
      }
      return out;
    });
  }

  /**
   * Binary COPY tuples, never decoded, for a PostgreSQL bulk writer (`writeNative`) whose columns
   * have the same types. Only for statements without parameters and types with a binary form here.
   */
  async *streamNative(sql: string, opts: StreamOptions = {}): AsyncIterable<NativeRows> {
    const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
    const signal = combineSignals(this.bound?.signal, opts.signal);
    const lease = this.bound ? this.bound.lease : await this.pool.lease(signal);
    let clean = false;
    try {
      const { oids, copySql, native } = await this.describeCopyOut(lease, sql, signal);
      if (!native) {
        clean = true;
        throw new StepFailedError(`${DRIVER}: a column type has no binary form here; use stream()`, {
          retryable: false,
        });
      }
      const columnTypes = oids.map(String);
      const splitter = new CopyBinarySplitter(oids.length, batchSize);
      clean = yield* this.readCopyOut(lease, copySql, signal, (chunk) => {
        const out: TupleBatch[] = [];
        if (chunk) splitter.push(chunk, out);
        else splitter.finish(out);
        return out.map((b) => ({ format: NATIVE_FORMAT, columnTypes, rows: b.rows, data: b.data }));
      });
    } finally {
      if (!this.bound) lease.release(!clean);
    }
  }

  /** Streams through a server-side cursor (queries with bound parameters, and inside transactions). */
  private async *streamCursor(
    lease: Lease,
    sql: string,
    values: unknown[],
    batchSize: number,
    signal: AbortSignal | undefined,
    ownTransaction: boolean,
  ): AsyncGenerator<Row[], boolean> {
    cursorSeq = (cursorSeq + 1) % 1_000_000;
    const cursor = quoteIdent(`nf_cursor_${cursorSeq}`, 'postgres');
    const run = (text: string, vals?: unknown[]) =>
      onAbort(
        signal,
        () => lease.kill(),
        () => lease.client.query(text, vals),
      ).catch((e: unknown) => {
        throw this.pool.error(e);
      });
    if (ownTransaction) await run('BEGIN');
    let finished = false;
    try {
      await run(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${stripTrailingSemicolons(sql)}`, values);
      const fetch = () => run(`FETCH ${batchSize} FROM ${cursor}`);
      let pending = fetch();
      for (;;) {
        const result = await pending;
        if (result.rows.length === 0) break;
        // Prefetch the next batch while the consumer works on this one.
        pending = result.rows.length < batchSize ? Promise.resolve({ ...result, rows: [] }) : fetch();
        pending.catch(() => undefined);
        yield result.rows as Row[];
      }
      finished = true;
      await run(`CLOSE ${cursor}`);
      if (ownTransaction) await run('COMMIT');
      return true;
    } finally {
      if (!finished && !lease.killed && !ownTransaction) {
        // Inside a caller's transaction: close the cursor, keep the connection.
        await lease.client.query(`CLOSE ${cursor}`).catch(() => undefined);
      }
    }
  }

  async columns(table: TableRef): Promise<ColumnInfo[]> {
    const { rows } = await this.query(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS data_type, NOT a.attnotnull AS nullable
         FROM pg_attribute a
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [qualifiedName(table, 'postgres')],
    );
    return rows.map((r) => ({
      name: String(r.name),
      dataType: String(r.data_type),
      nullable: r.nullable === true,
    }));
  }

  async primaryKey(table: TableRef): Promise<string[]> {
    const { rows } = await this.query(
      `SELECT a.attname AS name
         FROM pg_index i
         JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = $1::regclass AND i.indisprimary
        ORDER BY k.n`,
      [qualifiedName(table, 'postgres')],
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
      return await this.openCopyIn(lease, owned, table, columns, opts.format ?? 'binary', signal);
    } catch (e) {
      if (owned) lease.release(lease.killed);
      throw e;
    }
  }

  private async openCopyIn(
    lease: Lease,
    owned: boolean,
    table: TableRef,
    columns: readonly string[],
    format: 'binary' | 'text',
    signal: AbortSignal | undefined,
  ): Promise<BulkWriter> {
    const pool = this.pool;
    const kill = () => lease.kill();
    let typeRows: pg.QueryResult;
    try {
      typeRows = await onAbort(signal, kill, () =>
        lease.client.query(
          `SELECT a.attname AS name,
                  CASE WHEN t.typtype = 'e' THEN ${OID.text}
                       ELSE COALESCE(NULLIF(t.typbasetype, 0), a.atttypid) END::int AS oid
             FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
          [qualifiedName(table, 'postgres')],
        ),
      );
    } catch (e) {
      throw pool.error(e);
    }
    const oidOf = new Map(typeRows.rows.map((r: Row) => [String(r.name), Number(r.oid)]));
    const missing = columns.filter((c) => !oidOf.has(c));
    if (missing.length > 0) {
      throw new StepFailedError(
        `${DRIVER}: table ${displayName(table)} has no column ${missing.join(', ')}`,
        {
          retryable: false,
        },
      );
    }
    const encoders = columns.map((c) => binaryEncoder(oidOf.get(c) as number));
    const binary = format === 'binary' && encoders.every((e) => e !== undefined);
    const columnList = columns.map((c) => quoteIdent(c, 'postgres')).join(', ');
    const copySql = `COPY ${qualifiedName(table, 'postgres')} (${columnList}) FROM STDIN${binary ? ' (FORMAT binary)' : ''}`;
    const stream: CopyStreamQuery = lease.client.query(copyStreams.from(copySql, { highWaterMark: 1 << 20 }));
    let failure: unknown;
    const failed = new Promise<never>((_, reject) => {
      stream.on('error', (e) => {
        failure ??= e;
        reject(e);
      });
    });
    failed.catch(() => undefined);
    const finished = new Promise<void>((resolve) => stream.on('finish', () => resolve()));
    const out = new ByteWriter(1 << 20);
    if (binary) writeCopyHeader(out);
    let rows = 0;
    let state: 'open' | 'closed' | 'aborted' = 'open';
    const done = (destroy: boolean) => {
      if (owned) lease.release(destroy);
    };
    const check = () => {
      if (signal?.aborted) throw abortError(signal);
      if (failure !== undefined) throw pool.error(failure);
    };
    const onSignal = () => {
      if (state === 'open') void kill();
    };
    const waitDrain = () =>
      onAbort(signal, kill, () =>
        Promise.race([new Promise<void>((resolve) => stream.once('drain', () => resolve())), failed]),
      ).catch((e: unknown) => {
        throw signal?.aborted ? abortError(signal) : pool.error(e);
      });
    signal?.addEventListener('abort', onSignal, { once: true });
    const ownTypes = columns.map((c) => String(oidOf.get(c)));
    const writer: BulkWriter = {
      nativeFormat: binary ? NATIVE_FORMAT : undefined,
      async writeNative(batch) {
        if (state !== 'open') throw new StepFailedError(`${DRIVER}: bulk writer is ${state}`);
        check();
        if (!binary || batch.format !== NATIVE_FORMAT) {
          throw new StepFailedError(`${DRIVER}: bulk writer cannot take ${batch.format} rows`, {
            retryable: false,
          });
        }
        if (
          batch.columnTypes.length !== ownTypes.length ||
          batch.columnTypes.some((t, i) => t !== ownTypes[i])
        ) {
          throw new StepFailedError(
            `${DRIVER}: native rows of types (${batch.columnTypes.join(', ')}) do not match the columns (${ownTypes.join(', ')})`,
            { retryable: false },
          );
        }
        if (out.pos > 0) stream.write(out.take());
        rows += batch.rows;
        if (!stream.write(batch.data)) await waitDrain();
      },
      async write(batch) {
        if (state !== 'open') throw new StepFailedError(`${DRIVER}: bulk writer is ${state}`);
        check();
        if (batch.length === 0) return;
        try {
          if (binary) {
            encodeBinaryRows(out, batch, encoders as FieldEncoder[], columns);
          } else {
            const text = encodeTextRows(batch);
            out.ensure(text.length * 3);
            out.pos += out.buf.write(text, out.pos, 'utf8');
          }
        } catch (e) {
          throw pool.error(e);
        }
        rows += batch.length;
        const chunk = out.take();
        if (!stream.write(chunk)) await waitDrain();
      },
      async close() {
        if (state !== 'open') throw new StepFailedError(`${DRIVER}: bulk writer is ${state}`);
        state = 'closed';
        try {
          check();
          if (binary) writeCopyTrailer(out);
          if (out.pos > 0) stream.write(out.take());
          stream.end();
          await onAbort(signal, kill, () => Promise.race([finished, failed]));
        } catch (e) {
          signal?.removeEventListener('abort', onSignal);
          done(true);
          throw signal?.aborted ? abortError(signal) : pool.error(e);
        }
        signal?.removeEventListener('abort', onSignal);
        done(false);
        return { rows: stream.rowCount || rows };
      },
      async abort(reason) {
        if (state !== 'open') return;
        state = 'aborted';
        signal?.removeEventListener('abort', onSignal);
        if (lease.killed) return done(true);
        const message = reason instanceof Error ? reason.message : 'bulk write aborted';
        // CopyFail: the server rolls the COPY back and the connection stays usable.
        stream.destroy(new Error(message));
        const settled = new Promise<void>((resolve) => {
          stream.once('close', () => resolve());
          setTimeout(resolve, KILL_TIMEOUT_MS).unref();
        });
        await settled;
        done(false);
      },
    };
    return writer;
  }

  async transaction<T>(fn: (tx: Connector) => Promise<T>, opts: QueryOptions = {}): Promise<T> {
    const signal = combineSignals(this.bound?.signal, opts.signal);
    if (this.bound) {
      // Nested: a savepoint on the same connection.
      const lease = this.bound.lease;
      const name = quoteIdent(`nf_sp_${++this.bound.savepoints}`, 'postgres');
      const run = (text: string) =>
        onAbort(
          signal,
          () => lease.kill(),
          () => lease.client.query(text),
        ).catch((e: unknown) => {
          throw this.pool.error(e);
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
        if (!lease.killed) await lease.client.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
        throw e;
      }
    }
    const lease = await this.pool.lease(signal);
    const kill = () => lease.kill();
    let broken = false;
    try {
      try {
        await onAbort(signal, kill, () => lease.client.query('BEGIN'));
      } catch (e) {
        throw signal?.aborted ? abortError(signal) : this.pool.error(e);
      }
      const tx = new PgConnector(this.pool, { lease, signal, savepoints: 0 });
      let result: T;
      try {
        result = await onAbort(signal, kill, () => fn(tx));
      } catch (e) {
        if (!lease.killed) {
          await lease.client.query('ROLLBACK').catch(() => {
            broken = true;
          });
        }
        throw signal?.aborted ? abortError(signal) : this.pool.error(e);
      }
      try {
        await onAbort(signal, kill, () => lease.client.query('COMMIT'));
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

/** The pooled connector `open()` returns. */
export class PgPooledConnector extends PgConnector {
  async close(): Promise<void> {
    await this.pool.close();
  }
}
