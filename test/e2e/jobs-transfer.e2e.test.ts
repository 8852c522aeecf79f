import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import type { JobDocument, JobsExport } from '@nomaflow/contracts';
import { Channels } from '../../apps/server/src/database/pg-listener.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

interface Errors {
  errors: { path: string; message: string }[];
}

const job = (id: string, extra: Partial<JobDocument> = {}): JobDocument => ({
  id,
  steps: [{ name: 'only', type: 'noop', message: `from ${id}` }],
  ...extra,
});

// Starting a server (and a database) takes a few seconds when every e2e file starts one at once.
jest.setTimeout(30_000);

describe('jobs: export and import', () => {
  let server: TestServer;
  let listener: pg.Client;
  const notified: string[] = [];
  const originals = [
    job('b-nightly', { tags: ['etl'], schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' } }),
    job('a-hourly', { schedule: { cron: '@hourly' }, params: { n: 1, flag: true, s: 'x' } }),
    job('c-manual', {
      enabled: false,
      retry: { attempts: 3, backoff: 'exponential', base_seconds: 5 },
      alerts: { on_failure: true, recipients: ['#ops'] },
      log_level: 'DEBUG',
      concurrency: 'queue',
    }),
  ];

  beforeAll(async () => {
    server = await startTestServer({ env: { NOMAFLOW_ROLES: 'api' } });
    for (const doc of originals) expect((await server.api.post('/api/jobs', doc)).status).toBe(201);
    listener = new pg.Client({ connectionString: server.databaseUrl });
    await listener.connect();
    listener.on('notification', (m) => {
      if (m.channel === Channels.jobsChanged) notified.push(m.payload ?? '');
    });
    await listener.query(`LISTEN ${Channels.jobsChanged}`);
  });
  afterAll(async () => {
    await listener?.end();
    await server?.stop();
  });

  const exported = async (): Promise<JobsExport> => {
    const r = await server.api.get<JobsExport>('/api/export');
    expect(r.status).toBe(200);
    return r.body;
  };
  const ids = async (): Promise<string[]> =>
    (await server.api.get<{ id: string }[]>('/api/jobs')).body.map((j) => j.id);

  it('GET /api/export returns the plain documents sorted by id', async () => {
    const file = await exported();
    expect(file.version).toBe(1);
    expect(Number.isNaN(Date.parse(file.exported_at))).toBe(false);
    expect(file.jobs.map((j) => j.id)).toEqual(['a-hourly', 'b-nightly', 'c-manual']);
    expect(file.jobs).toEqual([...originals].sort((a, b) => a.id.localeCompare(b.id)));
    expect(Object.keys(file).sort()).toEqual(['exported_at', 'jobs', 'version']);
  });

  it('round trip: delete everything, import the export, get identical documents', async () => {
    const before = await exported();
    for (const id of await ids()) expect((await server.api.delete(`/api/jobs/${id}`)).status).toBe(204);
    expect(await ids()).toEqual([]);
    notified.splice(0, notified.length);

    const r = await server.api.post('/api/import', before);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ created: ['a-hourly', 'b-nightly', 'c-manual'], updated: [] });
    expect((await exported()).jobs).toEqual(before.jobs);

    // One NOTIFY for the whole file.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notified).toEqual(['*']);

    const versions = await server.api.get<{ action: string; saved_by: string }[]>(
      '/api/jobs/a-hourly/versions',
    );
    expect(versions.body[0]).toMatchObject({ action: 'imported', saved_by: 'admin' });
  });

  it('creates new jobs and replaces existing ones', async () => {
    const edited = job('a-hourly', { description: 'edited in the file', schedule: { cron: '@hourly' } });
    const fresh = job('d-new', { tags: ['new'] });
    const r = await server.api.post('/api/import', { version: 1, jobs: [edited, fresh] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ created: ['d-new'], updated: ['a-hourly'] });
    expect((await server.api.get('/api/jobs/a-hourly')).body).toEqual(edited);
    expect((await server.api.get('/api/jobs/d-new')).body).toEqual(fresh);
    const list = await server.api.get<{ id: string; version: number }[]>('/api/jobs');
    expect(list.body.find((j) => j.id === 'a-hourly')?.version).toBe(4);
  });

  it('one bad job fails the whole file: nothing imported, paths point into the file', async () => {
    const before = await exported();
    const file = {
      version: 1,
      exported_at: '2026-01-01T00:00:00Z',
      jobs: [
        job('good-1'),
        job('b-nightly', { description: 'would replace' }),
        job('good-2'),
        job('bad', {
          steps: [{ name: 'x', type: 'noop', query: 'SELECT 1' }],
          schedule: { timezone: 'Mars/Base' },
        }),
        job('good-1'),
      ],
    };
    const r = await server.api.post<Errors>('/api/import', file);
    expect(r.status).toBe(400);
    expect(r.body.errors).toContainEqual({
      path: '/jobs/3/schedule/timezone',
      message: 'unknown timezone: Mars/Base',
    });
    expect(r.body.errors).toContainEqual({
      path: '/jobs/3/steps/0/query',
      message: 'step x has unknown field: query',
    });
    expect(r.body.errors).toContainEqual({
      path: '/jobs/4/id',
      message: 'duplicate job id in the file: good-1 (also /jobs/0)',
    });
    expect(r.body.errors.every((e) => e.path.startsWith('/jobs/'))).toBe(true);

    expect((await server.api.get('/api/jobs/good-1')).status).toBe(404);
    expect((await server.api.get('/api/jobs/good-2')).status).toBe(404);
    expect(await exported()).toMatchObject({ jobs: before.jobs });
  });

  it('keeps step types locked on replace', async () => {
    const r = await server.api.post<Errors>('/api/import', {
      version: 1,
      jobs: [job('b-nightly', { steps: [{ name: 'only', type: 'ghost' }] })],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toContainEqual({
      path: '/jobs/0/steps/0/type',
      message: 'step only type cannot be changed (noop → ghost)',
    });
  });

  it('checks the file itself', async () => {
    const wrongVersion = await server.api.post<Errors>('/api/import', { version: 2, jobs: [] });
    expect(wrongVersion.status).toBe(400);
    expect(wrongVersion.body.errors).toEqual([{ path: '/version', message: 'must be one of: 1' }]);

    const noJobs = await server.api.post<Errors>('/api/import', { version: 1 });
    expect(noJobs.status).toBe(400);
    expect(noJobs.body.errors).toEqual([{ path: '/jobs', message: 'missing required field: jobs' }]);

    const notArray = await server.api.post<Errors>('/api/import', { version: 1, jobs: {} });
    expect(notArray.status).toBe(400);
    expect(notArray.body.errors[0]?.path).toBe('/jobs');

    const extra = await server.api.post<Errors>('/api/import', { version: 1, jobs: [], extra: true });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual([{ path: '/extra', message: 'unknown field: extra' }]);

    const notObject = await server.api.post<Errors>('/api/import', [job('x')]);
    expect(notObject.status).toBe(400);

    const notAJob = await server.api.post<Errors>('/api/import', { version: 1, jobs: ['text'] });
    expect(notAJob.status).toBe(400);
    expect(notAJob.body.errors).toEqual([{ path: '/jobs/0', message: 'a job must be a JSON object' }]);
  });

  it('an empty file changes nothing', async () => {
    const r = await server.api.post('/api/import', { version: 1, jobs: [] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ created: [], updated: [] });
  });
});
