import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { Queryable } from '../database/database.js';

export interface ConnectorRow {
  name: string;
  driver: string;
  host: string | null;
  port: number | null;
  database: string | null;
  user: string | null;
  password_sealed: string | null;
  url_sealed: string | null;
  options: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  updated_by: string;
}

export type ConnectorWrite = Omit<ConnectorRow, 'created_at' | 'updated_at'>;

@Injectable()
export class ConnectorsRepository {
  constructor(private readonly db: Database) {}

  list(): Promise<ConnectorRow[]> {
    return this.db.query<ConnectorRow>('SELECT * FROM connectors ORDER BY name');
  }

  async find(name: string, tx: Queryable = this.db): Promise<ConnectorRow | undefined> {
    const [row] = await tx.query<ConnectorRow>('SELECT * FROM connectors WHERE name = $1', [name]);
    return row;
  }

  /** false when the name is taken. */
  async insert(c: ConnectorWrite): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO connectors (name, driver, host, port, database, "user", password_sealed, url_sealed, options, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (name) DO NOTHING RETURNING name`,
      columnValues(c),
    );
    return rows.length > 0;
  }

  async update(tx: Queryable, c: ConnectorWrite): Promise<void> {
    await tx.query(
      `UPDATE connectors SET driver = $2, host = $3, port = $4, database = $5, "user" = $6, password_sealed = $7,
              url_sealed = $8, options = $9, updated_by = $10, updated_at = now()
       WHERE name = $1`,
      columnValues(c),
    );
  }

  async delete(name: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM connectors WHERE name = $1 RETURNING name', [name])).length > 0;
  }
}

/** $1…$10 of both writes, in column order. */
function columnValues(c: ConnectorWrite): unknown[] {
  return [
    c.name,
    c.driver,
    c.host,
    c.port,
    c.database,
    c.user,
    c.password_sealed,
    c.url_sealed,
    JSON.stringify(c.options),
    c.updated_by,
  ];
}
