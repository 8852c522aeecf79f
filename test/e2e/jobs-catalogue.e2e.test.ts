import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import type { JobDocument } from '@nomaflow/contracts';
import { FakeClock } from '@nomaflow/kernel/testing';
import { Database } from '../../apps/server/src/database/database.js';
import { Channels } from '../../apps/server/src/database/pg-listener.js';
import { RunQueueService } from '../../apps/server/src/queue/run-queue.service.js';
import { repoRoot, startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

interface Entry {
  id: string;
  version: number;
  updated_at: string;
  updated_by: string;
  last_run: Record<string, unknown> | null;
  next_fire: { at: string; local: string; note?: string } | null;
  running: { run_id: string; step_index: number; step_count: number; step: string | null } | null;
  degraded: string | null;
}

const NOW = new Date('2026-03-28T12:00:00Z');

const job = (id: string, extra: Partial<JobDocument> = {}): JobDocument => ({
  id,
  steps: [
    { name: 'a', type: 'noop' },
    { name: 'b', type: 'noop' },
    { name: 'c', type: 'noop' },
  ],
  ...extra,
});

// Starting a server (and a database) takes a few seconds when every e2e file starts one at once.
jest.setTimeout(30_000);

describe('jobs catalogue, step types and reload', () => {
  let server: TestServer;
  let pluginDir: string;
  const clock = new FakeClock(NOW);

  beforeAll(async () => {
    // A plugin that fails to load: its type is known, so jobs using it are degraded, not unknown.
    pluginDir = await mkdtemp(join(tmpdir(), 'nomaflow-broken-plugin-'));
    await writeFile(
      join(pluginDir, 'package.json'),
      JSON.stringify({
        name: 'broken-plugin',
        version: '1.0.0',
        type: 'module',
        main: 'missing.js',
        nomaflow: {
          kind: 'step-type',
          type: 'broken',
          title: 'Broken',
          description: 'never loads',
          schema: 'schema.json',
        },
      }),
    );
    await writeFile(join(pluginDir, 'schema.json'), JSON.stringify({ type: 'object' }));
    server = await startTestServer({
      clock,
      env: {
        NOMAFLOW_ROLES: 'api',
        NOMAFLOW_TIMEZONE: 'UTC',
        NOMAFLOW_PLUGIN_DIRS: `${join(repoRoot, 'plugins')}:${pluginDir}`,
      },
    });
    const docs = [
      job('paris-nightly', { tags: ['etl'], schedule: { cron: '30 2 * * *', timezone: 'Europe/Paris' } }),
      job('manual-only'),
      job('switched-off', { enabled: false, schedule: { cron: '* * * * *' } }),
      job('server-zone', { schedule: { cron: '0 6 * * *' }, concurrency: 'parallel' }),
      job('empty-cron', { schedule: { cron: '' } }),
    ];
    for (const doc of docs) expect((await server.api.post('/api/jobs', doc)).status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
    await rm(pluginDir, { recursive: true, force: true });
  });

  const catalogue = async (): Promise<Map<string, Entry>> => {
    const r = await server.api.get<Entry[]>('/api/jobs');
    expect(r.status).toBe(200);
    return new Map(r.body.map((e) => [e.id, e]));
  };

  it('lists every job sorted by id, as saved plus its bookkeeping', async () => {
    const r = await server.api.get<Entry[]>('/api/jobs');
    expect(r.body.map((e) => e.id)).toEqual([
      'empty-cron',
      'manual-only',
      'paris-nightly',
      'server-zone',
      'switched-off',
    ]);
    expect(r.body[2]).toEqual({
      ...job('paris-nightly', { tags: ['etl'], schedule: { cron: '30 2 * * *', timezone: 'Europe/Paris' } }),
      version: 1,
      updated_at: NOW.toISOString(),
      updated_by: 'admin',
      last_run: null,
      next_fire: {
        at: '2026-03-29T01:00:00.000Z',
        local: '2026-03-29T03:00:00+02:00',
        note: expect.stringContaining('DST') as unknown as string,
      },
      running: null,
      degraded: null,
    });
  });

  it('next_fire: null when manual-only, disabled or with an empty cron; the server zone by default', async () => {
    const jobs = await catalogue();
    expect(jobs.get('manual-only')?.next_fire).toBeNull();
    expect(jobs.get('switched-off')?.next_fire).toBeNull();
    expect(jobs.get('empty-cron')?.next_fire).toBeNull();
    expect(jobs.get('server-zone')?.next_fire).toEqual({
      at: '2026-03-29T06:00:00.000Z',
      local: '2026-03-29T06:00:00+00:00',
    });
  });

  it('last_run is the newest run of each job', async () => {
    const queue = server.app.get(RunQueueService);
    const doc = job('server-zone', { schedule: { cron: '0 6 * * *' }, concurrency: 'parallel' });
    const first = await queue.enqueue({ job: doc, triggeredBy: 'api' });
    await clock.advance(1000);
    const second = await queue.enqueue({ job: doc, triggeredBy: 'user:alice' });
    expect(first.status).toBe('queued');
    expect(second.status).toBe('queued');
    const jobs = await catalogue();
    expect(jobs.get('server-zone')?.last_run).toEqual({
      id: second.status === 'queued' ? second.runId : '',
      status: 'QUEUED',
      triggered_by: 'user:alice',
      created_at: new Date(NOW.getTime() + 1000).toISOString(),
      started_at: null,
      finished_at: null,
    });
    expect(jobs.get('manual-only')?.last_run).toBeNull();
  });

  it('running shows the step a RUNNING run is at', async () => {
    const queued = await server.app
      .get(RunQueueService)
      .enqueue({ job: job('manual-only'), triggeredBy: 'api' });
    const runId = queued.status === 'queued' ? queued.runId : '';
    const db = server.app.get(Database);
    await db.query(`UPDATE runs SET status = 'RUNNING', started_at = now() WHERE id = $1`, [runId]);
    await db.query(`UPDATE step_runs SET status = 'SUCCEEDED' WHERE run_id = $1 AND idx = 0`, [runId]);
    await db.query(`UPDATE step_runs SET status = 'RUNNING' WHERE run_id = $1 AND idx = 1`, [runId]);
    const jobs = await catalogue();
    expect(jobs.get('manual-only')?.running).toEqual({
      run_id: runId,
      step_index: 1,
      step_count: 3,
      step: 'b',
    });
    expect(jobs.get('manual-only')?.last_run).toMatchObject({ id: runId, status: 'RUNNING' });
    expect(jobs.get('paris-nightly')?.running).toBeNull();
  });

  it('degraded names a step whose type is not available, and why', async () => {
    // Saved while its plugin still loaded (the API refuses unknown types now).
    const db = server.app.get(Database);
    const stale = {
      id: 'stale',
      steps: [
        { name: 'ok', type: 'noop' },
        { name: 'boom', type: 'broken' },
      ],
    };
    await db.query(`INSERT INTO jobs (id, document, updated_by) VALUES ($1, $2, 'test')`, [
      stale.id,
      JSON.stringify(stale),
    ]);
    const gone = { id: 'uninstalled', steps: [{ name: 'old', type: 'retired_type' }] };
    await db.query(`INSERT INTO jobs (id, document, updated_by) VALUES ($1, $2, 'test')`, [
      gone.id,
      JSON.stringify(gone),
    ]);
    const jobs = await catalogue();
    expect(jobs.get('stale')?.degraded).toMatch(
      /^step boom: the plugin of step type broken failed to load: /,
    );
    expect(jobs.get('uninstalled')?.degraded).toBe('step old: step type retired_type is not installed');
    expect(jobs.get('paris-nightly')?.degraded).toBeNull();

    const refused = await server.api.post<{ errors: { path: string; message: string }[] }>(
      '/api/jobs',
      job('new-broken', { steps: [{ name: 'x', type: 'broken' }] }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]?.message).toMatch(
      /^unknown step type: broken \(its plugin failed to load: /,
    );
  });

  it('GET /api/step-types lists installed types and failed plugins', async () => {
    const r = await server.api.get<{
      step_types: Record<string, unknown>[];
      failed: Record<string, unknown>[];
    }>('/api/step-types');
    expect(r.status).toBe(200);
    expect(r.body.step_types.map((t) => t.type)).toEqual([
      'http',
      'ldap_sync',
      'noop',
      'python',
      'sql_copy',
      'sql_query',
    ]);
    expect(r.body.step_types.find((t) => t.type === 'noop')).toEqual({
      type: 'noop',
      version: '1.0.0',
      title: 'No-op',
      description: expect.any(String) as unknown as string,
      schema: expect.objectContaining({ type: 'object' }) as unknown as object,
      secrets: [],
      idempotent: true,
      source: '@nomaflow/plugin-noop',
      sandboxed: false,
    });
    expect(r.body.failed).toEqual([
      expect.objectContaining({ package: 'broken-plugin', type: 'broken', error: expect.any(String) }),
    ]);
  });

  it('POST /admin/reload counts the jobs and NOTIFYs every scheduler', async () => {
    const listener = new pg.Client({ connectionString: server.databaseUrl });
    await listener.connect();
    try {
      const payloads: string[] = [];
      listener.on('notification', (m) => {
        if (m.channel === Channels.jobsChanged) payloads.push(m.payload ?? '');
      });
      await listener.query(`LISTEN ${Channels.jobsChanged}`);
      const r = await server.api.post('/admin/reload');
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ jobs: 7, reloaded_at: clock.now().toISOString() });
      for (let i = 0; i < 50 && payloads.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
      expect(payloads).toEqual(['*']);
    } finally {
      await listener.end();
    }
  });
});
