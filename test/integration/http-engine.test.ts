// The http step type through the kernel's RunEngine, loaded by discovery as the server loads it: a
// 503 then 200 server under the job's retry policy, and secret headers that never reach the logs,
// events, stored rows or outputs — even when the server echoes them back.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobDocument, Json } from '@nomaflow/contracts';
import { InProcessStepExecutor, RunEngine, StepTypeRegistry, SystemClock } from '@nomaflow/kernel';
import { MemoryRunStore, RecordingEventSink } from '@nomaflow/kernel/testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECRET = 'sk-live-4b9f27c1';

let server: Server;
let base: string;
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const key = req.headers['x-api-key'];
    if (path.startsWith('/flaky') && n === 1) {
      // The error body repeats the key, as careless servers do.
      res.writeHead(503, { 'content-type': 'text/plain' }).end(`overloaded, try again (key ${String(key)})`);
      return;
    }
    if (path === '/deny') {
      res.writeHead(401, { 'content-type': 'text/plain' }).end(`invalid key ${String(key)}`);
      return;
    }
    if (path === '/down') {
      res.writeHead(503).end('still down');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, attempt: n, key, auth: req.headers['authorization'] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function engineRun(job: JobDocument, env: Record<string, string> = {}) {
  const registry = new StepTypeRegistry();
  const report = await registry.discover([join(root, 'plugins', 'http')]);
  expect(report.failed).toEqual([]);
  const store = new MemoryRunStore();
  const events = new RecordingEventSink();
  const engine = new RunEngine({
    store,
    events,
    clock: new SystemClock(),
    executor: new InProcessStepExecutor(registry),
    connectors: { get: async (name) => Promise.reject(new Error(`no connector ${name}`)) },
    env,
  });
  const outcome = await engine.execute({ id: `run-${job.id}`, job, triggered_by: 'api' });
  return {
    outcome,
    events,
    store,
    everything: JSON.stringify([events.events, store.writes, outcome] as unknown as Json),
  };
}

describe('http step through the RunEngine', () => {
  it('a 503 then a 200: the retry policy retries the step, which succeeds on its second attempt', async () => {
    const { outcome, events } = await engineRun({
      id: 'ping-flaky',
      steps: [{ name: 'ping', type: 'http', url: `${base}/flaky-a`, method: 'POST', body: { text: 'hi' } }],
      retry: { attempts: 3, backoff: 'fixed', base_seconds: 0.05 },
    } as JobDocument);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.steps[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(outcome.steps[0]?.output).toMatchObject({ status: 200, body_preview: { ok: true, attempt: 2 } });
    const retrying = events.ofType('step:retrying');
    expect(retrying).toHaveLength(1);
    expect(retrying[0]).toMatchObject({
      attempt: 1,
      next_attempt: 2,
      delay_ms: 50,
      error: `HTTP 503 Service Unavailable from ${base}/flaky-a`,
    });
    expect(hits.get('/flaky-a')).toBe(2);
  });

  it('attempts exhausted: the run fails with the status message', async () => {
    const { outcome } = await engineRun({
      id: 'ping-down',
      steps: [{ name: 'ping', type: 'http', url: `${base}/down` }],
      retry: { attempts: 2, backoff: 'fixed', base_seconds: 0.01 },
    } as JobDocument);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.steps[0]).toMatchObject({
      attempts: 2,
      error: `HTTP 503 Service Unavailable from ${base}/down`,
    });
    expect(outcome.error).toBe(`step ping failed: HTTP 503 Service Unavailable from ${base}/down`);
  });

  it('timeout_seconds aborts a request that hangs, as a failed attempt', async () => {
    const hang = createServer(() => undefined);
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`;
      const t0 = Date.now();
      const { outcome } = await engineRun({
        id: 'ping-hang',
        steps: [{ name: 'ping', type: 'http', url, timeout_seconds: 1 }],
      } as JobDocument);
      expect(outcome.status).toBe('FAILED');
      expect(outcome.steps[0]?.error).toBe('timed out after 1 s');
      expect(Date.now() - t0).toBeLessThan(3_000);
    } finally {
      hang.closeAllConnections();
      await new Promise((resolve) => hang.close(resolve));
    }
  });

  it('a secret header value (literal or from ${env:…}) never appears in logs, events, stored rows or outputs', async () => {
    const { outcome, everything } = await engineRun(
      {
        id: 'ping-secret',
        log_level: 'DEBUG',
        steps: [
          {
            name: 'call',
            type: 'http',
            url: `${base}/flaky-b`,
            secret_headers: { 'X-Api-Key': '${env:API_KEY}', Authorization: 'Bearer tok-literal-9a8b' },
          },
        ],
        retry: { attempts: 2, backoff: 'fixed', base_seconds: 0.01 },
      } as JobDocument,
      { API_KEY: SECRET },
    );
    expect(outcome.status).toBe('SUCCEEDED');
    // The server saw the real values and echoed them: the stored output has them masked.
    expect(outcome.steps[0]?.output).toMatchObject({
      status: 200,
      body_preview: { ok: true, key: '***', auth: '***' },
    });
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('tok-literal-9a8b');
  });

  it('a failure whose response body repeats the secret: the logged details show it masked', async () => {
    const { outcome, events, everything } = await engineRun({
      id: 'ping-deny',
      steps: [{ name: 'call', type: 'http', url: `${base}/deny`, secret_headers: { 'X-Api-Key': SECRET } }],
    } as JobDocument);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.steps[0]?.error).toBe(`HTTP 401 Unauthorized from ${base}/deny`);
    const failed = events.lines().find((l) => l.level === 'ERROR');
    expect(failed?.message).toMatch(/· HTTP 401 Unauthorized from .*\nresponse body: invalid key \*\*\*$/);
    expect(everything).not.toContain(SECRET);
  });
});
