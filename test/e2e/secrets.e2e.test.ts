import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StepFailedError } from '@nomaflow/contracts';
import type { JobDocument, LogLine, Run } from '@nomaflow/contracts';
import { defineStepType, StepTypeRegistry } from '@nomaflow/kernel';
import { sql } from '../support/jobs-table.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

/** Secret step fields: sealed at rest, `********` in every API answer, opened only for the step, masked in logs. */
const SECRET = 'hunter2-correct-horse';
const HEADER_SECRET = 'Bearer tok-9f8e7d';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const login = defineStepType({
  manifest: {
    type: 'login_probe',
    version: '1.0.0',
    title: 'Login probe',
    description: 'checks it received the secret, and (carelessly) logs it',
    secrets: ['/password', '/secret_headers'],
    schema: {
      type: 'object',
      required: ['user', 'password'],
      properties: {
        user: { type: 'string' },
        password: { type: 'string', 'x-ui': { widget: 'secret' } },
        secret_headers: { type: 'object', additionalProperties: { type: 'string' } },
        expect_sha256: { type: 'string' },
      },
    },
  },
  async execute(ctx, config) {
    ctx.log.info(`logging in as ${config.user} with ${config.password}`);
    if (config.expect_sha256 !== undefined && sha256(config.password) !== config.expect_sha256) {
      throw new StepFailedError(`wrong password ${config.password}`);
    }
    return {
      user: config.user,
      echoed: config.password,
      header: config.secret_headers?.authorization ?? null,
    };
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  server.app.get(StepTypeRegistry).register(login);
});
afterAll(async () => {
  await server?.stop();
});

const job = (password: string, extra: Record<string, unknown> = {}): JobDocument => ({
  id: 'with-secret',
  steps: [
    {
      name: 'login',
      type: 'login_probe',
      user: 'etl',
      password,
      secret_headers: { authorization: HEADER_SECRET },
      expect_sha256: sha256(SECRET),
      ...extra,
    },
  ],
});

async function everythingStored(): Promise<string> {
  const rows = await sql<{ dump: string }>(
    server.db.url,
    `SELECT (SELECT coalesce(string_agg(t::text, ' '), '') FROM jobs t) || (SELECT coalesce(string_agg(t::text, ' '), '') FROM job_versions t)
         || (SELECT coalesce(string_agg(t::text, ' '), '') FROM runs t) || (SELECT coalesce(string_agg(t::text, ' '), '') FROM step_runs t)
         || (SELECT coalesce(string_agg(t::text, ' '), '') FROM run_events t) AS dump`,
  );
  return rows[0]?.dump ?? '';
}

describe('secret step fields', () => {
  it('are sealed at rest and shown as ******** by the API', async () => {
    const created = await server.api.post<JobDocument>('/api/jobs', job(SECRET));
    expect(created.status).toBe(201);
    expect(created.body.steps[0]).toMatchObject({
      password: '********',
      secret_headers: { authorization: '********' },
    });
    expect(JSON.stringify((await server.api.get('/api/jobs/with-secret')).body)).not.toContain(SECRET);
    expect(JSON.stringify((await server.api.get('/api/jobs')).body)).not.toContain(SECRET);
    expect(JSON.stringify((await server.api.get('/api/export')).body)).not.toContain(SECRET);
    expect(JSON.stringify((await server.api.get('/api/jobs/with-secret/versions')).body)).not.toContain(
      SECRET,
    );
    const stored = await everythingStored();
    expect(stored).toContain('nomaflow:sealed:v1:');
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(HEADER_SECRET);
  });

  it('reach the step in clear, and never its logs, outputs, events or the run snapshot', async () => {
    const runId = (await server.api.post<{ run_id: string }>('/api/jobs/with-secret/runs', {})).body.run_id;
    const run = await waitFor('the run', async () => {
      const r = (await server.api.get<Run>(`/api/runs/${runId}?include=snapshot`)).body;
      return ['SUCCEEDED', 'FAILED'].includes(r.status) ? r : undefined;
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps[0]?.output).toEqual({ user: 'etl', echoed: '***', header: '***' });
    expect(run.job?.steps[0]?.password).toBe('********');
    const lines = (await server.api.get<{ lines: LogLine[] }>(`/api/runs/${runId}/logs`)).body.lines;
    expect(lines.map((l) => l.message)).toContain('logging in as etl with ***');
    const events = JSON.stringify((await server.api.get(`/api/runs/${runId}/events`)).body);
    expect(events).not.toContain(SECRET);
    const stored = await everythingStored();
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(HEADER_SECRET);
  });

  it('are kept when ******** is sent back, replaced when a new value is sent', async () => {
    const keep = await server.api.put<JobDocument>(
      '/api/jobs/with-secret',
      job('********', { user: 'etl2' }),
    );
    expect(keep.status).toBe(200);
    const kept = (await server.api.post<{ run_id: string }>('/api/jobs/with-secret/runs', {})).body.run_id;
    const keptRun = await waitFor('run', async () => {
      const r = (await server.api.get<Run>(`/api/runs/${kept}`)).body;
      return ['SUCCEEDED', 'FAILED'].includes(r.status) ? r : undefined;
    });
    expect(keptRun.status).toBe('SUCCEEDED');

    const changed = await server.api.put(
      '/api/jobs/with-secret',
      job('a-new-secret', { expect_sha256: sha256('a-new-secret') }),
    );
    expect(changed.status).toBe(200);
    const next = (await server.api.post<{ run_id: string }>('/api/jobs/with-secret/runs', {})).body.run_id;
    const nextRun = await waitFor('run', async () => {
      const r = (await server.api.get<Run>(`/api/runs/${next}`)).body;
      return ['SUCCEEDED', 'FAILED'].includes(r.status) ? r : undefined;
    });
    expect(nextRun.status).toBe('SUCCEEDED');
    expect(await everythingStored()).not.toContain('a-new-secret');
  });

  it('must be entered again where there is nothing to keep', async () => {
    const r = await server.api.post<{ errors: { path: string; message: string }[] }>('/api/jobs', {
      ...job('********'),
      id: 'no-secret-yet',
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toContainEqual({
      path: '/steps/0/password',
      message: 'step login: enter the secret again',
    });
    const imported = await server.api.post<{ errors: { path: string }[] }>('/api/import', {
      version: 1,
      jobs: [{ ...job('********'), id: 'imported-without-secret' }],
    });
    expect(imported.status).toBe(400);
    expect(imported.body.errors.map((e) => e.path)).toContain('/jobs/0/steps/0/password');
  });
});
