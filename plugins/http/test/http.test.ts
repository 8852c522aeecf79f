import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stepTypeContractChecks } from '@nomaflow/kernel/testing';
import { PREVIEW_BYTES, readPreview, safeUrl, statusLine } from '../src/helpers.js';

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers: only the abort ends the request
    if (req.url === '/fail') {
      res.writeHead(500).end('broken');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('http: the kernel contract kit', () => {
  it('passes every contract check', async () => {
    const checks = await stepTypeContractChecks(pluginDir, {
      abortConfig: { url: `${base}/hang` },
      failConfig: { url: `${base}/fail` },
      successConfig: { url: `${base}/ok`, method: 'POST', body: { hello: 'world' } },
      validConfigs: [
        { url: 'http://example.com', expected_status: [200, 201, 202, 204] },
        { url: '${env:HOOK}', method: 'DELETE', max_redirects: 0, body: 'text' },
      ],
      invalidConfigs: [
        {},
        { url: 'ftp://example.com/file' },
        { url: 'example.com' },
        { url: 'http://x', method: 'FETCH' },
        { url: 'http://x', expected_status: 99 },
        { url: 'http://x', expected_status: [] },
        { url: 'http://x', expected_status: '200' },
        { url: 'http://x', headers: { 'bad header': 'x' } },
        { url: 'http://x', secret_headers: { Authorization: 1 } },
        { url: 'http://x', body: 42 },
        { url: 'http://x', max_redirects: 21 },
        { url: 'http://x', nope: true },
      ],
    });
    expect(checks).toHaveLength(7);
    for (const check of checks) {
      await expect(check.run()).resolves.toBeUndefined();
    }
  });
});

describe('http: helpers', () => {
  it('masks query values, user info and the fragment of a URL', () => {
    expect(safeUrl(new URL('https://user:pw@api.example.com:8443/v1/items?token=abc&page=2&flag#frag'))).toBe(
      'https://api.example.com:8443/v1/items?token=***&page=***&flag=***',
    );
    expect(safeUrl(new URL('http://example.com'))).toBe('http://example.com/');
  });

  it('names statuses', () => {
    expect(statusLine(503)).toBe('503 Service Unavailable');
    expect(statusLine(299)).toBe('299');
  });

  it('previews at most 64 KB, parsing only complete JSON, and never cuts a character in half', async () => {
    async function* chunks(...parts: string[]) {
      for (const p of parts) yield Buffer.from(p);
    }
    await expect(
      readPreview(chunks('{"a":', '[1,2]}'), 'application/json; charset=utf-8'),
    ).resolves.toMatchObject({
      value: { a: [1, 2] },
      truncated: false,
    });
    await expect(readPreview(chunks('{"a":'), 'application/problem+json')).resolves.toMatchObject({
      value: '{"a":',
    });
    const big = `${'x'.repeat(PREVIEW_BYTES - 1)}é and more`;
    const cut = await readPreview(chunks(big), 'text/plain');
    expect(cut.truncated).toBe(true);
    expect(cut.value).toBe('x'.repeat(PREVIEW_BYTES - 1));
    await expect(readPreview(chunks('a\u0000b'), 'application/octet-stream')).resolves.toMatchObject({
      value: 'a\uFFFDb',
    });
  });
});
