import type { JSONSchemaObject } from './json-schema.js';

export type Row = Record<string, unknown>;

export interface TableRef {
  schema?: string;
  table: string;
}

export interface ColumnInfo {
  name: string;
  /** The driver's own type name (`integer`, `varchar`, `jsonb`, …). */
  dataType: string;
  nullable: boolean;
}

export interface QueryResult {
  rows: Row[];
  /** Rows returned by a read, affected by a write. */
  rowCount: number;
  fields: string[];
}

export interface QueryOptions {
  signal?: AbortSignal;
}

export interface StreamOptions extends QueryOptions {
  batchSize?: number;
}

/**
 * Rows in a driver's own bulk format (PostgreSQL: binary COPY tuples), handed from one connector to a
 * bulk writer of the same format without being decoded. Optional on both sides: a copy between two
 * connectors of the same driver with identical column types and no coercion may use it.
 */
export interface NativeRows {
  /** The format, e.g. `postgres/binary-copy`; a writer takes only its own `nativeFormat`. */
  format: string;
  /** The driver's type of each column, in order (PostgreSQL: type OIDs); checked by the writer. */
  columnTypes: readonly string[];
  /** How many rows `data` holds. */
  rows: number;
  data: Uint8Array;
}

/** Writes rows in bulk: COPY FROM STDIN for PostgreSQL, multi-row INSERT for MySQL. */
export interface BulkWriter {
  /** Rows as value arrays in the order of the writer's columns. */
  write(rows: readonly (readonly unknown[])[]): Promise<void>;
  /** The NativeRows format `writeNative` accepts, when the writer has one. */
  readonly nativeFormat?: string;
  /** Optional: writes rows already in the writer's native format (see Connector.streamNative). */
  writeNative?(batch: NativeRows): Promise<void>;
  /** Flushes and returns how many rows were written. */
  close(): Promise<{ rows: number }>;
  abort(reason?: unknown): Promise<void>;
}

export interface BulkWriterOptions extends QueryOptions {
  format?: 'binary' | 'text';
}

/** A named database connection, pooled and owned by the host. Params are bound, never interpolated. */
export interface Connector {
  readonly name: string;
  readonly driver: string;
  query(sql: string, params?: Record<string, unknown> | unknown[], opts?: QueryOptions): Promise<QueryResult>;
  stream(
    sql: string,
    params?: Record<string, unknown> | unknown[],
    opts?: StreamOptions,
  ): AsyncIterable<Row[]>;
  /**
   * Optional: streams rows in the driver's native bulk format (never decoded), for a bulk writer of
   * the same format. Only for statements without parameters; same batching and cancel as `stream`.
   */
  streamNative?(sql: string, opts?: StreamOptions): AsyncIterable<NativeRows>;
  columns(table: TableRef): Promise<ColumnInfo[]>;
  primaryKey(table: TableRef): Promise<string[]>;
  bulkWriter(table: TableRef, columns: readonly string[], opts?: BulkWriterOptions): Promise<BulkWriter>;
  /** Runs `fn` in one transaction on one connection; rolled back when `fn` throws or the signal aborts. */
  transaction<T>(fn: (tx: Connector) => Promise<T>, opts?: QueryOptions): Promise<T>;
}

/** How steps reach connectors: by name, through the host. */
export interface ConnectorProvider {
  get(name: string): Promise<Connector>;
}

/** A stored connector document (SPEC §3); the password never leaves the server. */
export interface ConnectorConfig {
  name: string;
  driver: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  url?: string;
  options?: { ssl?: boolean; pool_max?: number; [option: string]: unknown };
}

/** A database driver plugin: opens a pool for one connector configuration. */
export interface ConnectorDriver {
  readonly manifest: {
    driver: string;
    version: string;
    title: string;
    description: string;
    /** Schema of driver-specific `options`. */
    schema?: JSONSchemaObject;
  };
  open(config: ConnectorConfig): Promise<Connector & { close(): Promise<void> }>;
}
