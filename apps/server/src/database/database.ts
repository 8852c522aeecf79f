import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager, QueryRunner } from 'typeorm';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** SQL access for the services: plain parameterised queries and transactions over TypeORM's pool. */
@Injectable()
export class Database implements Queryable {
  constructor(readonly dataSource: DataSource) {}

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await rowsOf<T>(runner, sql, params);
    } finally {
      await runner.release();
    }
  }

  async transaction<T>(fn: (tx: Queryable, manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const runner = manager.queryRunner as QueryRunner;
      const tx: Queryable = {
        query: <R>(sql: string, params: unknown[] = []) => rowsOf<R>(runner, sql, params),
      };
      return fn(tx, manager);
    });
  }

  /** NOTIFY through the pool; the payload is delivered to every process LISTENing on the channel. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async ping(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async pendingMigrations(): Promise<boolean> {
    return this.dataSource.showMigrations();
  }
}

/** Rows of any statement: TypeORM's plain query() returns [rows, count] for UPDATE/DELETE … RETURNING. */
async function rowsOf<T>(runner: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  const result = await runner.query(sql, params, true);
  return (result.records ?? []) as T[];
}
