import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Run } from '@nomaflow/contracts';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import type { TcpProxy } from '../support/tcp-proxy.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

/** The database goes away under a running server: readiness fails, requests get 503, and it all comes back. */
let db: TestDatabase;
let proxy: TcpProxy;
let server: TestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await startTcpProxy(Number(new URL(db.url).port || 5432));
  const viaProxy = new URL(db.url);
  viaProxy.port = String(proxy.port);
  server = await startTestServer({
    db: { ...db, url: viaProxy.toString() },
    env: { NOMAFLOW_HEARTBEAT_MS: '500' },
  });
});
afterAll(async () => {
  await proxy?.up().catch(() => undefined);
  await server?.close();
  await proxy?.close();
  await db?.drop();
});

describe('a database outage', () => {
  it('turns readiness red and API calls into 503, then recovers by itself', async () => {
    expect((await server.api.get('/health/ready')).status).toBe(200);
    await proxy.down();

    const notReady = await waitFor('readiness to fail', async () => {
      const r = await server.api.get<{ checks: Record<string, { ok: boolean }> }>('/health/ready');
      return r.status === 503 ? r.body : undefined;
    });
    expect(notReady.checks.database?.ok).toBe(false);
    expect((await server.api.get('/health')).status).toBe(200);
    const during = await server.api.get('/api/jobs');
    expect(during.status).toBe(503);
    expect(during.body).toEqual({
      errors: [{ path: '', message: 'database unavailable; try again shortly' }],
    });

    await proxy.up();
    await waitFor(
      'readiness to return',
      async () => ((await server.api.get('/health/ready')).status === 200 ? true : undefined),
      20_000,
      200,
    );

    const created = await server.api.post('/api/jobs', {
      id: 'after-outage',
      steps: [{ name: 'a', type: 'noop' }],
    });
    expect(created.status).toBe(201);
    const runId = (await server.api.post<{ run_id: string }>('/api/jobs/after-outage/runs', {})).body.run_id;
    const run = await waitFor('the run after the outage', async () => {
      const r = await server.api.get<Run>(`/api/runs/${runId}`);
      return r.body.status === 'SUCCEEDED' ? r.body : undefined;
    });
    expect(run.steps[0]?.status).toBe('SUCCEEDED');
  });
});
