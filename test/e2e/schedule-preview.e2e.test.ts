import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { JobDocument } from '@nomaflow/contracts';
import { FakeClock } from '@nomaflow/kernel/testing';
import { Database } from '../../apps/server/src/database/database.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

interface Errors {
  errors: { path: string; message: string }[];
}
interface Fire {
  at: string;
  local: string;
  note?: string;
}
interface CalendarFire extends Fire {
  job_id: string;
  tags: string[];
  past: boolean;
  run_id?: string | null;
  outcome?: string;
}

const NOW = new Date('2026-03-28T12:00:00Z');

const job = (id: string, extra: Partial<JobDocument> = {}): JobDocument => ({
  id,
  steps: [{ name: 'only', type: 'noop' }],
  ...extra,
});

// Starting a server (and a database) takes a few seconds when every e2e file starts one at once.
jest.setTimeout(30_000);

describe('schedule preview and calendar', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      clock: new FakeClock(NOW),
      env: { NOMAFLOW_ROLES: 'api', NOMAFLOW_TIMEZONE: 'UTC' },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const preview = (query: string) =>
    server.api.get<{ fires: Fire[] } & Errors>(`/api/schedule/preview?${query}`);

  describe('GET /api/schedule/preview', () => {
    it('shows the spring-forward note for a fixed-time job in the gap', async () => {
      const r = await preview(
        `cron=${encodeURIComponent('30 2 * * *')}&timezone=Europe/Paris&from=2026-03-28T12:00:00Z`,
      );
      expect(r.status).toBe(200);
      expect(r.body.fires).toHaveLength(3);
      const [gap, next, after] = r.body.fires;
      expect(gap).toEqual({
        at: '2026-03-29T01:00:00.000Z',
        local: '2026-03-29T03:00:00+02:00',
        note: expect.stringMatching(/^DST: 02:30 does not exist on 2026-03-29/) as unknown as string,
      });
      expect(next).toEqual({ at: '2026-03-30T00:30:00.000Z', local: '2026-03-30T02:30:00+02:00' });
      expect(after?.at).toBe('2026-03-31T00:30:00.000Z');
    });

    it('defaults: 3 fires, from now, in the server zone', async () => {
      const r = await preview('cron=@daily');
      expect(r.status).toBe(200);
      expect(r.body.fires).toEqual([
        { at: '2026-03-29T00:00:00.000Z', local: '2026-03-29T00:00:00+00:00' },
        { at: '2026-03-30T00:00:00.000Z', local: '2026-03-30T00:00:00+00:00' },
        { at: '2026-03-31T00:00:00.000Z', local: '2026-03-31T00:00:00+00:00' },
      ]);
    });

    it('takes a count up to 100 and a seconds field', async () => {
      const r = await preview(`cron=${encodeURIComponent('* * * * * 30')}&count=100`);
      expect(r.status).toBe(200);
      expect(r.body.fires).toHaveLength(100);
      expect(r.body.fires[0]?.at).toBe('2026-03-28T12:00:30.000Z');
    });

    it('an empty or absent cron never fires', async () => {
      expect((await preview('cron=')).body).toEqual({ fires: [] });
      expect((await preview('cron=%20%20')).body).toEqual({ fires: [] });
      expect((await preview('timezone=Europe/Paris')).body).toEqual({ fires: [] });
    });

    it('400 on an invalid cron or an unknown timezone, both reported', async () => {
      const cron = await preview('cron=61%20*%20*%20*%20*');
      expect(cron.status).toBe(400);
      expect(cron.body.errors).toHaveLength(1);
      expect(cron.body.errors[0]?.path).toBe('/cron');
      expect(cron.body.errors[0]?.message).toContain('invalid cron expression');

      const tz = await preview('cron=@daily&timezone=Mars/Olympus');
      expect(tz.status).toBe(400);
      expect(tz.body.errors).toEqual([{ path: '/timezone', message: 'unknown timezone: Mars/Olympus' }]);

      const both = await preview('cron=nope&timezone=Nowhere');
      expect(both.body.errors.map((e) => e.path)).toEqual(['/timezone', '/cron']);
    });

    it('400 on a bad count, a bad from, or an unknown parameter', async () => {
      for (const count of ['0', '101', 'abc', '2.5']) {
        const r = await preview(`cron=@daily&count=${count}`);
        expect(r.status).toBe(400);
        expect(r.body.errors[0]?.path).toBe('/count');
      }
      const from = await preview('cron=@daily&from=yesterday');
      expect(from.status).toBe(400);
      expect(from.body.errors[0]?.path).toBe('/from');
      const unknown = await preview('cron=@daily&zone=UTC');
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([{ path: '/zone', message: 'unknown field: zone' }]);
      const repeated = await preview('cron=@daily&cron=@hourly');
      expect(repeated.status).toBe(400);
    });
  });

  describe('GET /api/schedule/calendar', () => {
    let runId: string;

    beforeAll(async () => {
      const docs = [
        job('morning', { tags: ['etl', 'daily'], schedule: { cron: '0 9 * * *', timezone: 'Europe/Paris' } }),
        job('off', { enabled: false, schedule: { cron: '0 10 * * *' } }),
        job('by-hand'),
      ];
      for (const doc of docs) expect((await server.api.post('/api/jobs', doc)).status).toBe(201);
      // What the scheduler recorded before now.
      runId = randomUUID();
      const db = server.app.get(Database);
      const fire = `INSERT INTO fires (job_id, scheduled_for, outcome, run_id, claimed_by, note) VALUES ($1, $2, $3, $4, 'test', $5)`;
      await db.query(fire, ['morning', '2026-03-27T08:00:00Z', 'queued', runId, null]);
      await db.query(fire, ['morning', '2026-03-26T08:00:00Z', 'skipped', null, 'single-instance']);
      await db.query(fire, ['deleted-job', '2026-03-27T08:00:00Z', 'queued', randomUUID(), null]);
    });

    it('defaults to the next 7 days: future fires of enabled cron jobs only', async () => {
      const r = await server.api.get<{ from: string; to: string; fires: CalendarFire[] }>(
        '/api/schedule/calendar',
      );
      expect(r.status).toBe(200);
      expect(r.body.from).toBe(NOW.toISOString());
      expect(r.body.to).toBe('2026-04-04T12:00:00.000Z');
      expect(r.body.fires).toHaveLength(7);
      expect(r.body.fires.every((f) => f.job_id === 'morning' && !f.past)).toBe(true);
      expect(r.body.fires[0]).toEqual({
        job_id: 'morning',
        tags: ['etl', 'daily'],
        at: '2026-03-29T07:00:00.000Z',
        local: '2026-03-29T09:00:00+02:00',
        past: false,
      });
    });

    it('includes past fires from the fires table, with their outcome and run', async () => {
      const r = await server.api.get<{ fires: CalendarFire[] }>(
        '/api/schedule/calendar?from=2026-03-25T00:00:00Z&to=2026-03-30T00:00:00Z',
      );
      expect(r.status).toBe(200);
      expect(r.body.fires).toEqual([
        {
          job_id: 'morning',
          tags: ['etl', 'daily'],
          at: '2026-03-26T08:00:00.000Z',
          local: '2026-03-26T09:00:00+01:00',
          note: 'single-instance',
          past: true,
          run_id: null,
          outcome: 'skipped',
        },
        {
          job_id: 'morning',
          tags: ['etl', 'daily'],
          at: '2026-03-27T08:00:00.000Z',
          local: '2026-03-27T09:00:00+01:00',
          past: true,
          run_id: runId,
          outcome: 'queued',
        },
        {
          job_id: 'morning',
          tags: ['etl', 'daily'],
          at: '2026-03-29T07:00:00.000Z',
          local: '2026-03-29T09:00:00+02:00',
          past: false,
        },
      ]);
    });

    it('a window in the future counts fires from its start', async () => {
      const r = await server.api.get<{ fires: CalendarFire[] }>(
        '/api/schedule/calendar?from=2026-04-01T07:00:00Z&to=2026-04-02T07:00:00Z',
      );
      expect(r.body.fires.map((f) => f.at)).toEqual(['2026-04-01T07:00:00.000Z', '2026-04-02T07:00:00.000Z']);
    });

    it('lists a job firing every second up to a cap and names it as truncated', async () => {
      const busy = job('every-second', { schedule: { cron: '* * * * * *', timezone: 'UTC' } });
      expect((await server.api.post('/api/jobs', busy)).status).toBe(201);
      try {
        const r = await server.api.get<{ fires: CalendarFire[]; truncated?: string[] }>(
          '/api/schedule/calendar?from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z',
        );
        expect(r.status).toBe(200);
        expect(r.body.truncated).toEqual(['every-second']);
        const mine = r.body.fires.filter((f) => f.job_id === 'every-second');
        expect(mine).toHaveLength(7 * 24 * 60);
        expect(mine[0]?.at).toBe('2026-04-01T00:00:00.000Z');
        // The other jobs are complete, and not named.
        expect(r.body.fires.filter((f) => f.job_id === 'morning')).toHaveLength(1);
      } finally {
        await server.api.delete('/api/jobs/every-second');
      }
    });

    it('400 on a reversed or too long window and unknown parameters', async () => {
      const reversed = await server.api.get<Errors>(
        '/api/schedule/calendar?from=2026-04-02T00:00:00Z&to=2026-04-01T00:00:00Z',
      );
      expect(reversed.status).toBe(400);
      expect(reversed.body.errors[0]?.path).toBe('/to');
      const long = await server.api.get<Errors>('/api/schedule/calendar?to=2026-05-28T12:00:00Z');
      expect(long.status).toBe(400);
      expect(long.body.errors[0]?.path).toBe('/to');
      const unknown = await server.api.get<Errors>('/api/schedule/calendar?job=morning');
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([{ path: '/job', message: 'unknown field: job' }]);
    });
  });
});
