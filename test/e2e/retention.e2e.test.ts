/**
 * History retention: runs finished more than NOMAFLOW_RETENTION_DAYS ago are pruned with their events
 * and step rows, runs that have not finished never are, and the daily prune runs once per day across
 * processes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeClock } from '@nomaflow/kernel/testing';
import { RETENTION_FIRE_ID } from '../../apps/server/src/retention/retention-claim.repository.js';
import { RetentionService } from '../../apps/server/src/retention/retention.service.js';
import { sql } from '../support/jobs-table.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

const DAY = 86_400_000;
const ENV = {
  NOMAFLOW_ROLES: 'api,scheduler',
  NOMAFLOW_TIMEZONE: 'UTC',
  NOMAFLOW_RETENTION_DAYS: '90',
  // The reaper (real-time interval) would fail the RUNNING rows below: keep it out of the way.
  NOMAFLOW_HEARTBEAT_MS: '3600000',
};

interface RunSpec {
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';
  finishedDaysAgo: number | null;
  events: number;
  steps: number;
}

describe('retention', () => {
  const clock = new FakeClock(new Date('2026-06-01T02:59:00Z'));
  const daysAgo = (d: number): string => new Date(clock.now().getTime() - d * DAY).toISOString();
  let db: TestDatabase;
  const servers: TestServer[] = [];
  let retention: RetentionService;

  async function insertRun(spec: RunSpec): Promise<string> {
    const id = randomUUID();
    const finished = spec.finishedDaysAgo === null ? null : daysAgo(spec.finishedDaysAgo);
    await sql(
      db.url,
      `INSERT INTO runs (id, job_id, status, triggered_by, created_at, started_at, finished_at, log_level, job_snapshot)
       VALUES ($1, 'old-job', $2, 'cron', $3, $3, $4, 'INFO', '{}')`,
      [id, spec.status, daysAgo(120), finished],
    );
    await sql(
      db.url,
      `INSERT INTO run_events (run_id, seq, type, at, message)
       SELECT $1, s, 'log:line', $2, 'line ' || s FROM generate_series(1, $3::int) AS s`,
      [id, daysAgo(120), spec.events],
    );
    await sql(
      db.url,
      `INSERT INTO step_runs (run_id, idx, name, type, status)
       SELECT $1, s, 'step-' || s, 'noop', 'SUCCEEDED' FROM generate_series(0, $2::int - 1) AS s`,
      [id, spec.steps],
    );
    return id;
  }

  async function count(table: string, runId: string): Promise<number> {
    const column = table === 'runs' ? 'id' : 'run_id';
    const rows = await sql<{ n: string }>(db.url, `SELECT count(*) AS n FROM ${table} WHERE ${column} = $1`, [
      runId,
    ]);
    return Number(rows[0]?.n);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    servers.push(await startTestServer({ db, clock, env: ENV }));
    retention = servers[0]!.app.get(RetentionService);
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await db?.drop();
  });

  it('pruneNow deletes finished runs older than the cutoff with their events and steps, nothing else', async () => {
    const oldOk = await insertRun({ status: 'SUCCEEDED', finishedDaysAgo: 100, events: 25_000, steps: 3 });
    const oldFailed = await insertRun({ status: 'FAILED', finishedDaysAgo: 91, events: 10, steps: 2 });
    const oldCanceled = await insertRun({ status: 'CANCELED', finishedDaysAgo: 95, events: 0, steps: 0 });
    const stillRunning = await insertRun({ status: 'RUNNING', finishedDaysAgo: null, events: 5, steps: 1 });
    const stillQueued = await insertRun({ status: 'QUEUED', finishedDaysAgo: null, events: 1, steps: 1 });
    // A RUNNING row with a finish time (inconsistent, but possible mid-update) is not finished.
    const oddRunning = await insertRun({ status: 'RUNNING', finishedDaysAgo: 100, events: 2, steps: 1 });
    const recent = await insertRun({ status: 'SUCCEEDED', finishedDaysAgo: 89, events: 7, steps: 2 });
    await sql(
      db.url,
      `INSERT INTO fires (job_id, scheduled_for, outcome, claimed_by) VALUES
         ('a', $1, 'queued', 't'), ('a', $2, 'queued', 't'), ('b', $1, 'queued', 't'), ('b', $3, 'queued', 't')`,
      [daysAgo(100), daysAgo(95), daysAgo(1)],
    );

    const counts = await retention.pruneNow(clock.now());

    expect(counts).toEqual({
      cutoff: new Date(clock.now().getTime() - 90 * DAY),
      runs: 3,
      steps: 5,
      events: 25_010,
      fires: 2,
    });
    for (const id of [oldOk, oldFailed, oldCanceled]) {
      expect([await count('runs', id), await count('step_runs', id), await count('run_events', id)]).toEqual([
        0, 0, 0,
      ]);
    }
    expect(await count('run_events', stillRunning)).toBe(5);
    expect(await count('step_runs', stillQueued)).toBe(1);
    for (const id of [stillRunning, stillQueued, oddRunning, recent]) expect(await count('runs', id)).toBe(1);
    expect(await count('run_events', recent)).toBe(7);
    // Old fires go, except each job's latest (where the scheduler's catch-up starts).
    const fires = await sql<{ job_id: string; scheduled_for: Date }>(
      db.url,
      `SELECT job_id, scheduled_for FROM fires WHERE job_id IN ('a', 'b') ORDER BY job_id`,
    );
    expect(fires.map((f) => [f.job_id, f.scheduled_for.toISOString()])).toEqual([
      ['a', daysAgo(95)],
      ['b', daysAgo(1)],
    ]);

    expect(await retention.pruneNow(clock.now())).toMatchObject({ runs: 0, steps: 0, events: 0, fires: 0 });
  });

  it('prunes daily at 03:00, once per day however many schedulers run', async () => {
    expect(retention.nextPruneAt()?.toISOString()).toBe('2026-06-01T03:00:00.000Z');
    const first = await insertRun({ status: 'SUCCEEDED', finishedDaysAgo: 100, events: 3, steps: 1 });
    servers.push(await startTestServer({ db, clock, env: ENV }));
    const both = servers.map((s) => s.app.get(RetentionService));

    await clock.advance(60_000);
    await Promise.all(both.map((r) => r.idle()));
    expect(await count('runs', first)).toBe(0);

    const second = await insertRun({ status: 'FAILED', finishedDaysAgo: 95, events: 0, steps: 0 });
    await clock.advance(DAY);
    await Promise.all(both.map((r) => r.idle()));
    expect(await count('runs', second)).toBe(0);

    const claims = await sql<{ scheduled_for: Date; outcome: string; note: string }>(
      db.url,
      `SELECT scheduled_for, outcome, note FROM fires WHERE job_id = $1 ORDER BY scheduled_for`,
      [RETENTION_FIRE_ID],
    );
    expect(claims.map((c) => [c.scheduled_for.toISOString(), c.outcome, c.note])).toEqual([
      ['2026-06-01T03:00:00.000Z', 'pruned', 'runs 1, steps 1, events 3, fires 0'],
      // A day later the "recent" run of the first test (finished 89 days before it) is 90 days old too.
      ['2026-06-02T03:00:00.000Z', 'pruned', 'runs 2, steps 2, events 7, fires 0'],
    ]);
    expect(both.map((r) => r.nextPruneAt()?.toISOString())).toEqual([
      '2026-06-03T03:00:00.000Z',
      '2026-06-03T03:00:00.000Z',
    ]);
  });
});
