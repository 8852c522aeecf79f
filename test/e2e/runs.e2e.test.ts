import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobDocument, LogLine, Run, RunEvent } from '@nomaflow/contracts';
import { putJob } from '../support/jobs-table.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { NOMAFLOW_ROLES: 'api,worker' } });
});
afterAll(async () => {
  await server?.stop();
});

const noopJob = (id: string, extra: Partial<JobDocument> = {}): JobDocument => ({
  id,
  params: { apps_id: 10, region: 'eu' },
  steps: [
    { name: 'first', type: 'noop', message: 'hello ${kw:region}' },
    { name: 'second', type: 'noop', op_kwargs: { apps_id: 11 } },
    { name: 'third', type: 'noop', fail: true, enabled: false },
  ],
  ...extra,
});

async function trigger(jobId: string, body?: unknown): Promise<string> {
  const r = await server.api.post<{ run_id: string }>(`/api/jobs/${jobId}/runs`, body);
  expect(r.status).toBe(202);
  return r.body.run_id;
}

async function runOf(id: string): Promise<Run> {
  return (await server.api.get<Run>(`/api/runs/${id}`)).body;
}

const finished = (id: string, timeoutMs = 10_000) =>
  waitFor(
    `run ${id} to finish`,
    async () => {
      const run = await runOf(id);
      return ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(run.status) ? run : undefined;
    },
    timeoutMs,
  );

const inState = (id: string, status: Run['status']) =>
  waitFor(`run ${id} to be ${status}`, async () => ((await runOf(id)).status === status ? true : undefined));

describe('trigger and execute', () => {
  it('runs a job end to end through the queue and a worker', async () => {
    await putJob(server.db.url, noopJob('hello'));
    const id = await trigger('hello');
    const run = await finished(id);
    expect(run).toMatchObject({
      job_id: 'hello',
      status: 'SUCCEEDED',
      triggered_by: 'api',
      replay_of: null,
      log_level: 'INFO',
    });
    expect(run.params).toEqual({ apps_id: 10, region: 'eu' });
    expect(run.steps.map((s) => [s.name, s.status, s.reason])).toEqual([
      ['first', 'SUCCEEDED', null],
      ['second', 'SUCCEEDED', null],
      ['third', 'CANCELED', 'skipped: disabled'],
    ]);
    expect(run.steps[1]?.output).toEqual({ params: { apps_id: 11, region: 'eu' } });
    expect(run.started_at && run.finished_at && run.started_at <= run.finished_at).toBe(true);
  });

  it('records a run started from the console as user:<name>, one from a script as api', async () => {
    await putJob(server.db.url, noopJob('hello'));
    const res = await server.api.request<{ run_id: string }>(
      'POST',
      '/api/jobs/hello/runs',
      {},
      {
        'x-nomaflow-client': 'console',
      },
    );
    expect(res.status).toBe(202);
    expect((await finished(res.body.run_id)).triggered_by).toBe('user:admin');
    const replay = await server.api.post<{ run_id: string }>(`/api/runs/${res.body.run_id}/replay`);
    expect((await finished(replay.body.run_id)).triggered_by).toBe('api');
  });

  it('stores every event with a gap-free seq from run:queued to run:finished, logs included', async () => {
    const id = await trigger('hello');
    await finished(id);
    const { events } = (await server.api.get<{ events: RunEvent[] }>(`/api/runs/${id}/events`)).body;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('run:queued');
    expect(events.at(-1)?.type).toBe('run:finished');
    const { lines, last_seq } = (
      await server.api.get<{ lines: LogLine[]; last_seq: number }>(`/api/runs/${id}/logs`)
    ).body;
    expect(lines.map((l) => l.message)).toContain('hello eu');
    expect(lines.map((l) => l.message)).toContain('step first · type=noop');
    expect(last_seq).toBe(lines.at(-1)?.seq);
    const after = lines[1]?.seq ?? 0;
    const rest = (
      await server.api.get<{ lines: LogLine[] }>(`/api/runs/${id}/logs?after_seq=${after}&limit=2`)
    ).body.lines;
    expect(rest.map((l) => l.seq)).toEqual(
      lines
        .filter((l) => l.seq > after)
        .slice(0, 2)
        .map((l) => l.seq),
    );
  });

  it('applies run overrides in the SPEC precedence and stores the merged params', async () => {
    const id = await trigger('hello', {
      params: { region: 'us', extra: true },
      steps: { second: { op_kwargs: { apps_id: 12 } } },
      log_level: 'DEBUG',
    });
    const run = await finished(id);
    expect(run.params).toEqual({ apps_id: 10, region: 'us', extra: true });
    expect(run.log_level).toBe('DEBUG');
    expect(run.steps[0]?.output).toEqual({ params: { apps_id: 10, region: 'us', extra: true } });
    expect(run.steps[1]?.output).toEqual({ params: { apps_id: 12, region: 'us', extra: true } });
  });

  it('a run override enabling a failing step fails the run; later steps are not reached', async () => {
    await putJob(server.db.url, {
      id: 'fails',
      steps: [
        { name: 'boom', type: 'noop', fail: true, enabled: false },
        { name: 'after', type: 'noop' },
      ],
    });
    const run = await finished(await trigger('fails', { steps: { boom: { enabled: true } } }));
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('step boom failed: noop step asked to fail (fail: true)');
    expect(run.steps.map((s) => [s.status, s.reason])).toEqual([
      ['FAILED', null],
      ['CANCELED', 'not reached: boom failed'],
    ]);
  });

  it('keeps the snapshot: saving the job during a run does not change that run', async () => {
    await putJob(server.db.url, {
      id: 'snap',
      steps: [{ name: 'wait', type: 'noop', ms: 800, message: 'old' }],
    });
    const id = await trigger('snap');
    await inState(id, 'RUNNING');
    await putJob(server.db.url, {
      id: 'snap',
      steps: [{ name: 'wait', type: 'noop', ms: 0, message: 'new' }],
    });
    await finished(id);
    const withJob = (await server.api.get<Run>(`/api/runs/${id}?include=snapshot`)).body;
    expect(withJob.job?.steps[0]?.message).toBe('old');
    const lines = (await server.api.get<{ lines: LogLine[] }>(`/api/runs/${id}/logs`)).body.lines.map(
      (l) => l.message,
    );
    expect(lines).toContain('old');
    expect(lines).not.toContain('new');
    expect((await runOf(id)).job).toBeUndefined();
  });
});

describe('refusals', () => {
  it('404 for an unknown job or run, 400 for a bad body, unknown step or bad query', async () => {
    expect((await server.api.post('/api/jobs/nope/runs', {})).status).toBe(404);
    expect((await server.api.get('/api/runs/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await server.api.get('/api/runs/not-a-uuid')).status).toBe(404);
    const bad = await server.api.post('/api/jobs/hello/runs', { params: { nested: { a: 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      errors: [{ path: '/params/nested', message: 'must be string,number,boolean' }],
    });
    const unknownStep = await server.api.post('/api/jobs/hello/runs', { steps: { nope: { enabled: true } } });
    expect(unknownStep.body).toEqual({ errors: [{ path: '/steps/nope', message: 'unknown step: nope' }] });
    expect((await server.api.post('/api/jobs/hello/runs', { colour: 1 })).status).toBe(400);
    expect((await server.api.get('/api/runs?limit=0')).status).toBe(400);
    expect((await server.api.get('/api/runs?bogus=1')).status).toBe(400);
    expect(
      (await server.api.get('/api/runs/00000000-0000-0000-0000-000000000000/logs?after_seq=-1')).status,
    ).toBe(400);
  });
});

describe('concurrency', () => {
  it('skip: a second manual run while one is in flight is refused with 409', async () => {
    await putJob(server.db.url, { id: 'single', steps: [{ name: 'wait', type: 'noop', ms: 600 }] });
    const id = await trigger('single');
    const second = await server.api.post('/api/jobs/single/runs', {});
    expect(second.status).toBe(409);
    expect(second.body).toEqual({
      errors: [{ path: '', message: 'a run of single is already in flight (concurrency: skip)' }],
    });
    await finished(id);
    await finished(await trigger('single'));
  });

  it('queue: runs wait for the previous one and start in order', async () => {
    await putJob(server.db.url, {
      id: 'queued',
      concurrency: 'queue',
      steps: [{ name: 'wait', type: 'noop', ms: 300 }],
    });
    const ids = [await trigger('queued'), await trigger('queued'), await trigger('queued')];
    const runs = await Promise.all(ids.map((id) => finished(id)));
    for (let i = 1; i < runs.length; i++) {
      expect(Date.parse(runs[i]!.started_at!)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1]!.finished_at!));
    }
  });

  it('parallel: runs of one job overlap', async () => {
    await putJob(server.db.url, {
      id: 'para',
      concurrency: 'parallel',
      steps: [{ name: 'wait', type: 'noop', ms: 500 }],
    });
    const ids = [await trigger('para'), await trigger('para')];
    const [a, b] = await Promise.all(ids.map((id) => finished(id)));
    expect(Date.parse(b!.started_at!)).toBeLessThan(Date.parse(a!.finished_at!));
  });
});

describe('cancel and replay', () => {
  it('cancels a running run: the step and the run end CANCELED, last line says who', async () => {
    await putJob(server.db.url, {
      id: 'long',
      steps: [
        { name: 'sleep', type: 'noop', ms: 60_000 },
        { name: 'next', type: 'noop' },
      ],
    });
    const id = await trigger('long');
    await inState(id, 'RUNNING');
    await waitFor('step to start', async () =>
      (await runOf(id)).steps[0]?.status === 'RUNNING' ? true : undefined,
    );
    const t0 = Date.now();
    const r = await server.api.post<{ status: string }>(`/api/runs/${id}/cancel`);
    expect(r.status).toBe(202);
    expect(r.body.status).toBe('CANCELLING');
    const run = await finished(id);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(run.status).toBe('CANCELED');
    expect(run.steps.map((s) => [s.status, s.reason])).toEqual([
      ['CANCELED', 'cancelled by admin'],
      ['CANCELED', 'cancelled by admin'],
    ]);
    const lines = (await server.api.get<{ lines: LogLine[] }>(`/api/runs/${id}/logs`)).body.lines;
    expect(lines.at(-1)?.message).toBe('run cancelled by admin');
    expect((await server.api.post(`/api/runs/${id}/cancel`)).status).toBe(409);
  });

  it('cancels a queued run at once', async () => {
    await putJob(server.db.url, {
      id: 'q2',
      concurrency: 'queue',
      steps: [{ name: 'sleep', type: 'noop', ms: 1_000 }],
    });
    const first = await trigger('q2');
    const second = await trigger('q2');
    await inState(first, 'RUNNING');
    const r = await server.api.post<{ status: string }>(`/api/runs/${second}/cancel`);
    expect(r.body.status).toBe('CANCELED');
    const run = await runOf(second);
    expect(run.status).toBe('CANCELED');
    expect(run.steps[0]?.reason).toBe('cancelled by admin');
    await finished(first);
    expect((await runOf(second)).status).toBe('CANCELED');
  });

  it('replays a finished run with the same inputs and records replay_of', async () => {
    const original = await finished(await trigger('hello', { params: { region: 'apac' } }));
    const r = await server.api.post<{ run_id: string }>(`/api/runs/${original.id}/replay`);
    expect(r.status).toBe(202);
    const replay = await finished(r.body.run_id);
    expect(replay.replay_of).toBe(original.id);
    expect(replay.params).toEqual(original.params);
    expect(replay.steps.map((s) => s.output)).toEqual(original.steps.map((s) => s.output));
  });
});

describe('history', () => {
  it('lists runs newest first with filters and a cursor', async () => {
    const all = (await server.api.get<{ runs: Run[] }>('/api/runs?limit=500')).body.runs;
    expect(all.length).toBeGreaterThan(5);
    const sorted = [...all].sort(
      (a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id),
    );
    expect(all.map((r) => r.id)).toEqual(sorted.map((r) => r.id));
    const page1 = (await server.api.get<{ runs: Run[]; next_cursor: string }>('/api/runs?limit=2')).body;
    const page2 = (await server.api.get<{ runs: Run[] }>(`/api/runs?limit=2&cursor=${page1.next_cursor}`))
      .body;
    expect([...page1.runs, ...page2.runs].map((r) => r.id)).toEqual(all.slice(0, 4).map((r) => r.id));
    const failed = (await server.api.get<{ runs: Run[] }>('/api/runs?status=FAILED&job=fails')).body.runs;
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.status === 'FAILED' && r.job_id === 'fails')).toBe(true);
  });
});
