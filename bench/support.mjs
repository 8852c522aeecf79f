// Shared by the benchmarks: a throwaway database and a started server, both cleaned up.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN_URL = process.env.NOMAFLOW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function withDatabase(fn) {
  const name = `nomaflow_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
}

export async function startBenchServer(databaseUrl, env = {}) {
  const { startServer } = await import(join(root, 'apps/server/dist/bootstrap.js'));
  const { loadConfig } = await import(join(root, 'apps/server/dist/config/server-config.js'));
  const config = loadConfig(
    { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, NOMAFLOW_SEED_DEMO: 'false', ...env },
    root,
  );
  return startServer(config, { logger: ['error'] });
}

export async function query(url, text, values = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, values)).rows;
  } finally {
    await c.end();
  }
}

export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

export const verdict = (value, target, lowerIsBetter = true) =>
  (lowerIsBetter ? value <= target : value >= target) ? 'meets target' : 'MISSES target';
