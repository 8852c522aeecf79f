import pg from 'pg';
import type { JobDocument } from '@nomaflow/contracts';

/** Writes a job straight into the jobs table (for tests of runs that do not go through the jobs API). */
export async function putJob(databaseUrl: string, job: JobDocument): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO jobs (id, document, updated_by) VALUES ($1, $2, 'test')
       ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document, version = jobs.version + 1, updated_at = now()`,
      [job.id, JSON.stringify(job)],
    );
  } finally {
    await client.end();
  }
}

export async function sql<T = Record<string, unknown>>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}
