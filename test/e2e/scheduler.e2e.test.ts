/**
 * The cron scheduler against a real PostgreSQL, with time driven by a FakeClock: jobs are written
 * straight into `jobs` and "saved" with a NOTIFY, the way the jobs API does; the `fires` and `runs`
 * tables are the oracle. No worker role, so queued runs stay QUEUED and can be counted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobDocument } from '@nomaflow/contracts';
import { FakeClock } from '@nomaflow/kernel/testing';
import { Channels } from '../../apps/server/src/database/pg-listener.js';
import { SchedulerService } from '../../apps/server/src/scheduler/scheduler.service.js';
import { advanceTo } from '../support/fake-time.js';
import { sql } from '../support/jobs-table.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

interface FireRow {
  scheduled_for: Date;
  outcome: string;
  note: string | null;
  run_id: string | null;
  lateness_ms: number;
}

const SCHEDULER_ONLY = { NOMAFLOW_ROLES: 'api,scheduler', NOMAFLOW_TIMEZONE: 'UTC' };

function job(id: string, cron: string, extra: Partial<JobDocument> = {}): JobDocument {
  return {
    id,
    schedule: { cron },
    steps: [{ name: 'wait', type: 'noop' }],
    concurrency: 'parallel',
    ...extra,
  };
}

/** Writes the job as the jobs API would (updated_at = the fake now) and, unless told not to, announces it. */
async function save(server: TestServer, clock: FakeClock, doc: JobDocument, notify = true): Promise<void> {
  await sql(
    server.databaseUrl,
    `INSERT INTO jobs (id, document, updated_by, created_at, updated_at) VALUES ($1, $2, 'test', $3, $3)
     ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document, version = jobs.version + 1,
                                    updated_at = EXCLUDED.updated_at`,
    [doc.id, JSON.stringify(doc), clock.now().toISOString()],
  );
  if (notify) await announce(server, doc.id);
}

async function announce(server: TestServer, payload: string): Promise<void> {
  await sql(server.databaseUrl, 'SELECT pg_notify($1, $2)', [Channels.jobsChanged, payload]);
}

async function firesOf(server: TestServer, jobId: string): Promise<FireRow[]> {
  return sql<FireRow>(
    server.databaseUrl,
    `SELECT scheduled_for, outcome, note, run_id, lateness_ms FROM fires WHERE job_id = $1 ORDER BY scheduled_for`,
    [jobId],
  );
}

async function runsOf(server: TestServer, jobId: string) {
  return sql<{ id: string; status: string; triggered_by: string; scheduled_for: Date }>(
    server.databaseUrl,
    `SELECT id, status, triggered_by, scheduled_for FROM runs WHERE job_id = $1 ORDER BY scheduled_for`,
    [jobId],
  );
}

const isos = (rows: { scheduled_for: Date }[]): string[] => rows.map((r) => r.scheduled_for.toISOString());

/** Waits (briefly, in real time) until the notice about `jobId` has been handled. */
function armedAt(scheduler: SchedulerService, jobId: string, iso: string | undefined): Promise<true> {
  return waitFor(`${jobId} armed for ${iso ?? 'nothing'}`, async () => {
    await scheduler.idle();
    return scheduler.armedFires().get(jobId)?.toISOString() === iso;
  });
}

describe('readiness with every role', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('GET /health/ready is 200 and reports the scheduler running', async () => {
    const r = await server.api.get<{
      ready: boolean;
      checks: Record<string, { ok: boolean; detail?: unknown }>;
    }>('/health/ready');
    expect(r.status).toBe(200);
    expect(r.body.ready).toBe(true);
    expect(r.body.checks.scheduler).toEqual({ ok: true, detail: { state: 'running', jobs: 0, armed: 0 } });
  });
});

describe('scheduler: spring forward and job changes', () => {
  const clock = new FakeClock(new Date('2026-03-27T12:00:00Z'));
  let server: TestServer;
  let scheduler: SchedulerService;

  beforeAll(async () => {
    server = await startTestServer({ clock, env: SCHEDULER_ONLY });
    scheduler = server.app.get(SchedulerService);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('fires once a day at the right instants across the spring-forward weekend', async () => {
    await save(
      server,
      clock,
      job('paris-0200', '0 2 * * *', { schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' } }),
    );
    await save(
      server,
      clock,
      job('paris-0230', '30 2 * * *', { schedule: { cron: '30 2 * * *', timezone: 'Europe/Paris' } }),
    );
    await save(server, clock, job('utc-020030', '0 2 * * * 30'));
    await armedAt(scheduler, 'paris-0200', '2026-03-28T01:00:00.000Z');
    await armedAt(scheduler, 'paris-0230', '2026-03-28T01:30:00.000Z');
    await armedAt(scheduler, 'utc-020030', '2026-03-28T02:00:30.000Z');

    await advanceTo(clock, [scheduler], new Date('2026-03-30T12:00:00Z'));

    const at0200 = await firesOf(server, 'paris-0200');
    expect(isos(at0200)).toEqual([
      '2026-03-28T01:00:00.000Z', // 02:00 CET
      '2026-03-29T01:00:00.000Z', // 02:00 does not exist: 03:00 CEST
      '2026-03-30T00:00:00.000Z', // 02:00 CEST
    ]);
    expect(at0200[1]?.note).toBe(
      'DST: 02:00 does not exist on 2026-03-29 (clocks jump 02:00→03:00); runs at 03:00',
    );
    const at0230 = await firesOf(server, 'paris-0230');
    expect(isos(at0230)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
    expect(at0230.map((f) => f.note)).toEqual([
      null,
      'DST: 02:30 does not exist on 2026-03-29 (clocks jump 02:00→03:00); runs at 03:00',
      null,
    ]);
    expect(isos(await firesOf(server, 'utc-020030'))).toEqual([
      '2026-03-28T02:00:30.000Z',
      '2026-03-29T02:00:30.000Z',
      '2026-03-30T02:00:30.000Z',
    ]);

    for (const id of ['paris-0200', 'paris-0230', 'utc-020030']) {
      const fires = await firesOf(server, id);
      const runs = await runsOf(server, id);
      expect(fires.every((f) => f.outcome === 'queued' && f.lateness_ms === 0)).toBe(true);
      expect(runs.map((r) => r.id)).toEqual(fires.map((f) => f.run_id));
      expect(isos(runs)).toEqual(isos(fires));
      expect(runs.every((r) => r.status === 'QUEUED' && r.triggered_by === 'cron')).toBe(true);
    }
    expect(scheduler.state()).toMatchObject({ state: 'running', jobs: 3, armed: 3 });
  });

  it('fires a per-second cron every 10 s; deleting the job cancels its timer', async () => {
    // 2026-03-30T12:00:00Z now.
    await save(server, clock, job('every-10s', '* * * * * */10'));
    await armedAt(scheduler, 'every-10s', '2026-03-30T12:00:10.000Z');
    await advanceTo(clock, [scheduler], new Date('2026-03-30T12:01:05Z'));
    expect(isos(await firesOf(server, 'every-10s'))).toEqual(
      [10, 20, 30, 40, 50, 60].map((s) =>
        new Date(Date.parse('2026-03-30T12:00:00Z') + s * 1000).toISOString(),
      ),
    );
    expect(await runsOf(server, 'every-10s')).toHaveLength(6);

    await sql(server.databaseUrl, `DELETE FROM jobs WHERE id = 'every-10s'`);
    await announce(server, 'every-10s');
    await armedAt(scheduler, 'every-10s', undefined);
    await advanceTo(clock, [scheduler], new Date('2026-03-30T12:02:00Z'));
    expect(await firesOf(server, 'every-10s')).toHaveLength(6);
  });

  it('a disabled job does not fire; a save re-arms with the new cron; a delete disarms', async () => {
    // 2026-03-30T12:02:00Z now.
    await save(server, clock, job('flip', '0 * * * *'));
    await armedAt(scheduler, 'flip', '2026-03-30T13:00:00.000Z');
    await save(server, clock, job('flip', '0 * * * *', { enabled: false }));
    await armedAt(scheduler, 'flip', undefined);
    await advanceTo(clock, [scheduler], new Date('2026-03-30T13:10:00Z'));
    expect(await firesOf(server, 'flip')).toEqual([]);

    await save(server, clock, job('flip', '30 * * * *'));
    await armedAt(scheduler, 'flip', '2026-03-30T13:30:00.000Z');
    await advanceTo(clock, [scheduler], new Date('2026-03-30T14:10:00Z'));
    expect(isos(await firesOf(server, 'flip'))).toEqual(['2026-03-30T13:30:00.000Z']);

    await sql(server.databaseUrl, `DELETE FROM jobs WHERE id = 'flip'`);
    await announce(server, 'flip');
    await armedAt(scheduler, 'flip', undefined);
    await advanceTo(clock, [scheduler], new Date('2026-03-30T15:10:00Z'));
    expect(await firesOf(server, 'flip')).toHaveLength(1);
  });

  it('re-reads the job when it fires: a change whose notice was lost still counts', async () => {
    // 2026-03-30T15:10:00Z now.
    await save(server, clock, job('quiet-off', '0 * * * *'));
    await save(server, clock, job('quiet-move', '0 * * * *'));
    await armedAt(scheduler, 'quiet-off', '2026-03-30T16:00:00.000Z');
    await armedAt(scheduler, 'quiet-move', '2026-03-30T16:00:00.000Z');
    await save(server, clock, job('quiet-off', '0 * * * *', { enabled: false }), false);
    await save(server, clock, job('quiet-move', '45 * * * *'), false);

    await advanceTo(clock, [scheduler], new Date('2026-03-30T16:50:00Z'));
    const off = await firesOf(server, 'quiet-off');
    expect(off.map((f) => [f.scheduled_for.toISOString(), f.outcome])).toEqual([
      ['2026-03-30T16:00:00.000Z', 'skipped: job disabled'],
    ]);
    expect(await runsOf(server, 'quiet-off')).toEqual([]);
    expect(scheduler.armedFires().has('quiet-off')).toBe(false);
    // 16:00 is not a fire of the new cron: no row; the job moved to :45.
    expect(isos(await firesOf(server, 'quiet-move'))).toEqual(['2026-03-30T16:45:00.000Z']);
  });

  it("'*' reloads every job", async () => {
    // 2026-03-30T16:50:00Z now.
    await save(server, clock, job('quiet-off', '15 * * * *'), false);
    await save(server, clock, job('quiet-move', '20 * * * *'), false);
    await sql(server.databaseUrl, `DELETE FROM jobs WHERE id IN ('paris-0200', 'paris-0230')`);
    await announce(server, '*');
    await armedAt(scheduler, 'quiet-off', '2026-03-30T17:15:00.000Z');
    await armedAt(scheduler, 'quiet-move', '2026-03-30T17:20:00.000Z');
    expect([...scheduler.armedFires().keys()].sort()).toEqual(['quiet-move', 'quiet-off', 'utc-020030']);
    // Nothing was missed while this scheduler ran, so the reload's catch-up recorded nothing.
    expect(await firesOf(server, 'quiet-off')).toHaveLength(1);
    await advanceTo(clock, [scheduler], new Date('2026-03-30T17:30:00Z'));
    expect(isos(await firesOf(server, 'quiet-off'))).toEqual([
      '2026-03-30T16:00:00.000Z',
      '2026-03-30T17:15:00.000Z',
    ]);
  });

  it("concurrency 'skip': a fire while a run is queued is recorded skipped, no run", async () => {
    // 2026-03-30T17:30:00Z now.
    await save(server, clock, job('single', '*/5 * * * *', { concurrency: 'skip' }));
    await armedAt(scheduler, 'single', '2026-03-30T17:35:00.000Z');
    await advanceTo(clock, [scheduler], new Date('2026-03-30T17:42:00Z'));
    const fires = await firesOf(server, 'single');
    expect(fires.map((f) => f.outcome)).toEqual(['queued', 'skipped: single-instance']);
    expect(fires[1]?.run_id).toBeNull();
    const runs = await runsOf(server, 'single');
    expect(runs.map((r) => r.id)).toEqual([fires[0]?.run_id]);
  });

  it('a timer that fires late still fires its instant, then the ones it owes', async () => {
    // 2026-03-30T17:42:00Z now. One jump of three hours, not stopping at each fire.
    await save(server, clock, job('late', '0 * * * *'));
    await armedAt(scheduler, 'late', '2026-03-30T18:00:00.000Z');
    await clock.advance(3 * 3_600_000);
    await advanceTo(clock, [scheduler], clock.now());
    const fires = await firesOf(server, 'late');
    expect(isos(fires)).toEqual([
      '2026-03-30T18:00:00.000Z',
      '2026-03-30T19:00:00.000Z',
      '2026-03-30T20:00:00.000Z',
    ]);
    expect(fires.every((f) => f.outcome === 'queued')).toBe(true);
    // 19:00 and 20:00 were fired once the clock was already at 20:42.
    expect(fires.slice(1).map((f) => f.lateness_ms)).toEqual([102 * 60_000, 42 * 60_000]);
    expect(await runsOf(server, 'late')).toHaveLength(3);
    expect(scheduler.armedFires().get('late')?.toISOString()).toBe('2026-03-30T21:00:00.000Z');
  });
});

describe('scheduler: fall back', () => {
  const clock = new FakeClock(new Date('2026-10-23T12:00:00Z'));
  let server: TestServer;
  let scheduler: SchedulerService;

  beforeAll(async () => {
    server = await startTestServer({ clock, env: SCHEDULER_ONLY });
    scheduler = server.app.get(SchedulerService);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('fires a fixed-time job once on the repeated hour, a wildcard one twice', async () => {
    const paris = { timezone: 'Europe/Paris' };
    await save(server, clock, job('paris-0200', '0 2 * * *', { schedule: { cron: '0 2 * * *', ...paris } }));
    await save(
      server,
      clock,
      job('paris-xx30', '30 * * * *', { schedule: { cron: '30 * * * *', ...paris } }),
    );
    await armedAt(scheduler, 'paris-0200', '2026-10-24T00:00:00.000Z');
    await armedAt(scheduler, 'paris-xx30', '2026-10-23T12:30:00.000Z');

    await advanceTo(clock, [scheduler], new Date('2026-10-26T12:00:00Z'));

    const fixed = await firesOf(server, 'paris-0200');
    expect(fixed.map((f) => [f.scheduled_for.toISOString(), f.note])).toEqual([
      ['2026-10-24T00:00:00.000Z', null], // 02:00 CEST
      [
        '2026-10-25T00:00:00.000Z',
        'DST: 02:00 occurs twice on 2026-10-25; runs once, at the first occurrence',
      ],
      ['2026-10-26T01:00:00.000Z', null], // 02:00 CET
    ]);
    const wildcard = await firesOf(server, 'paris-xx30');
    const repeated = wildcard.filter((f) => f.scheduled_for >= new Date('2026-10-25T00:00:00Z'));
    expect(repeated.slice(0, 2).map((f) => [f.scheduled_for.toISOString(), f.note])).toEqual([
      ['2026-10-25T00:30:00.000Z', null], // 02:30 CEST
      ['2026-10-25T01:30:00.000Z', 'DST: repeated hour, second 02:30 (UTC+01:00)'], // 02:30 CET
    ]);
    // Every real hour of the three days, 72 of them, each exactly once.
    expect(wildcard).toHaveLength(72);
    expect(new Set(isos(wildcard)).size).toBe(72);
    expect(await runsOf(server, 'paris-xx30')).toHaveLength(72);
  }, 30_000);
});
