import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { putJob, sql } from '../support/jobs-table.js';
import { startServerProcess } from '../support/server-process.js';
import type { ServerProcess } from '../support/server-process.js';
import { apiClient } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

/**
 * Three real server processes (the built `npm start` entry point) on one database: a job firing
 * every second for over 60 s runs exactly once per tick with no gap; then one process is killed
 * with SIGKILL mid-run and its run is settled within 30 s while the other two keep firing.
 */
let db: TestDatabase;
const procs: ServerProcess[] = [];

function startProcess(name: string): Promise<ServerProcess> {
  return startServerProcess(name, {
    DATABASE_URL: db.url,
    NOMAFLOW_INSTANCE_ID: name,
    NOMAFLOW_SEED_DEMO: 'false',
    NOMAFLOW_TIMEZONE: 'UTC',
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  // The first process applies the migrations; the others then start together.
  procs.push(await startProcess('p1'));
  procs.push(...(await Promise.all([startProcess('p2'), startProcess('p3')])));
}, 60_000);

afterAll(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  await db?.drop();
});

interface FireRow {
  at: string;
  outcome: string;
  runs: string;
}

async function firesOf(jobId: string): Promise<FireRow[]> {
  return sql<FireRow>(
    db.url,
    `SELECT extract(epoch FROM f.scheduled_for)::bigint::text AS at, f.outcome,
            (SELECT count(*) FROM runs r WHERE r.job_id = f.job_id AND r.scheduled_for = f.scheduled_for)::text AS runs
     FROM fires f WHERE f.job_id = $1 ORDER BY f.scheduled_for`,
    [jobId],
  );
}

function expectOneRunPerTick(fires: FireRow[]): void {
  const seconds = fires.map((f) => Number(f.at));
  for (let i = 1; i < seconds.length; i++) expect(seconds[i]! - seconds[i - 1]!).toBe(1);
  expect(fires.filter((f) => f.outcome !== 'queued')).toEqual([]);
  expect(fires.filter((f) => f.runs !== '1')).toEqual([]);
}

describe('three server processes on one database', () => {
  it('fire a job every second for 62 s: exactly one run per tick, no gap; survive a SIGKILL', async () => {
    await putJob(db.url, {
      id: 'tick',
      concurrency: 'parallel',
      schedule: { cron: '* * * * * *', timezone: 'UTC' },
      steps: [{ name: 'beat', type: 'noop' }],
    });
    await sql(db.url, `SELECT pg_notify('nomaflow_jobs_changed', '*')`);
    await new Promise((r) => setTimeout(r, 62_000));

    const fires = await firesOf('tick');
    expect(fires.length).toBeGreaterThanOrEqual(60);
    expectOneRunPerTick(fires);
    const claimedBy = await sql<{ claimed_by: string }>(
      db.url,
      `SELECT DISTINCT claimed_by FROM fires WHERE job_id = 'tick'`,
    );
    expect(claimedBy.length).toBeGreaterThanOrEqual(1);
    const unfinished = await sql(
      db.url,
      `SELECT id FROM runs WHERE job_id = 'tick' AND status <> 'SUCCEEDED' AND created_at < now() - interval '5 seconds'`,
    );
    expect(unfinished).toEqual([]);

    // Cancel through a process that does not own the run: the owner hears it by NOTIFY.
    await putJob(db.url, {
      id: 'cancel-me',
      concurrency: 'parallel',
      steps: [{ name: 'nap', type: 'noop', ms: 60_000 }],
    });
    const toCancel = (await apiClient(procs[0]!.url).post<{ run_id: string }>('/api/jobs/cancel-me/runs', {}))
      .body.run_id;
    const cancelOwner = await waitFor('the run to be running', async () => {
      const [row] = await sql<{ worker_id: string | null; status: string }>(
        db.url,
        'SELECT worker_id, status FROM runs WHERE id = $1',
        [toCancel],
      );
      return row?.status === 'RUNNING' && row.worker_id ? row.worker_id : undefined;
    });
    const other = procs.find((p) => p.name !== cancelOwner)!;
    const cancelledAt = Date.now();
    expect((await apiClient(other.url).post(`/api/runs/${toCancel}/cancel`)).status).toBe(202);
    const cancelled = await waitFor('the cancel to land', async () => {
      const [row] = await sql<{ status: string; error: string }>(
        db.url,
        'SELECT status, error FROM runs WHERE id = $1',
        [toCancel],
      );
      return row?.status === 'CANCELED' ? row : undefined;
    });
    expect(cancelled.error).toBe('cancelled by admin');
    expect(Date.now() - cancelledAt).toBeLessThan(3_000);

    // A long run on some process; kill that process with SIGKILL while the run is in its step.
    await putJob(db.url, {
      id: 'slow',
      concurrency: 'parallel',
      steps: [{ name: 'nap', type: 'noop', ms: 40_000 }],
    });
    const trigger = await apiClient(procs[0]!.url).post<{ run_id: string }>('/api/jobs/slow/runs', {});
    expect(trigger.status).toBe(202);
    const runId = trigger.body.run_id;
    const owner = await waitFor('the slow run to be running', async () => {
      const [row] = await sql<{ worker_id: string | null; status: string }>(
        db.url,
        'SELECT worker_id, status FROM runs WHERE id = $1',
        [runId],
      );
      return row?.status === 'RUNNING' && row.worker_id ? row.worker_id : undefined;
    });
    const victim = procs.find((p) => p.name === owner)!;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');

    const settled = await waitFor(
      'the lost run to be settled',
      async () => {
        const [row] = await sql<{ status: string; worker_id: string | null; error: string | null }>(
          db.url,
          'SELECT status, worker_id, error FROM runs WHERE id = $1',
          [runId],
        );
        if (!row) return undefined;
        if (row.status === 'FAILED' && row.error === 'lost in restart') return 'failed';
        if (row.worker_id !== owner) return 'requeued';
        return undefined;
      },
      35_000,
      250,
    );
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThanOrEqual(30_000);
    const lines = await sql<{ message: string }>(
      db.url,
      `SELECT message FROM run_events WHERE run_id = $1 AND type = 'log:line'`,
      [runId],
    );
    expect(lines.some((l) => l.message.includes(`worker ${owner} stopped heart-beating`))).toBe(true);
    expect(['failed', 'requeued']).toContain(settled);

    // The two survivors kept firing through the kill and after it.
    await new Promise((r) => setTimeout(r, 3_000));
    const after = await firesOf('tick');
    expect(after.length).toBeGreaterThan(fires.length + (tookMs + 3_000) / 1000 - 3);
    expectOneRunPerTick(after);
  }, 180_000);
});
