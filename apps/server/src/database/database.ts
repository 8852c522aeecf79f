import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** SQL access for the services: plain parameterised queries and transactions over TypeORM's pool. */
@Injectable()
export class Database implements Queryable {
  constructor(readonly dataSource: DataSource) {}

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.dataSource.query(sql, params)) as T[];
  }

  async transaction<T>(fn: (tx: Queryable, manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const tx: Queryable = {
        query: async <R>(sql: string, params: unknown[] = []) => (await manager.query(sql, params)) as R[],
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
