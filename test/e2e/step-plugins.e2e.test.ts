import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LogLine, Run } from '@nomaflow/contracts';
import { sql } from '../support/jobs-table.js';
import { repoRoot, startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

/**
 * The built-in step types through the whole product: saved with the jobs API, queued, claimed by a
 * worker, run with connectors from the connectors module, secrets sealed and masked end to end.
 */
const TOKEN = 'Bearer e2e-token-5e5e5e';

let server: TestServer;
let peer: Server;
let peerUrl: string;
const seenAuth: string[] = [];

beforeAll(async () => {
  peer = createServer((req, res) => {
    seenAuth.push(String(req.headers.authorization));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', () => r()));
  peerUrl = `http://127.0.0.1:${(peer.address() as { port: number }).port}`;
  // The python step type reads its code folder from the process environment, as in production.
  process.env.NOMAFLOW_PYTHON_PATH = join(repoRoot, 'test/fixtures/python');
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
  await new Promise((r) => peer?.close(r));
});

async function runToEnd(jobId: string, body: unknown = {}): Promise<Run> {
  const trigger = await server.api.post<{ run_id: string }>(`/api/jobs/${jobId}/runs`, body);
  expect(trigger.status).toBe(202);
  return waitFor(
    `run of ${jobId}`,
    async () => {
      const r = (await server.api.get<Run>(`/api/runs/${trigger.body.run_id}`)).body;
      return ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(r.status) ? r : undefined;
    },
    30_000,
  );
}

describe('built-in step types through the server', () => {
  it('lists every built-in step type and connector driver', async () => {
    const r = await server.api.get<{ step_types: { type: string }[]; failed: unknown[] }>('/api/step-types');
    expect(r.body.failed).toEqual([]);
    expect(r.body.step_types.map((t) => t.type)).toEqual(
      expect.arrayContaining(['http', 'ldap_sync', 'noop', 'python', 'sql_copy', 'sql_query']),
    );
  });

  it('runs sql_query on the default connector, python through the connector bridge, and http with a secret header', async () => {
    const job = {
      id: 'etl-demo',
      params: { who: 'nomaflow' },
      steps: [
        {
          name: 'create-table',
          type: 'sql_query',
          connector: 'default',
          query: 'CREATE TABLE IF NOT EXISTS greetings (id serial PRIMARY KEY, who text NOT NULL)',
        },
        {
          name: 'insert-row',
          type: 'sql_query',
          connector: 'default',
          query: 'INSERT INTO greetings (who) VALUES (:who), (:other)',
          params: { who: '${kw:who}', other: "x'); DROP TABLE greetings; --" },
        },
        {
          name: 'python-db',
          type: 'python',
          callable: 'samples.db:roundtrip',
          op_kwargs: { connector: 'default', rows: 5 },
        },
        { name: 'python-hello', type: 'python', callable: 'samples.basics:hello' },
        {
          name: 'call-peer',
          type: 'http',
          url: `${peerUrl}/hook?rows=\${out:insert-row.rows_affected}`,
          secret_headers: { authorization: TOKEN },
        },
      ],
    };
    const created = await server.api.post<{ steps: Record<string, unknown>[] }>('/api/jobs', job);
    expect(created.status).toBe(201);
    expect(created.body.steps[4]?.secret_headers).toEqual({ authorization: '********' });

    const run = await runToEnd('etl-demo', { params: { who: 'operator' } });
    expect(run.error).toBeNull();
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps[1]?.output).toEqual({ rows_affected: 2 });
    const rows = await sql<{ who: string }>(server.db.url, 'SELECT who FROM greetings ORDER BY id');
    expect(rows.map((r) => r.who)).toEqual(['operator', "x'); DROP TABLE greetings; --"]);
    expect(run.steps[2]?.output).toMatchObject({ inserted: 5, count: 5 });
    expect(run.steps[3]?.output).toMatchObject({ greeting: 'hello world' });
    expect(run.steps[4]?.output).toMatchObject({
      status: 200,
      body_preview: { ok: true, path: '/hook?rows=2' },
    });
    expect(seenAuth).toContain(TOKEN);

    const lines = (await server.api.get<{ lines: LogLine[] }>(`/api/runs/${run.id}/logs?limit=10000`)).body
      .lines;
    expect(lines.some((l) => l.message.includes('step create-table · type=sql_query'))).toBe(true);
    const everything = JSON.stringify([
      lines,
      run,
      (await server.api.get(`/api/runs/${run.id}/events`)).body,
    ]);
    expect(everything).not.toContain('e2e-token');
    const stored = await sql<{ dump: string }>(
      server.db.url,
      `SELECT (SELECT string_agg(t::text, ' ') FROM jobs t) || (SELECT string_agg(t::text, ' ') FROM runs t)
           || (SELECT string_agg(t::text, ' ') FROM run_events t) AS dump`,
    );
    expect(stored[0]?.dump).not.toContain('e2e-token');
  });

  it('fails a step on a connector that does not exist, with a clear message', async () => {
    await server.api.post('/api/jobs', {
      id: 'bad-connector',
      steps: [{ name: 'q', type: 'sql_query', connector: 'nowhere', query: 'SELECT 1' }],
    });
    const run = await runToEnd('bad-connector');
    expect(run.status).toBe('FAILED');
    expect(run.steps[0]?.error).toContain('unknown connector: nowhere');
  });
});
