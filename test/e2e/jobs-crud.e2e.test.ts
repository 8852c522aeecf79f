import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { Database } from '../../apps/server/src/database/database.js';
import { Channels } from '../../apps/server/src/database/pg-listener.js';
import { RunQueueService } from '../../apps/server/src/queue/run-queue.service.js';
import type { JobDocument } from '@nomaflow/contracts';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

interface Errors {
  errors: { path: string; message: string }[];
}

const job = (id: string, extra: Partial<JobDocument> = {}): JobDocument => ({
  id,
  description: `job ${id}`,
  steps: [
    { name: 'first', type: 'noop', message: 'hi' },
    { name: 'second', type: 'noop', ms: 1 },
  ],
  ...extra,
});

// Starting a server (and a database) takes a few seconds when every e2e file starts one at once.
jest.setTimeout(30_000);

describe('jobs: create, read, replace, delete, versions', () => {
  let server: TestServer;
  let listener: pg.Client;
  const notified: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: { NOMAFLOW_ROLES: 'api' } });
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

  const expectErrors = async (body: unknown, expected: Errors['errors']) => {
    const r = await server.api.post<Errors>('/api/jobs', body);
    expect(r.status).toBe(400);
    for (const e of expected) expect(r.body.errors).toContainEqual(e);
    return r.body.errors;
  };

  /** NOTIFY is asynchronous: wait until `n` payloads arrived. */
  const notifications = async (n: number): Promise<string[]> => {
    for (let i = 0; i < 100 && notified.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    return notified.splice(0, notified.length);
  };

  it('POST creates (201, the saved job) and GET reads it back', async () => {
    const doc = job('create-me', {
      tags: ['etl'],
      schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' },
    });
    const created = await server.api.post<JobDocument>('/api/jobs', doc);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(doc);
    const read = await server.api.get<JobDocument>('/api/jobs/create-me');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(doc);
    expect(await notifications(1)).toEqual(['create-me']);
  });

  it('a second create of the same id is 409 duplicate job id', async () => {
    await server.api.post('/api/jobs', job('dup'));
    const r = await server.api.post<Errors>('/api/jobs', job('dup'));
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ errors: [{ path: '/id', message: 'duplicate job id' }] });
  });

  it('concurrent creates of one id: the primary key lets exactly one win', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => server.api.post<Errors>('/api/jobs', job('race'))),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const versions = await server.api.get<unknown[]>('/api/jobs/race/versions');
    expect(versions.body).toHaveLength(1);
  });

  describe('every validation message of SPEC §1', () => {
    it('job id contains invalid characters', async () => {
      await expectErrors(job('bad id!'), [{ path: '/id', message: 'job id contains invalid characters' }]);
    });

    it('unknown timezone', async () => {
      await expectErrors(job('tz', { schedule: { cron: '0 2 * * *', timezone: 'Mars/Olympus' } }), [
        { path: '/schedule/timezone', message: 'unknown timezone: Mars/Olympus' },
      ]);
    });

    it('invalid cron expression', async () => {
      const errors = await expectErrors(job('cron', { schedule: { cron: '61 * * * *' } }), []);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.path).toBe('/schedule/cron');
      expect(errors[0]?.message).toMatch(/^invalid cron expression/);
    });

    it('step X is missing required field(s)', async () => {
      const doc = { id: 'missing', steps: [{ name: 'a', type: 'noop' }, { enabled: true }] };
      await expectErrors(doc, [
        { path: '/steps/1/name', message: 'step #2 is missing required field(s): name, type' },
      ]);
    });

    it('unknown step type', async () => {
      await expectErrors(job('unknown-type', { steps: [{ name: 'a', type: 'warp_drive' }] }), [
        { path: '/steps/0/type', message: 'unknown step type: warp_drive' },
      ]);
    });

    it('duplicate step name', async () => {
      const steps = [
        { name: 'a', type: 'noop' },
        { name: 'a', type: 'noop' },
      ];
      await expectErrors(job('dup-step', { steps }), [
        { path: '/steps/1/name', message: 'duplicate step name: a' },
      ]);
    });

    it('lists every error of a document at once, and saves nothing', async () => {
      const doc = {
        id: 'bad id',
        schedule: { cron: 'nope', timezone: 'Nowhere/City' },
        steps: [
          { name: 'a', type: 'noop' },
          { name: 'a', type: 'ghost' },
        ],
      };
      const errors = await expectErrors(doc, [
        { path: '/id', message: 'job id contains invalid characters' },
        { path: '/schedule/timezone', message: 'unknown timezone: Nowhere/City' },
        { path: '/steps/1/name', message: 'duplicate step name: a' },
        { path: '/steps/1/type', message: 'unknown step type: ghost' },
      ]);
      expect(errors.some((e) => e.path === '/schedule/cron')).toBe(true);
    });

    it('a body that is not a JSON object is a 400', async () => {
      const array = await server.api.post<Errors>('/api/jobs', [job('in-array')]);
      expect(array.status).toBe(400);
      expect(array.body.errors).toEqual([{ path: '', message: 'a job must be a JSON object' }]);
      const scalar = await server.api.raw<Errors>('POST', '/api/jobs', '"a string"');
      expect(scalar.status).toBe(400);
      const malformed = await server.api.raw<Errors>('POST', '/api/jobs', '{"id": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0]?.message).toMatch(/^malformed JSON body/);
      const none = await server.api.request<Errors>('POST', '/api/jobs');
      expect(none.status).toBe(400);
    });

    it('a failed save notifies nobody', async () => {
      notified.splice(0, notified.length);
      await server.api.post('/api/jobs', job('bad id'));
      await server.api.post('/api/jobs', job('dup'));
      await server.api.post('/api/jobs', job('after-failures'));
      expect(await notifications(1)).toEqual(['after-failures']);
    });
  });

  it('POST /api/jobs/validate checks without saving', async () => {
    const ok = await server.api.post('/api/jobs/validate', job('only-validated'));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ valid: true, errors: [] });
    expect((await server.api.get('/api/jobs/only-validated')).status).toBe(404);
    const bad = await server.api.post<Errors>('/api/jobs/validate', job('x', { steps: [] }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: '/steps', message: 'a job needs at least one step' }]);
  });

  it('GET of an unknown job is 404', async () => {
    const r = await server.api.get<Errors>('/api/jobs/nope');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ errors: [{ path: '', message: 'job not found: nope' }] });
  });

  describe('PUT replaces', () => {
    beforeAll(async () => {
      await server.api.post('/api/jobs', job('edit-me'));
      // Drain the create's NOTIFY so a late delivery cannot be taken for the PUT's.
      await notifications(1);
    });

    it('replaces the document and bumps the version; the id may be left out', async () => {
      notified.splice(0, notified.length);
      const { id: _id, ...withoutId } = job('edit-me', { description: 'edited', tags: ['new'] });
      const r = await server.api.put<JobDocument>('/api/jobs/edit-me', withoutId);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ id: 'edit-me', ...withoutId });
      expect((await server.api.get<JobDocument>('/api/jobs/edit-me')).body.description).toBe('edited');
      const list = await server.api.get<{ id: string; version: number }[]>('/api/jobs');
      expect(list.body.find((j) => j.id === 'edit-me')?.version).toBe(2);
      expect(await notifications(1)).toEqual(['edit-me']);
    });

    it('refuses a different id in the body', async () => {
      const r = await server.api.put<Errors>('/api/jobs/edit-me', job('renamed'));
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([
        { path: '/id', message: 'job id cannot be changed (export, edit, import, delete the old one)' },
      ]);
      expect((await server.api.get('/api/jobs/renamed')).status).toBe(404);
    });

    it('locks the type of an existing step, but allows new and removed steps', async () => {
      const changed = job('edit-me', {
        steps: [
          { name: 'first', type: 'warp_drive' },
          { name: 'third', type: 'noop' },
        ],
      });
      const r = await server.api.put<Errors>('/api/jobs/edit-me', changed);
      expect(r.status).toBe(400);
      expect(r.body.errors).toContainEqual({
        path: '/steps/0/type',
        message: 'step first type cannot be changed (noop → warp_drive)',
      });
      const reshaped = job('edit-me', {
        steps: [
          { name: 'third', type: 'noop' },
          { name: 'first', type: 'noop', ms: 5 },
        ],
      });
      expect((await server.api.put('/api/jobs/edit-me', reshaped)).status).toBe(200);
    });

    it('reports validation errors like POST', async () => {
      const r = await server.api.put<Errors>(
        '/api/jobs/edit-me',
        job('edit-me', { schedule: { cron: '0 2 * * *', timezone: 'Mars/Olympus' } }),
      );
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([
        { path: '/schedule/timezone', message: 'unknown timezone: Mars/Olympus' },
      ]);
    });

    it('is 404 for a job that does not exist', async () => {
      const r = await server.api.put<Errors>('/api/jobs/ghost', job('ghost'));
      expect(r.status).toBe(404);
      expect(r.body.errors[0]?.message).toBe('job not found: ghost');
    });
  });

  it('DELETE removes the job and keeps its runs', async () => {
    const doc = job('short-lived');
    await server.api.post('/api/jobs', doc);
    const queued = await server.app.get(RunQueueService).enqueue({ job: doc, triggeredBy: 'api' });
    expect(queued.status).toBe('queued');
    const runId = queued.status === 'queued' ? queued.runId : '';
    notified.splice(0, notified.length);

    const r = await server.api.delete('/api/jobs/short-lived');
    expect(r.status).toBe(204);
    expect(r.body).toBeUndefined();
    expect(await notifications(1)).toEqual(['short-lived']);
    expect((await server.api.get('/api/jobs/short-lived')).status).toBe(404);
    const list = await server.api.get<{ id: string }[]>('/api/jobs');
    expect(list.body.map((j) => j.id)).not.toContain('short-lived');

    const db = server.app.get(Database);
    const runs = await db.query<{ id: string; job_id: string }>('SELECT id, job_id FROM runs WHERE id = $1', [
      runId,
    ]);
    expect(runs).toEqual([{ id: runId, job_id: 'short-lived' }]);
    const steps = await db.query('SELECT idx FROM step_runs WHERE run_id = $1', [runId]);
    expect(steps).toHaveLength(2);

    expect((await server.api.delete('/api/jobs/short-lived')).status).toBe(404);
  });

  it('every save writes a job_versions row; GET versions lists them newest first', async () => {
    const v1 = job('versioned');
    const v2 = job('versioned', { description: 'second' });
    await server.api.post('/api/jobs', v1);
    await server.api.put('/api/jobs/versioned', v2);
    await server.api.delete('/api/jobs/versioned');

    type Version = {
      job_id: string;
      version: number;
      action: string;
      document: JobDocument | null;
      saved_by: string;
      saved_at: string;
    };
    const r = await server.api.get<Version[]>('/api/jobs/versioned/versions');
    expect(r.status).toBe(200);
    expect(
      r.body.map(({ version, action, document, saved_by }) => ({ version, action, document, saved_by })),
    ).toEqual([
      { version: 3, action: 'deleted', document: null, saved_by: 'admin' },
      { version: 2, action: 'updated', document: v2, saved_by: 'admin' },
      { version: 1, action: 'created', document: v1, saved_by: 'admin' },
    ]);
    expect(Number.isNaN(Date.parse(r.body[0]?.saved_at ?? ''))).toBe(false);

    // Re-created, the id continues its history.
    await server.api.post('/api/jobs', v1);
    const again = await server.api.get<Version[]>('/api/jobs/versioned/versions');
    expect(again.body[0]).toMatchObject({ version: 4, action: 'created' });
    const list = await server.api.get<{ id: string; version: number }[]>('/api/jobs');
    expect(list.body.find((j) => j.id === 'versioned')?.version).toBe(4);

    expect((await server.api.get('/api/jobs/never-existed/versions')).status).toBe(404);
  });
});
