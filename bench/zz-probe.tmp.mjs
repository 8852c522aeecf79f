import { chromium } from 'playwright-core';
import { join } from 'node:path';
const { startBenchServer, withDatabase } = await import(join('/work/main', 'bench/support.mjs'));
await withDatabase(async (db) => {
  const server = await startBenchServer(db, {
    NOMAFLOW_PLUGIN_DIRS: '/work/main/plugins',
    NOMAFLOW_WEB_DIR: process.env.WEB,
  });
  const jobs = Array.from({ length: 500 }, (_, i) => ({
    id: `bench-job-${String(i).padStart(3, '0')}`,
    description: `job ${i}`,
    tags: ['etl'],
    schedule: i % 4 === 3 ? undefined : { cron: `${i % 60} ${i % 24} * * *`, timezone: 'Europe/Paris' },
    params: i % 3 === 0 ? {} : { a: i },
    steps: Array.from({ length: 1 + (i % 17) }, (_, k) => ({ name: `s${k}`, type: 'noop' })),
  }));
  await fetch(`${server.url}/api/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ version: 1, jobs }),
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  for (let round = 0; round < 2; round++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(() => {
      const of = window.fetch;
      window.__f = [];
      window.fetch = function (...a) {
        const u = String(a[0]?.url ?? a[0]);
        window.__f.push(`call ${u.slice(-10)} @${performance.now().toFixed(0)}`);
        return of.apply(this, a).then(
          (r) => {
            window.__f.push(`resp ${u.slice(-10)} ${r.status} @${performance.now().toFixed(0)}`);
            return r;
          },
          (e) => {
            window.__f.push(`err ${e} @${performance.now().toFixed(0)}`);
            throw e;
          },
        );
      };
      window.__lt = [];
      new MutationObserver(() => {
        if (!window.__c12 && document.querySelectorAll('[data-testid=job-card]').length >= 12)
          window.__c12 = performance.now().toFixed(0);
      }).observe(document, { childList: true, subtree: true });
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.__lt.push([Math.round(e.startTime), Math.round(e.duration)]);
      }).observe({ type: 'longtask', buffered: true });
    });
    const t0 = Date.now();
    const log = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/') || r.url().includes('socket.io'))
        log.push(
          `req ${r.url().split('/').slice(3).join('/').slice(0, 40)} ${r.resourceType()} @${Date.now() - t0}`,
        );
    });
    page.on('requestfinished', (r) => {
      if (r.url().includes('/api/')) log.push(`fin ${r.url().split('/').pop()} @${Date.now() - t0}`);
    });
    page.on('websocket', (ws) => {
      log.push(`ws open @${Date.now() - t0}`);
      ws.on('framereceived', (f) => {
        if (log.filter((x) => x.startsWith('ws<')).length < 4)
          log.push(`ws< ${String(f.payload).slice(0, 30)} @${Date.now() - t0}`);
      });
    });
    await page.goto(`${server.url}/nomaflow/jobs`);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="job-card"]').length >= 12,
      null,
      { polling: 20 },
    );
    const first = await page.evaluate(() => performance.now());
    await new Promise((r) => setTimeout(r, 2500));
    const r = await page.evaluate(() => ({
      marks: performance.getEntriesByType('mark').map((m) => `${m.name}@${m.startTime.toFixed(0)}`),
      dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd.toFixed(0),
      res: performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('.js') || e.name.endsWith('jobs'))
        .map(
          (e) =>
            `${e.name.split('/').pop().slice(0, 12)}:${e.initiatorType}:${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)}`,
        )
        .join(' '),
      lt: window.__lt,
      f: window.__f,
      c12: window.__c12,
    }));
    if (round > 0) console.log('c12 at', r.c12);
    if (round > 0) console.log(r.f.join('\n'));
    if (round > 0) console.log(log.join('\n'));
    if (round > 0)
      console.log(
        `first12@${first.toFixed(0)} dcl@${r.dcl} ${r.marks.join(' ')} | ${r.res} | lt ${JSON.stringify(r.lt)}`,
      );
    await page.close();
  }
  await browser.close();
  await server.close();
});
