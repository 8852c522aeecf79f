import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { JobDocument } from '@nomaflow/contracts';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

const seeding = { NOMAFLOW_SEED_DEMO: 'true', NOMAFLOW_ROLES: 'api' };

// Starting a server (and a database) takes a few seconds when every e2e file starts one at once.
jest.setTimeout(30_000);

describe('demo seed', () => {
  let db: TestDatabase;
  let server: TestServer | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const restart = async (env: Record<string, string>): Promise<TestServer> => {
    await server?.stop();
    server = await startTestServer({ db, env });
    return server;
  };
  const ids = async (s: TestServer): Promise<string[]> =>
    (await s.api.get<{ id: string }[]>('/api/jobs')).body.map((j) => j.id);

  it('a first start seeds demo-hello once: manual-only noop steps that show the product', async () => {
    const s = await restart(seeding);
    expect(await ids(s)).toEqual(['demo-hello']);
    const demo = (await s.api.get<JobDocument>('/api/jobs/demo-hello')).body;
    expect(demo.schedule).toBeUndefined();
    expect(demo.params).toEqual({ greeting: 'hello' });
    expect(demo.description).toMatch(/Run/);
    expect(demo.steps.every((step) => step.type === 'noop')).toBe(true);
    expect(demo.steps.some((step) => String(step.message).includes('${kw:greeting}'))).toBe(true);
    expect(demo.steps.some((step) => step.ms === 1500 && step.op_kwargs !== undefined)).toBe(true);
    expect(demo.steps.some((step) => step.enabled === false && step.fail === true)).toBe(true);
    expect((await s.api.post('/api/jobs/validate', demo)).status).toBe(200);
    const versions = await s.api.get<{ action: string; saved_by: string }[]>('/api/jobs/demo-hello/versions');
    expect(versions.body).toEqual([expect.objectContaining({ action: 'created', saved_by: 'admin' })]);
  });

  it('a restart does not seed again', async () => {
    const s = await restart(seeding);
    expect(await ids(s)).toEqual(['demo-hello']);
  });

  it('nor after the operator deleted every job', async () => {
    expect((await server!.api.delete('/api/jobs/demo-hello')).status).toBe(204);
    const s = await restart(seeding);
    expect(await ids(s)).toEqual([]);
  });

  it('is off when NOMAFLOW_SEED_DEMO=false', async () => {
    const s = await startTestServer({ env: { NOMAFLOW_ROLES: 'api' } });
    try {
      expect(await ids(s)).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});
