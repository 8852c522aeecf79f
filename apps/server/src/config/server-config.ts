import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

export type Role = 'api' | 'scheduler' | 'worker';
export const ROLES: readonly Role[] = ['api', 'scheduler', 'worker'];

export interface ServerConfig {
  port: number;
  host: string;
  /** Unset → embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  roles: ReadonlySet<Role>;
  /** Unique per process: names this process in runs.worker_id, fires.claimed_by and workers. */
  instanceId: string;
  pluginDirs: string[];
  /** The server's zone: the default `schedule.timezone` and the zone of the daily prune. */
  timezone: string;
  retentionDays: number;
  pruneCron: string;
  shutdownGraceMs: number;
  heartbeatMs: number;
  /** A worker whose heartbeat is older than this is dead; its runs are failed or re-queued. */
  staleAfterMs: number;
  /** Runs one worker process executes at once. */
  workerConcurrency: number;
  bodyLimit: string;
  /** Written to job_versions.saved_by until users exist. */
  defaultActor: string;
  /** Key material for sealing secrets; unset → `<dataDir>/secret.key`. */
  secretKey: string | undefined;
  /** Seed a demo job into an empty database. */
  seedDemo: boolean;
  /** The built console (`apps/web/dist/browser`), served at `/`; absent → API only. */
  webDir: string;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

export function parseRoles(raw: string | undefined): Set<Role> {
  if (raw === undefined || raw.trim() === '') return new Set(ROLES);
  const roles = new Set<Role>();
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(ROLES as readonly string[]).includes(part)) {
      throw new Error(`NOMAFLOW_ROLES: unknown role ${JSON.stringify(part)} (use ${ROLES.join(', ')})`);
    }
    roles.add(part as Role);
  }
  if (roles.size === 0) throw new Error('NOMAFLOW_ROLES names no role');
  return roles;
}

/** Every setting comes from the environment, with defaults that make `npm start` work on a fresh machine. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, repoRoot = process.cwd()): ServerConfig {
  return {
    port: int(env, 'PORT', 3000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(repoRoot, env.NOMAFLOW_DATA_DIR ?? 'data'),
    embeddedPgPort: int(env, 'NOMAFLOW_EMBEDDED_PG_PORT', 54329),
    roles: parseRoles(env.NOMAFLOW_ROLES),
    instanceId: env.NOMAFLOW_INSTANCE_ID ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    pluginDirs: (env.NOMAFLOW_PLUGIN_DIRS ?? resolve(repoRoot, 'plugins'))
      .split(':')
      .filter(Boolean)
      .map((d) => resolve(repoRoot, d)),
    timezone: env.NOMAFLOW_TIMEZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    retentionDays: int(env, 'NOMAFLOW_RETENTION_DAYS', 90),
    pruneCron: env.NOMAFLOW_PRUNE_CRON ?? '0 3 * * *',
    shutdownGraceMs: int(env, 'NOMAFLOW_SHUTDOWN_GRACE_MS', 30_000),
    heartbeatMs: int(env, 'NOMAFLOW_HEARTBEAT_MS', 5_000),
    staleAfterMs: int(env, 'NOMAFLOW_STALE_AFTER_MS', 20_000),
    workerConcurrency: Math.max(1, int(env, 'NOMAFLOW_WORKER_CONCURRENCY', 8)),
    bodyLimit: env.NOMAFLOW_BODY_LIMIT ?? '1mb',
    defaultActor: env.NOMAFLOW_ACTOR ?? 'admin',
    seedDemo: env.NOMAFLOW_SEED_DEMO !== 'false',
    secretKey: env.NOMAFLOW_SECRET_KEY || undefined,
    webDir: resolve(repoRoot, env.NOMAFLOW_WEB_DIR ?? 'apps/web/dist/browser'),
  };
}

export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
