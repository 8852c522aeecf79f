import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunEvent } from '@nomaflow/contracts';
import { putJob } from '../support/jobs-table.js';
import { sequenceProblems, TestSocketClient } from '../support/socket-client.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { startServerProcess } from '../support/server-process.js';
import type { ServerProcess } from '../support/server-process.js';
import { apiClient } from '../support/test-server.js';

/**
 * Live events across processes: real server processes (the built entry point) on one database —
 * two API-only and one worker-only. Clients on either API process see the worker's events live,
 * exactly as stored; nothing but PostgreSQL connects the processes.
 */
let db: TestDatabase;
const procs: ServerProcess[] = [];
const clients: TestSocketClient[] = [];

function startProcess(name: string, roles: string): Promise<ServerProcess> {
  return startServerProcess(name, {
    DATABASE_URL: db.url,
    NOMAFLOW_ROLES: roles,
    NOMAFLOW_INSTANCE_ID: name,
    NOMAFLOW_SEED_DEMO: 'false',
    NOMAFLOW_TIMEZONE: 'UTC',
    NOMAFLOW_SECRET_KEY: 'nomaflow test secret key, not for production',
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  procs.push(await startProcess('api-1', 'api')); // applies the migrations
  procs.push(...(await Promise.all([startProcess('api-2', 'api'), startProcess('worker-1', 'worker')])));
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const p of procs) p.child.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  await db?.drop();
});

async function connect(url: string): Promise<TestSocketClient> {
  const client = await TestSocketClient.connect(url);
  clients.push(client);
  return client;
}

describe('live events across processes', () => {
  it("clients on either API process see the worker process's events live, exactly as stored", async () => {
    const [api1, api2, worker] = procs;
    await putJob(db.url, {
      id: 'remote',
      concurrency: 'parallel',
      steps: [1, 2, 3, 4].map((i) => ({ name: `step-${i}`, type: 'noop', ms: 250, message: `hello ${i}` })),
    });
    const watcher = await connect(api2!.url);
    expect(await watcher.watchCatalogue()).toEqual({ ok: true });

    const trigger = await apiClient(api1!.url).post<{ run_id: string }>('/api/jobs/remote/runs', {});
    expect(trigger.status).toBe(202);
    const runId = trigger.body.run_id;
    const [c1, c2] = await Promise.all([connect(api1!.url), connect(api2!.url)]);
    const [f1, f2] = await Promise.all([c1.follow(runId, 0), c2.follow(runId, 0)]);
    await c1.waitUntil('run:finished on api-1', () => f1.finished);
    await c2.waitUntil('run:finished on api-2', () => f2.finished);

    const stored = (
      await apiClient(api2!.url).get<{ events: RunEvent[] }>(`/api/runs/${runId}/events?limit=10000`)
    ).body.events;
    expect(stored.at(-1)).toMatchObject({ type: 'run:finished', status: 'SUCCEEDED' });
    for (const f of [f1, f2]) {
      expect(sequenceProblems(f.events, stored)).toEqual([]);
      expect(f.events).toEqual(stored);
      // Live: every event after the history of the subscribe arrived within a second of its
      // emission on the worker, and the steps arrived as they ran, not in one dump at the end.
      const historyUpTo = f.acks[0]!.ok ? (f.acks[0] as { seq: number }).seq : Infinity;
      const live = f.received.filter((r) => r.event.seq > historyUpTo);
      expect(live.length).toBeGreaterThan(stored.length / 2);
      for (const r of live) expect(r.at - Date.parse(r.event.at)).toBeLessThan(1_000);
      const starts = f.received.filter((r) => r.event.type === 'step:started').map((r) => r.at);
      expect(starts.at(-1)! - starts[0]!).toBeGreaterThan(500);
    }

    // The catalogue of the other API process saw the run's states too.
    await watcher.waitUntil('run:finished in the catalogue', () =>
      watcher.catalogue.some(
        (c) => c.name === 'run:finished' && 'run_id' in c.event && c.event.run_id === runId,
      ),
    );
    expect(
      watcher.catalogue.filter((c) => 'run_id' in c.event && c.event.run_id === runId).map((c) => c.name),
    ).toEqual([
      'run:queued',
      'run:started',
      'step:started',
      'step:started',
      'step:started',
      'step:started',
      'run:finished',
    ]);

    // Socket.IO is served by API processes only.
    const probe = await fetch(`${worker!.url}/socket.io/?EIO=4&transport=polling`);
    expect(probe.status).toBe(404);
  }, 60_000);
});
