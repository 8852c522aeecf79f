import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobDocument, Run, RunEvent } from '@nomaflow/contracts';
import { defineStepType, StepTypeRegistry } from '@nomaflow/kernel';
import { ReaperService } from '../../apps/server/src/queue/reaper.service.js';
import { RunQueueService } from '../../apps/server/src/queue/run-queue.service.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { putJob, sql } from '../support/jobs-table.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const unsafeType = defineStepType({
  manifest: {
    type: 'unsafe_write',
    version: '1.0.0',
    title: 'Unsafe write',
    description: 'a step that must not run twice',
    idempotent: false,
    schema: { type: 'object', properties: {} },
  },
  async execute() {
    return {};
  },
});

/** Pretends a worker named `ghost` claimed the run, started its first step, then died an hour ago. */
async function strandRun(runId: string): Promise<void> {
  await sql(
    db.url,
    `INSERT INTO workers (id, hostname, pid, roles, heartbeat_at) VALUES ('ghost', 'x', 1, '{worker}', now() - interval '1 hour') ON CONFLICT DO NOTHING`,
  );
  await sql(
    db.url,
    `UPDATE runs SET status = 'RUNNING', worker_id = 'ghost', started_at = now() WHERE id = $1`,
    [runId],
  );
  await sql(
    db.url,
    `UPDATE step_runs SET status = 'RUNNING', attempts = 1, started_at = now() WHERE run_id = $1 AND idx = 0`,
    [runId],
  );
}

describe('a run whose worker died (no worker role here, so nothing else touches it)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { NOMAFLOW_ROLES: 'api,scheduler' } });
    server.app.get(StepTypeRegistry).register(unsafeType);
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function queue(job: JobDocument): Promise<string> {
    await putJob(db.url, job);
    const result = await server.app.get(RunQueueService).enqueue({ job, triggeredBy: 'api' });
    if (result.status !== 'queued') throw new Error('not queued');
    return result.runId;
  }

  it('is FAILED `lost in restart` when a step type is not idempotent, with events continuing the seq', async () => {
    const runId = await queue({
      id: 'unsafe',
      steps: [
        { name: 'write', type: 'unsafe_write' },
        { name: 'then', type: 'noop' },
      ],
    });
    await strandRun(runId);
    const reaped = await server.app.get(ReaperService).reapNow();
    expect(reaped).toEqual({ failed: [runId], requeued: [] });
    const run = (await server.api.get<Run>(`/api/runs/${runId}`)).body;
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('lost in restart');
    expect(run.finished_at).not.toBeNull();
    expect(run.steps.map((s) => [s.status, s.reason, s.error])).toEqual([
      ['FAILED', null, 'lost in restart'],
      ['CANCELED', 'not reached: write failed', null],
    ]);
    const { events } = (await server.api.get<{ events: RunEvent[] }>(`/api/runs/${runId}/events`)).body;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual(['run:queued', 'log:line', 'step:finished', 'run:finished']);
    expect(await sql(db.url, `SELECT 1 FROM workers WHERE id = 'ghost'`)).toEqual([]);
    // A second reaper pass changes nothing.
    expect(await server.app.get(ReaperService).reapNow()).toEqual({ failed: [], requeued: [] });
  });

  it('is re-queued from the start when every step type is idempotent', async () => {
    const runId = await queue({
      id: 'safe',
      steps: [
        { name: 'a', type: 'noop' },
        { name: 'b', type: 'noop' },
      ],
    });
    await strandRun(runId);
    expect(await server.app.get(ReaperService).reapNow()).toEqual({ failed: [], requeued: [runId] });
    const run = (await server.api.get<Run>(`/api/runs/${runId}`)).body;
    expect(run.status).toBe('QUEUED');
    expect(run.steps.map((s) => s.status)).toEqual(['PENDING', 'PENDING']);
    const { events } = (await server.api.get<{ events: RunEvent[] }>(`/api/runs/${runId}/events`)).body;
    expect(events.map((e) => e.type)).toEqual(['run:queued', 'log:line', 'run:queued']);
  });

  it('gives up re-queueing a run that keeps losing its worker', async () => {
    const runId = await queue({ id: 'poison', steps: [{ name: 'a', type: 'noop' }] });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      await strandRun(runId);
      const r = await server.app.get(ReaperService).reapNow();
      outcomes.push(r.requeued.length ? 'requeued' : 'failed');
      if (r.failed.length) break;
    }
    expect(outcomes).toEqual(['requeued', 'requeued', 'requeued', 'failed']);
  });
});

describe('SIGTERM-style shutdown of a worker', () => {
  it('lets a short run finish within the grace period and cancels a long one after it', async () => {
    const server = await startTestServer({
      db,
      env: { NOMAFLOW_ROLES: 'api,worker', NOMAFLOW_SHUTDOWN_GRACE_MS: '1500' },
    });
    await putJob(db.url, { id: 'short', steps: [{ name: 'nap', type: 'noop', ms: 400 }] });
    await putJob(db.url, {
      id: 'endless',
      steps: [
        { name: 'sleep', type: 'noop', ms: 600_000 },
        { name: 'after', type: 'noop' },
      ],
    });
    const short = (await server.api.post<{ run_id: string }>('/api/jobs/short/runs')).body.run_id;
    const endless = (await server.api.post<{ run_id: string }>('/api/jobs/endless/runs')).body.run_id;
    await waitFor('both running', async () => {
      const rows = await sql<{ n: string }>(
        db.url,
        `SELECT count(*) AS n FROM step_runs WHERE run_id = ANY($1::uuid[]) AND idx = 0 AND status = 'RUNNING'`,
        [[short, endless]],
      );
      return Number(rows[0]?.n) === 2 ? true : undefined;
    });
    const t0 = Date.now();
    await server.close();
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(6000);
    const rows = await sql<{ id: string; status: string; error: string | null }>(
      db.url,
      'SELECT id, status, error FROM runs WHERE id = ANY($1::uuid[])',
      [[short, endless]],
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId[short]?.status).toBe('SUCCEEDED');
    expect(byId[endless]).toMatchObject({ status: 'CANCELED', error: 'cancelled by shutdown' });
    const steps = await sql<{ status: string; reason: string }>(
      db.url,
      'SELECT status, reason FROM step_runs WHERE run_id = $1 ORDER BY idx',
      [endless],
    );
    expect(steps).toEqual([
      { status: 'CANCELED', reason: 'cancelled by shutdown' },
      { status: 'CANCELED', reason: 'cancelled by shutdown' },
    ]);
    expect(await sql(db.url, 'SELECT 1 FROM workers WHERE id = $1', [server.config.instanceId])).toEqual([]);
  });
});

describe('a live worker that owns a run in the database without executing it', () => {
  it('fails it on its second heartbeat (a final write lost in a database crash)', async () => {
    const server = await startTestServer({
      db,
      env: { NOMAFLOW_ROLES: 'api,worker', NOMAFLOW_HEARTBEAT_MS: '200' },
    });
    try {
      await putJob(db.url, { id: 'orphan', steps: [{ name: 'a', type: 'noop' }] });
      const runId = (await server.api.post<{ run_id: string }>('/api/jobs/orphan/runs')).body.run_id;
      await waitFor('run to succeed', async () => {
        const [row] = await sql<{ status: string }>(db.url, 'SELECT status FROM runs WHERE id = $1', [runId]);
        return row?.status === 'SUCCEEDED' ? true : undefined;
      });
      // As if the SUCCEEDED write had never reached the disk.
      await sql(db.url, `UPDATE runs SET status = 'RUNNING', finished_at = NULL WHERE id = $1`, [runId]);
      const settled = await waitFor('the orphan to be failed', async () => {
        const [row] = await sql<{ status: string; error: string }>(
          db.url,
          'SELECT status, error FROM runs WHERE id = $1',
          [runId],
        );
        return row?.status === 'FAILED' ? row : undefined;
      });
      expect(settled.error).toBe('lost in restart');
    } finally {
      await server.close();
    }
  });
});
