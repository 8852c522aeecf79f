import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openConsole } from '../support/browser.js';
import type { ConsoleSession } from '../support/browser.js';

describe('console shell (Chromium against a started server)', () => {
  let s: ConsoleSession;
  beforeAll(async () => {
    s = await openConsole();
  }, 60_000);
  afterAll(() => s?.close());

  it('serves the console at / and lands on the jobs catalogue', async () => {
    await s.page.goto(s.url('/'));
    await s.page.waitForURL('**/nomaflow/jobs');
    const links = await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(links.map((l) => l.trim())).toEqual(['Jobs', 'Runs', 'Schedule', 'Settings']);
  });

  it('answers a deep link with the app, and the API still with JSON', async () => {
    const page = await s.page.goto(s.url('/nomaflow/schedule'));
    expect(page?.status()).toBe(200);
    await s.page.waitForFunction(() => document.title.includes('Schedule'));
    const api = await s.server.api.get('/api/jobs');
    expect(api.status).toBe(200);
    expect(Array.isArray(api.body)).toBe(true);
    const missing = await s.server.api.get('/api/nope');
    expect(missing.status).toBe(404);
  });

  it('caches hashed assets for good and index.html never', async () => {
    const index = await fetch(s.url('/nomaflow/jobs'));
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const main = /src="(main-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    expect(main).toBeDefined();
    const asset = await fetch(s.url(`/${main}`));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('shows that live updates are connected over Socket.IO', async () => {
    await s.page.goto(s.url('/nomaflow/jobs'));
    await s.page.getByRole('status', { name: 'Live updates connected' }).waitFor();
    expect(s.errors).toEqual([]);
  });
});
