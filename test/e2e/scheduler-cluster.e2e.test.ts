/**
 * Several scheduler processes on one database: every fire is claimed once (the `fires` primary key),
 * and the fires missed while no scheduler ran are caught up once, by the policy of each job.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobDocument } from '@nomaflow/contracts';
import { FakeClock } from '@nomaflow/kernel/testing';
import { Channels } from '../../apps/server/src/database/pg-listener.js';
import { SchedulerService } from '../../apps/server/src/scheduler/scheduler.service.js';
import { advanceTo } from '../support/fake-time.js';
import { sql } from '../support/jobs-table.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

const SCHEDULER_ONLY = { NOMAFLOW_ROLES: 'api,scheduler', NOMAFLOW_TIMEZONE: 'UTC' };
const HOUR = 3_600_000;

function job(id: string, cron: string, extra: Partial<JobDocument> = {}): JobDocument {
  return { id, schedule: { cron }, steps: [{ name: 'wait', type: 'noop' }], ...extra };
}

async function insertJob(url: string, doc: JobDocument, updatedAt: Date): Promise<void> {
  await sql(
    url,
    `INSERT INTO jobs (id, document, updated_by, created_at, updated_at) VALUES ($1, $2, 'test', $3, $3)`,
    [doc.id, JSON.stringify(doc), updatedAt.toISOString()],
  );
}

/** Creates the schema without starting a scheduler: an API-only process runs the migrations. */
async function migrate(db: TestDatabase): Promise<void> {
  const api = await startTestServer({ db, env: { NOMAFLOW_ROLES: 'api' } });
  await api.stop();
}

async function fires(url: string, jobId: string) {
  return sql<{ scheduled_for: Date; outcome: string; note: string | null; run_id: string | null }>(
    url,
    `SELECT scheduled_for, outcome, note, run_id FROM fires WHERE job_id = $1 ORDER BY scheduled_for`,
    [jobId],
  );
}

async function runs(url: string, jobId: string) {
  return sql<{ id: string; scheduled_for: Date }>(
    url,
    `SELECT id, scheduled_for FROM runs WHERE job_id = $1 ORDER BY scheduled_for`,
    [jobId],
  );
}

const isos = (rows: { scheduled_for: Date }[]): string[] => rows.map((r) => r.scheduled_for.toISOString());
const hoursBefore = (at: Date, hours: number[]): string[] =>
  hours.map((h) => new Date(at.getTime() - h * HOUR).toISOString());

describe('exactly once with two schedulers on one database', () => {
  const start = new Date('2026-05-04T08:00:05Z');
  const clock = new FakeClock(start);
  let db: TestDatabase;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db);
    await insertJob(db.url, job('hourly', '0 * * * *', { concurrency: 'parallel' }), start);
    await insertJob(db.url, job('every-10s', '* * * * * */10', { concurrency: 'parallel' }), start);
    await insertJob(db.url, job('single', '*/15 * * * *'), start);
    // Both share the fake clock: their timers are due at the same instants and race for every fire.
    servers.push(await startTestServer({ db, clock, env: SCHEDULER_ONLY }));
    servers.push(await startTestServer({ db, clock, env: SCHEDULER_ONLY }));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await db?.drop();
  });

  it('records every fire once and queues one run per fire', async () => {
    const schedulers = servers.map((s) => s.app.get(SchedulerService));
    expect(schedulers.map((s) => s.armedFires().get('every-10s')?.toISOString())).toEqual([
      '2026-05-04T08:00:10.000Z',
      '2026-05-04T08:00:10.000Z',
    ]);

    await advanceTo(clock, schedulers, new Date('2026-05-04T08:03:00Z'));
    const tenSeconds = await fires(db.url, 'every-10s');
    expect(tenSeconds).toHaveLength(18); // 08:00:10 … 08:03:00
    expect(tenSeconds.every((f) => f.outcome === 'queued')).toBe(true);
    expect(isos(await runs(db.url, 'every-10s'))).toEqual(isos(tenSeconds));
    expect(new Set(tenSeconds.map((f) => f.run_id)).size).toBe(18);

    await sql(db.url, `DELETE FROM jobs WHERE id = 'every-10s'`);
    await sql(db.url, 'SELECT pg_notify($1, $2)', [Channels.jobsChanged, 'every-10s']);
    await waitFor('every-10s disarmed in both', async () => {
      await Promise.all(schedulers.map((s) => s.idle()));
      return schedulers.every((s) => !s.armedFires().has('every-10s'));
    });

    await advanceTo(clock, schedulers, new Date('2026-05-04T13:00:00Z'));
    expect(isos(await fires(db.url, 'hourly'))).toEqual([
      '2026-05-04T09:00:00.000Z',
      '2026-05-04T10:00:00.000Z',
      '2026-05-04T11:00:00.000Z',
      '2026-05-04T12:00:00.000Z',
      '2026-05-04T13:00:00.000Z',
    ]);
    expect(await runs(db.url, 'hourly')).toHaveLength(5);
    // concurrency skip: the first fire queues, every later one is skipped, in one process or the other.
    const single = await fires(db.url, 'single');
    expect(single).toHaveLength(20);
    expect(single.filter((f) => f.outcome === 'queued')).toHaveLength(1);
    expect(single.filter((f) => f.outcome === 'skipped: single-instance')).toHaveLength(19);
    expect(await runs(db.url, 'single')).toHaveLength(1);

    const total = await sql<{ n: string }>(db.url, `SELECT count(*) AS n FROM runs`);
    expect(Number(total[0]?.n)).toBe(18 + 5 + 1);
  }, 60_000);
});

describe('catch-up of the fires missed while no scheduler ran', () => {
  // Not on the hour, so the fires are 01:00 … 10:00 and the next one is 11:00.
  const start = new Date('2026-06-01T10:30:00Z');
  const tenHoursAgo = new Date(start.getTime() - 10 * HOUR);
  const clock = new FakeClock(start);
  let db: TestDatabase;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db);
    await insertJob(db.url, job('cu-none', '0 * * * *'), tenHoursAgo);
    await insertJob(db.url, job('cu-last', '0 * * * *', { catchup: 'last' }), tenHoursAgo);
    await insertJob(
      db.url,
      job('cu-all', '0 * * * *', { catchup: 'all', concurrency: 'parallel' }),
      tenHoursAgo,
    );
    await insertJob(db.url, job('cu-off', '0 * * * *', { catchup: 'all', enabled: false }), tenHoursAgo);
    // 600 minutes missed: only the latest 100 are replayed, the 100 before them recorded missed.
    await insertJob(
      db.url,
      job('cu-capped', '* * * * *', { catchup: 'all', concurrency: 'parallel' }),
      tenHoursAgo,
    );
    // Fired at 06:00 (by a scheduler since gone): only 07:00 … 10:00 are missed.
    await insertJob(db.url, job('cu-fired', '0 * * * *'), tenHoursAgo);
    await sql(
      db.url,
      `INSERT INTO fires (job_id, scheduled_for, outcome, claimed_by) VALUES ('cu-fired', $1, 'queued', 'gone')`,
      [new Date(start.getTime() - 4.5 * HOUR).toISOString()],
    );
    servers.push(await startTestServer({ db, clock, env: SCHEDULER_ONLY }));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await db?.drop();
  });

  it("catchup 'none' records each missed fire, runs nothing", async () => {
    const rows = await fires(db.url, 'cu-none');
    expect(isos(rows)).toEqual(hoursBefore(start, [9.5, 8.5, 7.5, 6.5, 5.5, 4.5, 3.5, 2.5, 1.5, 0.5]));
    expect(rows.every((f) => f.outcome === 'missed: no server running' && f.run_id === null)).toBe(true);
    expect(await runs(db.url, 'cu-none')).toEqual([]);
  });

  it("catchup 'last' queues the latest, records the others missed", async () => {
    const rows = await fires(db.url, 'cu-last');
    expect(rows).toHaveLength(10);
    expect(rows.slice(0, 9).every((f) => f.outcome === 'missed: no server running')).toBe(true);
    expect(rows[9]).toMatchObject({
      scheduled_for: new Date('2026-06-01T10:00:00Z'),
      outcome: 'queued',
      note: 'catch-up',
    });
    const queued = await runs(db.url, 'cu-last');
    expect(queued.map((r) => r.id)).toEqual([rows[9]?.run_id]);
    expect(isos(queued)).toEqual(['2026-06-01T10:00:00.000Z']);
  });

  it("catchup 'all' queues every missed fire, in order", async () => {
    const rows = await fires(db.url, 'cu-all');
    expect(rows).toHaveLength(10);
    expect(rows.every((f) => f.outcome === 'queued' && f.note === 'catch-up')).toBe(true);
    expect(isos(await runs(db.url, 'cu-all'))).toEqual(isos(rows));
  });

  it('caps the replay at 100 and the missed records at 100 more', async () => {
    const rows = await fires(db.url, 'cu-capped');
    expect(rows).toHaveLength(200);
    expect(rows.slice(0, 100).every((f) => f.outcome === 'missed: no server running')).toBe(true);
    expect(rows.slice(100).every((f) => f.outcome === 'queued')).toBe(true);
    expect(rows[100]?.scheduled_for.toISOString()).toBe('2026-06-01T08:51:00.000Z');
    expect(rows.at(-1)?.scheduled_for.toISOString()).toBe('2026-06-01T10:30:00.000Z');
    expect(await runs(db.url, 'cu-capped')).toHaveLength(100);
  });

  it('starts after the last recorded fire; ignores disabled jobs', async () => {
    const rows = await fires(db.url, 'cu-fired');
    expect(isos(rows)).toEqual(hoursBefore(start, [4.5, 3.5, 2.5, 1.5, 0.5]));
    expect(rows[0]?.outcome).toBe('queued');
    expect(await fires(db.url, 'cu-off')).toEqual([]);
  });

  it('a second scheduler starting later records nothing twice, and they share the next fires', async () => {
    const before = await sql<{ n: string }>(db.url, `SELECT count(*) AS n FROM fires`);
    const runsBefore = await sql<{ n: string }>(db.url, `SELECT count(*) AS n FROM runs`);
    servers.push(await startTestServer({ db, clock, env: SCHEDULER_ONLY }));
    expect(await sql<{ n: string }>(db.url, `SELECT count(*) AS n FROM fires`)).toEqual(before);
    expect(await sql<{ n: string }>(db.url, `SELECT count(*) AS n FROM runs`)).toEqual(runsBefore);

    const schedulers = servers.map((s) => s.app.get(SchedulerService));
    await advanceTo(clock, schedulers, new Date('2026-06-01T11:00:00Z'));
    const next = (rows: { scheduled_for: Date; outcome: string }[]) =>
      rows.filter((r) => r.scheduled_for.toISOString() === '2026-06-01T11:00:00.000Z').map((r) => r.outcome);
    expect(next(await fires(db.url, 'cu-none'))).toEqual(['queued']);
    // The catch-up run of 'cu-last' is still queued (no worker): concurrency skip holds.
    expect(next(await fires(db.url, 'cu-last'))).toEqual(['skipped: single-instance']);
    expect(await runs(db.url, 'cu-last')).toHaveLength(1);
    expect(next(await fires(db.url, 'cu-all'))).toEqual(['queued']);
    expect(await runs(db.url, 'cu-all')).toHaveLength(11);
  });
});
