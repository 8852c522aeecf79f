import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Named database connections (passwords sealed with the server's secret key) and server settings. */
export class ConnectorsAndSettings1764493200000 implements MigrationInterface {
  name = 'ConnectorsAndSettings1764493200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connectors (
        name             text PRIMARY KEY,
        driver           text NOT NULL,
        host             text,
        port             integer,
        database         text,
        "user"           text,
        password_sealed  text,
        url_sealed       text,
        options          jsonb NOT NULL DEFAULT '{}',
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        updated_by       text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE settings (
        key         text PRIMARY KEY,
        value       jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS settings');
    await q.query('DROP TABLE IF EXISTS connectors');
  }
}
