import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

describe('health', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('GET /health answers without touching the database', async () => {
    const r = await server.api.get<{ status: string; roles: string[] }>('/health');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
    expect(r.body.roles.sort()).toEqual(['api', 'scheduler', 'worker']);
  });

  it('GET /health/ready reports database, migrations, notifications and scheduler', async () => {
    const r = await server.api.get<{ ready: boolean; checks: Record<string, { ok: boolean }> }>(
      '/health/ready',
    );
    expect(r.body.checks.database?.ok).toBe(true);
    expect(r.body.checks.migrations?.ok).toBe(true);
    expect(r.body.checks.notifications?.ok).toBe(true);
    expect(r.body.ready).toBe(true);
    expect(r.status).toBe(200);
  });

  it('an unknown endpoint is a 404 in the error shape', async () => {
    const r = await server.api.get('/api/nope');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ errors: [{ path: '', message: 'no such endpoint: GET /api/nope' }] });
  });
});
