import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '@nomaflow/kernel';
import { startServer } from '../../apps/server/src/bootstrap.js';
import type { RunningServer } from '../../apps/server/src/bootstrap.js';
import { loadConfig } from '../../apps/server/src/config/server-config.js';
import { createTestDatabase } from './test-database.js';
import type { TestDatabase } from './test-database.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Api {
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  get<T = unknown>(path: string): Promise<ApiResponse<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  put<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  delete<T = unknown>(path: string): Promise<ApiResponse<T>>;
  /** Sends `raw` as the body as-is (malformed JSON, huge bodies). */
  raw<T = unknown>(method: string, path: string, raw: string, contentType?: string): Promise<ApiResponse<T>>;
}

export interface TestServer extends RunningServer {
  db: TestDatabase;
  api: Api;
  /** Closes the server and drops its database. */
  stop(): Promise<void>;
}

export function apiClient(baseUrl: string): Api {
  const send = async <T>(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ) => {
    const res = await fetch(`${baseUrl}${path}`, { method, body, headers });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  const json = { 'content-type': 'application/json' };
  return {
    request: (method, path, body, headers = {}) =>
      send(method, path, body === undefined ? undefined : JSON.stringify(body), { ...json, ...headers }),
    get: (path) => send('GET', path, undefined, {}),
    post: (path, body) => send('POST', path, body === undefined ? undefined : JSON.stringify(body), json),
    put: (path, body) => send('PUT', path, body === undefined ? undefined : JSON.stringify(body), json),
    delete: (path) => send('DELETE', path, undefined, {}),
    raw: (method, path, raw, contentType = 'application/json') =>
      send(method, path, raw, { 'content-type': contentType }),
  };
}

/**
 * A server in this process on a random port with its own fresh database.
 * `env` overrides settings (NOMAFLOW_ROLES, NOMAFLOW_HEARTBEAT_MS, …); set NOMAFLOW_TEST_LOG=1 to see its logs.
 */
export async function startTestServer(
  options: { env?: Record<string, string>; clock?: Clock; db?: TestDatabase } = {},
): Promise<TestServer> {
  const db = options.db ?? (await createTestDatabase());
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      NOMAFLOW_SEED_DEMO: 'false',
      NOMAFLOW_PLUGIN_DIRS: join(repoRoot, 'plugins'),
      NOMAFLOW_SHUTDOWN_GRACE_MS: '2000',
      NOMAFLOW_SECRET_KEY: 'nomaflow test secret key, not for production',
      // A console built elsewhere (browser tests of a work-in-progress build).
      ...(process.env.NOMAFLOW_WEB_DIR ? { NOMAFLOW_WEB_DIR: process.env.NOMAFLOW_WEB_DIR } : {}),
      ...options.env,
    },
    repoRoot,
  );
  const server = await startServer(config, {
    logger: process.env.NOMAFLOW_TEST_LOG ? ['log', 'error', 'warn'] : ['error'],
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const ownsDb = options.db === undefined;
  return {
    ...server,
    db,
    api: apiClient(server.url),
    async stop() {
      await server.close();
      if (ownsDb) await db.drop();
    },
  };
}
