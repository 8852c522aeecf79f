// The http step type against real node:http servers on 127.0.0.1: statuses, JSON and text bodies,
// previews, expected statuses, redirects (and what they carry across origins), timeouts and cancel,
// network errors, connection reuse.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, StepTimeoutError, hasErrorCode, type StepFailedError } from '@nomaflow/contracts';
import { createTestStepContext } from '@nomaflow/kernel/testing';
import http from '../../plugins/http/src/index.js';

type Config = Parameters<typeof http.execute>[1];
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface TestServer {
  server: Server;
  base: string;
  /** Every connection the server accepted. */
  connections: number;
}

async function startServer(handler: Handler): Promise<TestServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const started: TestServer = { server, base: '', connections: 0 };
  server.on('connection', () => (started.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  started.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return started;
}

async function stopServer(s: TestServer | undefined): Promise<void> {
  if (!s) return;
  s.server.closeAllConnections();
  await new Promise((resolve) => s.server.close(resolve));
}

let main: TestServer;
let other: TestServer;

const echo: Handler = (req, res, body) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
};

beforeAll(async () => {
  other = await startServer(echo);
  main = await startServer((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const status = /^\/status\/(\d+)$/.exec(path);
    if (status) {
      res.writeHead(Number(status[1]), { 'content-type': 'text/plain' }).end(`status body ${status[1]}`);
    } else if (path === '/json') {
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        .end('{"ok":true,"items":[1,2]}');
    } else if (path === '/text') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('plain text ✓');
    } else if (path === '/empty') {
      res.writeHead(204).end();
    } else if (path === '/bad-json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"not": json');
    } else if (path === '/big-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: 'x'.repeat(200_000) }));
    } else if (path === '/echo') {
      echo(req, res, body);
    } else if (path.startsWith('/redirect/')) {
      const left = Number(path.split('/')[2]);
      const to = left <= 1 ? '/echo' : `/redirect/${left - 1}`;
      res.writeHead(302, { location: to }).end();
    } else if (path === '/see-other') {
      res.writeHead(303, { location: '/echo' }).end();
    } else if (path === '/temporary') {
      res.writeHead(307, { location: '/echo' }).end();
    } else if (path === '/loop') {
      res.writeHead(301, { location: '/loop' }).end();
    } else if (path === '/elsewhere') {
      res.writeHead(302, { location: `${other.base}/landed` }).end();
    } else if (path === '/slow') {
      setTimeout(() => res.writeHead(200).end('late'), 30_000).unref();
    } else {
      res.writeHead(404).end('not found');
    }
  });
});

afterAll(async () => {
  await stopServer(main);
  await stopServer(other);
});

function config(url: string, more: Partial<Config> = {}): Config {
  return { url, method: 'GET', headers: {}, secret_headers: {}, max_redirects: 5, ...more };
}

async function send(c: Config) {
  const test = createTestStepContext();
  const output = await http.execute(test.ctx, c);
  return { output, logs: test.logs };
}

async function failure(c: Config, abort?: (controller: AbortController) => void) {
  const test = createTestStepContext();
  const pending = http.execute(test.ctx, c);
  abort?.(test.controller);
  const error = await pending.then(
    () => {
      throw new Error('the request succeeded');
    },
    (e: unknown) => e,
  );
  return { error: error as StepFailedError, logs: test.logs };
}

describe('http step: responses', () => {
  it('a JSON response: status, elapsed_ms and the parsed body; one INFO line (and a DEBUG one)', async () => {
    const { output, logs } = await send(config(`${main.base}/json`));
    expect(output).toEqual({
      status: 200,
      elapsed_ms: expect.any(Number),
      body_preview: { ok: true, items: [1, 2] },
    });
    expect(logs).toEqual([
      { level: 'DEBUG', message: `http GET ${main.base}/json · headers User-Agent` },
      {
        level: 'INFO',
        message: expect.stringMatching(new RegExp(`^GET ${main.base}/json → 200 OK · \\d+ ms · 25 B$`)),
      },
    ]);
  });

  it('a text response is previewed as text; an invalid JSON body too; an empty body is ""', async () => {
    expect((await send(config(`${main.base}/text`))).output.body_preview).toBe('plain text ✓');
    expect((await send(config(`${main.base}/bad-json`))).output.body_preview).toBe('{"not": json');
    expect((await send(config(`${main.base}/empty`))).output).toMatchObject({
      status: 204,
      body_preview: '',
    });
  });

  it('a body over 64 KB is cut at 64 KB, left unparsed, and marked truncated', async () => {
    const { output, logs } = await send(config(`${main.base}/big-json`));
    expect(output.truncated).toBe(true);
    expect(typeof output.body_preview).toBe('string');
    expect(Buffer.byteLength(output.body_preview as string)).toBe(64 * 1024);
    expect(logs[1]?.message).toMatch(/more than 64\.0 KB \(preview cut\)$/);
  });

  it('sends an object or array body as JSON and a string as text, with headers; HEAD has no body', async () => {
    const json = await send(
      config(`${main.base}/echo`, {
        method: 'POST',
        body: { text: 'hi', n: [1] },
        headers: { 'X-Trace': 'abc' },
      }),
    );
    expect(json.output.body_preview).toMatchObject({
      method: 'POST',
      body: '{"text":"hi","n":[1]}',
      headers: {
        'content-type': 'application/json',
        'x-trace': 'abc',
        'user-agent': 'Nomaflow/1.0.0 (http step)',
      },
    });
    const array = await send(config(`${main.base}/echo`, { method: 'PUT', body: [1, 2] }));
    expect(array.output.body_preview).toMatchObject({ method: 'PUT', body: '[1,2]' });
    const text = await send(config(`${main.base}/echo`, { method: 'PATCH', body: 'ping' }));
    expect(text.output.body_preview).toMatchObject({
      body: 'ping',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    const typed = await send(
      config(`${main.base}/echo`, {
        method: 'POST',
        body: '<a/>',
        headers: { 'Content-Type': 'application/xml' },
      }),
    );
    expect(typed.output.body_preview).toMatchObject({ headers: { 'content-type': 'application/xml' } });
    const head = await send(config(`${main.base}/json`, { method: 'HEAD' }));
    expect(head.output).toMatchObject({ status: 200, body_preview: '' });
  });

  it('reuses connections: one shared pool for every step', async () => {
    const before = main.connections;
    for (let i = 0; i < 5; i++) await send(config(`${main.base}/json`));
    expect(main.connections - before).toBeLessThanOrEqual(1);
  });
});

describe('http step: statuses', () => {
  it('any 2xx succeeds by default; another status fails with "HTTP <code> <reason> from <url>" (retryable)', async () => {
    expect((await send(config(`${main.base}/status/201`))).output.status).toBe(201);
    const { error } = await failure(config(`${main.base}/status/503`));
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
    expect(error.message).toBe(`HTTP 503 Service Unavailable from ${main.base}/status/503`);
    expect(error.retryable).toBe(true);
    expect(error.details).toBe('response body: status body 503');
    expect((await failure(config(`${main.base}/nowhere`))).error.message).toBe(
      `HTTP 404 Not Found from ${main.base}/nowhere`,
    );
  });

  it('the URL in messages has its query values masked', async () => {
    const { error } = await failure(config(`${main.base}/status/500?api_key=sk-123&page=2`));
    expect(error.message).toBe(
      `HTTP 500 Internal Server Error from ${main.base}/status/500?api_key=***&page=***`,
    );
    expect(error.message).not.toContain('sk-123');
  });

  it('expected_status: one code, or a list', async () => {
    expect(
      (await send(config(`${main.base}/status/404`, { expected_status: [200, 404] }))).output.status,
    ).toBe(404);
    expect((await send(config(`${main.base}/status/202`, { expected_status: 202 }))).output.status).toBe(202);
    expect((await failure(config(`${main.base}/status/200`, { expected_status: 201 }))).error.message).toBe(
      `HTTP 200 OK from ${main.base}/status/200`,
    );
    expect(
      (await failure(config(`${main.base}/status/204`, { expected_status: [200, 201] }))).error.message,
    ).toMatch(/^HTTP 204 No Content from /);
  });
});

describe('http step: redirects', () => {
  it('follows up to max_redirects', async () => {
    const { output } = await send(config(`${main.base}/redirect/3`));
    expect(output).toMatchObject({ status: 200, body_preview: { method: 'GET', url: '/echo' } });
    const { error } = await failure(config(`${main.base}/redirect/3`, { max_redirects: 2 }));
    expect(error.message).toBe(`too many redirects (more than 2) from ${main.base}/redirect/1`);
    expect((await failure(config(`${main.base}/loop`))).error.message).toMatch(
      /^too many redirects \(more than 5\)/,
    );
  });

  it('max_redirects 0 returns the redirect itself, for expected_status to judge', async () => {
    const { output } = await send(
      config(`${main.base}/redirect/1`, { max_redirects: 0, expected_status: 302 }),
    );
    expect(output.status).toBe(302);
    expect((await failure(config(`${main.base}/redirect/1`, { max_redirects: 0 }))).error.message).toBe(
      `HTTP 302 Found from ${main.base}/redirect/1`,
    );
  });

  it('303 turns a POST into a GET without body; 307 keeps the method and the body', async () => {
    const seeOther = await send(config(`${main.base}/see-other`, { method: 'POST', body: { a: 1 } }));
    expect(seeOther.output.body_preview).toMatchObject({ method: 'GET', body: '' });
    expect((seeOther.output.body_preview as { headers: object }).headers).not.toHaveProperty('content-type');
    const temporary = await send(config(`${main.base}/temporary`, { method: 'POST', body: { a: 1 } }));
    expect(temporary.output.body_preview).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('a redirect to another origin drops the secret headers and credentials, keeps the others', async () => {
    const { output } = await send(
      config(`${main.base}/elsewhere`, {
        headers: { 'X-Trace': 'abc', Authorization: 'Basic plain' },
        secret_headers: { 'X-Api-Key': 'sk-secret' },
      }),
    );
    const seen = output.body_preview as { url: string; headers: Record<string, string> };
    expect(seen.url).toBe('/landed');
    expect(seen.headers['x-trace']).toBe('abc');
    expect(seen.headers).not.toHaveProperty('x-api-key');
    expect(seen.headers).not.toHaveProperty('authorization');
  });

  it('a redirect within the origin keeps the secret headers', async () => {
    const { output } = await send(
      config(`${main.base}/redirect/2`, { secret_headers: { 'X-Api-Key': 'sk-secret' } }),
    );
    expect((output.body_preview as { headers: Record<string, string> }).headers['x-api-key']).toBe(
      'sk-secret',
    );
  });
});

describe('http step: timeout, cancel, network errors', () => {
  it('a timeout aborts the request at once and rejects with the typed timeout', async () => {
    const t0 = Date.now();
    const { error } = await failure(config(`${main.base}/slow`), (c) =>
      setTimeout(() => c.abort(new StepTimeoutError(2)), 100),
    );
    expect(hasErrorCode(error, 'timeout')).toBe(true);
    expect(error.message).toBe('timed out after 2 s');
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('a cancel rejects with CancelledError', async () => {
    const { error } = await failure(config(`${main.base}/slow`), (c) =>
      setTimeout(() => c.abort(new CancelledError('alice')), 50),
    );
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
    expect(error.message).toBe('cancelled by alice');
  });

  it('a refused connection is a retryable StepFailedError naming the URL and the cause', async () => {
    const closed = await startServer(echo);
    const url = `${closed.base}/x?token=t0k`;
    await stopServer(closed);
    const { error } = await failure(config(url));
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      new RegExp(`^GET ${closed.base}/x\\?token=\\*\\*\\* failed: .*ECONNREFUSED`),
    );
  });

  it('a URL that is not http(s) is refused without a retry', async () => {
    const { error } = await failure(config('ftp://example.com/file'));
    expect(error.message).toBe('unsupported URL scheme ftp: (http and https only)');
    expect(error.retryable).toBe(false);
  });
});
