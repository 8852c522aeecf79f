import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource } from 'typeorm';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * SQL access for the services: parameterised queries and transactions on the pool of TypeORM's
 * data source. TypeORM owns the connection settings and the migrations; the hot paths (queueing,
 * claiming, step rows, event batches) talk to the pg pool directly, which costs a fraction of a
 * TypeORM query runner per statement — the dispatch benchmark counts every round trip.
 */
@Injectable()
export class Database implements Queryable {
  constructor(readonly dataSource: DataSource) {}

  private get pool(): pg.Pool {
    return (this.dataSource.driver as unknown as { master: pg.Pool }).master;
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  /**
   * A named prepared statement: parsed and planned once per connection, for the statements the
   * worker runs on every step transition.
   */
  async prepared<T = Record<string, unknown>>(name: string, sql: string, params: unknown[]): Promise<T[]> {
    return (await this.pool.query({ name, text: sql, values: params })).rows as T[];
  }

  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await client.query(sql, params)).rows as R[],
      };
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed: do not return it to the pool
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** NOTIFY; the payload reaches every process LISTENing on the channel (at commit, inside a transaction). */
  async notify(channel: string, payload: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async pendingMigrations(): Promise<boolean> {
    return this.dataSource.showMigrations();
  }
}
