import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { JobDocument, LogLine, Run, RunEvent, StepStartedEvent } from '@nomaflow/contracts';
import { defineStepType, StepTypeRegistry } from '@nomaflow/kernel';
import { RunStreams } from '../../apps/server/src/realtime/run-streams.js';
import { SocketAuthenticator, SocketAuthError } from '../../apps/server/src/realtime/socket-authenticator.js';
import { putJob, sql } from '../support/jobs-table.js';
import { sequenceProblems, TestSocketClient } from '../support/socket-client.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

/**
 * The live run stream over Socket.IO (SPEC §6 "Live events", docs/adr/003-live-run-stream.md):
 * history then live with no gap and no duplicate, whatever the moment a client joins or
 * reconnects; bursts of 50,000 lines; a slow client; the catalogue room; the handshake check.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Logs `lines` lines (`line <i>`), `burst` at a time synchronously, then yields or pauses. */
const chatty = defineStepType({
  manifest: {
    type: 'chatty',
    version: '1.0.0',
    title: 'Chatty',
    description: 'prints many lines, for the live stream tests',
    schema: {
      type: 'object',
      required: ['lines'],
      properties: {
        lines: { type: 'integer' },
        burst: { type: 'integer' },
        pause_ms: { type: 'integer' },
        pad: { type: 'integer' },
      },
    },
  },
  async execute(ctx, config) {
    const burst = config.burst ?? 1_000;
    const pad = 'x'.repeat(config.pad ?? 0);
    for (let i = 0; i < config.lines; i++) {
      ctx.log.info(`line ${i}${pad}`);
      if ((i + 1) % burst === 0) {
        if (config.pause_ms) await sleep(config.pause_ms);
        else await new Promise((r) => setImmediate(r));
      }
    }
    return { lines: config.lines };
  },
});

let server: TestServer;
const clients: TestSocketClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { NOMAFLOW_ROLES: 'api,worker' } });
  server.app.get(StepTypeRegistry).register(chatty);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
});

async function connect(options: Parameters<typeof TestSocketClient.connect>[1] = {}) {
  const client = await TestSocketClient.connect(server.url, options);
  clients.push(client);
  return client;
}

async function trigger(jobId: string): Promise<string> {
  const r = await server.api.post<{ run_id: string }>(`/api/jobs/${jobId}/runs`, {});
  expect(r.status).toBe(202);
  return r.body.run_id;
}

/** The seqs in run_events, straight from the table. */
async function storedSeqs(runId: string): Promise<number[]> {
  const rows = await sql<{ seq: string }>(
    server.db.url,
    'SELECT seq FROM run_events WHERE run_id = $1 ORDER BY seq',
    [runId],
  );
  return rows.map((r) => Number(r.seq));
}

/** Every stored event of a run after `afterSeq`, through the REST API (the same sequence as the DB). */
async function storedEvents(runId: string, afterSeq = 0): Promise<RunEvent[]> {
  const all: RunEvent[] = [];
  for (let after = afterSeq; ;) {
    const page = (
      await server.api.get<{ events: RunEvent[] }>(`/api/runs/${runId}/events?after_seq=${after}&limit=10000`)
    ).body.events;
    all.push(...page);
    if (page.length < 10_000) return all;
    after = page.at(-1)!.seq;
  }
}

async function storedLines(runId: string, afterSeq = 0): Promise<LogLine[]> {
  const all: LogLine[] = [];
  for (let after = afterSeq; ;) {
    const body = (
      await server.api.get<{ lines: LogLine[]; last_seq: number }>(
        `/api/runs/${runId}/logs?after_seq=${after}&limit=10000`,
      )
    ).body;
    all.push(...body.lines);
    if (body.lines.length < 10_000) return all;
    after = body.last_seq;
  }
}

const finished = (id: string, timeoutMs = 60_000) =>
  waitFor(
    `run ${id} to finish`,
    async () => {
      const run = (await server.api.get<Run>(`/api/runs/${id}`)).body;
      return run.finished_at ? run : undefined;
    },
    timeoutMs,
    50,
  );

describe('run:subscribe', () => {
  it('a client joining mid-run with after_seq = the last it saw gets exactly the missing events, then live ones', async () => {
    await putJob(server.db.url, {
      id: 'mid-run',
      steps: [
        { name: 'talk', type: 'chatty', lines: 400, burst: 10, pause_ms: 20 },
        // 9 KB of UTF-8 in one line: too big to travel in the NOTIFY, read back instead.
        { name: 'rest', type: 'noop', ms: 300, message: `resting ${'€'.repeat(3_000)}` },
      ],
    });
    const streams = server.app.get(RunStreams);
    const before = streams.stats();
    const runId = await trigger('mid-run');
    const first = await connect();
    const a = await first.follow(runId, 0);
    await first.waitUntil('some lines', () => a.lines.length >= 40);
    first.close();
    const seen = a.lastSeq;
    await sleep(150); // the run goes on while nobody watches

    const second = await connect();
    const b = await second.follow(runId, seen);
    const historyUpTo = b.acks[0]!.ok ? (b.acks[0] as { seq: number }).seq : -1;
    await second.waitUntil('run:finished', () => b.finished);

    const stored = await storedEvents(runId);
    expect(stored.map((e) => e.seq)).toEqual(await storedSeqs(runId));
    // The first client saw a prefix, the second exactly the rest: together the stored run, once each.
    expect(a.events).toEqual(stored.filter((e) => e.seq <= seen));
    expect(b.events).toEqual(stored.filter((e) => e.seq > seen));
    expect(
      sequenceProblems(
        b.events,
        stored.filter((e) => e.seq > seen),
      ),
    ).toEqual([]);
    // Some came from history, the rest live, while the run was still going.
    expect(historyUpTo).toBeGreaterThan(seen);
    expect(historyUpTo).toBeLessThan(stored.at(-1)!.seq);
    const live = b.received.filter((r) => r.event.seq > historyUpTo);
    expect(live.length).toBeGreaterThan(0);
    for (const r of live) expect(r.at - Date.parse(r.event.at)).toBeLessThan(1_000);
    expect(b.lines.some((l) => l.line.message === `resting ${'€'.repeat(3_000)}`)).toBe(true);
    // Small batches came with their NOTIFY, the rest was read back: both paths gave the stored events.
    const after = streams.stats();
    expect(after.noticeBatches).toBeGreaterThan(before.noticeBatches);
    expect(after.readBatches).toBeGreaterThan(before.readBatches);
  });

  it('50,000 lines in one step, the client dropping its connection twice: all lines, in order, once each', async () => {
    await putJob(server.db.url, {
      id: 'fifty-thousand',
      steps: [
        { name: 'hello', type: 'noop', message: 'before' },
        { name: 'print', type: 'chatty', lines: 50_000, burst: 1_000 },
        { name: 'bye', type: 'noop', message: 'after' },
      ],
    });
    const runId = await trigger('fifty-thousand');
    const flaky = await connect();
    const steady = await connect();
    const f = await flaky.follow(runId, 0);
    const s = await steady.follow(runId, 0);
    const printed = () => f.lines.filter((l) => l.line.message.startsWith('line ')).length;
    await flaky.waitUntil('10,000 lines', () => printed() >= 10_000);
    flaky.dropConnection();
    await flaky.waitUntil('a reconnect', () => flaky.connects >= 2 && flaky.socket.connected);
    await flaky.waitUntil('30,000 lines', () => printed() >= 30_000 || f.finished);
    flaky.dropConnection();
    await flaky.waitUntil('run:finished', () => f.finished, 60_000);
    await steady.waitUntil('run:finished', () => s.finished, 60_000);
    expect(flaky.connects).toBeGreaterThanOrEqual(3);

    const stored = await storedEvents(runId);
    expect(f.events.map((e) => e.seq)).toEqual(await storedSeqs(runId));
    expect(sequenceProblems(f.events, stored)).toEqual([]);
    expect(f.events).toEqual(stored);
    expect(s.events).toEqual(stored);
    const print = f.lines.map((l) => l.line.message).filter((m) => m.startsWith('line '));
    expect(print).toHaveLength(50_000);
    expect(print.every((m, i) => m === `line ${i}`)).toBe(true);

    // GET /logs?after_seq= serves the same lines, field for field, from any point.
    const lines = await storedLines(runId);
    expect(lines).toEqual(f.lines.map((l) => l.line));
    const from = f.lines[25_000]!.seq;
    expect(await storedLines(runId, from)).toEqual(f.lines.filter((l) => l.seq > from).map((l) => l.line));
  }, 120_000);

  it('a client that stops reading does not hold up the others, and still gets every line once', async () => {
    await putJob(server.db.url, {
      id: 'slow-reader',
      steps: [{ name: 'print', type: 'chatty', lines: 50_000, burst: 2_000 }],
    });
    const streams = server.app.get(RunStreams);
    const demotionsBefore = streams.stats().demotions;
    const slow = await connect();
    const fast = await connect();
    const runId = await trigger('slow-reader');
    const sl = await slow.follow(runId, 0);
    const fa = await fast.follow(runId, 0);
    slow.setReading(false);
    // The fast client gets the whole run while the slow one reads nothing: the shared feed never
    // waits for a socket, and the slow one left it once its write buffer passed the cap.
    await fast.waitUntil('run:finished', () => fa.finished, 60_000);
    const fastDoneAt = Date.now();
    const run = await finished(runId);
    expect(fastDoneAt - Date.parse(run.finished_at!)).toBeLessThan(10_000);
    expect(sl.finished).toBe(false);
    expect(streams.stats().demotions).toBeGreaterThan(demotionsBefore);

    slow.setReading(true);
    await slow.waitUntil('the slow client to catch up', () => sl.finished, 60_000);
    const stored = await storedEvents(runId);
    expect(sequenceProblems(sl.events, stored)).toEqual([]);
    expect(sl.events).toEqual(stored);
    expect(fa.events).toEqual(stored);
  }, 120_000);

  it('follows several runs on one socket; a finished run replays in full; unsubscribe stops the stream', async () => {
    await putJob(server.db.url, {
      id: 'pair',
      concurrency: 'parallel',
      steps: [{ name: 'talk', type: 'chatty', lines: 200, burst: 20, pause_ms: 30 }],
    });
    const [r1, r2] = [await trigger('pair'), await trigger('pair')];
    const client = await connect();
    const f1 = await client.follow(r1!);
    const f2 = await client.follow(r2!);
    await client.waitUntil('some lines of the second run', () => f2.lines.length >= 20);
    expect((await client.unfollow(r2!)).ok).toBe(true);
    const cut = f2.events.length;
    await client.waitUntil('the first run to finish', () => f1.finished);
    await finished(r2!);
    await sleep(100);
    expect(f2.events.length).toBe(cut);
    expect(f1.events).toEqual(await storedEvents(r1!));

    const later = await connect();
    const replay = await later.follow(r1!, 0);
    expect(replay.acks[0]).toEqual({ ok: true, run_id: r1, seq: (await storedEvents(r1!)).at(-1)!.seq });
    expect(replay.events).toEqual(await storedEvents(r1!));
    const tail = await later.follow(r2!, 100);
    expect(tail.events).toEqual(await storedEvents(r2!, 100));
  });

  it('refuses bad requests and unknown runs in the acknowledgement', async () => {
    const client = await connect();
    expect(await client.rawSubscribe({ run_id: 'nope' })).toEqual({
      ok: false,
      error: 'run_id must be a run id',
    });
    expect(await client.rawSubscribe('x')).toEqual({
      ok: false,
      error: 'run:subscribe takes {run_id, after_seq?}',
    });
    expect(
      await client.rawSubscribe({ run_id: '00000000-0000-0000-0000-000000000000', after_seq: -1 }),
    ).toEqual({ ok: false, error: 'after_seq must be a non-negative integer' });
    expect(await client.rawSubscribe({ run_id: '00000000-0000-0000-0000-000000000000' })).toEqual({
      ok: false,
      error: 'run not found: 00000000-0000-0000-0000-000000000000',
    });
    expect(client.socket.connected).toBe(true);
  });
});

describe('catalogue:subscribe', () => {
  it('streams job changes, reloads and the state of every run, "step i / n" included', async () => {
    const client = await connect();
    expect(await client.watchCatalogue()).toEqual({ ok: true });
    const job: JobDocument = {
      id: 'cat-job',
      steps: [
        { name: 'one', type: 'noop', ms: 50 },
        { name: 'two', type: 'noop', ms: 50 },
        { name: 'three', type: 'noop' },
      ],
    };
    expect((await server.api.post('/api/jobs', job)).status).toBe(201);
    await client.waitUntil('job:changed created', () =>
      client.catalogue.some(
        (c) => c.name === 'job:changed' && 'change' in c.event && c.event.change === 'created',
      ),
    );
    expect((await server.api.put('/api/jobs/cat-job', { ...job, description: 'v2' })).status).toBe(200);
    await client.waitUntil('job:changed updated', () =>
      client.catalogue.some(
        (c) => c.name === 'job:changed' && 'change' in c.event && c.event.change === 'updated',
      ),
    );
    const updated = client.catalogue.find(
      (c) => c.name === 'job:changed' && 'change' in c.event && c.event.change === 'updated',
    )!.event;
    expect(updated).toMatchObject({ type: 'job:changed', job_id: 'cat-job', job: { description: 'v2' } });

    const runId = await trigger('cat-job');
    await client.waitUntil('run:finished in the catalogue', () =>
      client.catalogue.some(
        (c) => c.name === 'run:finished' && 'run_id' in c.event && c.event.run_id === runId,
      ),
    );
    const ofRun = client.catalogue
      .filter((c) => 'run_id' in c.event && c.event.run_id === runId)
      .map((c) => c.event as RunEvent);
    expect(ofRun.map((e) => e.type)).toEqual([
      'run:queued',
      'run:started',
      'step:started',
      'step:started',
      'step:started',
      'run:finished',
    ]);
    expect(
      ofRun
        .filter((e): e is StepStartedEvent => e.type === 'step:started')
        .map((e) => [e.index, e.step_count]),
    ).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    const stored = await storedEvents(runId);
    for (const e of ofRun) {
      const original = stored.find((s) => s.seq === e.seq)!;
      // As stored, plus the step count on step:started.
      expect(e).toEqual(e.type === 'step:started' ? { ...original, step_count: 3 } : original);
    }

    // A socket that follows a run gets that run's events once, from the run stream only; the
    // catalogue still brings it the others.
    const both = await connect();
    const second = await trigger('cat-job');
    const followed = await both.follow(second);
    await both.watchCatalogue();
    await both.waitUntil('run:finished', () => followed.finished);
    await finished(second);
    const third = await trigger('cat-job');
    await both.waitUntil('the third run in the catalogue', () =>
      both.catalogue.some(
        (c) => c.name === 'run:finished' && 'run_id' in c.event && c.event.run_id === third,
      ),
    );
    expect(both.catalogue.filter((c) => 'run_id' in c.event && c.event.run_id === second)).toEqual([]);
    expect(followed.events).toEqual(await storedEvents(second));

    expect((await server.api.post('/admin/reload')).status).toBeLessThan(300);
    await client.waitUntil('config:reloaded', () =>
      client.catalogue.some((c) => c.name === 'config:reloaded'),
    );
    expect((await server.api.delete('/api/jobs/cat-job')).status).toBeLessThan(300);
    await client.waitUntil('job:changed deleted', () =>
      client.catalogue.some(
        (c) => c.name === 'job:changed' && 'change' in c.event && c.event.change === 'deleted',
      ),
    );
  });
});

describe('handshake', () => {
  it('a connection the authenticator refuses never reaches a handler or a room', async () => {
    const auth = server.app.get(SocketAuthenticator);
    const spy = jest
      .spyOn(auth, 'authenticate')
      .mockImplementation((handshake) =>
        (handshake.auth as { token?: string }).token === 'good'
          ? Promise.resolve({ name: 'tester', permissions: ['job:*'] })
          : Promise.reject(new SocketAuthError()),
      );
    try {
      await expect(TestSocketClient.connect(server.url)).rejects.toThrow('unauthorized');
      await expect(TestSocketClient.connect(server.url, { auth: { token: 'bad' } })).rejects.toThrow(
        'unauthorized',
      );
      const ok = await connect({ auth: { token: 'good' } });
      expect(await ok.watchCatalogue()).toEqual({ ok: true });
      // Long-polling goes through the same middleware.
      await expect(TestSocketClient.connect(server.url, { transports: ['polling'] })).rejects.toThrow(
        'unauthorized',
      );
    } finally {
      spy.mockRestore();
    }
  });
});
