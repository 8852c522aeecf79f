import { DataSource } from 'typeorm';
import { migrations } from './migrations/index.js';

/** The one TypeORM data source of a process; schema changes only through migrations. */
export function createDataSource(
  url: string,
  options: { poolMax?: number; applicationName?: string } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    applicationName: options.applicationName ?? 'nomaflow',
    extra: {
      max: options.poolMax ?? 20,
      // A dead database must fail requests quickly (readiness goes red) instead of hanging them.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    },
  });
}

const MIGRATION_LOCK = 727_165_001;

/** Applies pending migrations once, even when several servers start together. */
export async function runMigrations(ds: DataSource): Promise<number> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await ds.runMigrations({ transaction: 'all' });
    return applied.length;
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
